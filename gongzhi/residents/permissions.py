"""Who may do what with residents' records: the actions of the residents app and the rule for each
(read by `gongzhi.core.permissions.can/require`; nothing else in the app names a role).

- view (the roster, households, people, visits, photos): grid workers, community and street staff,
  district admins and inspectors (read-only, for their spot checks of grid work);
- edit (register people, change their details, record moves, tags, visits and photos, the
  household card, link a visit to a request, import): grid workers, community and street staff,
  district admins;
- reveal full ID numbers and phones (`residents.reveal_pii`): community staff, street staff and
  district admins by role, or anyone granted the permission explicitly (e.g. one grid worker).
  Grid workers do not reveal by default: their daily work (visits, lists) needs names and
  addresses, and they can still find a person by typing the full ID number or phone;
- export: community staff, street staff, district admins (exports leave the system; grid workers
  and inspectors do not export).

Every action on an object also needs the object in the user's area scope (`in_scope`). Services
and pages look the object up through `Model.objects.visible_to(user)` first, so an object outside
the scope answers 404, never a 403 that would confirm it exists.
"""

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.core import scope
from gongzhi.core.permissions import Rule

VIEW_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN, Role.INSPECTOR})
EDIT_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})
REVEAL_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})
EXPORT_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})
# The people whose work the grid workers' assessment scores (its score events name only them).
SCORED_ROLES = frozenset({Role.GRID_WORKER})
REVEAL_PERMISSION = "residents.reveal_pii"

EDIT_MESSAGE = _("You may not change residents' records.")
REVEAL_MESSAGE = _("You may not see full ID numbers and phone numbers.")
EXPORT_MESSAGE = _("You may not export residents' records.")


def in_scope(user, obj) -> bool:
    """The object (a household node, person, tag, move, visit, photo or card) lies in the user's
    area scope."""
    path = scope.area_path_of(obj)
    return path is not None and scope.covers_path(user, path)


def _edit(message=EDIT_MESSAGE) -> Rule:
    return Rule(roles=EDIT_ROLES, relation=in_scope, message=message)


RULES = {
    # Reading: the roster, household cards, people, visits and their photos.
    "residents.view": Rule(roles=VIEW_ROLES, relation=in_scope),
    # The people search (name, pinyin, exact ID number or phone, address).
    "residents.search_people": Rule(roles=VIEW_ROLES),
    # Changing a person's details, linking them to their party membership.
    "residents.edit": _edit(),
    # Registering a person in a household (迁入 / 登记), and many at once.
    "residents.register": _edit(),
    # Moves: out (迁出), to another household (辖区内搬迁), death.
    "residents.record_move": _edit(),
    # Special-group tags: add and end.
    "residents.tag": _edit(),
    # The household card (户情档案).
    "residents.edit_household_card": _edit(),
    # Door visits, their photos, and noting the request a visit was turned into.
    "residents.record_visit": _edit(),
    "residents.add_visit_photo": _edit(),
    "residents.link_case": _edit(),
    # Importing the spreadsheet (and downloading its template).
    "residents.import": Rule(roles=EDIT_ROLES, message=EDIT_MESSAGE),
    "residents.reveal": Rule(roles=REVEAL_ROLES, granted_by=REVEAL_PERMISSION, relation=in_scope, message=REVEAL_MESSAGE),
    # A resident links their own account to their record by name and ID number (services say why not).
    "residents.verify_self": Rule(roles=frozenset({Role.RESIDENT})),
    "residents.export": Rule(roles=EXPORT_ROLES, message=EXPORT_MESSAGE),
}
