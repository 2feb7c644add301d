"""Room booking pages: the room's week with the form (errors beside the fields), my bookings and
cancelling, the point's bookings for its keeper with check-in; 403/404 to who may not."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.circle.models import BookingState, RoomBooking, ServicePoint

from . import factories_guide as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def test_the_room_page_shows_the_week_and_books(client, w):
    client.force_login(w["resident"])
    taken = f.booking(w["room"], w["neighbour"], f.slot(w["station"], 9))
    url = reverse("circle:room-book", kwargs={"room_id": w["room"].pk})
    page = client.get(url, {"from": taken.starts_at.date().isoformat()})
    assert page.status_code == 200 and 'id="week"' in page.text and "slot-taken" in page.text
    when = timezone.localtime(f.slot(w["station"], 14)).strftime("%Y-%m-%dT%H:%M")
    answer = client.post(url, {"starts_at": when, "slots": 2, "people": 6, "purpose": "读书会"})
    assert answer.status_code == 302
    made = RoomBooking.objects.get(booked_by=w["resident"])
    assert made.ends_at - made.starts_at == dt.timedelta(hours=1)


def test_an_overlap_is_shown_beside_the_start(client, w):
    taken = f.booking(w["room"], w["neighbour"], f.slot(w["station"], 9), slots=2)
    client.force_login(w["resident"])
    answer = client.post(reverse("circle:room-book", kwargs={"room_id": w["room"].pk}), {
        "starts_at": timezone.localtime(taken.starts_at + dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
        "slots": 1, "people": 2, "purpose": "下棋"})
    assert answer.status_code == 422
    assert answer.context["form"].errors.get("starts_at")
    assert RoomBooking.objects.count() == 1


def test_my_bookings_and_cancel(client, w):
    mine = f.booking(w["room"], w["resident"], f.slot(w["station"], 15))
    theirs = f.booking(w["room"], w["neighbour"], f.slot(w["station"], 16))
    client.force_login(w["resident"])
    page = client.get(reverse("circle:my-bookings"))
    assert f'id="booking-{mine.pk}"' in page.text and f'id="booking-{theirs.pk}"' not in page.text
    assert client.post(reverse("circle:booking-cancel", kwargs={"booking_id": theirs.pk})).status_code == 404
    client.post(reverse("circle:booking-cancel", kwargs={"booking_id": mine.pk}))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.state, theirs.state) == (BookingState.CANCELLED, BookingState.BOOKED)


def test_the_keeper_checks_in_on_the_points_bookings(client, w):
    soon = f.booking(w["room"], w["resident"], timezone.now() + dt.timedelta(minutes=10))
    client.force_login(w["keeper"])
    page = client.get(reverse("circle:point-bookings", kwargs={"point_id": w["station"].pk}))
    assert page.status_code == 200 and f'id="check-in-{soon.pk}"' in page.text
    client.post(reverse("circle:booking-check-in", kwargs={"booking_id": soon.pk}))
    soon.refresh_from_db()
    assert soon.state == BookingState.CHECKED_IN


def test_the_points_bookings_are_403_to_a_resident_and_404_outside(client, w):
    client.force_login(w["resident"])
    assert client.get(reverse("circle:point-bookings", kwargs={"point_id": w["station"].pk})).status_code == 403
    ServicePoint.objects.filter(pk=w["hall2"].pk).update(active=False)
    client.force_login(w["community_staff"])
    assert client.get(reverse("circle:point-bookings", kwargs={"point_id": w["hall2"].pk})).status_code == 404
    assert client.get(reverse("circle:room-book", kwargs={"room_id": w["room2"].pk})).status_code == 404
