"""What the visit pages and API read: the signed-in carer's turns (upcoming and recent, with the
household's address), a visit, the emergencies of the staff's area."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from gongzhi.areas.selectors import addresses
from gongzhi.core.errors import NotFound

from ..models import CarePlan, CareVisit, Emergency, EmergencyState, RosterState, Turn

RECENT_DAYS = 14
AHEAD_DAYS = 31


def my_turns(*, user, today: dt.date | None = None) -> list[Turn]:
    """The user's turns on published rosters from two weeks back to a month ahead, with `address`."""
    today = today or timezone.localdate()
    rows = list(Turn.objects.filter(carer__user=user, roster__state=RosterState.PUBLISHED,
                                    date__range=(today - dt.timedelta(days=RECENT_DAYS),
                                                 today + dt.timedelta(days=AHEAD_DAYS)))
                .select_related("plan__household", "carer").order_by("date", "pk"))
    names = addresses([t.plan.household for t in rows]) if rows else {}
    for t in rows:
        t.address = names.get(t.plan.household_id) or t.plan.household.name
    return rows


def plan_get(*, user, pk) -> CarePlan:
    row = CarePlan.objects.visible_to(user).select_related("household", "branch").filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def visit_get(*, user, pk) -> CareVisit:
    row = (CareVisit.objects.visible_to(user).select_related("plan__household", "visitor", "carer", "case", "need")
           .prefetch_related("photos").filter(pk=pk).first())
    if row is None:
        raise NotFound()
    return row


def emergencies_list(*, user, state: str = "") -> QuerySet:
    qs = Emergency.objects.visible_to(user).select_related("plan__household", "raised_by", "case", "handled_by")
    if state in EmergencyState.values:
        qs = qs.filter(state=state)
    return qs.order_by("-raised_at", "-id")


def emergency_get(*, user, pk) -> Emergency:
    row = emergencies_list(user=user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def case_matters() -> list:
    """The matters a problem found at the door can be filed under (the catalogue's active leaves)."""
    from gongzhi.cases.models import Category

    return list(Category.objects.filter(is_active=True, parent__isnull=False).select_related("parent")
                .order_by("parent__name", "name"))


def need_categories() -> list:
    """The co-building categories a need found at the door can take."""
    from gongzhi.cobuilding.models import Category

    return list(Category.objects.filter(is_active=True).order_by("order", "name"))


def open_turns_at(*, user, plan: CarePlan, today: dt.date | None = None) -> list[Turn]:
    """The user's turns at the plan's household still to record, up to today (newest first)."""
    today = today or timezone.localdate()
    return list(Turn.objects.filter(plan=plan, carer__user=user, state__in=("planned", "missed"), visit__isnull=True,
                                    roster__state=RosterState.PUBLISHED, date__lte=today)
                .order_by("-date", "pk")[:10])
