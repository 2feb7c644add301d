"""Matrix objects of the circle's orders: in each district an order of a household of grid A,
placed by a resident outside the world's users and dispatched to a provider whose account is not a
world user either, so it is seen by the roles who read the circle's lists and whose area scope
covers the household."""

from __future__ import annotations

from django.utils import timezone

from gongzhi.circle.models import Order, OrderState, Service
from gongzhi.core import scope
from gongzhi.core.permissions import can
from gongzhi.core.tests.matrix import Param, World

from .factories import next_weekday, provider


def _order(nodes: dict, number: str) -> Order:
    from gongzhi.accounts.tests.factories import user

    orderer = user("resident", username=f"orderer{number}")
    account = user("resident", username=f"shop{number}")
    shop = provider(nodes["community"], name=f"矩阵开锁{number}", account=account)
    return Order.objects.create(
        number=number, service=Service.objects.get(code="locksmith"), ordered_by=orderer, place=nodes["household_a"],
        description="矩阵", wanted_at=next_weekday(10), provider=shop, state=OrderState.DISPATCHED,
        dispatched_at=timezone.now(), due_at=timezone.now())


def objects(world: World) -> dict[str, Param]:
    inside, outside = _order(world.d1, "FW2000010100001"), _order(world.d2, "FW2000010100002")
    seen = frozenset(role for role, user in world.users.items()
                     if can(user, "circle.view_list") and scope.covers_path(user, inside.place.path))
    return {"orders.order_id": Param(inside=inside.pk, outside=outside.pk, seen_by=seen)}
