"""Reads of the points store: the goods a volunteer may redeem (their area's and the areas above),
the goods and orders of the stores staff keep, a volunteer's own orders."""

from __future__ import annotations

from django.db.models import QuerySet

from gongzhi.areas.models import AreaNode
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require

from ..models import Goods, Order, OrderState, Volunteer
from .accounts import volunteer_of


def _prefixes(node: AreaNode) -> list[str]:
    return [node.path[:n] for n in range(AreaNode.steplen, len(node.path) + 1, AreaNode.steplen)]


def goods_offered(*, volunteer: Volunteer) -> QuerySet:
    """Goods on offer at the service centres of the volunteer's area and the areas above it."""
    return Goods.objects.filter(is_active=True, area__path__in=_prefixes(volunteer.area)).select_related("area")


def goods_offered_get(*, user, pk: int) -> Goods:
    volunteer = volunteer_of(user)
    if volunteer is None:
        raise NotFound()
    goods = goods_offered(volunteer=volunteer).filter(pk=pk).first()
    if goods is None:
        raise NotFound()
    return goods


def goods_list(*, user, area: AreaNode | None = None, q: str = "") -> QuerySet:
    """The goods of the stores in the user's scope (staff)."""
    rows = Goods.objects.visible_to(user).select_related("area")
    if area is not None:
        rows = rows.filter(area__path__startswith=area.path)
    if q:
        rows = rows.filter(name__icontains=q.strip())
    return rows


def goods_get(*, user, pk: int) -> Goods:
    goods = Goods.objects.select_related("area").visible_or_404(user, pk=pk)
    require(user, "volunteers.view_list")
    return goods


def orders_list(*, user, area: AreaNode | None = None, state: str = "") -> QuerySet:
    rows = Order.objects.visible_to(user).select_related("goods", "goods__area", "volunteer", "handed_over_by")
    if area is not None:
        rows = rows.filter(goods__area__path__startswith=area.path)
    if state in OrderState.values:
        rows = rows.filter(state=state)
    return rows


def my_orders(*, user) -> QuerySet:
    volunteer = volunteer_of(user)
    if volunteer is None:
        return Order.objects.none()
    return Order.objects.filter(volunteer=volunteer).select_related("goods", "goods__area")


def order_get(*, user, pk: int) -> Order:
    """An order its volunteer or the store's staff see (else NotFound)."""
    row = Order.objects.select_related("goods", "goods__area", "volunteer", "handed_over_by").filter(pk=pk).first()
    if row is None:
        raise NotFound()
    if row.volunteer.user_id is not None and row.volunteer.user_id == getattr(user, "pk", None):
        return row
    if not Order.objects.visible_to(user).filter(pk=pk).exists():
        raise NotFound()
    require(user, "volunteers.view_list")
    return row


def is_mine(order: Order, user) -> bool:
    return order.volunteer.user_id is not None and order.volunteer.user_id == getattr(user, "pk", None)
