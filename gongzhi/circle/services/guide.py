"""The one-stop hall's service guide (办事指南) and its appointments.

A matter of the guide names the materials to bring, the level that handles it, its time limit in
working days, fees and window. Bookable matters take half-hour appointments within the hall's
opening hours (`ServicePoint.hours`; none: the working periods of `settings.WORKING_PERIODS`) on
the working days of the calendar (`gongzhi.core.calendar`), for the next DAYS_AHEAD days, at most
`ServicePoint.slot_capacity` people a slot and matter. The last place goes to exactly one of two
people booking at once: the matter's row is locked and the slot counted inside the transaction.

At the hall the keeper (or the area's staff) marks people arrived — each gets the day's next ticket
— and served; nobody arriving CIRCLE_NO_SHOW_AFTER_MINUTES after the slot began is a no-show
(`record_no_shows`, a periodic task). Appointments are reminded once, CIRCLE_REMIND_HOURS ahead.
Every state change goes through APPOINTMENT_WORKFLOW."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit, calendar
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.components import setting
from gongzhi.core.errors import Conflict, InvalidInput, NotFound
from gongzhi.core.notifications import notify
from gongzhi.core.permissions import can, require
from gongzhi.core.workflow import apply_transition, lock_visible

from ..models import (
    HOLDING_APPOINTMENT_STATES,
    Appointment,
    AppointmentState,
    Matter,
    MatterLevel,
    ServicePoint,
)
from ..workflow import APPOINTMENT_WORKFLOW
from .inputs import field_error, moment_value, object_id

SLOT_MINUTES = 30
DAYS_AHEAD = 14
NAME_MAX = 100
MATERIALS_MAX = 30
MATERIAL_MAX = 200
NOTES_MAX = 2000
FULL = "slot_full"  # the error code of a slot with no place left


# --- the guide ---------------------------------------------------------------------------------


def _text(value, field: str, limit: int, *, required: bool = False) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not text:
        raise field_error(field, _("This field is required."))
    if len(text) > limit:
        raise field_error(field, _("At most %(count)d characters.") % {"count": limit})
    return text


def _materials(value) -> list[str]:
    """A list of lines (a list, or one text of lines)."""
    if value in (None, ""):
        return []
    lines = value.splitlines() if isinstance(value, str) else list(value)
    found = []
    for line in lines:
        text = str(line or "").strip()
        if not text:
            continue
        if len(text) > MATERIAL_MAX:
            raise field_error("materials", _("At most %(count)d characters a line.") % {"count": MATERIAL_MAX})
        found.append(text)
    if len(found) > MATERIALS_MAX:
        raise field_error("materials", _("At most %(count)d materials.") % {"count": MATERIALS_MAX})
    return found


def _days(value) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = -1
    if not 0 <= days <= 365:
        raise field_error("time_limit_days", _("Enter a whole number of working days from 0 to 365."))
    return days


def _level(value) -> str:
    if value not in MatterLevel.values:
        raise field_error("level", _("Choose the level that handles the matter."))
    return str(value)


def _hall(actor: Actor, hall) -> ServicePoint:
    row = ServicePoint.objects.visible_to(actor).select_related("area").filter(pk=object_id(hall)).first()
    if row is None:
        raise NotFound()
    return row


def _snapshot(matter: Matter) -> dict:
    return {"point": matter.point_id, "name": matter.name, "level": matter.level, "materials": list(matter.materials),
            "time_limit_days": matter.time_limit_days, "fees": matter.fees, "window": matter.window,
            "bookable": matter.bookable, "notes": matter.notes, "active": matter.active}


def _clean(*, name, level, materials, time_limit_days, fees, window, notes) -> dict:
    return {"name": _text(name, "name", NAME_MAX, required=True), "level": _level(level),
            "materials": _materials(materials), "time_limit_days": _days(time_limit_days),
            "fees": _text(fees, "fees", 100), "window": _text(window, "window", 50),
            "notes": _text(notes, "notes", NOTES_MAX)}


@transaction.atomic
def matter_create(*, actor: Actor, hall, name: str, level: str = MatterLevel.COMMUNITY, materials=(),
                  time_limit_days=0, fees: str = "", window: str = "", bookable: bool = True, notes: str = "",
                  active: bool = True) -> Matter:
    """A matter of a hall's guide (the staff of the hall's area)."""
    point = _hall(actor, hall)
    require(actor, "circle.keep", point)
    data = _clean(name=name, level=level, materials=materials, time_limit_days=time_limit_days, fees=fees,
                  window=window, notes=notes)
    if Matter.objects.filter(point=point, name=data["name"]).exists():
        raise field_error("name", _("This hall's guide already has this matter."))
    try:
        with transaction.atomic():
            row = Matter.objects.create(point=point, bookable=bool(bookable), active=bool(active), **data)
    except IntegrityError:
        raise field_error("name", _("This hall's guide already has this matter.")) from None
    audit.record(actor=actor, action="circle.matter.create", obj=row, after=_snapshot(row))
    return row


@transaction.atomic
def matter_update(*, actor: Actor, matter, name=None, level=None, materials=None, time_limit_days=None,
                  fees=None, window=None, bookable=None, notes=None, active=None) -> Matter:
    """Change a matter (None: unchanged)."""
    row = lock_visible(Matter, actor=actor, pk=object_id(matter))
    require(actor, "circle.keep", row)
    before = _snapshot(row)
    if name is not None:
        row.name = _text(name, "name", NAME_MAX, required=True)
        if Matter.objects.filter(point_id=row.point_id, name=row.name).exclude(pk=row.pk).exists():
            raise field_error("name", _("This hall's guide already has this matter."))
    if level is not None:
        row.level = _level(level)
    if materials is not None:
        row.materials = _materials(materials)
    if time_limit_days is not None:
        row.time_limit_days = _days(time_limit_days)
    if fees is not None:
        row.fees = _text(fees, "fees", 100)
    if window is not None:
        row.window = _text(window, "window", 50)
    if notes is not None:
        row.notes = _text(notes, "notes", NOTES_MAX)
    if bookable is not None:
        row.bookable = bool(bookable)
    if active is not None:
        row.active = bool(active)
    row.save()
    old, new = audit.diff(before, _snapshot(row))
    audit.record(actor=actor, action="circle.matter.update", obj=row, before=old, after=new)
    return row


# --- slots ------------------------------------------------------------------------------------


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def periods_on(point: ServicePoint, day: dt.date) -> list[tuple[int, int]]:
    """The hall's open periods on `day` as (opening minute, closing minute); none on a non-working
    day of the calendar. A hall without fixed hours takes the working periods."""
    if not calendar.is_working_day(day):
        return []
    if not point.hours:
        return [(p[0].hour * 60 + p[0].minute, p[1].hour * 60 + p[1].minute) for p in calendar.working_periods()]
    return sorted((_minutes(p["opens"]), _minutes(p["closes"])) for p in point.hours
                  if day.weekday() in p.get("days", ()))


def slot_starts(point: ServicePoint, day: dt.date) -> list[dt.datetime]:
    """Every half-hour slot that fits wholly inside an open period of `day` (aware, local time)."""
    starts = []
    midnight = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    for opens, closes in periods_on(point, day):
        minute = -(-opens // SLOT_MINUTES) * SLOT_MINUTES
        while minute + SLOT_MINUTES <= closes:
            starts.append(timezone.localtime(midnight + dt.timedelta(minutes=minute)))
            minute += SLOT_MINUTES
    return starts


def slot_problem(point: ServicePoint, starts: dt.datetime, *, now: dt.datetime | None = None) -> str:
    """Why `starts` is not a slot one may book at the hall (empty: it is)."""
    now = now or timezone.now()
    local = timezone.localtime(starts)
    if local.second or local.microsecond or local.minute % SLOT_MINUTES:
        return _("Appointments start on the hour or at half past.")
    if starts <= now:
        return _("This time has passed.")
    if local.date() > timezone.localdate(now) + dt.timedelta(days=DAYS_AHEAD):
        return _("Appointments are taken for the next %(days)d days.") % {"days": DAYS_AHEAD}
    if not calendar.is_working_day(local.date()):
        return _("The hall does not take appointments on a non-working day.")
    minute = local.hour * 60 + local.minute
    if not any(opens <= minute and minute + SLOT_MINUTES <= closes for opens, closes in periods_on(point, local.date())):
        return _("The hall is closed at this time.")
    return ""


def taken(matter: Matter, starts: list[dt.datetime]) -> dict[dt.datetime, int]:
    """Places held per slot start (booked, arrived or served)."""
    if not starts:
        return {}
    rows = (Appointment.objects.filter(matter=matter, state__in=HOLDING_APPOINTMENT_STATES,
                                       starts_at__gte=min(starts), starts_at__lte=max(starts))
            .values_list("starts_at", flat=True))
    counts: dict[dt.datetime, int] = {}
    for moment in rows:
        counts[moment] = counts.get(moment, 0) + 1
    return counts


# --- appointments -----------------------------------------------------------------------------


def _appointment_url(row: Appointment) -> str:
    return reverse("circle:my-appointments")


@transaction.atomic
def appointment_book(*, actor: Actor, matter, starts_at) -> Appointment:
    """Book a half-hour slot of a matter. Refused beside "starts_at" when the time is not a slot
    start, has passed, is outside the hall's hours or on a non-working day, when the person already
    holds that slot at the hall, or when the slot is full (code FULL)."""
    require(actor, "circle.book")
    row = Matter.objects.visible_to(actor).filter(pk=object_id(matter)).first()
    if row is None:
        raise NotFound()
    person = actor_user(actor)
    if person is None:
        raise field_error("matter", _("Sign in to book."))
    starts = moment_value(starts_at, "starts_at")
    # the matter's row, locked: two people taking the last place queue here, and the second counts the first
    row = Matter.objects.select_for_update().select_related("point").get(pk=row.pk)
    if not row.active or not row.bookable or not row.point.active:
        raise field_error("matter", _("This matter takes no appointments."))
    problem = slot_problem(row.point, starts)
    if problem:
        raise field_error("starts_at", problem)
    held = Appointment.objects.filter(person=person, matter__point_id=row.point_id, starts_at=starts,
                                      state__in=HOLDING_APPOINTMENT_STATES)
    if held.exists():
        raise field_error("starts_at", _("You already have an appointment at this hall at this time."))
    count = Appointment.objects.filter(matter=row, starts_at=starts, state__in=HOLDING_APPOINTMENT_STATES).count()
    if count >= row.point.slot_capacity:
        message = _("This half hour is full: choose another.")
        raise InvalidInput(message, code=FULL, fields={"starts_at": [message]})
    made = Appointment.objects.create(matter=row, person=person, starts_at=starts)
    audit.record(actor=actor, action="circle.appointment.create", obj=made,
                 after={"matter": row.pk, "starts_at": starts.isoformat(), "place": count + 1})
    return made


def appointment_cancel(*, actor: Actor, appointment) -> Appointment:
    """Cancel before the slot begins (the person; the hall's keeper or staff)."""

    def guard(obj: Appointment) -> None:
        if obj.starts_at <= timezone.now() and obj.state == AppointmentState.BOOKED:
            raise Conflict(_("The slot has begun: it can no longer be cancelled."), code="slot_begun")

    return apply_transition(APPOINTMENT_WORKFLOW, actor=actor, obj=object_id(appointment), action="cancel",
                            guard=guard)


def appointment_arrive(*, actor: Actor, appointment) -> Appointment:
    """The person is at the hall on the day of the slot: they take the day's next ticket."""
    with transaction.atomic():
        row = lock_visible(Appointment, actor=actor, pk=object_id(appointment))
        matter = Matter.objects.select_related("point").get(pk=row.matter_id)
        # the hall's row, locked: tickets of one day are numbered one after another
        ServicePoint.objects.select_for_update().filter(pk=matter.point_id).first()
        now = timezone.now()
        today = timezone.localdate(now)

        def guard(obj: Appointment) -> None:
            if obj.state == AppointmentState.BOOKED and timezone.localdate(obj.starts_at) != today:
                raise Conflict(_("Arrivals are taken on the day of the appointment."), code="not_today")

        def update(obj: Appointment):
            start = timezone.make_aware(dt.datetime.combine(today, dt.time()))
            last = (Appointment.objects.filter(matter__point_id=matter.point_id, arrived_at__gte=start,
                                               arrived_at__lt=start + dt.timedelta(days=1))
                    .aggregate(n=Max("ticket"))["n"]) or 0
            obj.ticket, obj.arrived_at = last + 1, now
            return ["ticket", "arrived_at"]

        return apply_transition(APPOINTMENT_WORKFLOW, actor=actor, obj=row, action="arrive", guard=guard,
                                update=update, locked=True)


def appointment_serve(*, actor: Actor, appointment) -> Appointment:
    def update(obj: Appointment):
        obj.served_at = timezone.now()
        return ["served_at"]

    return apply_transition(APPOINTMENT_WORKFLOW, actor=actor, obj=object_id(appointment), action="serve",
                            update=update)


def appointment_no_show(*, actor: Actor, appointment) -> Appointment:
    """Nobody came: recorded once the slot has begun."""

    def guard(obj: Appointment) -> None:
        if obj.state == AppointmentState.BOOKED and obj.starts_at > timezone.now():
            raise Conflict(_("The slot has not begun yet."), code="not_begun")

    return apply_transition(APPOINTMENT_WORKFLOW, actor=actor, obj=object_id(appointment), action="no_show",
                            guard=guard)


def record_no_shows(*, actor: Actor) -> int:
    """Booked appointments whose slot began more than CIRCLE_NO_SHOW_AFTER_MINUTES ago become
    no-shows (idempotent: a second run finds none)."""
    limit = timezone.now() - dt.timedelta(minutes=int(setting("CIRCLE_NO_SHOW_AFTER_MINUTES")))
    done = 0
    for pk in list(Appointment.objects.filter(state=AppointmentState.BOOKED, starts_at__lt=limit)
                   .values_list("pk", flat=True)):
        try:
            apply_transition(APPOINTMENT_WORKFLOW, actor=actor, obj=pk, action="no_show")
        except (Conflict, NotFound):
            continue  # taken meanwhile (arrived, cancelled) by someone else
        done += 1
    return done


def remind_appointments(*, actor: Actor) -> int:
    """Appointments starting within CIRCLE_REMIND_HOURS, not reminded yet: their person is told,
    once (`reminded_at`)."""
    now = timezone.now()
    until = now + dt.timedelta(hours=int(setting("CIRCLE_REMIND_HOURS")))
    done = 0
    due = (Appointment.objects.filter(state=AppointmentState.BOOKED, reminded_at__isnull=True,
                                      starts_at__gt=now, starts_at__lte=until)
           .select_related("matter__point", "person"))
    for row in due:
        with transaction.atomic():
            if not Appointment.objects.filter(pk=row.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue  # another run reminded it
            local = timezone.localtime(row.starts_at)
            title = _("Your appointment at %(hall)s: %(when)s") % {
                "hall": row.matter.point.name, "when": f"{local:%Y-%m-%d %H:%M}"}
            body = _("%(matter)s. Bring: %(materials)s") % {
                "matter": row.matter.name, "materials": "; ".join(row.matter.materials) or "—"}
            person, url = row.person, _appointment_url(row)
            transaction.on_commit(lambda p=person, t=title, b=body, u=url, o=row: notify(
                recipients=[p], title=t, body=b, url=u, obj=o, kind="circle.appointment_reminder"))
        done += 1
    return done


def may_run(user, point: ServicePoint) -> bool:
    """The hall's keeper or its area's staff (who call the queue)."""
    return can(user, "circle.run_point", point)
