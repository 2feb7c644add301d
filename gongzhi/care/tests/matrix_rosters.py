"""Matrix objects of care: rosters. In each district a care branch for the grid-A party branch
(the party app's matrix makes it; made here when absent), two carers on a plan for household A, a
published roster of next month with their turns, and a swap request between two of them. Seen by
the roles whose area scope covers grid A and who may read care lists (the branch secretary and
the carers are not matrix roles)."""

import datetime as dt

from django.utils import timezone

from gongzhi.care.models import CareBranch, CarerKind, Roster, RosterState, SwapRequest, Turn
from gongzhi.core import scope
from gongzhi.core.permissions import can
from gongzhi.core.tests.matrix import Param, World
from gongzhi.party.models import OrgKind, PartyOrganization
from gongzhi.party.tests.factories import community_orgs, organization

from . import factories


def _grid_branch(nodes: dict) -> PartyOrganization:
    found = PartyOrganization.objects.filter(area=nodes["grid_a"], kind=OrgKind.BRANCH).order_by("pk").first()
    if found is not None:
        return found
    top = organization(None, kind=OrgKind.DISTRICT_COMMITTEE, area=nodes["district"])
    street = organization(top, kind=OrgKind.STREET_WORKING_COMMITTEE, area=nodes["street"])
    return community_orgs(nodes["community"], street, [nodes["grid_a"]])["branches"][0]


def _side(nodes: dict) -> dict:
    org = _grid_branch(nodes)
    branch = CareBranch.objects.filter(organization=org).first() or factories.branch(org)
    a = factories.carer(branch, kind=CarerKind.VOLUNTEER, name="矩阵甲", max_per_week=7)
    b = factories.carer(branch, kind=CarerKind.VOLUNTEER, name="矩阵乙", max_per_week=7)
    plan = factories.plan(child_household(nodes), branch, carers=[a, b], every_days=1)
    start = timezone.localdate() + dt.timedelta(days=30)
    roster = Roster.objects.create(branch=branch, start_on=start, end_on=start + dt.timedelta(days=6),
                                   state=RosterState.PUBLISHED, published_at=timezone.now(), turn_count=2,
                                   min_load=1, max_load=1)
    first = Turn.objects.create(roster=roster, plan=plan, carer=a, date=start)
    second = Turn.objects.create(roster=roster, plan=plan, carer=b, date=start + dt.timedelta(days=1))
    swap = SwapRequest.objects.create(turn=first, other_turn=second, reason="矩阵")
    return {"roster": roster, "turn": first, "swap": swap, "path": plan.household.path}


def child_household(nodes: dict):
    from gongzhi.areas.tests.factories import child

    return child(nodes["unit_a"], name="矩阵室")


def objects(world: World) -> dict[str, Param]:
    inside, outside = _side(world.d1), _side(world.d2)
    seen = frozenset(role for role, user in world.users.items()
                     if can(user, "care.view_list") and scope.covers_path(user, inside["path"]))
    return {
        "rosters.roster_id": Param(inside=inside["roster"].pk, outside=outside["roster"].pk, seen_by=seen),
        "rosters.turn_id": Param(inside=inside["turn"].pk, outside=outside["turn"].pk, seen_by=seen),
        "rosters.swap_id": Param(inside=inside["swap"].pk, outside=outside["swap"].pk, seen_by=seen),
    }
