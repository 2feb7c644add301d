"""Who may do what in the privacy app (read by `gongzhi.core.permissions.can/require`).

- export a person's data on their request (`privacy.export_person`): community staff, street staff
  and district admins, for a person in their area scope (the export is unmasked: it is for the
  person themself, and it is an audit event).
"""

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.core import scope
from gongzhi.core.permissions import Rule

EXPORT_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})


def in_scope(user, obj) -> bool:
    path = scope.area_path_of(obj)
    return path is not None and scope.covers_path(user, path)


RULES = {
    "privacy.export_person": Rule(
        roles=EXPORT_ROLES,
        relation=in_scope,
        message=_("You may not export a person's data."),
    ),
}
