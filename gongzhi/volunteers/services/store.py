"""The points store (积分超市): goods at a service centre, redemption, hand-over with the pick-up
code, cancellation.

A redemption is one transaction: the goods row is locked, the stock taken by a conditional update
(stock >= quantity) and the points spent through the ledger engine (source "order:<pk>"), so either
both happen or neither — two volunteers redeeming the last item at once get one item between
them. A cancellation before pick-up gives back the points (source "order:<pk>:refund") and the
stock."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit, scope
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.notifications import notify
from gongzhi.core.permissions import require
from gongzhi.core.workflow import apply_transition, lock_visible
from gongzhi.points import selectors as points_selectors
from gongzhi.points import services as points

from ..models import Goods, Order, OrderState, Volunteer, VolunteerStatus
from ..selectors.accounts import volunteer_of
from ..workflow_store import ORDER_WORKFLOW
from .accounts import volunteer_account

NAME_MAX = Goods._meta.get_field("name").max_length
MAX_QUANTITY = 99


def _field_error(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _whole(value, field: str, *, minimum: int, label_message: str) -> int:
    if isinstance(value, bool) or isinstance(value, float):
        raise _field_error(field, label_message)
    if isinstance(value, int):
        number = value
    else:
        try:
            number = int(str(value if value is not None else "").strip())
        except ValueError:
            raise _field_error(field, label_message) from None
    if number < minimum:
        raise _field_error(field, label_message)
    return number


def _goods_fields(*, name: str, price, stock, place: str, description: str) -> dict:
    name = (name or "").strip()
    if not name:
        raise _field_error("name", _("Name the goods."))
    if len(name) > NAME_MAX:
        raise _field_error("name", _("At most %(count)d characters.") % {"count": NAME_MAX})
    price = _whole(price, "price", minimum=1, label_message=_("At least one point."))
    stock = _whole(stock, "stock", minimum=0, label_message=_("Stock cannot go below zero."))
    return {"name": name, "price": price, "stock": stock, "place": (place or "").strip()[:200],
            "description": (description or "").strip()[:200]}


@transaction.atomic
def goods_create(*, actor: Actor, area: AreaNode | int, name: str, price, stock=0, place: str = "",
                 description: str = "") -> Goods:
    """New goods on offer at the service centre of `area` (staff of that area)."""
    node = AreaNode.objects.filter(pk=area.pk if isinstance(area, AreaNode) else area).first()
    if node is None or not scope.covers_path(actor, node.path):
        raise NotFound()
    require(actor, "volunteers.keep_store", node)
    values = _goods_fields(name=name, price=price, stock=stock, place=place, description=description)
    goods = Goods.objects.create(area=node, **values)
    audit.record(actor=actor, action="volunteers.goods.create", obj=goods, after={**values, "area": node.pk})
    return goods


@transaction.atomic
def goods_update(*, actor: Actor, goods: Goods | int, name: str, price, stock, place: str = "",
                 description: str = "", is_active: bool = True) -> Goods:
    """Change the goods (the stock as counted on the shelf; never below zero)."""
    row = lock_visible(Goods, actor=actor, pk=goods.pk if isinstance(goods, Goods) else goods)
    require(actor, "volunteers.keep_store", row)
    values = _goods_fields(name=name, price=price, stock=stock, place=place, description=description)
    values["is_active"] = bool(is_active)
    before = audit.snapshot(row, list(values))
    for key, value in values.items():
        setattr(row, key, value)
    row.save(update_fields=list(values))
    old, new = audit.diff(before, audit.snapshot(row, list(values)))
    if new:
        audit.record(actor=actor, action="volunteers.goods.update", obj=row, before=old, after=new)
    return row


@transaction.atomic
def goods_restock(*, actor: Actor, goods: Goods | int, quantity, note: str = "") -> Goods:
    """Add `quantity` (> 0) delivered items to the stock."""
    row = lock_visible(Goods, actor=actor, pk=goods.pk if isinstance(goods, Goods) else goods)
    require(actor, "volunteers.keep_store", row)
    quantity = _whole(quantity, "quantity", minimum=1, label_message=_("A whole number of items, at least one."))
    before = row.stock
    Goods.objects.filter(pk=row.pk).update(stock=F("stock") + quantity)
    row.refresh_from_db(fields=["stock"])
    audit.record(actor=actor, action="volunteers.goods.update", obj=row, before={"stock": before},
                 after={"stock": row.stock}, note=(note or "")[:200])
    return row


def _pickup_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def _offered_to(goods: Goods, volunteer: Volunteer) -> bool:
    """Goods of the volunteer's area and of the areas above it (their community's service centre)."""
    return goods.is_active and volunteer.area.path.startswith(goods.area.path)


def _redeemer(actor: Actor) -> Volunteer:
    volunteer = volunteer_of(actor)
    if volunteer is None or volunteer.status != VolunteerStatus.ACTIVE:
        raise Forbidden(_("Only registered volunteers redeem points."))
    return volunteer


@transaction.atomic
def order_place(*, actor: Actor, goods: Goods | int, quantity=1) -> Order:
    """Redeem `quantity` of the goods with one's own points. Refused with the reason beside the
    quantity, nothing written: not a whole number from 1, more than in stock, more points than held."""
    require(actor, "volunteers.redeem")
    volunteer = _redeemer(actor)
    pk = goods.pk if isinstance(goods, Goods) else goods
    row = Goods.objects.select_for_update().select_related("area").filter(pk=pk).first()
    if row is None or not _offered_to(row, volunteer):
        raise NotFound()
    quantity = _whole(quantity, "quantity", minimum=1, label_message=_("A whole number of items, at least one."))
    if quantity > MAX_QUANTITY:
        raise _field_error("quantity", _("At most %(count)d at a time.") % {"count": MAX_QUANTITY})
    if row.stock < quantity:
        raise _field_error("quantity", _("Only %(stock)d left in stock.") % {"stock": row.stock})
    cost = row.price * quantity
    account = volunteer_account(actor=actor, volunteer=volunteer)
    if account.balance < cost:
        raise _field_error("quantity", _("Not enough points: %(held)d held, %(asked)d asked.")
                           % {"held": account.balance, "asked": cost})
    taken = Goods.objects.filter(pk=row.pk, stock__gte=quantity).update(stock=F("stock") - quantity)
    if not taken:
        raise Conflict(_("Only %(stock)d left in stock.") % {"stock": row.stock}, code="out_of_stock",
                       fields={"quantity": [_("Sold out.")]})
    order = Order.objects.create(goods=row, volunteer=volunteer, quantity=quantity, points=cost,
                                 pickup_code=_pickup_code())
    try:
        points.spend(actor=actor, account=account, amount=cost, source=f"order:{order.pk}",
                     reason=_("Redeemed: %(goods)s × %(quantity)d") % {"goods": row.name, "quantity": quantity})
    except Conflict as exc:
        raise Conflict(exc.message, code="not_enough_points", fields={"quantity": [exc.message]}) from exc
    audit.record(actor=actor, action="volunteers.order.place", obj=order,
                 after={"goods": row.pk, "quantity": quantity, "points": cost})
    return order


def _lock_order(actor: Actor, pk: int) -> Order:
    """The order locked, if the actor keeps its store or placed it (else NotFound)."""
    row = Order.objects.select_for_update().filter(pk=pk).first()
    if row is None:
        raise NotFound()
    mine = row.volunteer.user_id is not None and row.volunteer.user_id == getattr(actor, "pk", None)
    if not mine and not Order.objects.visible_to(actor).filter(pk=pk).exists():
        raise NotFound()
    return row


def order_pick_up(*, actor: Actor, order: Order | int, code: str) -> Order:
    """Hand the goods over at the service centre: the volunteer's pick-up code must match."""
    code = (code or "").strip()

    def guard(row: Order) -> None:
        require(actor, "volunteers.keep_store", row)
        if row.state == OrderState.PLACED and not secrets.compare_digest(code, row.pickup_code):
            raise _field_error("code", _("This is not the code of this redemption."))

    def update(row: Order) -> list[str]:
        row.picked_up_at, row.handed_over_by = timezone.now(), actor_user(actor)
        return ["picked_up_at", "handed_over_by"]

    return apply_transition(ORDER_WORKFLOW, actor=actor, obj=order.pk if isinstance(order, Order) else order,
                            action="pick_up", guard=guard, update=update)


