"""What each role may do in the admin and elsewhere, declared in one place.

Permissions are Django's "<app_label>.<action>_<model>" strings; a pattern may use * for the action
or the model. Row-level limits (which area) come from the area scope, not from here."""

from fnmatch import fnmatchcase

from .models import Role

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
