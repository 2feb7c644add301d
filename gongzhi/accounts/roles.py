"""The roles, and the groups of them the platform and the admin need, declared in one place.

Every other module names roles through `Role` and these groups; the apps' `permissions.py` say
which roles may do each action (`gongzhi.core.permissions`). `ROLE_PERMISSIONS` is what each role
may do in the Django admin: Django's "<app_label>.<action>_<model>" strings, where a pattern may use
* for the action or the model. Row-level limits (which area) come from the area scope, not from here.
"""

from fnmatch import fnmatchcase

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import InvalidInput


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
# Roles that act for a department (and must belong to one), and for a resident unit.
DEPARTMENT_ROLES = frozenset({Role.DEPARTMENT_STAFF})
UNIT_ROLES = frozenset({Role.UNIT_LIAISON})
# Roles that must sign in with a second factor (TOTP) by default; the setting
# ACCOUNTS_2FA_REQUIRED_ROLES overrides (gongzhi.accounts.permissions.two_factor_required).
TWO_FACTOR_ROLES = frozenset({Role.DISTRICT_ADMIN})
# The kind of area node each area role is bound to.
ROLE_NODE_KINDS = {
    Role.GRID_WORKER: ("grid",),
    Role.COMMUNITY_STAFF: ("community",),
    Role.SUPERVISION: ("community",),
    Role.STREET_STAFF: ("street",),
    Role.INSPECTOR: ("street", "community", "grid"),
    Role.DISTRICT_ADMIN: ("district",),
}

# What each role does here, in one sentence (the home page says it under the user's name, above
# the tiles of the pages the gate gives them). Only work that has a page today: the programmes that
# add more (disclosure, unit resources, needs, spot checks) extend these sentences with their pages.
ROLE_BLURBS = {
    Role.GRID_WORKER: _("Visit the households of your grid, report what you find and handle grid-level matters."),
    Role.COMMUNITY_STAFF: _("Receive residents' matters, dispatch and follow them up, and keep the community's records."),
    Role.STREET_STAFF: _("Handle escalated matters, call in departments and supervise the communities of your street."),
    Role.DEPARTMENT_STAFF: _("Handle the matters sent to your department and report back."),
    Role.INSPECTOR: _("Check the door visits and cases sampled for you, follow how matters are handled, and look at the registry and the figures of the areas assigned to you."),
    Role.SUPERVISION: _("See your community's areas and party organisations."),
    Role.UNIT_LIAISON: _("Report your unit in to the community, publish what it offers, claim needs and raise its problems."),
    Role.PARTY_MEMBER: _("Report in to the community where you live, log your service and claim needs."),
    Role.DISTRICT_ADMIN: _("Maintain the district's areas, catalogues, time limits and users."),
    Role.RESIDENT: _("Raise a matter with your community and follow how it is handled."),
}


def role_blurb(user) -> str:
    if user.is_superuser:
        return str(_("You can see and maintain everything in every area."))
    return str(ROLE_BLURBS.get(getattr(user, "role", None), ROLE_BLURBS[Role.RESIDENT]))


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


def check_role_fields(*, role: str, nodes: list, department, unit) -> None:
    """What a role needs: area roles at least one node of their kind, department staff a department,
    unit liaisons a unit (InvalidInput on the field otherwise)."""
    if role not in Role.values:
        raise InvalidInput(gettext("Unknown role."), fields={"role": [gettext("Choose a valid role.")]})
    if role in AREA_ROLES:
        if not nodes:
            raise InvalidInput(
                gettext("A %(role)s must be bound to at least one area node.") % {"role": Role(role).label},
                fields={"nodes": [gettext("Choose at least one area node.")]},
            )
        allowed = ROLE_NODE_KINDS.get(role)
        wrong = [n for n in nodes if allowed and n.kind not in allowed]
        if wrong:
            raise InvalidInput(
                gettext("A %(role)s is bound to nodes of kind: %(kinds)s.")
                % {"role": Role(role).label, "kinds": ", ".join(allowed)},
                fields={"nodes": [str(n) for n in wrong]},
            )
    if role in DEPARTMENT_ROLES and department is None:
        raise InvalidInput(
            gettext("Department staff must belong to a department."), fields={"department": [gettext("Choose a department.")]}
        )
    if role in UNIT_ROLES and unit is None:
        raise InvalidInput(gettext("A unit liaison must belong to a unit."), fields={"unit": [gettext("Choose a unit.")]})


def check_user_bindings(user, nodes: list) -> None:
    """The nodes a user is to be bound to suit the user's role."""
    check_role_fields(role=user.role, nodes=nodes, department=user.department, unit=user.unit)


def is_area_staff(user) -> bool:
    return user.role in AREA_ROLES


def grants(user, perm: str) -> bool:
    """Whether the user's role grants a Django admin permission (ROLE_PERMISSIONS)."""
    return role_has_perm(user.role, perm)


def grants_module(user, app_label: str) -> bool:
    return role_has_module_perms(user.role, app_label)