@transaction.atomic
def order_pick_up_by_code(*, actor: Actor, area: AreaNode | None, code: str) -> Order:
    """The hand-over screen: the order waiting for pick-up with this code among the stores the actor
    keeps (a wrong code is refused beside the field)."""
    code = (code or "").strip()
    if not (len(code) == 6 and code.isdigit()):
        raise _field_error("code", _("The pick-up code has six digits."))
    orders = Order.objects.visible_to(actor).filter(state=OrderState.PLACED, pickup_code=code)
    if area is not None:
        orders = orders.filter(goods__area__path__startswith=area.path)
    found = list(orders.values_list("pk", flat=True)[:2])
    if not found:
        raise _field_error("code", _("No redemption waits for pick-up with this code."))
    if len(found) > 1:
        raise _field_error("code", _("Two redemptions have this code: open the order from the list."))
    return order_pick_up(actor=actor, order=found[0], code=code)


@transaction.atomic
def order_cancel(*, actor: Actor, order: Order | int, reason: str = "") -> Order:
    """Cancel before pick-up (the volunteer their own, or the store's staff): the points and the
    stock come back."""
    row = _lock_order(actor, order.pk if isinstance(order, Order) else order)
    mine = row.volunteer.user_id is not None and row.volunteer.user_id == getattr(actor, "pk", None)
    reason = (reason or "").strip()[:200]

    def guard(obj: Order) -> None:
        if not mine:
            require(actor, "volunteers.keep_store", obj)
            if obj.state == OrderState.PLACED and not reason:
                raise _field_error("reason", _("Say why."))

    def update(obj: Order) -> list[str]:
        Goods.objects.filter(pk=obj.goods_id).update(stock=F("stock") + obj.quantity)
        account = volunteer_account(actor=actor, volunteer=obj.volunteer)
        # what the redemption took from the ledger, given back once (an order without its spend entry
        # — entered by hand — gives back nothing rather than points that were never taken)
        spent = -points_selectors.amount_under(account=account, source=f"order:{obj.pk}")
        if spent > 0:
            points.refund(actor=actor, account=account, amount=spent, source=f"order:{obj.pk}:refund",
                          reason=_("Redemption cancelled: %(goods)s × %(quantity)d")
                          % {"goods": obj.goods.name, "quantity": obj.quantity})
        obj.cancelled_at, obj.cancel_reason = timezone.now(), reason
        return ["cancelled_at", "cancel_reason"]

    def tell(obj: Order) -> None:
        if not mine and obj.volunteer.user_id:
            notify(recipients=[obj.volunteer.user], kind="volunteers.order_ready", obj=obj,
                   title=_("Your redemption of %(goods)s was cancelled; the points are back.") % {"goods": obj.goods.name},
                   body=reason)

    return apply_transition(ORDER_WORKFLOW, actor=actor, obj=row, action="cancel", guard=guard, update=update,
                            notify=tell, note=reason, locked=True)
