"""Who may do what in honours (read by `gongzhi.core.permissions`).

The staff of an area (community, street, district) run its selections and award rounds: set them
up, make the short list, put it to the vote, announce, add criteria and panel members, decide.
Anyone signed in may try to nominate in a selection (the service says why not: not a resident of
the area, outside the window) and may be named to a panel (the service checks the sheet is theirs).
A community's staff or a unit's liaison put their community or unit forward for an award.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import AreaNode
from gongzhi.core import scope
from gongzhi.core.permissions import Rule

KEEPER_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})
READER_ROLES = KEEPER_ROLES | frozenset({Role.INSPECTOR, Role.SUPERVISION})
AWARD_NOMINATOR_ROLES = KEEPER_ROLES | frozenset({Role.UNIT_LIAISON})


def area_of(obj: Any) -> AreaNode | None:
    if isinstance(obj, AreaNode):
        return obj
    node = getattr(obj, "area", None)
    if isinstance(node, AreaNode):
        return node
    for attribute in ("selection", "round"):
        if getattr(obj, f"{attribute}_id", None) is not None:
            return area_of(getattr(obj, attribute))
    return None


def keeps_area(user, obj: Any) -> bool:
    """The object's area lies in the user's scope (no object: the kind of action)."""
    if obj is None:
        return True
    node = area_of(obj)
    return node is not None and scope.covers_path(user, node.path)


RULES = {
    # The honours pages: selections of where one lives, the honour roll.
    "honours.view": Rule(everyone=True),
    # The staff lists of selections and rounds (with the nominations and scores).
    "honours.view_list": Rule(roles=READER_ROLES),
    # Set up and run a selection or an award round of the area.
    "honours.keep": Rule(roles=KEEPER_ROLES, relation=keeps_area,
                         message=_("Only the staff of the area run its selections and awards.")),
    # Nominate in a selection (the service checks the resident and the window).
    "honours.nominate": Rule(everyone=True),
    # Put a community or a unit forward for an award (the service checks it is one's own).
    "honours.award_nominate": Rule(roles=AWARD_NOMINATOR_ROLES,
                                   message=_("Only a community's staff or a unit's liaison put it forward.")),
    # Score a nomination (the service checks the panel seat, the once, not one's own).
    "honours.score": Rule(everyone=True),
}
