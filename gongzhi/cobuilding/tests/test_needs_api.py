"""The API of units' 双报到, resources and needs."""

import pytest
from django.test import Client

from gongzhi.cobuilding.models import NeedState

from . import factories
from .factories_needs import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_given_a_liaison_when_registering_by_api_twice_then_422_with_the_field(w):
    unit = factories.unit(w.community, name="西站银行网点")
    client = _client(factories.liaison(unit))
    body = {"community_id": w.community.pk, "liaison_name": "马经理", "liaison_phone": "13909310001"}
    first = client.post("/api/cobuilding/units", body, content_type="application/json")
    assert first.status_code == 201 and "*" in first.json()["liaison_phone"]
    second = client.post("/api/cobuilding/units", body, content_type="application/json")
    assert second.status_code in (400, 422) and "community" in str(second.json())


def test_given_staff_when_revealing_by_api_then_the_full_number(w):
    answer = _client(w.staff).post(f"/api/cobuilding/units/{w.unit_report.pk}/reveal", {"reason": "联系场地"},
                                   content_type="application/json")
    assert answer.json() == {"phone": "13700002222"}
    assert _client(w.other_staff).get(f"/api/cobuilding/units/{w.unit_report.pk}").status_code == 404


def test_given_a_resource_and_a_need_when_matching_and_claiming_by_api_then_capacity_is_taken(w):
    client = _client(w.liaison)
    res = client.post("/api/cobuilding/resources", {
        "unit_report_id": w.unit_report.pk, "kind": "hours", "category_id": w.meals.pk, "title": "教职工志愿服务",
        "capacity": 20, "capacity_unit": "小时"}, content_type="application/json")
    assert res.status_code == 201, res.content
    need = _client(w.staff).post("/api/cobuilding/needs", {
        "area_id": w.building_a.pk, "category_id": w.meals.pk, "title": "独居老人助餐", "urgency": "high",
        "beneficiary_count": 6}, content_type="application/json")
    assert need.status_code == 201, need.content
    need_id = need.json()["id"]
    matches = _client(w.staff).get(f"/api/cobuilding/needs/{need_id}/matches").json()
    assert matches[0]["title"] == "教职工志愿服务" and matches[0]["same_category"] is True
    assert _client(w.liaison).get(f"/api/cobuilding/needs/{need_id}/matches").status_code == 403
    too_much = client.post(f"/api/cobuilding/needs/{need_id}/claim", {"resource_id": res.json()["id"], "amount": 21},
                           content_type="application/json")
    assert too_much.status_code in (400, 422) and "amount" in str(too_much.json())
    claimed = client.post(f"/api/cobuilding/needs/{need_id}/claim", {"resource_id": res.json()["id"], "amount": 4},
                          content_type="application/json")
    assert claimed.status_code == 200 and claimed.json()["state"] == NeedState.CLAIMED
    assert client.get(f"/api/cobuilding/resources/{res.json()['id']}").json()["remaining"] == 16
    again = _client(w.member_user).post(f"/api/cobuilding/needs/{need_id}/claim", {}, content_type="application/json")
    assert again.status_code == 409


def test_given_a_resident_when_wishing_by_api_then_the_claimable_list_of_a_member_shows_it(w):
    wish = _client(w.resident).post("/api/cobuilding/needs/wish", {"category_id": w.tutoring.pk,
                                                                   "title": "孩子数学作业没人辅导"},
                                    content_type="application/json")
    assert wish.status_code == 201
    items = _client(w.member_user).get("/api/cobuilding/needs/claimable").json()["items"]
    assert [n["title"] for n in items] == ["孩子数学作业没人辅导"]
    assert _client(w.other_staff).get(f"/api/cobuilding/needs/{wish.json()['id']}").status_code == 404
