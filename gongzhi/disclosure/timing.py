"""When an item is due: the timing rules (data the district edits) applied in working time.

    惠民政策 (policy)     trigger = the policy received;   due = + N working days (default 5)
    正常业务 (regular)    trigger = end of the period;     due = end of that day + N working days (default 10)
    重大事项 (major)      trigger = the decision taken;    due = + 1 working day
    临时内容 (temporary)  trigger = the event;             due = + N working hours (default 4)
    热点问题 (hot)        trigger = the residents' question; due = + N working days (default 3)

A district's own rule (TimingRule with its district) wins over the default rule (without district);
without any row, the built-in defaults below apply.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from gongzhi.areas.models import AreaNode
from gongzhi.core import calendar

from .models import ScheduleCadence, Timing, TimingRule


@dataclass(frozen=True)
class Rule:
    timing: str
    working_days: int
    working_hours: int = 0
    cadence: str = ""
    periods_ahead: int = 1
    remind_days: int = 2


DEFAULTS = {
    Timing.POLICY: Rule(Timing.POLICY, 5),
    Timing.REGULAR: Rule(Timing.REGULAR, 10, cadence=ScheduleCadence.MONTHLY, periods_ahead=1),
    Timing.MAJOR: Rule(Timing.MAJOR, 1, remind_days=0),
    Timing.TEMPORARY: Rule(Timing.TEMPORARY, 0, 4, remind_days=0),
    Timing.HOT: Rule(Timing.HOT, 3, remind_days=1),
}


def _district_of(community: AreaNode) -> int | None:
    # The district is the root of the tree (its path's first step).
    root = AreaNode.objects.filter(path=community.path[: AreaNode.steplen]).values_list("pk", flat=True).first()
    return root


def rules_for(community: AreaNode) -> dict[str, Rule]:
    """The rule of each timing type that applies to a community (its district's, else the default)."""
    district = _district_of(community)
    rows = TimingRule.objects.filter(district__in=[district]) | TimingRule.objects.filter(district__isnull=True)
    found = dict(DEFAULTS)
    for row in sorted(rows, key=lambda r: r.district_id is not None):  # district rules last: they win
        found[row.timing] = Rule(row.timing, row.working_days, row.working_hours, row.cadence or "",
                                 row.periods_ahead, row.remind_days)
    return found


def rule_for(community: AreaNode, timing: str) -> Rule:
    return rules_for(community)[timing]


def due_at(rule: Rule, trigger_at: dt.datetime) -> dt.datetime:
    """The due time of an item triggered at `trigger_at` under `rule`."""
    due = calendar.add_working_days(trigger_at, rule.working_days) if rule.working_days else trigger_at
    if rule.working_hours:
        due = calendar.add_working_hours(due, rule.working_hours)
    return due


def period_trigger(period_end: dt.date) -> dt.datetime:
    """A period's clock starts at the close of its last day (local time)."""
    return timezone.make_aware(dt.datetime.combine(period_end, dt.time(23, 59)))


def compute_due(*, community: AreaNode, timing: str, trigger_at: dt.datetime) -> dt.datetime:
    return due_at(rule_for(community, timing), trigger_at)


def _add_months(d: dt.date, months: int) -> dt.date:
    month = d.month - 1 + months
    return dt.date(d.year + month // 12, month % 12 + 1, 1)


STEP_MONTHS = {ScheduleCadence.MONTHLY: 1, ScheduleCadence.QUARTERLY: 3, ScheduleCadence.HALF_YEARLY: 6,
               ScheduleCadence.YEARLY: 12}


def period_of(cadence: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The period of `cadence` that contains `day` (calendar months, quarters, halves, years)."""
    step = STEP_MONTHS[cadence]
    first_month = ((day.month - 1) // step) * step + 1
    start = dt.date(day.year, first_month, 1)
    return start, _add_months(start, step) - dt.timedelta(days=1)


def periods(cadence: str, start: dt.date, until: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The periods from the one containing `start` to the one containing `until`."""
    result, (p_start, p_end) = [], period_of(cadence, start)
    while p_start <= until:
        result.append((p_start, p_end))
        p_start = p_end + dt.timedelta(days=1)
        p_end = _add_months(p_start, STEP_MONTHS[cadence]) - dt.timedelta(days=1)
    return result
