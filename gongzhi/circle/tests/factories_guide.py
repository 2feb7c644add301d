"""Test data of the hall's guide and of room bookings, on top of `factories.circle_world()`: the
next slot the hall takes appointments in, an appointment, a booking, and a second district's hall
with a matter and a room (outside the first district's staff)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.circle import menu_data
from gongzhi.circle.models import Appointment, Matter, Room, RoomBooking, ServicePoint
from gongzhi.circle.services.guide import slot_starts

from . import factories


def open_day(hall: ServicePoint, *, after: dt.date | None = None) -> dt.date:
    """The first day after `after` (default today) on which the hall takes appointments."""
    day = (after or timezone.localdate()) + dt.timedelta(days=1)
    for _i in range(30):
        if slot_starts(hall, day):
            return day
        day += dt.timedelta(days=1)
    raise AssertionError("the hall takes no appointments in the next month")


def slot(hall: ServicePoint, hour: int = 10, minute: int = 0, *, after: dt.date | None = None) -> dt.datetime:
    """A half-hour slot the hall takes on its next open day."""
    return timezone.make_aware(dt.datetime.combine(open_day(hall, after=after), dt.time(hour, minute)))


def appointment(matter: Matter, person, starts_at: dt.datetime, **extra) -> Appointment:
    return Appointment.objects.create(matter=matter, person=person, starts_at=starts_at, **extra)


def booking(room: Room, person, starts_at: dt.datetime, *, slots: int = 1, **extra) -> RoomBooking:
    extra.setdefault("purpose", "党员活动")
    return RoomBooking.objects.create(room=room, booked_by=person, starts_at=starts_at,
                                      ends_at=starts_at + dt.timedelta(minutes=room.slot_minutes * slots), **extra)


def world() -> dict:
    """circle_world() plus the hall's keeper, a second resident, and district 2's hall, matter and room."""
    menu_data.load()  # the menu of migration 0002 (gone after a transactional test flushed the tables)
    w = factories.circle_world()
    w["hall_keeper"] = user("resident", username="hallkeeper")
    ServicePoint.objects.filter(pk=w["hall"].pk).update(keeper=w["hall_keeper"])
    w["hall"].refresh_from_db()
    w["neighbour"] = user("resident", username="neighbour")
    w["other"] = tree()
    w["hall2"] = factories.point(w["other"]["community"], name="二区便民服务室", kind="convenience_room")
    w["matter2"] = factories.matter(w["hall2"], name="二区居住证")
    w["room2"] = factories.room(w["hall2"], name="二区会客厅")
    return w
