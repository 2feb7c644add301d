"""Who may do what in the grid workers' assessment (read by `gongzhi.core.permissions`).

A grid worker reads their own months and lines and appeals a line of their own; the community's,
street's and district's staff and the inspectors read the workers' scores of their area scope; the
district keeps the rules and the pay formula; the street (or the district) computes and closes its
months and decides appeals; a correction is asked by the staff and approved by a second person.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import AreaNode
from gongzhi.core import scope
from gongzhi.core.permissions import Rule

# The people whose work is scored.
SCORED_ROLES = frozenset({Role.GRID_WORKER})
# Who reads the workers' scores of their area scope.
READER_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN, Role.INSPECTOR})
# Who computes and closes a street's month and decides its appeals.
STREET_ROLES = frozenset({Role.STREET_STAFF, Role.DISTRICT_ADMIN})
# Who keeps the rules and the pay formula.
DISTRICT_ROLES = frozenset({Role.DISTRICT_ADMIN})
# Who asks for a correction.
CORRECTOR_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})


def area_path(obj: Any) -> str:
    """The area path of an area node or of anything of this app."""
    if isinstance(obj, AreaNode):
        return obj.path
    area = getattr(obj, "area", None)
    if isinstance(area, AreaNode):
        return area.path
    for attribute in ("worker_month", "line"):
        if getattr(obj, f"{attribute}_id", None) is not None:
            return area_path(getattr(obj, attribute))
    return ""


def worker_id_of(obj: Any) -> int | None:
    if getattr(obj, "worker_id", None) is not None:
        return obj.worker_id
    for attribute in ("worker_month", "line"):
        if getattr(obj, f"{attribute}_id", None) is not None:
            return worker_id_of(getattr(obj, attribute))
    return None


def keeps_area(user, obj: Any) -> bool:
    """Staff whose area scope covers the object."""
    path = area_path(obj)
    return bool(path) and scope.covers_path(user, path)


def is_own(user, obj: Any) -> bool:
    """The worker's own month, line or appeal."""
    return worker_id_of(obj) == user.pk


def second_person(user, obj: Any) -> bool:
    """Staff of the area who did not ask for the correction themselves."""
    return keeps_area(user, obj) and getattr(obj, "requested_by_id", None) != user.pk


def is_scored(user) -> bool:
    """A person whose work the assessment scores."""
    return getattr(user, "role", None) in SCORED_ROLES


RULES = {
    # One's own score page (a grid worker's months and lines).
    "assessment.view_own": Rule(everyone=True),
    # The workers' scores of the area scope (lists, a worker's month, rankings).
    "assessment.view_scores": Rule(roles=READER_ROLES),
    # Create and end rules and pay formulas (the district).
    "assessment.keep_rules": Rule(roles=DISTRICT_ROLES, message=_("Only the district keeps the scoring rules.")),
    # Compute a month (object: the area node).
    "assessment.compute": Rule(roles=STREET_ROLES, relation=keeps_area,
                               message=_("Only the street or the district computes the scores.")),
    # Close a street's month (object: the street).
    "assessment.close_month": Rule(roles=STREET_ROLES, relation=keeps_area,
                                   message=_("Only the street or the district closes a month.")),
    # Appeal a line of one's own month.
    "assessment.appeal": Rule(roles=SCORED_ROLES, relation=is_own,
                              message=_("Only the worker appeals a line of their own score.")),
    # Withdraw one's own pending appeal.
    "assessment.withdraw_appeal": Rule(everyone=True, relation=is_own),
    # Uphold or dismiss an appeal (with a reason).
    "assessment.decide_appeal": Rule(roles=STREET_ROLES, relation=keeps_area,
                                     message=_("Only the street decides appeals.")),
    # Ask for a correction of a worker's month.
    "assessment.request_correction": Rule(roles=CORRECTOR_ROLES, relation=keeps_area,
                                          message=_("Only the staff of the worker's area ask for a correction.")),
    # Approve or reject a correction (not the person who asked for it).
    "assessment.approve_correction": Rule(roles=STREET_ROLES, relation=second_person,
                                          message=_("A correction is approved by a second person of the street.")),
    # A2
    # Download a month's report (.xlsx) of the area scope (audited).
    "assessment.export_report": Rule(roles=READER_ROLES),
}
