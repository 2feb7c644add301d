"""Volunteers demo: the demo community's 积分超市 — goods with stock at its service centre,
redemptions over the year (most picked up, one cancelled, one of "me" waiting for pick-up), two
manual awards (one approved, one pending) and the published monthly publicity of the past months.

Reads ctx.data["volunteers"] ("volunteers": the volunteers, "me": the demo volunteer, "staff": the
community's staff user); does nothing without it. Points move only through the ledger engine;
orders and their entries are backdated to their day (demo-only, one statement each)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.points import services as points
from gongzhi.points.models import Entry
from gongzhi.volunteers.models import Order, Publicity
from gongzhi.volunteers.selectors import publicity as publicity_selectors
from gongzhi.volunteers.selectors.accounts import volunteer_balance
from gongzhi.volunteers.services import publicity, store
from gongzhi.volunteers.services.accounts import volunteer_account

GOODS = (
    ("洗衣液", 30, 20, "2kg 装"),
    ("大米 5kg", 80, 10, "东北大米"),
    ("食用油", 60, 10, "5L 菜籽油"),
    ("毛巾", 15, 40, "纯棉"),
    ("香皂", 10, 50, ""),
    ("理发券", 20, 30, "社区理发室，每月第二个周六"),
    ("鸡蛋", 25, 15, "一盒 30 枚"),
)
PLACE = "社区党群服务中心一楼 积分超市"


def _community(node: AreaNode) -> AreaNode:
    if node.kind == AreaKind.COMMUNITY:
        return node
    prefixes = [node.path[:n] for n in range(AreaNode.steplen, len(node.path), AreaNode.steplen)]
    return AreaNode.objects.filter(path__in=prefixes, kind=AreaKind.COMMUNITY).first() or node


def _at(month: dt.date, day: int, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(month.replace(day=min(day, 28)), dt.time(hour, 0)))


def _backdate(order: Order, placed: dt.datetime) -> None:
    Order.objects.filter(pk=order.pk).update(placed_at=placed)
    Entry.objects.filter(account__holder_id=order.volunteer_id, source=f"order:{order.pk}").update(created_at=placed)


def load(ctx) -> None:
    data = ctx.data.get("volunteers")
    if not data:
        return
    volunteers, me, staff = list(data.get("volunteers") or []), data.get("me"), data.get("staff")
    if me is None:
        return
    actor, handler = ctx.actor, staff or ctx.actor
    community = _community(me.area)
    goods = [store.goods_create(actor=actor, area=community, name=name, price=price, stock=stock, place=PLACE,
                                description=description) for name, price, stock, description in GOODS]
    by_name = {g.name: g for g in goods}

    # Two manual awards: one approved (抗洪突击), one pending.
    me_account = volunteer_account(actor=actor, volunteer=me)
    award = points.adjustment_request(actor=handler, account=me_account, amount=30, reason="汛期抗洪突击队连续值守三天")
    points.adjustment_approve(actor=actor, adjustment=award, note="街道核实同意")
    others = [v for v in volunteers if v.pk != me.pk]
    if others:
        points.adjustment_request(actor=handler, account=volunteer_account(actor=actor, volunteer=others[0]),
                                  amount=20, reason="协助寻回走失老人")

    # Redemptions over the past months, by volunteers who sign in (they redeem themselves).
    redeemers = [v for v in volunteers if v.user_id] or [me]
    today = timezone.localdate()
    month = today.replace(day=1)
    months = []
    for _i in range(11):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.append(month)
    cancelled = False
    for n, month in enumerate(reversed(months)):
        for k in range(2):
            v = redeemers[(n * 2 + k) % len(redeemers)]
            g = goods[ctx.rng.randrange(len(goods))]
            if volunteer_balance(volunteer=v) < g.price or g.stock < 1:
                g = by_name["香皂"]
                if volunteer_balance(volunteer=v) < g.price:
                    continue
            order = store.order_place(actor=v.user, goods=g, quantity=1)
            placed = _at(month, 5 + ctx.rng.randrange(20), 9 + ctx.rng.randrange(8))
            if not cancelled and n == 4:
                store.order_cancel(actor=v.user, order=order, reason="")
                Order.objects.filter(pk=order.pk).update(cancelled_at=placed + dt.timedelta(days=1))
                Entry.objects.filter(source=f"order:{order.pk}:refund").update(created_at=placed + dt.timedelta(days=1))
                cancelled = True
            else:
                store.order_pick_up(actor=handler, order=order, code=order.pickup_code)
                Order.objects.filter(pk=order.pk).update(picked_up_at=placed + dt.timedelta(days=2))
            _backdate(order, placed)
            g.refresh_from_db()

    # "me" waits for pick-up now (with the code on the phone).
    for name in ("毛巾", "香皂"):
        g = by_name[name]
        if volunteer_balance(volunteer=me) >= g.price and me.user_id:
            store.order_place(actor=me.user, goods=g, quantity=1)
            break

    # The published publicity of the past months (for 民情日, early the next month).
    for month in sorted(months):
        if not publicity_selectors.lines_for(area=community, month=month):
            continue
        row, _written = publicity.publicity_publish(actor=handler, area=community, month=month)
        following = (month + dt.timedelta(days=32)).replace(day=1)
        Publicity.objects.filter(pk=row.pk).update(published_at=_at(following, 5, 10))
    ctx.data.setdefault("store", {}).update(community=community, goods=goods)
    ctx.log(f"  volunteers' store: {len(goods)} goods, {Order.objects.filter(goods__area=community).count()} "
            f"redemptions, {Publicity.objects.filter(area=community).count()} months published")
