"""Shared test data of the service circle, made with the models directly (each concern's own
factories, in factories_<concern>.py, build on these). Coordinates are around 瓜州路社区 in
Lanzhou (36.06 N, 103.78 E): `near(metres_north, metres_east)` places a point that far from the
community's centre. `circle_world()` is the test tree with coordinates on its buildings and
households, a community point with a room, a hall with one matter, a locksmith 300 m away with an
account, and a resident living in household A."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from decimal import Decimal

from django.utils import timezone

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.models import AreaNode
from gongzhi.areas.tests.factories import tree
from gongzhi.circle import menu_data
from gongzhi.circle.models import (
    Matter,
    MatterLevel,
    Offering,
    Provider,
    ProviderKind,
    Room,
    RoomKind,
    Service,
    ServicePoint,
)
from gongzhi.residents.models import Person
from gongzhi.residents.tests.factories import person

_serial = itertools.count(1)
CENTRE = (36.060000, 103.780000)
WEEKDAYS_9_TO_5 = [{"days": [0, 1, 2, 3, 4], "opens": "09:00", "closes": "17:00"}]
ALWAYS = [{"days": [0, 1, 2, 3, 4, 5, 6], "opens": "00:00", "closes": "24:00"}]


def near(north_m: float = 0, east_m: float = 0) -> tuple[Decimal, Decimal]:
    """(latitude, longitude) `north_m` metres north and `east_m` metres east of the centre."""
    lat = CENTRE[0] + north_m / 111_320
    lng = CENTRE[1] + east_m / (111_320 * math.cos(math.radians(CENTRE[0])))
    return Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}")


def place(node: AreaNode, north_m: float = 0, east_m: float = 0) -> AreaNode:
    node.latitude, node.longitude = near(north_m, east_m)
    node.save(update_fields=["latitude", "longitude"])
    return node


def service(code: str = "locksmith") -> Service:
    menu_data.load()  # the menu comes with migration 0002; a transactional test may have flushed it
    return Service.objects.get(code=code)


def point(area: AreaNode, *, name: str = "", kind: str = "civility_station", level: str = "community",
          north_m: float = 0, east_m: float = 0, hours=None, keeper=None, active: bool = True,
          services=()) -> ServicePoint:
    lat, lng = near(north_m, east_m)
    made = ServicePoint.objects.create(
        name=name or f"服务站{next(_serial)}", kind=kind, level=level, area=area, latitude=lat, longitude=lng,
        hours=WEEKDAYS_9_TO_5 if hours is None else hours, keeper=keeper, active=active, hotline="0931-2345678",
    )
    for code in services:
        Offering.objects.create(point=made, service=service(code))
    return made


def provider(area: AreaNode, *, name: str = "", kind: str = ProviderKind.BUSINESS, north_m: float = 0,
             east_m: float = 0, radius: int = 1500, hours=None, account=None, services=("locksmith",),
             price: Decimal | None = Decimal("50"), active: bool = True, phone: str = "13912345678") -> Provider:
    lat, lng = near(north_m, east_m)
    made = Provider.objects.create(
        name=name or f"商户{next(_serial)}", kind=kind, area=area, latitude=lat, longitude=lng,
        service_radius_m=radius, hours=ALWAYS if hours is None else hours, user=account, active=active,
        contact_name="王师傅", contact_phone=phone, hotline="0931-8765432",
    )
    for code in services:
        Offering.objects.create(provider=made, service=service(code), price=price)
    return made


def room(at: ServicePoint, *, name: str = "", kind: str = RoomKind.MEETING, **extra) -> Room:
    return Room.objects.create(point=at, name=name or f"会客厅{next(_serial)}", kind=kind, **extra)


def matter(hall: ServicePoint, *, name: str = "", **extra) -> Matter:
    extra.setdefault("level", MatterLevel.COMMUNITY)
    extra.setdefault("materials", ["居民身份证", "户口簿"])
    return Matter.objects.create(point=hall, name=name or f"事项{next(_serial)}", **extra)


def next_weekday(hour: int = 10, minute: int = 0) -> dt.datetime:
    """The next Monday–Friday after today at hour:minute, local time."""
    day = timezone.localdate() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def circle_world() -> dict:
    menu_data.load()
    w = tree()
    place(w["community"])
    for key, north in (("a", 100), ("b", -200)):
        for level in ("building", "unit", "household"):
            place(w[f"{level}_{key}"], north_m=north, east_m=50)
    w["community_staff"] = user("community_staff", nodes=[w["community"]])
    w["street_staff"] = user("street_staff", nodes=[w["street"]])
    w["keeper"] = user("resident", username=f"keeper{next(_serial)}")
    w["resident"] = user("resident", username=f"resident{next(_serial)}")
    resident_record = person(w["household_a"], name="赵淑芬")
    Person.objects.filter(pk=resident_record.pk).update(user=w["resident"])  # the account linked to the registry
    w["station"] = point(w["community"], name="瓜州路社区新时代文明实践站", keeper=w["keeper"],
                         services=("lecture-policy", "activity-kids"))
    w["room"] = room(w["station"], name="党群会客厅")
    w["hall"] = point(w["community"], name="瓜州路社区便民服务室", kind="convenience_room", north_m=20)
    w["matter"] = matter(w["hall"], name="居住证办理", time_limit_days=5, window="1号窗口")
    w["provider_user"] = user("resident", username=f"locksmith{next(_serial)}")
    w["locksmith"] = provider(w["community"], name="老王开锁", north_m=400, account=w["provider_user"])
    return w
