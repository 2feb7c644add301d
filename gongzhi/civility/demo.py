"""Civility demo (seed 001: the community quantifies 门前三包 and the like and ties them to each
family's 文明奖金): the points of two buildings of 瓜州路社区 in the demo grid worker's grid — the
community's own bonus formula and star thresholds, monthly checks by the grid worker (and one round
by the street's inspector) in the last quarter of last year and in the last four months, a few
households that agreed to be named on the building page, last year's bonus computed by the
community worker and approved by the secretary, last year's stars proposed and reviewed.
Everything goes through the services, as the staff would do it at the door."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from gongzhi.areas.models import AreaKind, AreaNode

from .models import BonusFormula, HouseholdStar, StarThreshold
from .selectors.standards import standards_for
from .services import bonus as bonus_services
from .services import checks as check_services
from .services import consent as consent_services
from .services import stars as star_services

BUILDINGS = 2
NAMES = ["王家", "李家", "张家", "刘家", "陈家", "赵老师家"]
NOTES = {
    "menqian-sanbao": "门口堆了几袋装修垃圾，已提醒三天内清走。",
    "laji-fenlei": "厨余垃圾里混了塑料袋，现场讲了分类要求。",
    "louda-wu-duiwu": "楼道里放着旧自行车和纸箱，挡了消防通道。",
    "aihu-lvhua": "楼前绿地被翻出来种了葱，已劝说恢复。",
    "wenming-yangquan": "邻居反映遛狗不牵绳，当面提醒了。",
    "tingche-youxu": "电动车停在单元门口，影响进出。",
}


def _users() -> dict:
    names = ("wangge", "shequ", "shuji", "xuncha")
    return {u.username: u for u in get_user_model().objects.filter(username__in=names)}


def _days(today: dt.date) -> list[dt.date]:
    """The days of the rounds: the 10th of Oct–Dec last year, and of the last four months (this
    month's only if it has come)."""
    last_year = [dt.date(today.year - 1, month, 10) for month in (10, 11, 12)]
    this_year = []
    month, year = today.month, today.year
    for _ in range(4):
        day = dt.date(year, month, 10)
        if day <= today:
            this_year.append(day)
        month, year = (month - 1, year) if month > 1 else (12, year - 1)
    return last_year + sorted(d for d in this_year if d.year == today.year)


def load(ctx) -> None:
    main = ctx.data.get("main_community")
    users = _users()
    if main is None or not users.get("wangge") or not users.get("shequ"):
        return
    grid = users["wangge"].area_bindings.values_list("node", flat=True).first()
    grid = AreaNode.objects.filter(pk=grid).first()
    if grid is None:
        return
    buildings = list(AreaNode.objects.filter(kind=AreaKind.BUILDING, path__startswith=grid.path).order_by("path")[:BUILDINGS])
    if not buildings:
        return
    today = timezone.localdate()
    # The community's own rules, decided at the residents' meeting at the start of last year.
    start = dt.date(today.year - 1, 1, 1)
    BonusFormula.objects.create(name="瓜州路社区文明奖金", area=main, valid_from=start, floor=10,
                                per_point=Decimal("5.00"), cap=Decimal("200.00"))
    for stars, points in ((1, 10), (2, 20), (3, 30), (4, 45), (5, 60)):
        StarThreshold.objects.create(area=main, valid_from=start, stars=stars, min_points=points)
    rng = ctx.rng
    households = [h for b in buildings for h in AreaNode.objects.filter(kind=AreaKind.HOUSEHOLD, path__startswith=b.path,
                                                                          is_active=True).order_by("path")]
    # some households keep things tidy, a few do not
    care = {h.pk: rng.choice((0.95, 0.9, 0.85, 0.7, 0.5)) for h in households}
    made = 0
    days = _days(today)
    for index, day in enumerate(days):
        checker = users["xuncha"] if index == len(days) - 2 and users.get("xuncha") else users["wangge"]
        for household in households:
            if rng.random() < 0.15:
                continue  # nobody at home that day
            standards = standards_for(node=household, on=day)
            chosen = rng.sample(standards, k=min(4, len(standards)))
            results = {s.pk: rng.random() < care[household.pk] for s in chosen}
            broken = [s for s in chosen if not results[s.pk]]
            note = NOTES.get(broken[0].code, "") if broken else ""
            made += len(check_services.checks_record(actor=checker, household=household, results=results, note=note,
                                                     on=day))
    # A few households agreed, at the building meeting, to be named on the board.
    for household, name in zip(rng.sample(households, k=min(len(NAMES), len(households))), NAMES, strict=False):
        consent_services.consent_record(actor=users["shequ"], household=household, display_name=name)
    # Last year's bonus: computed by the community worker, approved by the secretary.
    run = bonus_services.bonus_compute(actor=users["shequ"], community=main, year=today.year - 1)
    if users.get("shuji"):
        bonus_services.bonus_approve(actor=users["shuji"], run=run)
    # Last year's stars: proposed from the points, two set by the review committee.
    star_services.stars_propose(actor=users["shequ"], community=main, year=today.year - 1)
    reviewer = users.get("shuji") or users["shequ"]
    reviewed = list(HouseholdStar.objects.filter(household__in=households, year=today.year - 1)
                    .order_by("-points", "household__path")[:2])
    for star, reason in zip(reviewed, ("", "常年主动打扫楼道、照顾楼上独居老人，评议会同意加一星"), strict=False):
        final = star.proposed if not reason else min(5, star.proposed + 1)
        star_services.stars_review(actor=reviewer, star=star, final=final, reason=reason if final != star.proposed else "")
    ctx.log(f"civility: {made} checks at {len(households)} households of {len(buildings)} buildings, "
            f"bonus {run.year} {run.total} yuan")
