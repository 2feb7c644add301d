"""Reading orders: one's own, the provider's, the centre's dispatch board, an order with its steps,
the providers an order can be dispatched to, and the menu with the month's theme first. Every read
starts from `Order.objects.visible_to(user)` (outside the scope is 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require

from .. import geo
from ..models import OPEN_ORDER_STATES, MonthlyTheme, Order, OrderState, Provider, Service
from ..services.orders import own_places, provider_problem

# Degrees of latitude around a place within which a provider may reach it (its radius is ≤ 50 km).
_REACH_DEGREES = 0.5


def _rows(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("service", "place", "provider", "ordered_by")


def my_orders(*, user) -> QuerySet:
    return _rows(Order.objects.visible_to(user).filter(ordered_by=user)).order_by("-created_at", "-id")


def provider_orders(*, user, state: str = "") -> QuerySet:
    rows = _rows(Order.objects.visible_to(user).filter(provider__user=user))
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("due_at", "-id")


def order_get(*, user, pk) -> Order:
    try:
        return _rows(Order.objects).visible_or_404(user, pk=int(pk))
    except (TypeError, ValueError):
        raise NotFound() from None


def is_overdue(order: Order, now: dt.datetime | None = None) -> bool:
    if order.state not in OPEN_ORDER_STATES:
        return False
    return order.overdue_at is not None or (order.due_at is not None and order.due_at < (now or timezone.now()))


def board(*, user, service: str = "", state: str = "", overdue: bool = False) -> dict:
    """The centre's dispatch board: the orders of the staff's scope by state (open states first),
    each marked overdue when its step's time passed; filtered by service code and state."""
    require(user, "circle.dispatch")
    rows = _rows(Order.objects.visible_to(user)).order_by("due_at", "-id")
    if service:
        rows = rows.filter(service__code=service)
    if state:
        rows = rows.filter(state=state)
    else:
        rows = rows.filter(state__in=OPEN_ORDER_STATES)
    now = timezone.now()
    listed = list(rows[:300])
    for row in listed:
        row.is_overdue = is_overdue(row, now)
    if overdue:
        listed = [r for r in listed if r.is_overdue]
    groups = []
    for value, label in OrderState.choices:
        members = [r for r in listed if r.state == value]
        if members:
            groups.append({"state": value, "label": label, "orders": members})
    return {"groups": groups, "count": len(listed), "overdue": sum(r.is_overdue for r in listed)}


@dataclass
class Step:
    action: str
    label: str
    at: dt.datetime
    note: str = ""


def order_steps(order: Order) -> list[Step]:
    """What happened to the order, in time order (from its own timestamps and declines)."""
    steps = [Step("create", str(OrderState.ORDERED.label), order.created_at, order.get_orderer_kind_display())]
    for decline in order.declines or []:
        try:
            at = dt.datetime.fromisoformat(decline.get("at", ""))
        except ValueError:
            continue
        steps.append(Step("decline", _("Declined"), at, f"{decline.get('name', '')}: {decline.get('reason', '')}"))
    if order.dispatched_at:
        steps.append(Step("dispatch", str(OrderState.DISPATCHED.label), order.dispatched_at,
                          order.provider.name if order.provider else ""))
    if order.accepted_at:
        steps.append(Step("accept", str(OrderState.ACCEPTED.label), order.accepted_at))
    if order.delivered_at:
        note = order.delivery_note
        if order.checkin_distance_m is not None:
            note = (_("checked in %(m)s m from the place") % {"m": order.checkin_distance_m}
                    + (f" · {note}" if note else ""))
        steps.append(Step("deliver", str(OrderState.DELIVERED.label), order.delivered_at, note))
    if order.rated_at:
        steps.append(Step("rate", str(OrderState.RATED.label), order.rated_at,
                          "★" * (order.stars or 0) + (f" {order.rating_comment}" if order.rating_comment else "")))
    if order.state == OrderState.CANCELLED:
        steps.append(Step("cancel", str(OrderState.CANCELLED.label), order.created_at, order.cancel_reason))
        steps[-1].at = max(s.at for s in steps)
    return sorted(steps, key=lambda s: s.at)


@dataclass
class Candidate:
    provider: Provider
    distance_m: int | None
    suitable: bool
    reason: str = ""
    field: str = ""
    price: object = None


