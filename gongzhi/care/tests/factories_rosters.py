"""Test data of rosters, on top of `factories.care_world()`: leave, more households and carers,
a generated (and published) roster through the services, the next Monday to start from."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.areas.tests.factories import child
from gongzhi.care.models import CarerKind, CarerLeave, Roster
from gongzhi.care.services import rosters as services

from . import factories


def next_monday(weeks: int = 1) -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=7 * weeks - today.weekday())


def leave(carer, start: dt.date, end: dt.date, reason: str = "外出") -> CarerLeave:
    return CarerLeave.objects.create(carer=carer, start_on=start, end_on=end, reason=reason)


def household(w: dict, name: str):
    return child(w["unit_a"], name=name)


def world(*, weekly_max: int = 3) -> dict:
    """care_world() with every carer allowed `weekly_max` turns a week, a second household
    (“102室”, visited every 3 days) with the member and the volunteer on its rota, and a fourth
    carer (a volunteer without limits) on both rotas."""
    w = factories.care_world()
    for key in ("carer_group", "carer_member", "carer_volunteer"):
        w[key].max_per_week = weekly_max
        w[key].save(update_fields=["max_per_week"])
    extra = factories.carer(w["care_branch"], kind=CarerKind.VOLUNTEER, name="赵敏", max_per_week=weekly_max)
    w["carer_extra"] = extra
    w["plan"].rota.create(carer=extra)
    w["plan2"] = factories.plan(household(w, "102室"), w["care_branch"], every_days=3,
                                carers=[w["carer_member"], w["carer_volunteer"], extra])
    return w


def generate(w: dict, *, start: dt.date | None = None, days: int = 28, actor=None) -> Roster:
    start = start or next_monday()
    return services.roster_generate(actor=actor or w["secretary"], branch=w["care_branch"], start_on=start,
                                    end_on=start + dt.timedelta(days=days - 1))


def published(w: dict, **kwargs) -> Roster:
    roster = generate(w, **kwargs)
    return services.roster_publish(actor=w["secretary"], roster=roster)


def pair(roster: Roster, carer_a, carer_b):
    """A turn of carer_a and one of carer_b on the same plan that the two could exchange."""
    from gongzhi.care.models import Turn

    turns = list(Turn.objects.filter(roster=roster).select_related("carer", "plan__household", "roster")
                 .order_by("date", "pk"))
    for a in (t for t in turns if t.carer_id == carer_a.pk):
        for b in (t for t in turns if t.carer_id == carer_b.pk):
            if a.plan_id == b.plan_id and not services.swap_problems(a, b):
                return a, b
    raise AssertionError("no two turns the carers could exchange")
