"""What the booking pages and API read: a room with its week (each day's slots, free or taken),
the user's own bookings, and a point's bookings for its keeper and the area's staff."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require

from ..models import HOLDING_BOOKING_STATES, Room, RoomBooking, ServicePoint
from ..services.bookings import within_hours

# A room of a point without fixed hours shows these hours of each day.
OPEN_ALL_DAY = (8 * 60, 22 * 60)


def room_get(*, user, pk) -> Room:
    row = Room.objects.visible_to(user).select_related("point", "point__area").filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


@dataclass
class RoomSlot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: str  # "free", "taken" or "past"

    @property
    def value(self) -> str:
        return timezone.localtime(self.starts_at).strftime("%Y-%m-%dT%H:%M")


@dataclass
class RoomDay:
    day: dt.date
    slots: list[RoomSlot] = field(default_factory=list)

    @property
    def free(self) -> int:
        return sum(s.state == "free" for s in self.slots)


def _periods(room: Room, day: dt.date) -> list[tuple[int, int]]:
    hours = room.point.hours
    if not hours:
        return [OPEN_ALL_DAY]
    return sorted((int(p["opens"][:2]) * 60 + int(p["opens"][3:]), int(p["closes"][:2]) * 60 + int(p["closes"][3:]))
                  for p in hours if day.weekday() in p.get("days", ()))


def room_days(*, room: Room, start: dt.date | None = None, days: int = 7,
              now: dt.datetime | None = None) -> list[RoomDay]:
    """The room's slots day by day from `start` (default today) for `days` days."""
    now = now or timezone.now()
    start = start or timezone.localdate(now)
    step = dt.timedelta(minutes=room.slot_minutes)
    first = timezone.make_aware(dt.datetime.combine(start, dt.time()))
    held = list(RoomBooking.objects.filter(room=room, state__in=HOLDING_BOOKING_STATES,
                                           starts_at__lt=first + dt.timedelta(days=days), ends_at__gt=first)
                .values_list("starts_at", "ends_at"))
    found = []
    for i in range(days):
        day = start + dt.timedelta(days=i)
        midnight = timezone.make_aware(dt.datetime.combine(day, dt.time()))
        row = RoomDay(day=day)
        for opens, closes in _periods(room, day):
            minute = -(-opens // room.slot_minutes) * room.slot_minutes
            while minute + room.slot_minutes <= closes:
                begins = midnight + dt.timedelta(minutes=minute)
                ends = begins + step
                if any(a < ends and b > begins for a, b in held):
                    state = "taken"
                elif begins <= now or not within_hours(room.point.hours, begins, ends):
                    state = "past"
                else:
                    state = "free"
                row.slots.append(RoomSlot(timezone.localtime(begins), timezone.localtime(ends), state))
                minute += room.slot_minutes
        found.append(row)
    return found


def my_bookings(*, user) -> QuerySet:
    return (RoomBooking.objects.visible_to(user).filter(booked_by=user).select_related("room", "room__point")
            .order_by("-starts_at", "-id"))


def booking_get(*, user, pk) -> RoomBooking:
    row = RoomBooking.objects.visible_to(user).select_related("room__point", "booked_by").filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def point_for_bookings(*, user, pk) -> ServicePoint:
    """A point the user sees (else absent) and runs (its keeper, the area's staff; else forbidden)."""
    point = ServicePoint.objects.visible_to(user).select_related("area").filter(pk=pk).first()
    if point is None:
        raise NotFound()
    require(user, "circle.run_point", point)
    return point


def point_bookings(*, user, point: ServicePoint, day: dt.date | None = None, days: int = 7) -> list[RoomBooking]:
    """The point's bookings from `day` (default today) for `days` days, by start."""
    day = day or timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    return list(RoomBooking.objects.filter(room__point=point, starts_at__gte=start,
                                           starts_at__lt=start + dt.timedelta(days=days))
                .select_related("room", "booked_by").order_by("starts_at", "id"))
