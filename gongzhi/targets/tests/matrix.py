"""The assessment's objects for the role × endpoint matrix (gongzhi.core.tests.matrix): a period,
a unit (its community), a star round and a rating in district 1 (inside) and district 2 (outside).
Indicators are global master data (no outside)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.core.actors import SystemActor
from gongzhi.core.tests.matrix import Param, World
from gongzhi.targets.models import (
    Direction,
    FigureUnit,
    Indicator,
    Period,
    Plan,
    PlanLine,
    StarRating,
    StarRound,
)

READERS = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN, Role.INSPECTOR, Role.SUPERVISION})
SYSTEM = SystemActor(label="matrix")


def _side(nodes: dict, indicator: Indicator) -> dict:
    year = timezone.localdate().year
    period = Period.objects.create(district=nodes["district"], kind="year", year=year,
                                   start=timezone.localdate().replace(month=1, day=1),
                                   end=timezone.localdate().replace(month=12, day=31))
    plan = Plan.objects.create(period=period, unit=nodes["community"])
    PlanLine.objects.create(plan=plan, indicator=indicator, weight=Decimal(100), target=Decimal(1))
    star_round = StarRound.objects.create(district=nodes["district"], year=year)
    rating = StarRating.objects.create(round=star_round, community=nodes["community"], score=Decimal(90), proposed=3)
    return {"period": period, "round": star_round, "rating": rating}


def objects(world: World) -> dict[str, Param]:
    indicator = Indicator.objects.get_or_create(code="matrix", defaults={
        "name": "矩阵指标", "provider": "cases.summary", "figure": "cases.cases", "direction": Direction.HIGHER,
        "unit": FigureUnit.COUNT})[0]
    inside, outside = _side(world.d1, indicator), _side(world.d2, indicator)
    # the community's staff see their own community; the period of their district
    return {
        "period_id": Param(inside=inside["period"].pk, outside=outside["period"].pk, seen_by=READERS),
        "unit_id": Param(inside=world.d1["community"].pk, outside=world.d2["community"].pk, seen_by=READERS),
        "round_id": Param(inside=inside["round"].pk, outside=outside["round"].pk, seen_by=READERS),
        "rating_id": Param(inside=inside["rating"].pk, outside=outside["rating"].pk, seen_by=READERS),
        "action": Param.fixed("open"),
    }
