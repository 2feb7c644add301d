"""The roles, and the groups of them the platform and the admin need, declared in one place.

Every other module names roles through `Role` and these groups; the apps' `permissions.py` say
which roles may do each action (`gongzhi.core.permissions`). `ROLE_PERMISSIONS` is what each role
may do in the Django admin: Django's "<app_label>.<action>_<model>" strings, where a pattern may use
* for the action or the model. Row-level limits (which area) come from the area scope, not from here.
"""

from fnmatch import fnmatchcase

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    GRID_WORKER = "grid_worker", _("Grid worker")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    STREET_STAFF = "street_staff", _("Street staff")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    INSPECTOR = "inspector", _("Inspector")
    SUPERVISION = "supervision", _("Supervision committee member")
    UNIT_LIAISON = "unit_liaison", _("Unit liaison")
    PARTY_MEMBER = "party_member", _("Party member")
    DISTRICT_ADMIN = "district_admin", _("District administrator")


# Roles whose data scope is a set of area nodes; each needs at least one binding.
AREA_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.COMMUNITY_STAFF,
        Role.STREET_STAFF,
        Role.INSPECTOR,
        Role.SUPERVISION,
        Role.DISTRICT_ADMIN,
    }
)
STAFF_ROLES = AREA_ROLES | {Role.DEPARTMENT_STAFF}
# Roles that maintain master data in the admin (always within their scope).
ADMIN_SITE_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})
# The kind of area node each area role is bound to.
ROLE_NODE_KINDS = {
    Role.GRID_WORKER: ("grid",),
    Role.COMMUNITY_STAFF: ("community",),
    Role.SUPERVISION: ("community",),
    Role.STREET_STAFF: ("street",),
    Role.INSPECTOR: ("street", "community", "grid"),
    Role.DISTRICT_ADMIN: ("district",),
}

MASTER_DATA_EDIT = ["areas.add_*", "areas.change_*", "areas.view_*"]

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.DISTRICT_ADMIN: (
        "areas.*",
        "party.*",
        "accounts.view_*",
        "core.view_auditevent",
        "core.*_calendarday",
        "core.*_calendaryear",
        "cases.*",
        "residents.*",
        "integrations.*",
        "triage.*",
    ),
    Role.STREET_STAFF: ("areas.view_*", "areas.add_*", "areas.change_*", "party.*", "core.view_auditevent"),
    Role.COMMUNITY_STAFF: (
        "areas.view_*",
        "areas.add_areanode",
        "areas.change_areanode",
        "areas.add_estate",
        "areas.change_estate",
        "areas.add_unit",
        "areas.change_unit",
        "party.view_*",
        "party.add_*",
        "party.change_*",
        "core.view_auditevent",
    ),
    Role.GRID_WORKER: ("areas.view_areanode", "areas.add_areanode", "areas.change_areanode"),
}


def role_has_perm(role: str, perm: str) -> bool:
    return any(fnmatchcase(perm, pattern) for pattern in ROLE_PERMISSIONS.get(role, ()))


def role_has_module_perms(role: str, app_label: str) -> bool:
    return any(pattern.split(".", 1)[0] == app_label for pattern in ROLE_PERMISSIONS.get(role, ()))
