"""Who may do what with residents' records. Row-level limits (which area) come from the area scope;
these functions answer the role-level question.

- view: grid workers, community and street staff, district admins and inspectors (read-only, for
  their spot checks of grid work);
- edit (register people, record moves, tags, visits, import): grid workers, community and street
  staff, district admins;
- reveal full ID numbers and phones (`residents.reveal_pii`): community staff, street staff and
  district admins by role, or anyone granted the permission explicitly (e.g. one grid worker).
  Grid workers do not reveal by default: their daily work (visits, lists) needs names and
  addresses, and they can still find a person by typing the full ID number or phone;
- export: community staff, street staff, district admins (exports leave the system; grid workers
  and inspectors do not export).
"""

from gongzhi.accounts.roles import Role
from gongzhi.core.actors import is_system
from gongzhi.core.permissions import Rule

VIEW_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN, Role.INSPECTOR})
EDIT_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})
REVEAL_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})
EXPORT_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})
REVEAL_PERMISSION = "residents.reveal_pii"

RULES = {
    "residents.view": Rule(roles=VIEW_ROLES),
    "residents.edit": Rule(roles=EDIT_ROLES),
    "residents.reveal": Rule(roles=REVEAL_ROLES, granted_by=REVEAL_PERMISSION),
    "residents.export": Rule(roles=EXPORT_ROLES),
}


def _role(user) -> str | None:
    return getattr(user, "role", None)


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", True))


def can_view(user) -> bool:
    if is_system(user):
        return True
    return _active(user) and (user.is_superuser or _role(user) in VIEW_ROLES)


def can_edit(user) -> bool:
    if is_system(user):
        return True
    return _active(user) and (user.is_superuser or _role(user) in EDIT_ROLES)


def can_reveal(user) -> bool:
    if is_system(user):
        return True
    if not _active(user):
        return False
    if user.is_superuser or _role(user) in REVEAL_ROLES:
        return True
    # An explicit grant (user or group permission) — not the role table of accounts.roles.
    from django.contrib.auth.backends import ModelBackend

    return REVEAL_PERMISSION in ModelBackend().get_all_permissions(user)


def can_export(user) -> bool:
    if is_system(user):
        return True
    return _active(user) and (user.is_superuser or _role(user) in EXPORT_ROLES)
