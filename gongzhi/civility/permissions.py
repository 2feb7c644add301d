"""Who may do what with household civility points (read by `gongzhi.core.permissions`).

Grid workers check the households of their grid, inspectors and community staff those of their
area scope (the area scope is the relation: a grid worker is bound to their grid). The community's
staff record the households' consent to be named, compute the yearly bonus and set the final stars;
only the community's staff approve (freeze) the bonus. The street and the district keep the
standards and formulas of their areas; standards for everywhere are the district's.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import AreaNode
from gongzhi.core import scope
from gongzhi.core.permissions import Rule

# Staff who keep the standards, consents, bonuses and stars of their area scope.
KEEPER_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})
# Who checks households at the door.
CHECKER_ROLES = frozenset({Role.GRID_WORKER, Role.INSPECTOR, Role.COMMUNITY_STAFF})
# Who reads checks, points, bonuses and stars of their scope.
READER_ROLES = KEEPER_ROLES | CHECKER_ROLES | frozenset({Role.SUPERVISION})
# Who decides for the community: approve its bonus, set final stars.
COMMUNITY_ROLES = frozenset({Role.COMMUNITY_STAFF})
# Who may keep a standard or formula for everywhere (no area).
EVERYWHERE_ROLES = frozenset({Role.DISTRICT_ADMIN})


def area_path(obj: Any) -> str:
    """The area path of an area node or of anything of this app."""
    if isinstance(obj, AreaNode):
        return obj.path
    for attribute in ("household", "community", "area"):
        node = getattr(obj, attribute, None)
        if isinstance(node, AreaNode):
            return node.path
    for attribute in ("record", "run"):
        if getattr(obj, f"{attribute}_id", None) is not None:
            return area_path(getattr(obj, attribute))
    return ""


def keeps_area(user, obj: Any) -> bool:
    """Staff whose area scope covers the object (a row without an area: `civility.keep_everywhere`)."""
    path = area_path(obj)
    return bool(path) and scope.covers_path(user, path)


RULES = {
    # The civility pages and lists of one's scope.
    "civility.view": Rule(roles=READER_ROLES),
    # Check a household against the standards (object: the household node).
    "civility.check": Rule(roles=CHECKER_ROLES, relation=keeps_area,
                           message=_("Only the grid's worker, inspectors and the community's staff check households.")),
    # Add a standard, a bonus formula or star thresholds (object: the area, or None for everywhere).
    "civility.keep_standards": Rule(roles=KEEPER_ROLES, relation=keeps_area,
                                    message=_("Only the area's staff keep the civility standards.")),
    # Keep a standard, formula or thresholds for everywhere (no area).
    "civility.keep_everywhere": Rule(roles=EVERYWHERE_ROLES,
                                     message=_("Only the district keeps standards for everywhere.")),
    # Record or revoke a household's consent to be named on the public page.
    "civility.consent": Rule(roles=KEEPER_ROLES, relation=keeps_area,
                             message=_("Only the community's staff record a household's consent.")),
    # Compute (and recompute while a draft) a community's yearly bonus; propose the stars.
    "civility.compute": Rule(roles=KEEPER_ROLES, relation=keeps_area,
                             message=_("Only the community's staff compute the civility bonus.")),
    # Approve (freeze) the community's bonus; set a household's final stars.
    "civility.decide": Rule(roles=COMMUNITY_ROLES, relation=keeps_area,
                            message=_("Only the community's staff decide the bonus and the stars.")),
    # Download a bonus list (.xlsx, audited).
    "civility.export": Rule(roles=KEEPER_ROLES | frozenset({Role.INSPECTOR, Role.SUPERVISION}), relation=keeps_area),
}
