"""Test data for appeals, corrections, pages and reports, made with the models directly: a worker's
month is a WorkerMonth with a few lines (as the computation would leave them) and its totals.

`score_world()`: the test tree (district → street → community → grids A and B) with a grid worker in
each grid, the community's staff, two street staff (a correction needs a second person) and a
district admin; last month's scores of both workers (open), grid A's worker with a door visit, a
case resolved on time and an inspector's deduction."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.assessment.models import LineOrigin, MonthState, ScoreLine, WorkerMonth
from gongzhi.assessment.services.scoring import refresh_totals

_serial = itertools.count(1)


def last_month() -> dt.date:
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def worker_month(worker, grid, *, month: dt.date | None = None, lines=(), state: str = MonthState.OPEN,
                 closed_at=None) -> WorkerMonth:
    """A worker's month with `lines` [(kind, points, summary)], totals and pay as computed."""
    month = month or last_month()
    row = WorkerMonth.objects.create(worker=worker, month=month, area=grid, state=state, closed_at=closed_at)
    when = timezone.make_aware(dt.datetime.combine(month + dt.timedelta(days=3), dt.time(10)))
    for i, (kind, points, summary) in enumerate(lines):
        ScoreLine.objects.create(worker_month=row, kind=kind, points=points, summary=summary,
                                 source=f"test.event:{next(_serial)}", occurred_at=when + dt.timedelta(hours=i),
                                 origin=LineOrigin.RULE)
    refresh_totals([row.pk])
    row.refresh_from_db()
    return row


def line(month: WorkerMonth, kind: str) -> ScoreLine:
    return month.lines.get(kind=kind)


def score_world() -> dict:
    t = tree()
    n = next(_serial)
    w = dict(t)
    w["worker"] = user("grid_worker", nodes=[t["grid_a"]], username=f"wgz_a{n}", display_name="王小明")
    w["other_worker"] = user("grid_worker", nodes=[t["grid_b"]], username=f"wgz_b{n}", display_name="李红")
    w["community_staff"] = user("community_staff", nodes=[t["community"]], username=f"sq{n}")
    w["street_staff"] = user("street_staff", nodes=[t["street"]], username=f"jd{n}")
    w["street_staff_2"] = user("street_staff", nodes=[t["street"]], username=f"jd2_{n}")
    w["district_admin"] = user("district_admin", nodes=[t["district"]], username=f"qu{n}")
    w["resident"] = user("resident", username=f"jm{n}")
    w["month"] = worker_month(w["worker"], t["grid_a"], lines=[
        ("visit.door", 1, "入户走访 1号楼101"),
        ("case.resolved_on_time", 3, "按时办结：楼道灯不亮"),
        ("inspection.problem", -5, "巡察回访：走访记录与住户说法不符"),
    ])
    w["other_month"] = worker_month(w["other_worker"], t["grid_b"], lines=[
        ("visit.door", 1, "入户走访 B1号楼101"), ("visit.door", 1, "入户走访 B1号楼102")])
    return w
