"""Room bookings: whole slots within the point's hours, for no more than the room seats; each
refusal names its field and writes nothing; an overlapping booking is refused; the keeper is told,
checks people in from a quarter of an hour before, and no-shows are recorded once."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.circle.models import BookingState, Room, RoomBooking, ServicePoint
from gongzhi.circle.selectors import bookings as selectors
from gongzhi.circle.services import bookings as services
from gongzhi.core.actors import SystemActor
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent, Notification

from . import factories_guide as f

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor(label="test")


@pytest.fixture
def w():
    return f.world()


def book(w, who="resident", **kwargs):
    data = {"room": w["room"], "starts_at": f.slot(w["station"], 10), "slots": 2, "purpose": "楼栋议事",
            "people": 8, **kwargs}
    return services.booking_create(actor=w[who], **data)


def refused(field, w, **kwargs):
    bookings, events = RoomBooking.objects.count(), AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as caught:
        book(w, **kwargs)
    assert field in caught.value.fields, caught.value.fields
    assert RoomBooking.objects.count() == bookings and AuditEvent.objects.count() == events
    return caught.value


def test_a_booking_holds_its_slots_and_the_keeper_is_told(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = book(w)
    assert made.state == BookingState.BOOKED and made.ends_at - made.starts_at == dt.timedelta(hours=1)
    assert AuditEvent.objects.filter(action="circle.booking.create", object_id=str(made.pk)).exists()
    assert Notification.objects.filter(recipient=w["keeper"], kind="circle.booking_made").count() == 1
    day = next(d for d in selectors.room_days(room=w["room"], start=made.starts_at.date()) if d.day == made.starts_at.date())
    states = {timezone.localtime(s.starts_at).strftime("%H:%M"): s.state for s in day.slots}
    assert states["10:00"] == states["10:30"] == "taken" and states["11:00"] == "free"


def test_overlapping_bookings_are_refused_and_touching_ones_taken(w):
    first = book(w)
    clash = refused("starts_at", w, who="neighbour", starts_at=first.starts_at + dt.timedelta(minutes=30), slots=1)
    assert clash.code == services.OVERLAP
    after = book(w, who="neighbour", starts_at=first.ends_at, slots=1)
    assert after.starts_at == first.ends_at
    services.booking_cancel(actor=w["resident"], booking=first)
    assert book(w, who="neighbour", starts_at=first.starts_at, slots=1).state == BookingState.BOOKED


@pytest.mark.parametrize("field,change", [
    ("room", "not_bookable"), ("starts_at", "before_opening"), ("starts_at", "past"), ("starts_at", "off_grid"),
    ("starts_at", "weekend"), ("slots", "too_many"), ("people", "too_many_people"), ("purpose", "no_purpose"),
    ("starts_at", "text"),
])
def test_a_bad_booking_names_its_field_and_writes_nothing(w, field, change):
    day = f.open_day(w["station"])
    at = lambda h, m=0, d=day: timezone.make_aware(dt.datetime.combine(d, dt.time(h, m)))  # noqa: E731
    saturday = day + dt.timedelta(days=(5 - day.weekday()) % 7)
    if change == "not_bookable":
        Room.objects.filter(pk=w["room"].pk).update(bookable=False)
    kwargs = {"before_opening": {"starts_at": at(8, 30)}, "past": {"starts_at": timezone.now() - dt.timedelta(hours=2)},
              "off_grid": {"starts_at": at(10, 10)}, "weekend": {"starts_at": at(10, d=saturday)},
              "too_many": {"slots": 5}, "too_many_people": {"people": 21}, "no_purpose": {"purpose": "  "},
              "text": {"starts_at": "soon"}}.get(change, {})
    refused(field, w, **kwargs)


def test_a_booking_running_past_closing_is_refused(w):
    refused("starts_at", w, starts_at=f.slot(w["station"], 16, 30), slots=2)


def test_a_point_without_hours_takes_bookings_at_any_time(w):
    ServicePoint.objects.filter(pk=w["station"].pk).update(hours=[])
    saturday = timezone.localdate() + dt.timedelta(days=(5 - timezone.localdate().weekday()) % 7 or 7)
    made = book(w, starts_at=timezone.make_aware(dt.datetime.combine(saturday, dt.time(20))))
    assert made.state == BookingState.BOOKED


def test_the_other_districts_inactive_room_is_absent(w):
    ServicePoint.objects.filter(pk=w["hall2"].pk).update(active=False)
    with pytest.raises(NotFound):
        book(w, room=w["room2"])


def test_check_in_opens_a_quarter_before_the_start_and_is_the_keepers(w):
    soon = f.booking(w["room"], w["resident"], timezone.now() + dt.timedelta(minutes=10))
    later = f.booking(w["room"], w["neighbour"], timezone.now() + dt.timedelta(hours=3))
    with pytest.raises(Forbidden):
        services.booking_check_in(actor=w["resident"], booking=soon)
    with pytest.raises(Conflict):
        services.booking_check_in(actor=w["keeper"], booking=later)
    done = services.booking_check_in(actor=w["keeper"], booking=soon)
    assert done.state == BookingState.CHECKED_IN and done.checked_in_at
    assert AuditEvent.objects.filter(action="circle.booking.check_in", object_id=str(soon.pk)).exists()


def test_cancel_by_the_booker_before_the_start_or_by_the_keeper(w):
    mine = book(w)
    with pytest.raises((Forbidden, NotFound)):
        services.booking_cancel(actor=w["neighbour"], booking=mine)
    assert services.booking_cancel(actor=w["resident"], booking=mine).state == BookingState.CANCELLED
    begun = f.booking(w["room"], w["resident"], timezone.now() - dt.timedelta(minutes=5))
    with pytest.raises(Conflict):
        services.booking_cancel(actor=w["resident"], booking=begun)
    assert services.booking_cancel(actor=w["keeper"], booking=begun).state == BookingState.CANCELLED


def test_no_shows_are_recorded_once(w):
    late = f.booking(w["room"], w["resident"], timezone.now() - dt.timedelta(minutes=40))
    f.booking(w["room"], w["neighbour"], timezone.now() - dt.timedelta(minutes=200))
    f.booking(w["room"], w["neighbour"], timezone.now() - dt.timedelta(minutes=5))
    assert services.record_no_shows(actor=SYSTEM) == 2
    assert services.record_no_shows(actor=SYSTEM) == 0
    late.refresh_from_db()
    assert late.state == BookingState.NO_SHOW


def test_a_keeper_records_a_no_show_after_the_start_only(w):
    soon = f.booking(w["room"], w["resident"], timezone.now() + dt.timedelta(hours=2))
    with pytest.raises(Conflict):
        services.booking_no_show(actor=w["keeper"], booking=soon)


def test_a_resident_sees_only_their_own_bookings(w):
    mine = f.booking(w["room"], w["resident"], f.slot(w["station"], 9))
    theirs = f.booking(w["room"], w["neighbour"], f.slot(w["station"], 11))
    assert list(selectors.my_bookings(user=w["resident"])) == [mine]
    with pytest.raises(NotFound):
        selectors.booking_get(user=w["resident"], pk=theirs.pk)
    assert selectors.booking_get(user=w["keeper"], pk=theirs.pk) == theirs
