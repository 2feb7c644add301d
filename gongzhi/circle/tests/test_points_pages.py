"""The directory's pages as their users see them: near me, points and providers, the keepers'
forms with errors beside the fields, ratings, the masked phone and its audited reveal, the map with
its gaps — and nothing of another district."""

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.circle.models import PointRating, Provider, ServicePoint
from gongzhi.core.models import AuditEvent

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.circle_world()


def _client(u) -> Client:
    client = Client()
    client.force_login(u)
    return client


def test_given_a_resident_when_opening_near_me_then_the_locksmith_shows_with_an_order_link(w):
    page = _client(w["resident"]).get(reverse("circle:near"), {"service": "locksmith"})
    text = page.content.decode()
    assert page.status_code == 200 and "老王开锁" in text
    assert f"/circle/orders/new/?service=locksmith&amp;provider={w['locksmith'].pk}" in text


def test_given_a_resident_when_opening_the_circle_home_then_the_places_near_home_and_the_menu_show(w):
    text = _client(w["resident"]).get(reverse("circle:home")).content.decode()
    assert "老王开锁" in text and "瓜州路社区新时代文明实践站" in text and 'id="menu"' in text
    assert 'id="staff-tiles"' not in text


def test_given_a_bad_walk_when_searching_then_the_error_shows_beside_the_minutes(w):
    page = _client(w["resident"]).get(reverse("circle:near"), {"minutes": "600"})
    assert page.status_code == 400 and 'id="minutes-error"' in page.content.decode()


def test_given_a_household_of_another_district_when_searching_from_it_then_404(w):
    other = f.circle_world()
    assert _client(w["community_staff"]).get(reverse("circle:near"), {"place": other["household_a"].pk}).status_code == 404


def test_given_the_community_staff_when_making_a_point_with_bad_hours_then_the_error_is_beside_hours_and_nothing_saved(w):
    data = {"name": "船长之家", "kind": "captain_home", "level": "community", "area": w["community"].pk,
            "latitude": "36.0605", "longitude": "103.7805", "hours": '[{"days": [7], "opens": "09:00", "closes": "17:00"}]',
            "slot_capacity": 2, "active": "on"}
    page = _client(w["community_staff"]).post(reverse("circle:point-new"), data)
    assert page.status_code == 422 and "hours" in page.context["form"].errors
    assert not ServicePoint.objects.filter(name="船长之家").exists()
    data["hours"] = '[{"days": [5, 6], "opens": "09:00", "closes": "17:00"}]'
    page = _client(w["community_staff"]).post(reverse("circle:point-new"), data)
    made = ServicePoint.objects.get(name="船长之家")
    assert page.status_code == 302 and made.cell_x is not None
    assert AuditEvent.objects.filter(action="circle.point.create", object_id=str(made.pk)).exists()


def test_given_a_resident_when_opening_the_point_form_then_refused(w):
    assert _client(w["resident"]).get(reverse("circle:point-new")).status_code == 403


def test_given_a_point_of_another_district_when_the_staff_open_or_change_it_then_404(w):
    other = f.circle_world()
    inactive = f.point(other["community"], name="外区未开放", active=False)
    client = _client(w["community_staff"])
    assert client.get(reverse("circle:point", args=[inactive.pk])).status_code == 404
    assert client.get(reverse("circle:point-edit", args=[other["station"].pk])).status_code == 404


def test_given_a_resident_when_rating_a_point_twice_then_one_rating_holds_the_second(w):
    client = _client(w["resident"])
    url = reverse("circle:point-rate", args=[w["station"].pk])
    client.post(url, {"stars": 3, "comment": "人有点多"})
    client.post(url, {"stars": 5, "comment": "四点半课堂很好"})
    rating = PointRating.objects.get(point=w["station"], user=w["resident"])
    assert rating.stars == 5
    assert "四点半课堂很好" in client.get(reverse("circle:point", args=[w["station"].pk])).content.decode()


def test_given_the_staff_when_revealing_a_providers_own_phone_then_it_shows_and_is_logged(w):
    client = _client(w["community_staff"])
    page = client.get(reverse("circle:provider", args=[w["locksmith"].pk])).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    revealed = client.post(reverse("circle:provider-reveal", args=[w["locksmith"].pk]))
    assert "13912345678" in revealed.content.decode()
    event = AuditEvent.objects.get(action="circle.provider.reveal_phone")
    assert "13912345678" not in str(event.after)


def test_given_a_resident_when_revealing_a_providers_phone_then_refused(w):
    assert _client(w["resident"]).post(reverse("circle:provider-reveal", args=[w["locksmith"].pk])).status_code == 403


def test_given_the_staff_when_making_a_provider_off_the_map_then_the_error_names_the_place(w):
    page = _client(w["community_staff"]).post(reverse("circle:provider-new"), {
        "name": "巧手家政", "kind": "business", "area": w["community"].pk, "latitude": "abc", "longitude": "1",
        "service_radius_m": 1500, "active": "on"})
    assert page.status_code == 422 and "latitude" in page.context["form"].errors
    assert not Provider.objects.filter(name="巧手家政").exists()


def test_given_a_building_out_of_reach_when_the_staff_open_the_map_then_it_is_marked_as_a_gap(w):
    f.place(w["building_b"], north_m=-1400, east_m=50)
    page = _client(w["community_staff"]).get(reverse("circle:map"), {"community": w["community"].pk,
                                                                      "service": "locksmith"})
    text = page.content.decode()
    assert page.status_code == 200 and 'class="gap"' in text and "B1号楼" in text and "<svg" in text


def test_given_the_staff_when_setting_the_months_theme_then_its_services_come_first_on_the_menu(w):
    from django.utils import timezone

    month = timezone.localdate().strftime("%Y-%m")
    page = _client(w["community_staff"]).post(reverse("circle:themes"), {
        "area": w["community"].pk, "month": month, "title": "敬老月", "services": ["meals", "haircut"]})
    assert page.status_code == 302
    text = _client(w["resident"]).get(reverse("circle:home")).content.decode()
    assert "敬老月" in text and text.index("助餐送餐") < text.index("疏通下水")


def test_given_the_place_picker_when_a_building_is_chosen_then_the_walk_starts_there(w):
    client = _client(w["community_staff"])
    page = client.get(reverse("circle:near"), {"service": "locksmith", "location": w["building_b"].pk})
    assert page.status_code == 200 and 'id="place-picker"' in page.content.decode()
    assert page.context["origin_node"] == w["building_b"]
    tapped = client.get(reverse("circle:near"), {"location": w["grid_a"].pk, "latitude": "36.063", "longitude": "103.78"})
    assert tapped.context["origin"] == (36.063, 103.78) and "老王开锁" in tapped.content.decode()
