"""Factories of the assessment's tests: the cases world (district → street → community) with a
second community in the same street, an indicator on a declared figure, periods and plans made
through the services as the district and the street make them."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from gongzhi.areas.tests.factories import child
from gongzhi.cases.tests.factories import submit
from gongzhi.cases.tests.factories import world as cases_world
from gongzhi.targets.models import Direction, FigureUnit, Indicator, PeriodKind
from gongzhi.targets.services import periods as period_services
from gongzhi.targets.services import plans as plan_services


def world():
    """The cases world plus `community_2` (with a grid and a building) in the same street."""
    w = cases_world()
    c2 = child(w.nodes["street"], name="建西东路社区")
    g2 = child(c2, name="第一网格")
    b2 = child(g2, name="3号楼")
    w.nodes.update({"community_2": c2, "grid_2": g2, "building_2": b2})
    return w


def indicator(code: str = "requests", *, figure: str = "cases.cases", provider: str = "cases.summary",
              direction: str = Direction.HIGHER, unit: str = FigureUnit.COUNT, bottom_line: bool = False) -> Indicator:
    return Indicator.objects.get_or_create(code=code, defaults={
        "name": f"指标{code}", "provider": provider, "figure": figure, "direction": direction, "unit": unit,
        "bottom_line": bottom_line})[0]


def period(w, *, kind: str = PeriodKind.YEAR, year: int | None = None, quarter: int | None = None):
    today = timezone.localdate()
    return period_services.create_period(actor=w.admin, district=w.nodes["district"], kind=kind,
                                         year=year or today.year,
                                         quarter=quarter if kind == PeriodKind.QUARTER else None)


def plan(w, p, unit, lines: list[tuple]) -> object:
    """`lines`: (indicator, weight, target)."""
    actor = w.admin if unit.kind == "street" else w.sstaff
    return plan_services.set_plan(actor=actor, period=p, unit=unit, lines=[
        {"indicator": i.pk, "weight": Decimal(str(weight)), "target": Decimal(str(target))}
        for i, weight, target in lines])


def cases_at(w, where: str, n: int) -> None:
    for _ in range(n):
        submit(w, where=where)
