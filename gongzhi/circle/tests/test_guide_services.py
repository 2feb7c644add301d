"""The hall's guide and its appointments: matters kept by the area's staff, half-hour slots within
the hours on working days, each refusal naming its field and writing nothing, the capacity of a
slot, arrival tickets, no-shows recorded once, reminders sent once."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.circle.models import Appointment, AppointmentState, Matter
from gongzhi.circle.selectors import guide as selectors
from gongzhi.circle.services import guide as services
from gongzhi.core import calendar
from gongzhi.core.actors import SystemActor
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent, CalendarDay, Notification

from . import factories_guide as f

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor(label="test")


@pytest.fixture
def w():
    return f.world()


def refused(field, call, **kwargs):
    appointments, events = Appointment.objects.count(), AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as caught:
        call(**kwargs)
    assert field in caught.value.fields
    assert Appointment.objects.count() == appointments and AuditEvent.objects.count() == events
    return caught.value


def test_staff_create_and_update_a_matter_and_the_audit_says_so(w):
    made = services.matter_create(actor=w["community_staff"], hall=w["hall"], name="低保申请", level="street",
                                  materials="身份证\n\n户口簿 ", time_limit_days=10, fees="免费", window="2号窗口")
    assert made.materials == ["身份证", "户口簿"] and made.level == "street"
    assert AuditEvent.objects.filter(action="circle.matter.create", object_id=str(made.pk)).exists()
    services.matter_update(actor=w["community_staff"], matter=made, bookable=False, time_limit_days=3)
    made.refresh_from_db()
    assert not made.bookable and made.time_limit_days == 3
    assert AuditEvent.objects.filter(action="circle.matter.update", object_id=str(made.pk)).exists()


def test_a_resident_and_other_district_staff_may_not_keep_the_guide(w):
    with pytest.raises(Forbidden):
        services.matter_create(actor=w["resident"], hall=w["hall"], name="x", level="community")
    with pytest.raises((Forbidden, NotFound)):
        services.matter_update(actor=w["community_staff"], matter=w["matter2"], name="改")


@pytest.mark.parametrize("field,values", [
    ("name", {"name": ""}), ("level", {"level": "city"}), ("time_limit_days", {"time_limit_days": "many"}),
    ("name", {"name": "居住证办理"}),
])
def test_a_bad_matter_names_its_field_and_writes_nothing(w, field, values):
    before = Matter.objects.count()
    data = {"name": "新事项", "level": "community", **values}
    with pytest.raises(InvalidInput) as caught:
        services.matter_create(actor=w["community_staff"], hall=w["hall"], **data)
    assert field in caught.value.fields and Matter.objects.count() == before


def test_slots_cover_the_hours_of_the_next_two_weeks_on_working_days_only(w):
    days = selectors.matter_slots(matter=w["matter"])
    assert days and all(calendar.is_working_day(d.day) and d.day.weekday() < 5 for d in days)
    first = days[0] if days[0].day > timezone.localdate() else days[1]
    times = [timezone.localtime(s.starts_at).strftime("%H:%M") for s in first.slots]
    assert times[0] == "09:00" and times[-1] == "16:30" and len(times) == 16
    assert all(s.left == w["hall"].slot_capacity for s in first.slots)
    assert days[-1].day <= timezone.localdate() + dt.timedelta(days=services.DAYS_AHEAD)


def test_a_holiday_takes_no_appointments(w):
    day = f.open_day(w["hall"])
    CalendarDay.objects.create(date=day, kind="holiday", name="测试假日")
    calendar.clear_cache()
    try:
        assert day not in [d.day for d in selectors.matter_slots(matter=w["matter"])]
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
        refused("starts_at", services.appointment_book, actor=w["resident"], matter=w["matter"], starts_at=moment)
    finally:
        calendar.clear_cache()


def test_booking_a_slot_takes_a_place(w):
    when = f.slot(w["hall"])
    made = services.appointment_book(actor=w["resident"], matter=w["matter"], starts_at=when)
    assert made.state == AppointmentState.BOOKED and made.person == w["resident"]
    assert AuditEvent.objects.filter(action="circle.appointment.create", object_id=str(made.pk)).exists()
    day = next(d for d in selectors.matter_slots(matter=w["matter"]) if d.day == when.date())
    assert next(s for s in day.slots if s.starts_at == when).left == w["hall"].slot_capacity - 1


@pytest.mark.parametrize("case", ["not_half_hour", "before_opening", "after_closing", "past", "weekend", "too_far",
                                  "text"])
def test_a_bad_slot_is_refused_beside_starts_at_and_writes_nothing(w, case):
    day = f.open_day(w["hall"])
    at = lambda h, m=0, d=day: timezone.make_aware(dt.datetime.combine(d, dt.time(h, m)))  # noqa: E731
    saturday = day + dt.timedelta(days=(5 - day.weekday()) % 7)
    value = {"not_half_hour": at(10, 15), "before_opening": at(8, 30), "after_closing": at(16, 45),
             "past": timezone.now() - dt.timedelta(hours=1), "weekend": at(10, d=saturday),
             "too_far": at(10, d=timezone.localdate() + dt.timedelta(days=40)), "text": "tomorrow"}[case]
    refused("starts_at", services.appointment_book, actor=w["resident"], matter=w["matter"], starts_at=value)


def test_a_full_slot_and_a_second_booking_of_the_same_person_are_refused(w):
    when = f.slot(w["hall"])
    services.appointment_book(actor=w["resident"], matter=w["matter"], starts_at=when)
    again = refused("starts_at", services.appointment_book, actor=w["resident"], matter=w["matter"], starts_at=when)
    assert again.code != services.FULL
    services.appointment_book(actor=w["neighbour"], matter=w["matter"], starts_at=when)  # capacity 2
    full = refused("starts_at", services.appointment_book, actor=w["community_staff"], matter=w["matter"],
                   starts_at=when)
    assert full.code == services.FULL


def test_a_matter_not_bookable_is_refused(w):
    Matter.objects.filter(pk=w["matter"].pk).update(bookable=False)
    refused("matter", services.appointment_book, actor=w["resident"], matter=w["matter"], starts_at=f.slot(w["hall"]))


def test_the_other_districts_inactive_matter_is_absent(w):
    Matter.objects.filter(pk=w["matter2"].pk).update(active=False)
    with pytest.raises(NotFound):
        services.appointment_book(actor=w["resident"], matter=w["matter2"], starts_at=f.slot(w["hall2"]))


def test_cancel_before_the_slot_only(w):
    mine = services.appointment_book(actor=w["resident"], matter=w["matter"], starts_at=f.slot(w["hall"]))
    with pytest.raises((Forbidden, NotFound)):
        services.appointment_cancel(actor=w["neighbour"], appointment=mine)
    assert services.appointment_cancel(actor=w["resident"], appointment=mine).state == AppointmentState.CANCELLED
    begun = f.appointment(w["matter"], w["resident"], timezone.now() - dt.timedelta(minutes=5))
    with pytest.raises(Conflict):
        services.appointment_cancel(actor=w["resident"], appointment=begun)


def test_arrivals_take_the_days_tickets_in_order_and_are_served(w):
    now = timezone.now()
    one = f.appointment(w["matter"], w["resident"], now + dt.timedelta(minutes=5))
    two = f.appointment(w["matter"], w["neighbour"], now + dt.timedelta(minutes=6))
    with pytest.raises(Forbidden):
        services.appointment_arrive(actor=w["resident"], appointment=one)
    a = services.appointment_arrive(actor=w["hall_keeper"], appointment=two)
    b = services.appointment_arrive(actor=w["community_staff"], appointment=one)
    assert (a.ticket, b.ticket) == (1, 2) and a.arrived_at
    served = services.appointment_serve(actor=w["hall_keeper"], appointment=two)
    assert served.state == AppointmentState.SERVED and served.served_at


def test_arrival_is_taken_on_the_day_only(w):
    later = f.appointment(w["matter"], w["resident"], f.slot(w["hall"]))
    with pytest.raises(Conflict):
        services.appointment_arrive(actor=w["hall_keeper"], appointment=later)


def test_no_shows_are_recorded_once(w):
    late = f.appointment(w["matter"], w["resident"], timezone.now() - dt.timedelta(minutes=45))
    f.appointment(w["matter"], w["neighbour"], timezone.now() - dt.timedelta(minutes=10))
    assert services.record_no_shows(actor=SYSTEM) == 1
    assert services.record_no_shows(actor=SYSTEM) == 0
    late.refresh_from_db()
    assert late.state == AppointmentState.NO_SHOW
    assert AuditEvent.objects.filter(action="circle.appointment.no_show").count() == 1


def test_a_keeper_records_a_no_show_only_after_the_slot_began(w):
    soon = f.appointment(w["matter"], w["resident"], timezone.now() + dt.timedelta(hours=1))
    with pytest.raises(Conflict):
        services.appointment_no_show(actor=w["hall_keeper"], appointment=soon)
    begun = f.appointment(w["matter"], w["neighbour"], timezone.now() - dt.timedelta(minutes=1))
    assert services.appointment_no_show(actor=w["hall_keeper"], appointment=begun).state == AppointmentState.NO_SHOW


def test_reminders_are_sent_once(w, django_capture_on_commit_callbacks):
    soon = f.appointment(w["matter"], w["resident"], timezone.now() + dt.timedelta(hours=3))
    f.appointment(w["matter"], w["neighbour"], timezone.now() + dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_appointments(actor=SYSTEM) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_appointments(actor=SYSTEM) == 0
    soon.refresh_from_db()
    assert soon.reminded_at is not None
    assert Notification.objects.filter(recipient=w["resident"], kind="circle.appointment_reminder").count() == 1
    assert not Notification.objects.filter(recipient=w["neighbour"], kind="circle.appointment_reminder").exists()


def test_the_queue_of_the_day(w):
    now = timezone.now()
    coming = f.appointment(w["matter"], w["resident"], now + dt.timedelta(minutes=1))
    here = f.appointment(w["matter"], w["neighbour"], now + dt.timedelta(minutes=2))
    services.appointment_arrive(actor=w["hall_keeper"], appointment=here)
    queue = selectors.hall_queue(user=w["hall_keeper"], pk=w["hall"].pk, day=timezone.localdate(now))
    if timezone.localdate(coming.starts_at) == timezone.localdate(now):
        assert [a.pk for a in queue.coming] == [coming.pk]
    assert [a.pk for a in queue.arrived] == [here.pk]


def test_the_queue_is_absent_outside_the_keepers_and_the_area(w):
    with pytest.raises(NotFound):
        selectors.hall_queue(user=w["community_staff"], pk=w["hall2"].pk)
    with pytest.raises(NotFound):
        selectors.hall_queue(user=w["resident"], pk=w["hall"].pk)
    assert selectors.hall_queue(user=w["community_staff"], pk=w["hall"].pk).hall == w["hall"]


def test_a_resident_sees_only_their_own_appointments(w):
    mine = f.appointment(w["matter"], w["resident"], f.slot(w["hall"]))
    theirs = f.appointment(w["matter"], w["neighbour"], f.slot(w["hall"]))
    assert list(selectors.my_appointments(user=w["resident"])) == [mine]
    with pytest.raises(NotFound):
        selectors.appointment_get(user=w["resident"], pk=theirs.pk)
