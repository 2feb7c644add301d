"""Room bookings at the service points (党群会客厅, 百姓影院, 百姓健身房): a booking takes whole slots
of the room (`room.slot_minutes`, at most `room.max_slots`) within the point's opening hours, for
no more people than the room seats. A booking that overlaps another holding one (booked or checked
in) is refused: the room's row is locked and the overlap looked for inside the transaction, so of
two overlapping bookings made at once one is taken. The point's keeper is told of each booking,
checks people in (from CHECK_IN_EARLY_MINUTES before the start), and nobody checked in
CIRCLE_NO_SHOW_AFTER_MINUTES after the start is a no-show (`record_no_shows`). Every state change
goes through BOOKING_WORKFLOW."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.components import setting
from gongzhi.core.errors import Conflict, InvalidInput, NotFound
from gongzhi.core.notifications import notify
from gongzhi.core.permissions import can, require
from gongzhi.core.workflow import apply_transition

from ..models import HOLDING_BOOKING_STATES, BookingState, Room, RoomBooking
from ..workflow import BOOKING_WORKFLOW
from .inputs import field_error, moment_value, object_id

CHECK_IN_EARLY_MINUTES = 15
PURPOSE_MAX = 200
OVERLAP = "overlap"  # the error code of a booking that overlaps another


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def within_hours(hours, starts: dt.datetime, ends: dt.datetime) -> bool:
    """The whole of [starts, ends) lies inside one open period of the point (no hours: always open)."""
    if not hours:
        return True
    local_start, local_end = timezone.localtime(starts), timezone.localtime(ends)
    if local_end.date() != local_start.date() and not (local_end.hour == 0 and local_end.minute == 0
                                                       and local_end.date() == local_start.date() + dt.timedelta(days=1)):
        return False
    first = local_start.hour * 60 + local_start.minute
    last = first + int((ends - starts).total_seconds() // 60)
    return any(local_start.weekday() in p.get("days", ()) and _minutes(p["opens"]) <= first
               and last <= _minutes(p["closes"]) for p in hours)


def _int(value, field: str, low: int, high: int, message: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise field_error(field, message) from None
    if not low <= number <= high:
        raise field_error(field, message)
    return number


@transaction.atomic
def booking_create(*, actor: Actor, room, starts_at, slots=1, purpose: str = "", people=1) -> RoomBooking:
    """Book `slots` slots of a room from `starts_at`. Refused beside the field when the room takes
    no bookings ("room"), the time is not a slot start, has passed, lies outside the point's hours
    or overlaps a holding booking ("starts_at", code OVERLAP for the last), too many slots
    ("slots"), too many people ("people"), no purpose ("purpose")."""
    require(actor, "circle.book")
    row = Room.objects.visible_to(actor).filter(pk=object_id(room)).first()
    if row is None:
        raise NotFound()
    who = actor_user(actor)
    if who is None:
        raise field_error("room", _("Sign in to book."))
    # the room's row, locked: two overlapping bookings at once queue here and the second sees the first
    row = Room.objects.select_for_update().select_related("point").get(pk=row.pk)
    if not row.bookable or not row.point.active:
        raise field_error("room", _("This room takes no bookings."))
    starts = moment_value(starts_at, "starts_at")
    count = _int(slots, "slots", 1, row.max_slots,
                 _("Book from 1 to %(count)d slots.") % {"count": row.max_slots})
    text = (purpose or "").strip()
    if not text:
        raise field_error("purpose", _("Say what the room is for."))
    if len(text) > PURPOSE_MAX:
        raise field_error("purpose", _("At most %(count)d characters.") % {"count": PURPOSE_MAX})
    number = _int(people, "people", 1, row.capacity,
                  _("The room seats %(count)d people.") % {"count": row.capacity})
    local = timezone.localtime(starts)
    if local.second or local.microsecond or (local.hour * 60 + local.minute) % row.slot_minutes:
        raise field_error("starts_at", _("Bookings start at the beginning of a slot."))
    if starts <= timezone.now():
        raise field_error("starts_at", _("This time has passed."))
    ends = starts + dt.timedelta(minutes=row.slot_minutes * count)
    if not within_hours(row.point.hours, starts, ends):
        raise field_error("starts_at", _("The point is closed at this time."))
    overlapping = RoomBooking.objects.filter(room=row, state__in=HOLDING_BOOKING_STATES, starts_at__lt=ends,
                                             ends_at__gt=starts)
    if overlapping.exists():
        message = _("The room is already booked at this time.")
        raise InvalidInput(message, code=OVERLAP, fields={"starts_at": [message]})
    made = RoomBooking.objects.create(room=row, booked_by=who, starts_at=starts, ends_at=ends, purpose=text,
                                      people=number)
    audit.record(actor=actor, action="circle.booking.create", obj=made,
                 after={"room": row.pk, "starts_at": starts.isoformat(), "ends_at": ends.isoformat(),
                        "people": number, "purpose": text})
    keeper = row.point.keeper
    if keeper is not None:
        title = _("%(room)s booked: %(when)s") % {"room": row.name, "when": f"{local:%Y-%m-%d %H:%M}"}
        body = _("%(people)d people. %(purpose)s") % {"people": number, "purpose": text}
        url = reverse("circle:point-bookings", kwargs={"point_id": row.point_id})
        transaction.on_commit(lambda: notify(recipients=[keeper], title=title, body=body, url=url, obj=made,
                                             kind="circle.booking_made"))
    return made


def booking_check_in(*, actor: Actor, booking) -> RoomBooking:
    """The keeper (or the area's staff) checks the booking in, from CHECK_IN_EARLY_MINUTES before
    its start until its end."""

    def guard(obj: RoomBooking) -> None:
        if obj.state != BookingState.BOOKED:
            return
        now = timezone.now()
        if now < obj.starts_at - dt.timedelta(minutes=CHECK_IN_EARLY_MINUTES):
            raise Conflict(_("Check-in opens %(minutes)d minutes before the start.")
                           % {"minutes": CHECK_IN_EARLY_MINUTES}, code="too_early")
        if now >= obj.ends_at:
            raise Conflict(_("The booking has ended."), code="ended")

    def update(obj: RoomBooking):
        obj.checked_in_at = timezone.now()
        return ["checked_in_at"]

    return apply_transition(BOOKING_WORKFLOW, actor=actor, obj=object_id(booking), action="check_in", guard=guard,
                            update=update)


def booking_cancel(*, actor: Actor, booking) -> RoomBooking:
    """Who booked it cancels before the start; the keeper or the area's staff at any time."""

    def guard(obj: RoomBooking) -> None:
        if (obj.state == BookingState.BOOKED and obj.starts_at <= timezone.now()
                and not can(actor, "circle.run_point", obj)):
            raise Conflict(_("The booking has begun: it can no longer be cancelled."), code="begun")

    return apply_transition(BOOKING_WORKFLOW, actor=actor, obj=object_id(booking), action="cancel", guard=guard)


def booking_no_show(*, actor: Actor, booking) -> RoomBooking:
    """Nobody came: recorded once the booking has begun."""

    def guard(obj: RoomBooking) -> None:
        if obj.state == BookingState.BOOKED and obj.starts_at > timezone.now():
            raise Conflict(_("The booking has not begun yet."), code="not_begun")

    return apply_transition(BOOKING_WORKFLOW, actor=actor, obj=object_id(booking), action="no_show", guard=guard)


def record_no_shows(*, actor: Actor) -> int:
    """Bookings nobody checked in to CIRCLE_NO_SHOW_AFTER_MINUTES after their start become no-shows
    (idempotent)."""
    limit = timezone.now() - dt.timedelta(minutes=int(setting("CIRCLE_NO_SHOW_AFTER_MINUTES")))
    done = 0
    for pk in list(RoomBooking.objects.filter(state=BookingState.BOOKED, starts_at__lt=limit)
                   .values_list("pk", flat=True)):
        try:
            apply_transition(BOOKING_WORKFLOW, actor=actor, obj=pk, action="no_show")
        except (Conflict, NotFound):
            continue
        done += 1
    return done
