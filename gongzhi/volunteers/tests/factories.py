"""Test data for the volunteers app on top of the area factories. Rows are created directly (each
concern's own services are tested in its tests); the points account goes through the ledger engine."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from gongzhi.areas.models import AreaNode
from gongzhi.core.actors import SystemActor
from gongzhi.points import services as points
from gongzhi.points.models import EarningRule, Programme, RuleBasis
from gongzhi.volunteers.models import (
    Activity,
    ActivityState,
    ActivityType,
    Goods,
    Signup,
    SignupState,
    Skill,
    Team,
    TeamLevel,
    TeamMember,
    Volunteer,
)
from gongzhi.volunteers.services.accounts import volunteer_account

ACTOR = SystemActor(label="test")
_serial = itertools.count(1)


def skill(name: str = "") -> Skill:
    return Skill.objects.get_or_create(name=name or f"特长{next(_serial)}")[0]


def volunteer(area: AreaNode, *, name: str = "", user=None, phone: str = "", id_number: str = "", **extra) -> Volunteer:
    n = next(_serial)
    return Volunteer.objects.create(
        number=extra.pop("number", f"V{n:08d}"), name=name or f"志愿者{n}", area=area, user=user, phone=phone,
        id_number=id_number, registered_on=extra.pop("registered_on", timezone.localdate()),
        consent_at=extra.pop("consent_at", timezone.now()), **extra,
    )


def team(area: AreaNode, *, name: str = "", level: str = TeamLevel.COMMUNITY, leader: Volunteer | None = None,
         members: tuple[Volunteer, ...] = (), **extra) -> Team:
    row = Team.objects.create(name=name or f"志愿服务队{next(_serial)}", level=level, area=area, **extra)
    if leader is not None:
        TeamMember.objects.create(team=row, volunteer=leader, is_leader=True, joined_on=timezone.localdate())
    for v in members:
        TeamMember.objects.create(team=row, volunteer=v, joined_on=timezone.localdate())
    return row


def activity(area: AreaNode, *, title: str = "", starts_at: dt.datetime | None = None, hours: float = 2,
             capacity: int = 10, state: str = ActivityState.PUBLISHED, type: str = ActivityType.ENVIRONMENT,
             **extra) -> Activity:
    starts_at = starts_at or timezone.now() + dt.timedelta(days=1)
    return Activity.objects.create(
        title=title or f"活动{next(_serial)}", type=type, area=area, place=extra.pop("place", "社区党群服务中心"),
        starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=hours), capacity=capacity, state=state, **extra,
    )


def signup(activity: Activity, volunteer: Volunteer, *, state: str = SignupState.SIGNED_UP, **extra) -> Signup:
    return Signup.objects.create(activity=activity, volunteer=volunteer, state=state, **extra)


def goods(area: AreaNode, *, name: str = "", price: int = 10, stock: int = 5, **extra) -> Goods:
    return Goods.objects.create(name=name or f"商品{next(_serial)}", area=area, price=price, stock=stock, **extra)


def earning_rules() -> dict[str, EarningRule]:
    """The rules the demo and most tests use: 10 points an hour, 5 more per activity of elderly care."""
    hour = EarningRule.objects.create(programme=Programme.VOLUNTEERS, key="hour", label="服务每小时",
                                      basis=RuleBasis.PER_HOUR, points=10)
    elderly = EarningRule.objects.create(programme=Programme.VOLUNTEERS, key="activity:elderly", label="助老活动加分",
                                         basis=RuleBasis.PER_EVENT, points=5)
    return {"hour": hour, "activity:elderly": elderly}


def give_points(v: Volunteer, amount: int, *, source: str = "") -> int:
    """Put `amount` points on the volunteer's account (an award by rule-less entry); returns the balance."""
    account = volunteer_account(actor=ACTOR, volunteer=v)
    entry = points.entry_write(actor=ACTOR, account=account, kind="award", amount=amount, reason="测试积分",
                               source=source or f"test:{next(_serial)}")
    return entry.balance_after
