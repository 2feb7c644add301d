"""The guide's and the bookings' API: matters (list, search, detail, create, change, slots),
booking a slot (400 beside starts_at, code slot_full), my appointments, arrive and serve, the
queue (404 outside), room slots, bookings (create, overlap, mine, check-in, cancel)."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.circle.models import AppointmentState, BookingState, ServicePoint

from . import factories_guide as f

pytestmark = pytest.mark.django_db
API = "/api/circle"


@pytest.fixture
def w():
    return f.world()


def as_user(client, who):
    client.force_login(who)
    return client


def test_matters_list_search_detail_and_slots(client, w):
    as_user(client, w["resident"])
    listed = client.get(f"{API}/matters", {"q": "居住证"}).json()
    assert {m["id"] for m in listed["items"]} >= {w["matter"].pk, w["matter2"].pk}
    detail = client.get(f"{API}/matters/{w['matter'].pk}").json()
    assert detail["materials"] == ["居民身份证", "户口簿"] and detail["window"] == "1号窗口"
    days = client.get(f"{API}/matters/{w['matter'].pk}/slots").json()
    assert days and days[0]["slots"][0]["left"] == w["hall"].slot_capacity


def test_staff_create_and_change_a_matter_residents_may_not(client, w):
    body = {"hall_id": w["hall"].pk, "name": "独生子女证", "level": "street", "materials": ["身份证"]}
    assert as_user(client, w["resident"]).post(f"{API}/matters", body, content_type="application/json").status_code == 403
    made = as_user(client, w["community_staff"]).post(f"{API}/matters", body, content_type="application/json")
    assert made.status_code == 201
    bad = client.post(f"{API}/matters", body, content_type="application/json")
    assert bad.status_code == 400 and "name" in bad.json()["fields"]
    changed = client.patch(f"{API}/matters/{made.json()['id']}", {"fees": "免费"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["fees"] == "免费"


def test_book_a_slot_and_the_hall_calls_it(client, w):
    ServicePoint.objects.filter(pk=w["hall"].pk).update(slot_capacity=1)
    when = f.slot(w["hall"])
    as_user(client, w["resident"])
    made = client.post(f"{API}/matters/{w['matter'].pk}/appointments", {"starts_at": when.isoformat()},
                       content_type="application/json")
    assert made.status_code == 201 and made.json()["state"] == AppointmentState.BOOKED
    assert [a["id"] for a in client.get(f"{API}/appointments/mine").json()["items"]] == [made.json()["id"]]
    full = as_user(client, w["neighbour"]).post(f"{API}/matters/{w['matter'].pk}/appointments",
                                                {"starts_at": when.isoformat()}, content_type="application/json")
    assert full.status_code == 400 and full.json()["code"] == "slot_full" and "starts_at" in full.json()["fields"]
    today = f.appointment(w["matter"], w["neighbour"], timezone.now() + dt.timedelta(minutes=1))
    as_user(client, w["hall_keeper"])
    arrived = client.post(f"{API}/appointments/{today.pk}/arrive").json()
    assert arrived["state"] == AppointmentState.ARRIVED and arrived["ticket"] == 1
    queue = client.get(f"{API}/halls/{w['hall'].pk}/queue").json()
    assert [a["id"] for a in queue["arrived"]] == [today.pk]
    assert client.post(f"{API}/appointments/{today.pk}/serve").json()["state"] == AppointmentState.SERVED


def test_the_queue_is_404_outside(client, w):
    assert as_user(client, w["community_staff"]).get(f"{API}/halls/{w['hall2'].pk}/queue").status_code == 404
    assert as_user(client, w["resident"]).get(f"{API}/halls/{w['hall'].pk}/queue").status_code == 404


def test_room_slots_bookings_overlap_check_in_and_cancel(client, w):
    when = f.slot(w["station"], 10)
    as_user(client, w["resident"])
    days = client.get(f"{API}/rooms/{w['room'].pk}/slots", {"start": when.date().isoformat()}).json()
    assert days[0]["day"] == when.date().isoformat() and any(s["state"] == "free" for s in days[0]["slots"])
    body = {"room_id": w["room"].pk, "starts_at": when.isoformat(), "slots": 2, "purpose": "议事", "people": 5}
    made = client.post(f"{API}/bookings", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["state"] == BookingState.BOOKED
    clash = as_user(client, w["neighbour"]).post(f"{API}/bookings", {**body, "slots": 1},
                                                 content_type="application/json")
    assert clash.status_code == 400 and clash.json()["code"] == "overlap"
    assert client.get(f"{API}/bookings/mine").json()["items"] == []
    soon = f.booking(w["room"], w["neighbour"], timezone.now() + dt.timedelta(minutes=5))
    assert client.post(f"{API}/bookings/{soon.pk}/check-in").status_code == 403
    checked = as_user(client, w["keeper"]).post(f"{API}/bookings/{soon.pk}/check-in").json()
    assert checked["state"] == BookingState.CHECKED_IN
    cancelled = as_user(client, w["resident"]).post(f"{API}/bookings/{made.json()['id']}/cancel").json()
    assert cancelled["state"] == BookingState.CANCELLED
