"""Shared test data of care, made with the models directly (each concern's own factories, in
factories_<concern>.py, build on these). `care_world()` is one grid branch of the test tree with
its secretary, a party group, a member, a volunteer (each with an account) and one plan for
household A with all three on its rota."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.models import AreaNode
from gongzhi.care.models import CareBranch, CarePlan, Carer, CarerKind, PlanCarer
from gongzhi.party.tests.factories import member as party_member
from gongzhi.party.tests.factories import party_tree
from gongzhi.volunteers.tests.factories import volunteer as make_volunteer

_serial = itertools.count(1)


def branch(organization, *, secretary=None) -> CareBranch:
    return CareBranch.objects.create(organization=organization, area=organization.area, secretary=secretary)


def carer(branch: CareBranch, *, kind: str = CarerKind.VOLUNTEER, name: str = "", user=None, max_per_week: int = 2,
          unavailable_weekdays=(), party_group=None, member=None, volunteer=None) -> Carer:
    n = next(_serial)
    if kind == CarerKind.GROUP and party_group is None:
        raise ValueError("a group carer needs party_group")
    if kind == CarerKind.MEMBER and member is None:
        member = party_member(branch.organization, name=name or f"党员{n}", phone=f"1390000{n:04d}")
    if kind == CarerKind.VOLUNTEER and volunteer is None:
        volunteer = make_volunteer(branch.area, name=name or f"志愿者{n}", user=user)
    return Carer.objects.create(
        branch=branch, kind=kind, party_group=party_group, member=member, volunteer=volunteer,
        name=name or (party_group.name if party_group else member.name if member else volunteer.name),
        user=user, max_per_week=max_per_week, unavailable_weekdays=list(unavailable_weekdays),
    )


def plan(household: AreaNode, branch: CareBranch, *, carers=(), paired=(), every_days: int = 7, **extra) -> CarePlan:
    extra.setdefault("next_review_on", timezone.localdate() + dt.timedelta(days=90))
    extra.setdefault("checkin_code", f"C{next(_serial):05d}")
    extra.setdefault("needs", ["groceries", "company"])
    made = CarePlan.objects.create(household=household, branch=branch, every_days=every_days, **extra)
    for c in carers:
        PlanCarer.objects.create(plan=made, carer=c, paired=c in paired)
    return made


def care_world() -> dict:
    """party_tree() (district 1: community with grids A and B) + a care branch for grid A's branch."""
    nodes = party_tree()
    grid_branch, group = nodes["branch_a"], nodes["group_a"]
    secretary = user("party_member", username=f"secretary{next(_serial)}")
    care_branch = branch(grid_branch, secretary=secretary)
    group_user = user("party_member", username=f"groupleader{next(_serial)}")
    member_user = user("party_member", username=f"member{next(_serial)}")
    volunteer_user = user("resident", username=f"volunteer{next(_serial)}")
    c_group = carer(care_branch, kind=CarerKind.GROUP, party_group=group, user=group_user)
    c_member = carer(care_branch, kind=CarerKind.MEMBER, name="王建国", user=member_user)
    c_volunteer = carer(care_branch, kind=CarerKind.VOLUNTEER, name="李秀兰", user=volunteer_user)
    community_staff = user("community_staff", nodes=[nodes["community"]])
    grid_worker = user("grid_worker", nodes=[nodes["grid_a"]])
    the_plan = plan(nodes["household_a"], care_branch, carers=[c_group, c_member, c_volunteer], paired=[c_member])
    nodes.update({
        "grid_branch": grid_branch, "group": group, "care_branch": care_branch, "secretary": secretary,
        "group_user": group_user, "member_user": member_user, "volunteer_user": volunteer_user,
        "carer_group": c_group, "carer_member": c_member, "carer_volunteer": c_volunteer,
        "community_staff": community_staff, "grid_worker": grid_worker, "plan": the_plan,
    })
    return nodes
