"""The guide's pages: the guide with search, a matter with its slots, booking from the page, my
appointments and cancelling, the queue for the keeper (arrive, serve, no-show) and 404 to anyone
else, the staff's matter form (errors beside the fields)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.circle.models import Appointment, AppointmentState, Matter, ServicePoint

from . import factories_guide as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def signed_in(client, who):
    client.force_login(who)
    return client


def test_the_guide_lists_every_halls_matters_and_searches_them(client, w):
    signed_in(client, w["resident"])
    page = client.get(reverse("circle:guide"))
    assert page.status_code == 200
    assert f'id="matter-{w["matter"].pk}"' in page.text and f'id="matter-{w["matter2"].pk}"' in page.text
    found = client.get(reverse("circle:guide"), {"q": "二区"})
    assert f'id="matter-{w["matter2"].pk}"' in found.text and f'id="matter-{w["matter"].pk}"' not in found.text
    assert f'id="queue-{w["hall"].pk}"' not in page.text  # a resident calls no queue


def test_a_matter_shows_what_to_bring_and_its_slots(client, w):
    page = signed_in(client, w["resident"]).get(reverse("circle:matter", kwargs={"matter_id": w["matter"].pk}))
    assert page.status_code == 200
    assert "居民身份证" in page.text and "1号窗口" in page.text and 'name="starts_at"' in page.text
    assert 'id="edit-matter"' not in page.text


def test_a_hidden_matter_of_another_district_is_404(client, w):
    Matter.objects.filter(pk=w["matter2"].pk).update(active=False)
    assert signed_in(client, w["community_staff"]).get(
        reverse("circle:matter", kwargs={"matter_id": w["matter2"].pk})).status_code == 404


def test_booking_from_the_page_and_cancelling_it(client, w):
    when = f.slot(w["hall"])
    signed_in(client, w["resident"])
    answer = client.post(reverse("circle:matter-book", kwargs={"matter_id": w["matter"].pk}),
                         {"starts_at": timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")})
    assert answer.status_code == 302
    made = Appointment.objects.get(person=w["resident"])
    assert made.starts_at == when
    mine = client.get(reverse("circle:my-appointments"))
    assert f'id="appointment-{made.pk}"' in mine.text and f'id="cancel-{made.pk}"' in mine.text
    client.post(reverse("circle:appointment-cancel", kwargs={"appointment_id": made.pk}))
    made.refresh_from_db()
    assert made.state == AppointmentState.CANCELLED


def test_a_bad_slot_is_shown_beside_the_slots(client, w):
    answer = signed_in(client, w["resident"]).post(
        reverse("circle:matter-book", kwargs={"matter_id": w["matter"].pk}), {"starts_at": "2000-01-01T10:00"})
    assert answer.status_code == 422 and 'id="starts_at-error"' in answer.text
    assert not Appointment.objects.exists()


def test_the_keeper_calls_the_queue(client, w):
    now = timezone.now()
    one = f.appointment(w["matter"], w["resident"], now + dt.timedelta(minutes=1))
    gone = f.appointment(w["matter"], w["neighbour"], now - dt.timedelta(minutes=1))
    signed_in(client, w["hall_keeper"])
    url = reverse("circle:hall-queue", kwargs={"point_id": w["hall"].pk})
    page = client.get(url)
    assert page.status_code == 200
    if timezone.localdate(one.starts_at) == timezone.localdate(now):
        assert f'id="arrive-{one.pk}"' in page.text
    if timezone.localdate(gone.starts_at) == timezone.localdate(now):
        assert f'id="no-show-{gone.pk}"' in page.text
    client.post(reverse("circle:appointment-arrive", kwargs={"appointment_id": one.pk}))
    one.refresh_from_db()
    assert one.state == AppointmentState.ARRIVED and one.ticket == 1
    client.post(reverse("circle:appointment-serve", kwargs={"appointment_id": one.pk}))
    client.post(reverse("circle:appointment-no-show", kwargs={"appointment_id": gone.pk}))
    one.refresh_from_db()
    gone.refresh_from_db()
    assert (one.state, gone.state) == (AppointmentState.SERVED, AppointmentState.NO_SHOW)


def test_the_queue_is_404_to_residents_and_to_another_districts_staff(client, w):
    assert signed_in(client, w["resident"]).get(
        reverse("circle:hall-queue", kwargs={"point_id": w["hall"].pk})).status_code == 404
    assert signed_in(client, w["community_staff"]).get(
        reverse("circle:hall-queue", kwargs={"point_id": w["hall2"].pk})).status_code == 404
    assert client.get(reverse("circle:hall-queue", kwargs={"point_id": w["hall"].pk})).status_code == 200


def test_a_resident_may_not_act_on_someone_elses_appointment(client, w):
    theirs = f.appointment(w["matter"], w["neighbour"], f.slot(w["hall"]))
    answer = signed_in(client, w["resident"]).post(
        reverse("circle:appointment-cancel", kwargs={"appointment_id": theirs.pk}))
    assert answer.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == AppointmentState.BOOKED


def test_staff_add_and_edit_a_matter_with_errors_beside_the_fields(client, w):
    signed_in(client, w["community_staff"])
    url = reverse("circle:matter-new", kwargs={"point_id": w["hall"].pk})
    assert client.get(url).status_code == 200
    bad = client.post(url, {"name": "居住证办理", "level": "community", "time_limit_days": 0})
    assert bad.status_code == 422 and Matter.objects.filter(point=w["hall"]).count() == 1
    good = client.post(url, {"name": "老年证办理", "level": "street", "materials": "身份证\n照片",
                             "time_limit_days": 3, "bookable": "on", "active": "on"})
    made = Matter.objects.get(name="老年证办理")
    assert good.status_code == 302 and made.materials == ["身份证", "照片"]
    edit = reverse("circle:matter-edit", kwargs={"matter_id": made.pk})
    assert client.get(edit).status_code == 200
    client.post(edit, {"name": "老年证办理", "level": "street", "time_limit_days": 1, "active": "on"})
    made.refresh_from_db()
    assert made.time_limit_days == 1 and not made.bookable


def test_a_resident_gets_no_matter_form(client, w):
    signed_in(client, w["hall_keeper"])
    assert client.get(reverse("circle:matter-new", kwargs={"point_id": w["hall"].pk})).status_code == 403
    assert client.get(reverse("circle:matter-edit", kwargs={"matter_id": w["matter"].pk})).status_code == 403
    ServicePoint.objects.filter(pk=w["hall2"].pk).update(active=False)
    assert client.get(reverse("circle:matter-new", kwargs={"point_id": w["hall2"].pk})).status_code == 404
