"""Orders, bookings and appointments with their steps already taken, for the figures: made with
the models directly, at the times the figures read (the services that take the steps are tested
in their own concerns)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from gongzhi.circle.models import (
    Appointment,
    AppointmentState,
    BookingState,
    Order,
    OrderState,
    RoomBooking,
)

from . import factories

_serial = itertools.count(1)


def order(place, by, *, service="locksmith", provider=None, state=OrderState.ORDERED, hours=(), stars=None,
          overdue=False, days_ago: int = 2) -> Order:
    """An order placed `days_ago` days ago at 09:00 whose steps took `hours` (to dispatch, accept, deliver)."""
    created = timezone.make_aware(dt.datetime.combine(timezone.localdate() - dt.timedelta(days=days_ago),
                                                      dt.time(9, 0)))
    moments = [created]
    for h in hours:
        moments.append(moments[-1] + dt.timedelta(hours=h))
    steps = moments[1:] + [None, None, None]
    return Order.objects.create(
        number=f"FWTEST{next(_serial):06d}", service=factories.service(service), ordered_by=by, place=place,
        description="门锁坏了，进不去家", wanted_at=created + dt.timedelta(hours=2), provider=provider, state=state,
        created_at=created, dispatched_at=steps[0], accepted_at=steps[1], delivered_at=steps[2], stars=stars,
        overdue_at=created + dt.timedelta(hours=5) if overdue else None,
    )


def world() -> dict:
    """circle_world() with four orders in district 1 (one rated 5, one rated 3, one overdue waiting
    for dispatch, one cancelled), a booking checked in and one no-show, an appointment served; and
    a second district with an order and a booking nobody of district 1 may count."""
    w = factories.circle_world()
    locksmith, resident = w["locksmith"], w["resident"]
    order(w["household_a"], resident, provider=locksmith, state=OrderState.RATED, hours=(1, 2, 3), stars=5)
    order(w["household_b"], resident, provider=locksmith, state=OrderState.RATED, hours=(3, 2, 1), stars=3)
    order(w["household_a"], resident, overdue=True)
    order(w["household_b"], resident, state=OrderState.CANCELLED)
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate() - dt.timedelta(days=1), dt.time(10)))
    RoomBooking.objects.create(room=w["room"], booked_by=resident, starts_at=start, ends_at=start + dt.timedelta(hours=1),
                               purpose="楼栋议事会", state=BookingState.CHECKED_IN, checked_in_at=start)
    RoomBooking.objects.create(room=w["room"], booked_by=resident, starts_at=start + dt.timedelta(hours=2),
                               ends_at=start + dt.timedelta(hours=3), purpose="书法兴趣小组", state=BookingState.NO_SHOW)
    Appointment.objects.create(matter=w["matter"], person=resident, starts_at=start, state=AppointmentState.SERVED,
                               ticket=1)
    other = factories.circle_world()
    order(other["household_a"], other["resident"], provider=other["locksmith"], state=OrderState.RATED,
          hours=(10, 10, 10), stars=1)
    RoomBooking.objects.create(room=other["room"], booked_by=other["resident"], starts_at=start,
                               ends_at=start + dt.timedelta(hours=1), purpose="外区", state=BookingState.CHECKED_IN)
    w["other"] = other
    return w
