"""Volunteers demo: activities. The earning rules (10 points an hour; more for some types); a year
of the seed-001 teams' activities — 每周半天 on fixed days, 每月一主题 (三月学雷锋, 敬老月 …),
四点半课堂, 义诊, 理发 — each with sign-ups, check-ins and check-outs by the organiser at the times they
happened, hours and points through the ledger engine, a few no-shows; and upcoming activities open
for sign-up, one with the demo volunteer ("me") signed up. All through the services."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from gongzhi.core.actors import SystemActor
from gongzhi.points.models import EarningRule, Programme, RuleBasis

from ..models import ActivityType, Signup, SignupState
from ..services import activities as services

ACTOR = SystemActor(label="demo:volunteers-activities")
THEMES = {1: "新春送温暖", 2: "元宵邻里节", 3: "三月学雷锋", 4: "清明文明祭扫", 5: "五一劳动光荣", 6: "端午邻里情",
          7: "暑期四点半课堂", 8: "八一拥军", 9: "中秋团圆", 10: "敬老月", 11: "消防安全月", 12: "冬季暖心"}
KINDS = [  # title, type, place, weekday, hour, hours
    ("每周半天 环境整治", ActivityType.ENVIRONMENT, "社区广场", 5, 8, 3),
    ("四点半课堂", ActivityType.CHILDREN, "社区书屋", 2, 16, 2),
    ("义诊", ActivityType.HEALTH, "党群服务中心", 3, 9, 3),
    ("爱心理发", ActivityType.SERVICE, "党群服务中心", 1, 9, 2),
    ("敬老院陪伴", ActivityType.ELDERLY, "区养老院", 4, 14, 2),
]
RULES = [("hour", "服务每小时", RuleBasis.PER_HOUR, 10), ("activity:elderly", "助老活动加分", RuleBasis.PER_EVENT, 5),
         ("activity:health", "义诊活动加分", RuleBasis.PER_EVENT, 5), ("activity:children", "四点半课堂加分", RuleBasis.PER_EVENT, 3)]


def _rules() -> None:
    for key, label, basis, points in RULES:
        EarningRule.objects.get_or_create(programme=Programme.VOLUNTEERS, key=key,
                                          defaults={"label": label, "basis": basis, "points": points})


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def load(ctx) -> None:
    data = getattr(ctx, "data", None) or {}
    people = data.get("volunteers")
    if not people:
        return
    _rules()
    rng = random.Random(16)
    teams = list((people.get("teams") or {}).values())
    volunteers = [v for v in people.get("volunteers", []) if v.user_id or True]
    if not teams or not volunteers:
        return
    today = timezone.localdate()
    # a year of the past: each team one activity a month, on its fixed day, themed by the month
    for month_back in range(12, 0, -1):
        first = (today.replace(day=1) - dt.timedelta(days=28 * month_back)).replace(day=1)
        for index, team in enumerate(teams):
            title, kind, place, weekday, hour, hours = KINDS[index % len(KINDS)]
            day = first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (index % 3))
            if day >= today:
                continue
            starts = _at(day, hour)
            activity = services.activity_create(
                actor=ACTOR, area=team.area, team=team, title=f"{THEMES[day.month]} · {title}", type=kind,
                theme=THEMES[day.month], place=place, starts_at=starts, ends_at=starts + dt.timedelta(hours=hours),
                capacity=8, publish=True)
            came = rng.sample(volunteers, min(len(volunteers), rng.randint(3, 7)))
            for n, volunteer in enumerate(came):
                signup = Signup.objects.create(activity=activity, volunteer=volunteer, state=SignupState.SIGNED_UP)
                if n == len(came) - 1 and rng.random() < 0.3:
                    continue  # a no-show, recorded when the activity is finished
                services.check_in_by_organiser(actor=ACTOR, signup=signup,
                                               at=starts - dt.timedelta(minutes=rng.randint(0, 20)))
                services.check_out_by_organiser(actor=ACTOR, signup=signup,
                                                at=starts + dt.timedelta(minutes=hours * 60 - rng.randint(0, 30)))
                if rng.random() < 0.3:
                    services.signup_evaluate(actor=ACTOR, signup=signup, evaluation="服务认真，群众满意")
            services.activity_finish(actor=ACTOR, activity=activity)
    # upcoming: 每周半天 as a weekly series, and a one-off the demo volunteer signed up for
    team = teams[0]
    start = _at(today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7), 8)
    services.activity_create(actor=ACTOR, area=team.area, team=team, title="每周半天 环境整治",
                             type=ActivityType.ENVIRONMENT, theme=THEMES[start.month], place="社区广场", starts_at=start,
                             ends_at=start + dt.timedelta(hours=3), capacity=15, recurrence="weekly",
                             repeat_until=start.date() + dt.timedelta(weeks=7), publish=True)
    soon = _at(today + dt.timedelta(days=3), 9)
    clinic = services.activity_create(actor=ACTOR, area=team.area, team=team, title="敬老义诊", type=ActivityType.HEALTH,
                                      theme=THEMES[soon.month], place="党群服务中心", starts_at=soon,
                                      ends_at=soon + dt.timedelta(hours=3), capacity=6, publish=True)
    me = people.get("me")
    if me is not None and me.user_id:
        services.signup_create(actor=me.user, activity=clinic)