def _candidates_query(user, services: set[int], latitudes: list) -> QuerySet:
    rows = (Provider.objects.visible_to(user).filter(offerings__service_id__in=services)
            .select_related("user").prefetch_related("offerings").distinct())
    known = [float(x) for x in latitudes if x is not None]
    if known:
        rows = rows.filter(latitude__gte=min(known) - _REACH_DEGREES, latitude__lte=max(known) + _REACH_DEGREES)
    return rows


def _judge(order: Order, providers: list[Provider]) -> list[Candidate]:
    found = []
    for provider in providers:
        offerings = [o for o in provider.offerings.all() if o.service_id == order.service_id]
        if not offerings:
            continue
        provider._offered_services = {o.service_id for o in provider.offerings.all()}
        distance = None
        if None not in (order.latitude, order.longitude, provider.latitude, provider.longitude):
            distance = round(geo.metres_between(order.latitude, order.longitude, provider.latitude, provider.longitude))
        problem = provider_problem(provider, service=order.service, latitude=order.latitude,
                                   longitude=order.longitude, wanted_at=order.wanted_at)
        found.append(Candidate(provider, distance, problem is None, problem[1] if problem else "",
                               problem[0] if problem else "", offerings[0].price))
    far = 10**9
    return sorted(found, key=lambda c: (not c.suitable, c.distance_m if c.distance_m is not None else far,
                                        c.provider.name))


def candidates(*, user, order: Order, limit: int = 20) -> list[Candidate]:
    """The providers offering the order's service: the suitable ones (active, reaching the place,
    working at the wanted time) nearest first, then the others with the reason they do not fit."""
    require(user, "circle.dispatch", order)
    providers = list(_candidates_query(user, {order.service_id}, [order.latitude]))
    return _judge(order, providers)[:limit]


def candidates_for(*, user, orders: list[Order], limit: int = 12) -> dict[int, list[Candidate]]:
    """`candidates` of many orders (the board) from one query of providers."""
    if not orders:
        return {}
    providers = list(_candidates_query(user, {o.service_id for o in orders}, [o.latitude for o in orders]))
    return {o.pk: _judge(o, providers)[:limit] for o in orders}


# --- the menu ------------------------------------------------------------------------------------


def month_theme(*, place: AreaNode | None, day: dt.date | None = None) -> MonthlyTheme | None:
    """The month's theme of the place's own area or the nearest area above it that set one."""
    if place is None:
        return None
    month = (day or timezone.localdate()).replace(day=1)
    step = AreaNode.steplen
    paths = [place.path[:i] for i in range(step, len(place.path) + 1, step)]
    return (MonthlyTheme.objects.filter(month=month, area__path__in=paths).prefetch_related("services")
            .order_by("-area__depth").first())


@dataclass
class Menu:
    theme: MonthlyTheme | None
    services: list[Service] = field(default_factory=list)
    themed: set[int] = field(default_factory=set)


def menu(*, place: AreaNode | None = None, day: dt.date | None = None) -> Menu:
    """The active services, those of the month's theme first (marked)."""
    services = list(Service.objects.filter(active=True).order_by("sort", "code"))
    theme = month_theme(place=place, day=day)
    themed = {s.pk for s in theme.services.all()} if theme is not None else set()
    for service in services:
        service.themed = service.pk in themed
    services.sort(key=lambda s: (not s.themed, s.sort, s.code))
    return Menu(theme, services, themed)


def service_by_code(code: str) -> Service | None:
    return Service.objects.filter(code=code, active=True).first() if code else None


def provider_for_order(*, user, pk) -> Provider | None:
    try:
        return Provider.objects.visible_to(user).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def order_places(*, user, chosen=None) -> list[AreaNode]:
    """Where the user may order for: their own household and building; for the staff also the
    communities of their scope; and a place given in the link when the user may see it."""
    from gongzhi.core.permissions import can

    places = own_places(user)
    if can(user, "circle.dispatch"):
        places += list(AreaNode.objects.visible_to(user).filter(kind=AreaKind.COMMUNITY).order_by("path")[:50])
    if chosen not in (None, ""):
        try:
            node = AreaNode.objects.visible_to(user).filter(pk=int(chosen)).first()
        except (TypeError, ValueError):
            node = None
        if node is not None and node.pk not in {p.pk for p in places}:
            places.insert(0, node)
    return places
