"""Who may do what in co-building (read by `gongzhi.core.permissions`).

The community's and street's staff keep the lists of their scope (registrations, needs, resources,
projects, problems, cards, figures); grid workers raise needs and print the cards of their grid.
Members and units act for themselves: a member reports in, logs service and claims needs; a unit's
liaison registers the unit, publishes its resources, claims needs, raises problems; the employer's
liaison confirms a member's registration and the receipt of a quarterly report. The services check
that it is their own.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import AreaNode
from gongzhi.core import scope
from gongzhi.core.permissions import Rule

# Staff who keep the community's co-building of their area scope.
KEEPER_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})
# Who also raises needs and prints cards (in their grid).
FIELD_ROLES = KEEPER_ROLES | frozenset({Role.GRID_WORKER})
# Who reads the lists and figures of their scope.
READER_ROLES = FIELD_ROLES | frozenset({Role.INSPECTOR, Role.SUPERVISION})


def area_path(obj: Any) -> str:
    """The area path of an area node or of anything of this app."""
    if isinstance(obj, AreaNode):
        return obj.path
    for attribute in ("community", "area", "household"):
        node = getattr(obj, attribute, None)
        if isinstance(node, AreaNode):
            return node.path
    for attribute in ("report", "project", "problem"):
        if getattr(obj, f"{attribute}_id", None) is not None:
            return area_path(getattr(obj, attribute))
    return ""


def keeps_area(user, obj: Any) -> bool:
    """Staff whose area scope covers the object."""
    path = area_path(obj)
    return bool(path) and scope.covers_path(user, path)


RULES = {
    # The co-building home: one's own registration, claims and reports, or the staff's lists.
    "cobuilding.view_home": Rule(everyone=True),
    # Lists, details and figures of the area's co-building (staff).
    "cobuilding.view_list": Rule(roles=READER_ROLES),
    # Register a member or a unit with a community, end a registration, evaluate (object: the area or the registration).
    "cobuilding.keep_registrations": Rule(roles=KEEPER_ROLES, relation=keeps_area,
                                          message=_("Only the community's staff keep the registrations.")),
    # Report in oneself, log one's service, publish one's unit's resources (the service checks it is one's own).
    "cobuilding.report_in": Rule(everyone=True),
    # Confirm a member's registration and a report's receipt for the employer (the service checks the unit).
    "cobuilding.confirm_for_employer": Rule(roles=frozenset({Role.UNIT_LIAISON}) | KEEPER_ROLES,
                                            message=_("Only the employer's liaison or the community's staff confirm this.")),
    # A unit liaison's full phone (audited).
    "cobuilding.reveal": Rule(roles=KEEPER_ROLES, relation=keeps_area, granted_by="cobuilding.reveal_liaison",
                              message=_("Only the community's staff see a liaison's full phone.")),
    # Raise a need for an area (staff and grid workers; object: the area node), withdraw it.
    "cobuilding.raise_need": Rule(roles=FIELD_ROLES, relation=keeps_area,
                                  message=_("Only the area's staff and grid workers raise needs.")),
    # A resident's wish (微心愿) for their own household (the service checks).
    "cobuilding.wish": Rule(everyone=True),
    # Claim a need, report it done (a reported member or unit; the service checks), confirm it (the beneficiary).
    "cobuilding.claim": Rule(everyone=True),
    # Projects: create, change, milestones, agreement, renew, close (object: the area node or the project).
    "cobuilding.keep_projects": Rule(roles=KEEPER_ROLES, relation=keeps_area,
                                     message=_("Only the area's staff keep co-building projects.")),
    # Evaluate a project (a resident signed in; the service checks the area).
    "cobuilding.evaluate": Rule(everyone=True),
    # Raise a problem for one's unit (the service checks the unit).
    "cobuilding.raise_problem": Rule(roles=frozenset({Role.UNIT_LIAISON}) | KEEPER_ROLES,
                                     message=_("Only a unit's liaison or the area's staff raise a unit's problem.")),
    # Take up a problem, report progress, solve it (object: the problem).
    "cobuilding.handle_problem": Rule(roles=KEEPER_ROLES, relation=keeps_area,
                                      message=_("Only the street's and community's staff take up units' problems.")),
    # Print contact cards (object: the area node of a grid, building or household).
    "cobuilding.print_cards": Rule(roles=FIELD_ROLES, relation=keeps_area,
                                   message=_("Only the grid's worker and the community's staff print contact cards.")),
    # Background jobs (quarterly reports).
    "cobuilding.sweep": Rule(system_only=True),
}
