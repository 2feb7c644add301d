"""Matrix objects of care: visits and emergencies. In each district a plan for a household of unit A
(on the grid-A party branch's care branch) with one recorded visit and one open emergency. Seen by
the roles whose area scope covers it and who may read care lists."""

from django.utils import timezone

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import child
from gongzhi.care.models import CareBranch, CarerKind, CareVisit, CheckIn, Emergency
from gongzhi.core import scope
from gongzhi.core.permissions import can
from gongzhi.core.tests.matrix import Param, World

from . import factories
from .matrix_rosters import _grid_branch


def _side(nodes: dict, tag: str) -> dict:
    org = _grid_branch(nodes)
    branch = CareBranch.objects.filter(organization=org).first() or factories.branch(org)
    visitor = user("resident", username=f"matrix_visitor_{tag}")
    carer = factories.carer(branch, kind=CarerKind.VOLUNTEER, name="矩阵丙", user=visitor)
    plan = factories.plan(child(nodes["unit_a"], name="矩阵访视室"), branch, carers=[carer])
    visit = CareVisit.objects.create(plan=plan, carer=carer, visitor=visitor, check_in=CheckIn.REASON,
                                     check_in_reason="矩阵", notes="矩阵", visited_at=timezone.now())
    emergency = Emergency.objects.create(plan=plan, visit=visit, description="矩阵", raised_by=visitor)
    return {"plan": plan, "visit": visit, "emergency": emergency, "path": plan.household.path}


def objects(world: World) -> dict[str, Param]:
    inside, outside = _side(world.d1, "1"), _side(world.d2, "2")
    seen = frozenset(role for role, u in world.users.items()
                     if can(u, "care.view_list") and scope.covers_path(u, inside["path"]))
    return {
        "visits.plan_id": Param(inside=inside["plan"].pk, outside=outside["plan"].pk, seen_by=seen),
        "visits.visit_id": Param(inside=inside["visit"].pk, outside=outside["visit"].pk, seen_by=seen),
        "emergencies.plan_id": Param(inside=inside["plan"].pk, outside=outside["plan"].pk, seen_by=seen),
        "emergencies.emergency_id": Param(inside=inside["emergency"].pk, outside=outside["emergency"].pk,
                                          seen_by=seen),
    }
