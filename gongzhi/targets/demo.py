"""Demo of the differentiated assessment (issue #20, point 3 and the stars of point 5): the default
indicators; last quarter's period of the demo district with a plan for the demo street and each of
its communities — the same indicators, different weights and targets (a community with an older
population gets a higher care-coverage target and a lower response target than a new estate's) —
the common bottom lines, started, computed from the figures and closed; the star thresholds; this
year's stars proposed from the closed quarters and one community's stars reviewed by the street.

Everything goes through the services, as the district and the street would do it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from gongzhi.areas.models import AreaKind, AreaNode

from .defaults import ensure_default_indicators
from .models import Period, PeriodKind, StarRating
from .services import periods as period_services
from .services import plans as plan_services
from .services import stars as star_services

# Per community (by its place among the street's communities): weights and targets of each indicator.
# (code, weight, target); the weights of each plan add up to 100.
PLANS = [
    [("response", 20, "0.95"), ("resolution", 20, "0.85"), ("satisfaction", 25, "0.90"), ("level-closure", 15, "0.80"),
     ("meetings", 10, "3"), ("care-coverage", 10, "0.90")],
    [("response", 25, "0.90"), ("resolution", 20, "0.80"), ("satisfaction", 20, "0.85"), ("level-closure", 15, "0.70"),
     ("meetings", 10, "2"), ("care-coverage", 10, "0.95")],
    [("response", 20, "0.85"), ("resolution", 25, "0.75"), ("satisfaction", 20, "0.85"), ("level-closure", 15, "0.65"),
     ("volunteer-hours", 10, "20"), ("care-coverage", 10, "0.80")],
]
STREET_PLAN = [("response", 20, "0.92"), ("resolution", 20, "0.85"), ("satisfaction", 20, "0.90"),
               ("level-closure", 20, "0.85"), ("meetings", 10, "6"), ("volunteer-hours", 10, "60")]
BOTTOM_LINES = [("on-time", "0.80"), ("disclosure", "0.90")]
THRESHOLDS = {5: "105", 4: "95", 3: "85", 2: "70", 1: "50"}


def _last_quarter(today: dt.date) -> tuple[int, int]:
    quarter = (today.month - 1) // 3 + 1
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)


def load(ctx) -> None:
    district, street = ctx.data.get("district"), ctx.data.get("street")
    if district is None or street is None:
        return
    User = get_user_model()
    admin = User.objects.filter(username="quadmin").first()
    street_staff = User.objects.filter(username="jiedao").first()
    if admin is None or street_staff is None:
        return
    indicators = ensure_default_indicators()
    year, quarter = _last_quarter(timezone.localdate())
    if Period.objects.filter(district=district, kind=PeriodKind.QUARTER, year=year, quarter=quarter).exists():
        return
    period = period_services.create_period(actor=admin, district=district, kind=PeriodKind.QUARTER, year=year,
                                           quarter=quarter)
    for code, target in BOTTOM_LINES:
        period_services.set_bottom_line(actor=admin, period=period, indicator=indicators[code], target=target)

    def lines(spec):
        return [{"indicator": indicators[code].pk, "weight": Decimal(w), "target": Decimal(t)} for code, w, t in spec]

    plan_services.set_plan(actor=admin, period=period, unit=street, lines=lines(STREET_PLAN),
                           note="街道整体：响应和层级办结为重点")
    communities = list(AreaNode.objects.filter(path__startswith=street.path, kind=AreaKind.COMMUNITY,
                                               is_active=True).order_by("path"))
    notes = ["老旧小区多，关爱覆盖要求高", "新建小区多，先把响应抓起来", "城乡结合部，志愿服务起步"]
    for i, community in enumerate(communities):
        plan_services.set_plan(actor=street_staff, period=period, unit=community, lines=lines(PLANS[i % len(PLANS)]),
                               note=notes[i % len(notes)])
    period_services.set_thresholds(actor=admin, district=district, thresholds=THRESHOLDS)
    period = period_services.open_period(actor=admin, period=period)
    period_services.close_period(actor=admin, period=period)
    ctx.log(f"targets: {period} closed, {len(communities) + 1} units scored")

    star_round = star_services.propose(actor=admin, district=district, year=year)
    rating = StarRating.objects.filter(round=star_round, community__in=communities).order_by("community__path").first()
    if rating is not None:
        final = min(5, rating.proposed + 1)
        star_services.review(actor=street_staff, rating=rating, final=final,
                             reason="该社区本季度承接了全街道的老旧小区加装电梯试点，群众评价好，街道评审会议一致同意加一星。")
    ctx.log(f"targets: stars of {year} proposed, one reviewed")
