"""Who may do what in care for households in difficulty (read by `gongzhi.core.permissions`).

The community's and street's staff and the grid workers keep the care plans and the branches'
people of their area scope; the branch secretary generates and publishes the branch's rosters and
decides swaps; a carer records visits to the households on their rota, asks to swap their own turns
and raises an emergency at the door. Health notes are revealed only to the plan's people (its
carers, the branch secretary) and to the community (community staff and grid workers of the area).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import AreaNode
from gongzhi.core import scope
from gongzhi.core.permissions import Rule

# Staff who set up branches and keep plans of their area scope.
KEEPER_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})
# Who also keeps plans and records visits in their grid.
FIELD_ROLES = KEEPER_ROLES | frozenset({Role.GRID_WORKER})
# Who reads the plans, rosters and figures of their scope.
READER_ROLES = FIELD_ROLES | frozenset({Role.INSPECTOR, Role.SUPERVISION})
# The community side that may read health notes (besides the plan's own people).
COMMUNITY_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.GRID_WORKER})
# The people whose work the grid workers' assessment scores (its score events name only them).
SCORED_ROLES = frozenset({Role.GRID_WORKER})


def area_path(obj: Any) -> str:
    """The area path of an area node or of anything of this app."""
    if isinstance(obj, AreaNode):
        return obj.path
    for attribute in ("household", "area"):
        node = getattr(obj, attribute, None)
        if isinstance(node, AreaNode):
            return node.path
    for attribute in ("plan", "branch", "roster", "carer", "turn", "visit"):
        if getattr(obj, f"{attribute}_id", None) is not None:
            return area_path(getattr(obj, attribute))
    return ""


def branch_of(obj: Any):
    """The care branch an object belongs to (None for an area node)."""
    from .models import CareBranch

    if isinstance(obj, CareBranch):
        return obj
    for attribute in ("branch", "plan", "roster", "carer", "turn", "visit"):
        if getattr(obj, f"{attribute}_id", None) is not None:
            return branch_of(getattr(obj, attribute))
    return None


def keeps_area(user, obj: Any) -> bool:
    """Staff whose area scope covers the object."""
    path = area_path(obj)
    return bool(path) and scope.covers_path(user, path)


def is_secretary(user, obj: Any) -> bool:
    branch = branch_of(obj)
    return branch is not None and branch.secretary_id is not None and branch.secretary_id == user.pk


def _keeper(user, obj: Any) -> bool:
    return getattr(user, "role", None) in FIELD_ROLES and keeps_area(user, obj)


def runs_branch(user, obj: Any) -> bool:
    """The branch secretary, or the staff (and grid workers) of the branch's area."""
    return obj is None or is_secretary(user, obj) or _keeper(user, obj)


def plan_of(obj: Any):
    from .models import CarePlan

    if isinstance(obj, CarePlan):
        return obj
    for attribute in ("plan", "turn", "visit"):
        if getattr(obj, f"{attribute}_id", None) is not None:
            return plan_of(getattr(obj, attribute))
    return None


def on_rota(user, obj: Any) -> bool:
    """A carer on the plan's rota (their account)."""
    plan = plan_of(obj)
    return plan is not None and plan.rota.filter(carer__user=user, carer__active=True).exists()


def cares_for(user, obj: Any) -> bool:
    """On the plan's rota, its branch secretary, or the staff (and grid workers) of its area."""
    return obj is None or isinstance(obj, AreaNode) and _keeper(user, obj) or (
        plan_of(obj) is not None and (on_rota(user, obj) or is_secretary(user, obj) or _keeper(user, obj))
    )


def may_read_health(user, obj: Any) -> bool:
    """The plan's people (its carers, the branch secretary) and the community of its area."""
    if obj is None:
        return True
    if on_rota(user, obj) or is_secretary(user, obj):
        return True
    return getattr(user, "role", None) in COMMUNITY_ROLES and keeps_area(user, obj)


RULES = {
    # The care home: one's own turns, or the staff's lists.
    "care.view_home": Rule(everyone=True),
    # Plans, rosters, visits and figures of the area (staff); carers and secretaries see theirs by the models' rules.
    "care.view_list": Rule(roles=READER_ROLES),
    # Set up a care branch and its secretary (object: the area or the branch).
    "care.keep_branches": Rule(roles=KEEPER_ROLES, relation=keeps_area,
                               message=_("Only the community's staff set up care branches.")),
    # Make, change, review and close care plans; keep the branch's carers and their leave.
    "care.keep_plans": Rule(roles=FIELD_ROLES, relation=keeps_area,
                            message=_("Only the community's staff and grid workers keep care plans.")),
    # Generate, publish and withdraw the branch's rosters; decide swaps (the secretary or the area's staff).
    "care.run_roster": Rule(everyone=True, relation=runs_branch,
                            message=_("Only the branch secretary or the community's staff run the rosters.")),
    # Ask to swap one's own turn (the service checks it is one's own).
    "care.ask_swap": Rule(everyone=True, relation=cares_for),
    # Record a visit, raise an emergency (a carer on the rota, the secretary, the area's staff).
    "care.visit": Rule(everyone=True, relation=cares_for,
                       message=_("Only the household's carers and the community's staff record its visits.")),
    # Mark an emergency handled.
    "care.handle_emergency": Rule(roles=FIELD_ROLES, relation=keeps_area),
    # Read a plan's health notes (audited).
    "care.reveal_health": Rule(everyone=True, relation=may_read_health,
                               message=_("Only the household's carers and the community read its health notes.")),
    # Download the figures (.xlsx).
    "care.export_figures": Rule(roles=READER_ROLES),
}
