"""Reading care plans: the list (filtered by branch, state, due for review), one plan with its
people, rota, contacts and recent visits and turns; the branches a user may choose."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core.errors import NotFound
from gongzhi.residents.models import Person

from ..models import CareBranch, CarePlan, Carer, CareVisit, PlanCarer, Turn


def plans_list(*, user, branch=None, state: str = "", due: bool = False) -> QuerySet:
    qs = (CarePlan.objects.visible_to(user).select_related("household", "branch__organization")
          .prefetch_related("people", Prefetch("rota", queryset=PlanCarer.objects.select_related("carer"))))
    if branch:
        qs = qs.filter(branch_id=branch)
    if state:
        qs = qs.filter(state=state)
    if due:
        qs = qs.filter(state="active", next_review_on__lte=timezone.localdate())
    return qs.order_by("household__path", "pk")


def plan_get(*, user, pk) -> CarePlan:
    row = (CarePlan.objects.visible_to(user).select_related("household", "branch__organization", "branch__secretary")
           .filter(pk=pk).first())
    if row is None:
        raise NotFound()
    return row


def plan_rota(*, plan: CarePlan) -> list[PlanCarer]:
    return list(plan.rota.select_related("carer").order_by("-paired", "carer__name"))


def recent_visits(*, plan: CarePlan, limit: int = 10) -> list:
    return list(CareVisit.objects.filter(plan=plan).select_related("visitor").order_by("-visited_at", "-pk")[:limit])


def recent_turns(*, plan: CarePlan, limit: int = 10) -> list[Turn]:
    return list(Turn.objects.filter(plan=plan).select_related("carer").order_by("-date", "-pk")[:limit])


def household_get(*, user, pk) -> AreaNode:
    """A household of the user's area (404 outside it or when it is not a household)."""
    row = AreaNode.objects.visible_to(user).filter(pk=pk, kind=AreaKind.HOUSEHOLD).first()
    if row is None:
        raise NotFound()
    return row


def household_people(*, household: AreaNode) -> QuerySet:
    """The people registered in the household, to choose who is cared for."""
    return Person.objects.filter(household=household).order_by("pk")


def branches_for(*, user) -> list[CareBranch]:
    return list(CareBranch.objects.visible_to(user).select_related("organization", "area"))


def carers_of(*, branch_id) -> list[Carer]:
    return list(Carer.objects.filter(branch_id=branch_id, active=True).order_by("kind", "name"))


def active_plan_of(*, user, household) -> CarePlan | None:
    return (CarePlan.objects.visible_to(user).filter(household=household, state="active")
            .select_related("branch__organization").first())


def household_panel(*, user, household) -> dict | None:
    """What the residents' household page shows of care (extension point
    "residents.household.panels"): the active plan's summary and link, or for staff who keep plans
    the button to start one. None when there is nothing to show."""
    from django.utils.translation import gettext

    from gongzhi.core.permissions import can

    plan = active_plan_of(user=user, household=household)
    may_start = plan is None and can(user, "care.keep_plans", household)
    if plan is None and not may_start:
        return None
    needs = []
    rota = []
    if plan is not None:
        from ..models import CareNeed

        needs = [CareNeed(n).label for n in plan.needs if n in CareNeed.values]
        rota = plan_rota(plan=plan)
    return {"title": gettext("Care plan"), "template": "care/plans/_household_panel.html",
            "context": {"plan": plan, "household": household, "needs": needs, "rota": rota, "may_start": may_start}}
