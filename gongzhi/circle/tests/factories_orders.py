"""Orders test data on top of `circle_world()`: an order of the resident for household A (optionally
straight to the locksmith and moved on to a later step), and a second district with its own staff
and order (outside district 1's scope)."""

from __future__ import annotations

import itertools

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.circle.services import orders as services
from gongzhi.residents.models import Person
from gongzhi.residents.tests.factories import person

from .factories import near, next_weekday, place, provider

_serial = itertools.count(1)


def order(w: dict, *, step: str = "ordered", direct: bool = False, service: str = "locksmith", at=None,
          orderer=None, where=None):
    """An order of the world's resident for household A. `step`: ordered, dispatched, accepted,
    delivered, rated (dispatched through the centre unless `direct`)."""
    at = at or next_weekday(10)
    who = orderer or w["resident"]
    made = services.order_create(actor=who, service=service, place=where or w["household_a"],
                                 description="门锁坏了，钥匙拧不动。", wanted_at=at,
                                 provider=w["locksmith"] if direct else None)
    if step == "ordered":
        return made
    if made.state == "ordered":
        made = services.order_dispatch(actor=w["community_staff"], order=made, provider=w["locksmith"])
    if step == "dispatched":
        return made
    made = services.order_accept(actor=w["provider_user"], order=made)
    if step == "accepted":
        return made
    lat, lng = near(100, 50)  # household A
    made = services.order_deliver(actor=w["provider_user"], order=made, latitude=lat, longitude=lng, note="换了锁芯")
    if step == "delivered":
        return made
    return services.order_rate(actor=who, order=made, stars=5, comment="很快")


def other_district(w: dict) -> dict:
    """A second district with the same shape, its community staff, a resident of its household A
    with an order placed, and a locksmith there (the same coordinates: only the scope differs)."""
    o = tree()
    place(o["community"])
    place(o["household_a"], north_m=100, east_m=50)
    o["community_staff"] = user("community_staff", nodes=[o["community"]], username=f"d2staff{next(_serial)}")
    o["resident"] = user("resident", username=f"d2resident{next(_serial)}")
    record = person(o["household_a"], name="钱多多")
    Person.objects.filter(pk=record.pk).update(user=o["resident"])
    o["provider_user"] = user("resident", username=f"d2locksmith{next(_serial)}")
    o["locksmith"] = provider(o["community"], name="小李开锁", north_m=400, account=o["provider_user"])
    o["order"] = services.order_create(actor=o["resident"], service="locksmith", place=o["household_a"],
                                       description="锁坏了", wanted_at=next_weekday(11))
    return o
