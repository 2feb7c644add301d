"""Two residents take the last place of a half hour at once: exactly one gets it, the other is
told the slot is full (issue 21, "Bad input"). And two overlapping room bookings made at once: one
is taken. Needs PostgreSQL: SQLite serialises writers, so nothing would run at the same time."""

import threading

import pytest
from django.db import connection, connections

from gongzhi.circle.models import HOLDING_BOOKING_STATES, Appointment, RoomBooking, ServicePoint
from gongzhi.circle.services import bookings as booking_services
from gongzhi.circle.services import guide as services
from gongzhi.core.errors import InvalidInput

from . import factories_guide as f

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: two real connections booking at the same time (SQLite serialises writers)"),
]


def at_once(count, work):
    barrier = threading.Barrier(count)
    results, failures = [], []

    def run(i):
        try:
            barrier.wait(timeout=10)
            results.append(work(i))
        except Exception as exc:  # noqa: BLE001 - sorted out by the test
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, failures


def test_two_residents_taking_the_last_place_at_once_get_one_between_them():
    w = f.world()
    ServicePoint.objects.filter(pk=w["hall"].pk).update(slot_capacity=1)
    when = f.slot(w["hall"], 11)
    people = [w["resident"], w["neighbour"]]
    for _round in range(3):  # several rounds: the race must be lost by exactly one every time
        Appointment.objects.filter(matter=w["matter"]).delete()
        made, failures = at_once(2, lambda i: services.appointment_book(actor=people[i], matter=w["matter"],
                                                                        starts_at=when))
        assert len(made) == 1, (made, failures)
        assert len(failures) == 1 and isinstance(failures[0], InvalidInput), failures
        assert failures[0].code == services.FULL and "starts_at" in failures[0].fields
        assert Appointment.objects.filter(matter=w["matter"], starts_at=when).count() == 1


def test_two_overlapping_room_bookings_at_once_get_one():
    w = f.world()
    when = f.slot(w["station"], 14)
    people = [w["resident"], w["neighbour"]]
    made, failures = at_once(2, lambda i: booking_services.booking_create(
        actor=people[i], room=w["room"], starts_at=when, slots=2 - i, purpose="议事", people=5))
    assert len(made) == 1 and len(failures) == 1, (made, failures)
    assert isinstance(failures[0], InvalidInput) and failures[0].code == booking_services.OVERLAP
    assert RoomBooking.objects.filter(room=w["room"], state__in=HOLDING_BOOKING_STATES).count() == 1
