"""Orders from the service menu: 点单 → 派单 → 接单 → 评单 (ORDER_WORKFLOW).

A resident orders for their own household or building, the staff of a community for the community
(or a village) or any household of their scope; the centre's staff covering the place are told and
dispatch it to a provider (派单) that is active, offers the service, reaches the place within its
service radius and works at the wanted time. The provider's account accepts or declines with a
reason (back to the centre's board), delivers with a check-in near the place, and the orderer rates.

A resident who picked a provider found near them orders from it directly: the order is checked
against that provider exactly as a dispatch is, and the dispatch is recorded as a second step taken
by the system on the resident's behalf (`SystemActor(label="circle:direct-order", on_behalf_of=…)`),
so the audit shows “ordered” then “dispatched” with the resident as the person behind both.

Every step has a time limit (`due_at`): the centre dispatches within CIRCLE_DISPATCH_WITHIN_HOURS,
the provider accepts within the service's `accept_within_hours` and delivers by the wanted time or
within `deliver_within_hours`, whichever is later. `flag_overdue` (tasks.py) flags a passed limit
once; every step that moves the order on clears the flag.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import AreaBinding
from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor, SystemActor, actor_user
from gongzhi.core.components import setting
from gongzhi.core.models import Notification
from gongzhi.core.notifications import notify, send_bulk
from gongzhi.core.permissions import can, require, role_q, roles_for
from gongzhi.core.workflow import apply_transition
from gongzhi.residents.models import Person, PersonStatus

from .. import geo
from ..models import OPEN_ORDER_STATES, Order, OrdererKind, OrderState, Provider, Service
from ..workflow import ORDER_WORKFLOW
from .inputs import field_error, moment_value, object_id, stars_value

DESCRIPTION_MAX = 2000
REASON_MAX = 300
NOTE_MAX = 500
NUMBER_PREFIX = "FW"
RESIDENT_PLACE_KINDS = (AreaKind.HOUSEHOLD, AreaKind.UNIT, AreaKind.BUILDING)
# A wanted time a little in the past is a form filled slowly, not a mistake.
PAST_GRACE = dt.timedelta(minutes=15)


def order_url(order: Order) -> str:
    return f"/circle/orders/{order.pk}/"


# --- who is told -----------------------------------------------------------------------------------


def _ancestor_paths(path: str) -> list[str]:
    step = AreaNode.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


def centre_staff_by_path(paths: list[str]) -> dict[str, list]:
    """For each place path, the active users whose role may dispatch (the centre's staff) and who
    are bound to the place or an area above it — one query for all the paths."""
    wanted = {p: _ancestor_paths(p) for p in set(paths)}
    every = sorted({a for ancestors in wanted.values() for a in ancestors})
    if not every:
        return {}
    bindings = list(AreaBinding.objects.filter(role_q(roles_for("circle.dispatch"), field="user__role"),
                                               node__path__in=every, user__is_active=True)
                    .select_related("user", "node").order_by("user_id"))
    found: dict[str, list] = {}
    for path, ancestors in wanted.items():
        users = {b.user.pk: b.user for b in bindings if b.node.path in ancestors}
        found[path] = list(users.values())
    return found


def centre_staff(place: AreaNode) -> list:
    return centre_staff_by_path([place.path]).get(place.path, [])


# --- reading the input -----------------------------------------------------------------------------


def _service(value) -> Service:
    if isinstance(value, Service):
        row = value
    else:
        text = str(value or "").strip()
        row = Service.objects.filter(code=text).first() if text and not text.isdigit() else None
        if row is None and object_id(value) is not None:
            row = Service.objects.filter(pk=object_id(value)).first()
    if row is None or not row.active:
        raise field_error("service", _("Choose a service from the menu."))
    return row


def own_places(user) -> list[AreaNode]:
    """The households of the user's own registry records and the units and buildings they are in."""
    if not getattr(user, "is_authenticated", False) or isinstance(user, SystemActor):
        return []
    homes = list(AreaNode.objects.filter(
        pk__in=Person.objects.filter(user=user, status=PersonStatus.LIVING).values("household_id")))
    paths = {a for home in homes for a in _ancestor_paths(home.path)}
    return list(AreaNode.objects.filter(path__in=paths, kind__in=RESIDENT_PLACE_KINDS).order_by("depth", "path"))


def _place(actor: Actor, value, orderer_kind: str) -> AreaNode:
    pk = object_id(value)
    node = AreaNode.objects.filter(pk=pk).first() if pk is not None else None
    if orderer_kind not in OrdererKind.values:
        raise field_error("orderer_kind", _("Choose who the order is for."))
    wrong_place = _("Choose your household or building, or a place of your area.")
    if node is None:
        raise field_error("place", wrong_place)
    staff = can(actor, "circle.dispatch", node)
    if orderer_kind == OrdererKind.RESIDENT:
        if node.kind not in RESIDENT_PLACE_KINDS:
            raise field_error("place", _("A resident orders for a household or a building."))
        if not staff and node.pk not in {p.pk for p in own_places(actor)}:
            raise field_error("place", wrong_place)
    else:
        if node.kind != AreaKind.COMMUNITY:
            raise field_error("place", _("A community or a village orders for its own community or village."))
        if not staff:
            if AreaNode.objects.visible_to(actor).filter(pk=node.pk).exists():
                raise field_error("orderer_kind", _("Only the community's staff order for the community or a village."))
            raise field_error("place", wrong_place)
    return node


def position_of(place: AreaNode) -> tuple:
    """(latitude, longitude) of the place, or of its nearest ancestor with coordinates; (None, None)."""
    if place.latitude is not None and place.longitude is not None:
        return place.latitude, place.longitude
    above = (AreaNode.objects.filter(path__in=_ancestor_paths(place.path)[:-1], latitude__isnull=False,
                                     longitude__isnull=False).order_by("-depth").first())
    return (above.latitude, above.longitude) if above is not None else (None, None)


def _text(value, field: str, *, required: str = "", limit: int) -> str:
    text = (value or "").strip()
    if required and not text:
        raise field_error(field, required)
    if len(text) > limit:
        raise field_error(field, _("At most %(n)d characters.") % {"n": limit})
    return text


# --- the provider checks ---------------------------------------------------------------------------


def provider_problem(provider: Provider, *, service: Service, latitude, longitude,
                     wanted_at: dt.datetime) -> tuple[str, str] | None:
    """Why `provider` cannot take an order of `service` at that place and time: (field, reason in
    words), or None when it can. Read by dispatch, by a direct order and by the candidates list."""
    name = provider.name
    if not provider.active:
        return "provider", _("%(provider)s is not taking orders.") % {"provider": name}
    if provider.user_id is None:
        return "provider", _("%(provider)s has no account to take orders.") % {"provider": name}
    offered = getattr(provider, "_offered_services", None)
    if offered is None:
        offered = set(provider.offerings.values_list("service_id", flat=True))
    if service.pk not in offered:
        return "provider", _("%(provider)s does not offer %(service)s.") % {"provider": name, "service": service.name}
    if latitude is None or longitude is None or provider.latitude is None or provider.longitude is None:
        return "provider", _("The place or %(provider)s has no position on the map, so the distance cannot be "
                             "checked.") % {"provider": name}
    distance = round(geo.metres_between(latitude, longitude, provider.latitude, provider.longitude))
    if distance > provider.service_radius_m:
        return "provider", _("%(provider)s serves within %(radius)s m; this place is %(distance)s m away.") % {
            "provider": name, "radius": f"{provider.service_radius_m:,}", "distance": f"{distance:,}"}
    if not geo.open_at(provider.hours, wanted_at):
        return "wanted_at", _("%(provider)s works %(hours)s; %(when)s is outside those hours.") % {
            "provider": name, "hours": geo.hours_text(provider.hours),
            "when": f"{timezone.localtime(wanted_at):%Y-%m-%d %H:%M}"}
    return None


def _check_provider(provider: Provider, order: Order) -> None:
    problem = provider_problem(provider, service=order.service, latitude=order.latitude,
                               longitude=order.longitude, wanted_at=order.wanted_at)
    if problem is not None:
        raise field_error(*problem)


def _provider(actor: Actor, value) -> Provider:
    pk = object_id(value)
    found = Provider.objects.visible_to(actor).filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise field_error("provider", _("Choose a provider."))
    return found


# --- the number ------------------------------------------------------------------------------------


def _next_number(day: dt.date) -> str:
    prefix = f"{NUMBER_PREFIX}{day:%Y%m%d}"
    last = Order.objects.filter(number__startswith=prefix).aggregate(last=Max("number"))["last"]
    serial = int(last[len(prefix):]) + 1 if last else 1
    return f"{prefix}{serial:05d}"


# --- 点单 ------------------------------------------------------------------------------------------


def order_create(*, actor: Actor, service, place, description: str, wanted_at,
                 orderer_kind: str = OrdererKind.RESIDENT, provider=None) -> Order:
    """Order `service` for `place`; with `provider` (picked by the orderer) it goes straight to them."""
    require(actor, "circle.order")
    service_row = _service(service)
    node = _place(actor, place, orderer_kind or OrdererKind.RESIDENT)
    text = _text(description, "description", required=_("Say what is needed."), limit=DESCRIPTION_MAX)
    wanted = moment_value(wanted_at, "wanted_at")
    now = timezone.now()
    if wanted < now - PAST_GRACE:
        raise field_error("wanted_at", _("Choose a time from now on."))
    if wanted > now + dt.timedelta(days=366):
        raise field_error("wanted_at", _("Choose a time within a year."))
    chosen = _provider(actor, provider) if provider not in (None, "") else None
    latitude, longitude = position_of(node)
    with transaction.atomic():
        order = None
        for _attempt in range(5):
            draft = Order(number=_next_number(timezone.localdate(now)), service=service_row,
                          ordered_by=actor_user(actor), orderer_kind=orderer_kind or OrdererKind.RESIDENT,
                          place=node, latitude=latitude, longitude=longitude, description=text, wanted_at=wanted,
                          state=OrderState.ORDERED,
                          due_at=now + dt.timedelta(hours=int(setting("CIRCLE_DISPATCH_WITHIN_HOURS"))))
            if chosen is not None:
                _check_provider(chosen, draft)
            try:
                with transaction.atomic():
                    draft.save()
            except IntegrityError:
                continue  # another order took the number at the same moment: take the next
            order = draft
            break
        if order is None:
            raise field_error("service", _("The order could not be numbered; please send it again."))
        audit.record(actor=actor, action="circle.order.create", obj=order,
                     after={"number": order.number, "service": service_row.code, "place": node.pk,
                            "orderer_kind": order.orderer_kind, "wanted_at": wanted.isoformat(),
                            "provider": chosen.pk if chosen else None})
        staff = centre_staff(node)
        title = _("New order %(number)s: %(service)s") % {"number": order.number, "service": service_row.name}
        transaction.on_commit(lambda: notify(recipients=staff, title=title, body=text[:300], url=order_url(order),
                                             obj=order, kind="circle.order_placed"))
        if chosen is not None:
            order = _dispatch(SystemActor(label="circle:direct-order", on_behalf_of=actor_user(actor)),
                              order, chosen, note=_("Chosen by who ordered it."))
    return order


# --- 派单 ------------------------------------------------------------------------------------------


def _tell_provider(order: Order) -> None:
    provider = order.provider
    if provider is None or provider.user is None:
        return
    notify(recipients=[provider.user], kind="circle.order_dispatched", url=order_url(order), obj=order,
           title=_("Order %(number)s for you: %(service)s") % {"number": order.number, "service": order.service.name},
           body=order.description[:300])


def _dispatch(actor: Actor, order, provider, *, note: str = "") -> Order:
    def update(row: Order):
        chosen = provider if isinstance(provider, Provider) else _provider(actor, provider)
        _check_provider(chosen, row)
        now = timezone.now()
        row.provider = chosen
        row.dispatched_at = now
        row.due_at = now + dt.timedelta(hours=row.service.accept_within_hours)
        row.overdue_at = None
        return ["provider", "dispatched_at", "due_at", "overdue_at"]

    return apply_transition(ORDER_WORKFLOW, actor=actor, obj=order, action="dispatch", update=update,
                            notify=_tell_provider, note=note)


def order_dispatch(*, actor: Actor, order, provider) -> Order:
    """The centre sends the order to a provider (派单), after the checks of `provider_problem`."""
    return _dispatch(actor, object_id(order), provider)


# --- 接单 ------------------------------------------------------------------------------------------


def _tell_orderer(kind: str, title: str, body: str = ""):
    def tell(order: Order) -> None:
        notify(recipients=[order.ordered_by], kind=kind, url=order_url(order), obj=order,
               title=title % {"number": order.number, "service": order.service.name}, body=body)

    return tell


def order_accept(*, actor: Actor, order) -> Order:
    def update(row: Order):
        now = timezone.now()
        row.accepted_at = now
        row.due_at = max(row.wanted_at, now + dt.timedelta(hours=row.service.deliver_within_hours))
        row.overdue_at = None
        return ["accepted_at", "due_at", "overdue_at"]

    return apply_transition(ORDER_WORKFLOW, actor=actor, obj=object_id(order), action="accept", update=update,
                            notify=_tell_orderer("circle.order_accepted",
                                                 _("Order %(number)s accepted: %(service)s")))


def order_decline(*, actor: Actor, order, reason: str) -> Order:
    """The provider turns the order down with a reason; it goes back to the centre's board."""
    declined = {}

    def update(row: Order):
        text = _text(reason, "reason", required=_("Say why you decline."), limit=REASON_MAX)
        now = timezone.now()
        declined.update(provider=row.provider, reason=text)
        row.declines = [*row.declines, {"provider": row.provider_id, "name": row.provider.name if row.provider else "",
                                        "reason": text, "at": now.isoformat()}]
        row.provider = None
        row.dispatched_at = None
        row.due_at = now + dt.timedelta(hours=int(setting("CIRCLE_DISPATCH_WITHIN_HOURS")))
        row.overdue_at = None
        return ["declines", "provider", "dispatched_at", "due_at", "overdue_at"]

    def tell(row: Order) -> None:
        notify(recipients=centre_staff(row.place), kind="circle.order_declined", url=order_url(row), obj=row,
               title=_("%(provider)s declined order %(number)s") % {
                   "provider": declined["provider"].name if declined.get("provider") else "", "number": row.number},
               body=declined.get("reason", ""))

    return apply_transition(ORDER_WORKFLOW, actor=actor, obj=object_id(order), action="decline", update=update,
                            notify=tell)


def order_deliver(*, actor: Actor, order, latitude, longitude, note: str = "") -> Order:
    """The provider has served, checking in from where they stand (the phone's position): farther
    than CIRCLE_CHECKIN_METRES from the place is refused with the distance."""

    def update(row: Order):
        try:
            lat, lng = float(latitude), float(longitude)
        except (TypeError, ValueError):
            raise field_error("checkin", _("Check in: give your position (latitude and longitude).")) from None
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise field_error("checkin", _("Check in: give your position (latitude and longitude)."))
        text = _text(note, "note", limit=NOTE_MAX)
        distance = None
        if row.latitude is not None and row.longitude is not None:
            distance = round(geo.metres_between(lat, lng, row.latitude, row.longitude))
            limit = int(setting("CIRCLE_CHECKIN_METRES"))
            if distance > limit:
                raise field_error("checkin", _("You are %(distance)s m from the place; check in within %(limit)s m of "
                                               "it.") % {"distance": f"{distance:,}", "limit": f"{limit:,}"})
        row.delivered_at = timezone.now()
        row.checkin_distance_m = distance
        row.delivery_note = text
        row.due_at = None
        row.overdue_at = None
        return ["delivered_at", "checkin_distance_m", "delivery_note", "due_at", "overdue_at"]

    return apply_transition(ORDER_WORKFLOW, actor=actor, obj=object_id(order), action="deliver", update=update,
                            notify=_tell_orderer("circle.order_delivered",
                                                 _("Order %(number)s delivered: please rate %(service)s")))


# --- 评单 ------------------------------------------------------------------------------------------


def order_rate(*, actor: Actor, order, stars, comment: str = "") -> Order:
    def update(row: Order):
        row.stars = stars_value(stars)
        row.rating_comment = _text(comment, "comment", limit=NOTE_MAX)
        row.rated_at = timezone.now()
        row.overdue_at = None
        return ["stars", "rating_comment", "rated_at", "overdue_at"]

    return apply_transition(ORDER_WORKFLOW, actor=actor, obj=object_id(order), action="rate", update=update)


def _cancel(action: str, *, actor: Actor, order, reason: str) -> Order:
    told = {}

    def update(row: Order):
        row.cancel_reason = _text(reason, "reason", required=_("Say why the order is cancelled."), limit=REASON_MAX)
        told["provider"] = row.provider.user if row.provider_id and row.provider.user_id else None
        row.due_at = None
        row.overdue_at = None
        return ["cancel_reason", "due_at", "overdue_at"]

    def tell(row: Order) -> None:
        recipients = [told.get("provider")]
        if action == "cancel":
            recipients += centre_staff(row.place)
        else:
            recipients.append(row.ordered_by)
        notify(recipients=[u for u in recipients if u is not None and u.pk != getattr(actor, "pk", None)],
               kind="circle.order_cancelled", url=order_url(row), obj=row, body=row.cancel_reason,
               title=_("Order %(number)s cancelled: %(service)s") % {"number": row.number, "service": row.service.name})

    return apply_transition(ORDER_WORKFLOW, actor=actor, obj=object_id(order), action=action, update=update,
                            notify=tell, note=(reason or "")[:200])


def order_cancel(*, actor: Actor, order, reason: str) -> Order:
    """Who ordered it cancels it before it is accepted."""
    return _cancel("cancel", actor=actor, order=order, reason=reason)


def order_withdraw(*, actor: Actor, order, reason: str) -> Order:
    """The centre cancels an order of its area before it is delivered."""
    return _cancel("withdraw", actor=actor, order=order, reason=reason)


# --- time limits -----------------------------------------------------------------------------------


def flag_overdue(*, actor: Actor) -> int:
    """Flag once each open order whose step's time limit passed: overdue_at, an audit row, and the
    centre's staff (and the provider, when the step is theirs) told. A second run flags nothing."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(Order.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(state__in=OPEN_ORDER_STATES, due_at__lt=now, overdue_at__isnull=True)
                    .select_related("service", "place", "provider__user").order_by("due_at", "pk"))
        if not rows:
            return 0
        Order.objects.filter(pk__in=[r.pk for r in rows]).update(overdue_at=now)
        staff = centre_staff_by_path([r.place.path for r in rows])
        notes = []
        for row in rows:
            row.overdue_at = now
            audit.record(actor=actor, action="circle.order.overdue", obj=row, before={"overdue_at": None},
                         after={"overdue_at": now.isoformat(), "state": row.state, "due_at": row.due_at.isoformat()})
            recipients = list(staff.get(row.place.path, []))
            if row.state in (OrderState.DISPATCHED, OrderState.ACCEPTED) and row.provider and row.provider.user:
                recipients.append(row.provider.user)
            title = _("Order %(number)s is overdue: %(service)s (%(state)s)") % {
                "number": row.number, "service": row.service.name, "state": row.get_state_display()}
            seen = set()
            for user in recipients:
                if user.pk in seen or not user.is_active:
                    continue
                seen.add(user.pk)
                notes.append(Notification(recipient=user, kind="circle.order_overdue", title=title[:200],
                                          body="", url=order_url(row), object_id=str(row.pk)))
        if notes:
            from django.contrib.contenttypes.models import ContentType

            content_type = ContentType.objects.get_for_model(Order)
            for note in notes:
                note.content_type = content_type
            send_bulk(notes)
    return len(rows)
