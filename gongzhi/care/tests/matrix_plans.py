"""Matrix objects of care: plans and branches. In each district a care branch for the grid-A party
branch (made here, reused by the rosters' matrix), a carer with leave, a plan for a household of
unit A with an emergency contact, and a household of unit A without a plan. Plans, branches and
carers are seen by the roles whose area scope covers grid A and who may read care lists; the
household (the "new plan" page) by every role whose scope covers it."""

import datetime as dt

from gongzhi.care.models import CareBranch, CarerKind, CarerLeave, EmergencyContact
from gongzhi.core import scope
from gongzhi.core.permissions import can
from gongzhi.core.tests.matrix import Param, World

from . import factories
from .matrix_rosters import _grid_branch


def _side(nodes: dict) -> dict:
    from gongzhi.areas.tests.factories import child

    org = _grid_branch(nodes)
    branch = CareBranch.objects.filter(organization=org).first() or factories.branch(org)
    carer = factories.carer(branch, kind=CarerKind.VOLUNTEER, name="矩阵丙")
    leave = CarerLeave.objects.create(carer=carer, start_on=dt.date(2030, 1, 1), end_on=dt.date(2030, 1, 5), reason="矩阵")
    plan = factories.plan(child(nodes["unit_a"], name="矩阵计划室"), branch, carers=[carer])
    contact = EmergencyContact.objects.create(plan=plan, name="矩阵联系人", relation="儿子", phone="13900001111")
    household = child(nodes["unit_a"], name="矩阵新户")
    return {"branch": branch, "carer": carer, "leave": leave, "plan": plan, "contact": contact,
            "household": household}


def objects(world: World) -> dict[str, Param]:
    inside, outside = _side(world.d1), _side(world.d2)
    path = inside["plan"].household.path
    seen = frozenset(role for role, user in world.users.items()
                     if can(user, "care.view_list") and scope.covers_path(user, path))
    covers = frozenset(role for role, user in world.users.items()
                       if scope.covers_path(user, inside["household"].path))

    def param(key: str, seen_by=seen) -> Param:
        return Param(inside=inside[key].pk, outside=outside[key].pk, seen_by=seen_by)

    return {
        "plans.plan_id": param("plan"),
        "plans.contact_id": param("contact"),
        "plans.household_id": param("household", covers),
        "branches.branch_id": param("branch"),
        "carers.carer_id": param("carer"),
        "carers.leave_id": param("leave"),
    }
