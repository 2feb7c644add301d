"""Who may do what in the differentiated assessment and the star rating (read by
`gongzhi.core.permissions`).

The district's administrators keep the indicators, the periods, the bottom lines, the templates and
the star thresholds, open and close a period, set the streets' plans and publish the stars; the
street's staff set the plans of the communities of their street and review their stars; the staff,
inspectors and supervision committee members read the periods and the scores of their area scope.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import scope
from gongzhi.core.permissions import Rule

KEEPER_ROLES = frozenset({Role.DISTRICT_ADMIN})
PLANNER_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.STREET_STAFF})
READER_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN, Role.INSPECTOR,
                          Role.SUPERVISION})


def _path(obj: Any) -> str:
    if isinstance(obj, AreaNode):
        return obj.path
    for attribute in ("district", "unit", "community"):
        node = getattr(obj, attribute, None)
        if isinstance(node, AreaNode):
            return node.path
    for attribute in ("period", "plan", "round"):
        if getattr(obj, f"{attribute}_id", None) is not None:
            return _path(getattr(obj, attribute))
    return ""


def keeps_district(user, obj: Any) -> bool:
    """The object's district (or area) lies in the user's scope."""
    if obj is None:
        return True
    path = _path(obj)
    return bool(path) and scope.covers_path(user, path)


def _unit(obj: Any) -> AreaNode | None:
    if isinstance(obj, AreaNode):
        return obj
    for attribute in ("unit", "community"):
        node = getattr(obj, attribute, None)
        if isinstance(node, AreaNode):
            return node
    return None


def plans_for(user, obj: Any) -> bool:
    """The level above sets a unit's plan and reviews its stars: the district's administrators for
    its streets and communities, the street's staff for the communities of their street."""
    if obj is None:
        return True
    unit = _unit(obj)
    if unit is None:
        return False
    if not scope.covers_path(user, unit.path):
        return False
    if getattr(user, "role", None) == Role.STREET_STAFF:
        return unit.kind == AreaKind.COMMUNITY
    return True


RULES = {
    # The assessment pages: periods, plans, scores and the star lists of the area scope.
    "targets.view": Rule(roles=READER_ROLES),
    # Indicators, periods, bottom lines, templates, star thresholds of the district.
    "targets.keep": Rule(roles=KEEPER_ROLES, relation=keeps_district,
                         message=_("Only the district's administrators keep its assessment.")),
    # Open a period (locks the plans) and close it (freezes the results).
    "targets.open": Rule(roles=KEEPER_ROLES, relation=keeps_district,
                         message=_("Only the district's administrators open and close its periods.")),
    "targets.close": Rule(roles=KEEPER_ROLES, relation=keeps_district,
                          message=_("Only the district's administrators open and close its periods.")),
    # Set a unit's weights and targets (the level above the unit).
    "targets.plan": Rule(roles=PLANNER_ROLES, relation=plans_for,
                         message=_("Only the level above a street or community sets its plan.")),
    # Review a community's proposed stars (the committee: street or district).
    "targets.review_stars": Rule(roles=PLANNER_ROLES, relation=plans_for,
                                 message=_("Only the street's or the district's reviewers set the final stars.")),
    # Propose and publish the district's star rating of the year.
    "targets.publish": Rule(roles=KEEPER_ROLES, relation=keeps_district,
                            message=_("Only the district's administrators publish the star rating.")),
    # Download the period's scores (.xlsx).
    "targets.export": Rule(roles=READER_ROLES),
}
