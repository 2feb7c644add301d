"""The directory's API as a client uses it: the nearest help from one's home, a community's coverage,
a point made with bad hours refused beside the field, a provider's phone only through the audited
reveal, and nothing of another district."""

import json

import pytest
from django.test import Client

from gongzhi.circle.models import ServicePoint
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


def test_given_a_resident_when_asking_for_the_nearest_locksmith_then_the_one_300m_away_comes_with_its_walk(w):
    data = _client(w["resident"]).get("/api/circle/nearest", {"service": "locksmith"}).json()
    assert data["node_id"] == w["household_a"].pk and data["minutes"] == 10
    assert [x["name"] for x in data["found"]] == ["老王开锁"] and 4 <= data["found"][0]["minutes"] <= 6


def test_given_a_walk_too_long_when_asking_then_422_names_minutes(w):
    answer = _client(w["resident"]).get("/api/circle/nearest", {"minutes": 90})
    assert answer.status_code in (400, 422) and "minutes" in answer.json()["fields"]


def test_given_a_building_out_of_reach_when_the_staff_ask_for_coverage_then_it_is_the_gap(w):
    f.place(w["building_b"], north_m=-1400, east_m=50)
    data = _client(w["community_staff"]).get("/api/circle/coverage", {"community": w["community"].pk,
                                                                       "service": "locksmith"}).json()
    assert [g["name"] for g in data["gaps"]] == ["B1号楼"] and data["covered"] == 1 and data["not_covered"] == 1


def test_given_a_community_of_another_district_when_asking_for_coverage_then_404(w):
    other = f.circle_world()
    answer = _client(w["community_staff"]).get("/api/circle/coverage", {"community": other["community"].pk,
                                                                         "service": "locksmith"})
    assert answer.status_code == 404


def test_given_bad_hours_when_the_staff_add_a_point_then_nothing_is_saved_and_hours_is_named(w):
    payload = {"name": "妇女之家", "kind": "women_home", "level": "community", "area_id": w["community"].pk,
               "latitude": 36.0601, "longitude": 103.7802,
               "hours": [{"days": [0, 1], "opens": "18:00", "closes": "09:00"}]}
    answer = _client(w["community_staff"]).post("/api/circle/points", json.dumps(payload),
                                                 content_type="application/json")
    assert answer.status_code in (400, 422) and "hours" in answer.json()["fields"]
    assert not ServicePoint.objects.filter(name="妇女之家").exists()
    payload["hours"] = [{"days": [0, 1], "opens": "09:00", "closes": "18:00"}]
    made = _client(w["community_staff"]).post("/api/circle/points", json.dumps(payload),
                                               content_type="application/json")
    assert made.status_code == 201 and ServicePoint.objects.filter(name="妇女之家").exists()


def test_given_a_provider_when_read_then_only_the_masked_phone_and_the_reveal_is_audited(w):
    client = _client(w["community_staff"])
    detail = client.get(f"/api/circle/providers/{w['locksmith'].pk}")
    assert "13912345678" not in detail.content.decode()
    revealed = client.post(f"/api/circle/providers/{w['locksmith'].pk}/reveal-phone", json.dumps({"reason": "核实"}),
                           content_type="application/json")
    assert revealed.status_code == 200 and "13912345678" in revealed.content.decode()
    assert AuditEvent.objects.filter(action="circle.provider.reveal_phone").count() == 1
    resident = _client(w["resident"]).post(f"/api/circle/providers/{w['locksmith'].pk}/reveal-phone",
                                           json.dumps({"reason": "x"}), content_type="application/json")
    assert resident.status_code == 403


def test_given_a_point_closed_in_another_district_when_the_staff_read_it_then_404(w):
    other = f.circle_world()
    closed = f.point(other["community"], name="外区未开放", active=False)
    assert _client(w["community_staff"]).get(f"/api/circle/points/{closed.pk}").status_code == 404
