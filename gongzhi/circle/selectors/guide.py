"""What the guide's pages and API read: the matters of the halls a user sees (searchable by name),
a hall's guide, a matter with its free slots for the next two weeks, the user's appointments, and a
hall's queue of the day (for its keeper and the area's staff only: to anyone else the queue is
absent)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from gongzhi.core.errors import NotFound

from ..models import Appointment, AppointmentState, Matter, PointKind, ServicePoint
from ..services.guide import DAYS_AHEAD, may_run, slot_problem, slot_starts, taken

HALL_KINDS = (PointKind.CONVENIENCE_ROOM, PointKind.SERVICE_HALL)


def matters_list(*, user, query: str = "", hall: int | None = None, active_only: bool = False) -> QuerySet:
    """The matters of every hall the user sees, by hall and name; `query` searches names."""
    qs = Matter.objects.visible_to(user).select_related("point", "point__area")
    if query:
        qs = qs.filter(Q(name__icontains=query.strip()) | Q(point__name__icontains=query.strip()))
    if hall is not None:
        qs = qs.filter(point_id=hall)
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("point__area__path", "point__name", "name", "id")


def hall_guide(*, user, hall) -> tuple[ServicePoint, list[Matter]]:
    point = ServicePoint.objects.visible_to(user).filter(pk=hall).first()
    if point is None:
        raise NotFound()
    return point, list(matters_list(user=user, hall=point.pk))


def matter_get(*, user, pk) -> Matter:
    row = Matter.objects.visible_to(user).select_related("point", "point__area").filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def halls_for_keeping(*, user) -> list[ServicePoint]:
    """Halls whose guide the user may keep (for the "new matter" choice)."""
    from gongzhi.core.permissions import can

    return [p for p in ServicePoint.objects.visible_to(user).filter(kind__in=HALL_KINDS)
            if can(user, "circle.keep", p)]


@dataclass
class Slot:
    starts_at: dt.datetime
    left: int

    @property
    def value(self) -> str:
        return timezone.localtime(self.starts_at).strftime("%Y-%m-%dT%H:%M")


@dataclass
class SlotDay:
    day: dt.date
    slots: list[Slot] = field(default_factory=list)


def matter_slots(*, matter: Matter, now: dt.datetime | None = None, days: int = DAYS_AHEAD) -> list[SlotDay]:
    """The bookable half-hours of the next `days` days (today included) with the places left; days
    without any slot (non-working, closed) are left out."""
    now = now or timezone.now()
    if not (matter.active and matter.bookable and matter.point.active):
        return []
    today = timezone.localdate(now)
    found: list[SlotDay] = []
    every = []
    for i in range(days + 1):
        day = today + dt.timedelta(days=i)
        starts = [s for s in slot_starts(matter.point, day) if not slot_problem(matter.point, s, now=now)]
        if starts:
            found.append(SlotDay(day=day, slots=[Slot(s, 0) for s in starts]))
            every += starts
    counts = taken(matter, every)
    capacity = matter.point.slot_capacity
    for d in found:
        for s in d.slots:
            s.left = max(0, capacity - counts.get(s.starts_at, 0))
    return found


def my_appointments(*, user) -> QuerySet:
    """The user's own appointments, newest slot first."""
    return (Appointment.objects.visible_to(user).filter(person=user).select_related("matter", "matter__point")
            .order_by("-starts_at", "-id"))


def appointment_get(*, user, pk) -> Appointment:
    row = Appointment.objects.visible_to(user).select_related("matter__point", "person").filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def queue_hall(*, user, pk) -> ServicePoint:
    """A hall whose queue the user calls (its keeper, the area's staff); anyone else: absent."""
    point = ServicePoint.objects.visible_to(user).select_related("area").filter(pk=pk).first()
    if point is None or not may_run(user, point):
        raise NotFound()
    return point


@dataclass
class Queue:
    hall: ServicePoint
    day: dt.date
    arrived: list[Appointment]  # waiting at the hall, by ticket
    coming: list[Appointment]  # booked, by slot
    served: list[Appointment]
    no_shows: list[Appointment]


def hall_queue(*, user, pk, day: dt.date | None = None) -> Queue:
    point = queue_hall(user=user, pk=pk)
    day = day or timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    rows = list(Appointment.objects.filter(matter__point=point, starts_at__gte=start,
                                           starts_at__lt=start + dt.timedelta(days=1))
                .exclude(state=AppointmentState.CANCELLED)
                .select_related("matter", "person").order_by("starts_at", "id"))
    by = {s: [r for r in rows if r.state == s] for s in AppointmentState.values}
    return Queue(hall=point, day=day,
                 arrived=sorted(by[AppointmentState.ARRIVED], key=lambda r: (r.ticket or 0, r.pk)),
                 coming=by[AppointmentState.BOOKED], served=sorted(by[AppointmentState.SERVED],
                                                                   key=lambda r: (r.ticket or 0, r.pk)),
                 no_shows=by[AppointmentState.NO_SHOW])


def person_name(user) -> str:
    """How the queue names a person: the name of their account, or its username."""
    full = (getattr(user, "get_full_name", lambda: "")() or "").strip()
    return full or getattr(user, "display_name", "") or user.get_username()
