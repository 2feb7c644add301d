"""The orders API as a client app sees it: the same services, the same errors (422 on a field,
403, 404 outside the scope, 409 on a step the state does not allow)."""

import pytest
from django.test import Client

from gongzhi.circle.models import OrderState

from . import factories, factories_orders
from .factories import near, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return factories.circle_world()


def _client(u) -> Client:
    client = Client()
    client.force_login(u)
    return client


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_the_flow_through_the_api(w):
    resident, staff, shop = _client(w["resident"]), _client(w["community_staff"]), _client(w["provider_user"])
    made = _post(resident, "/api/circle/orders", {"service": "locksmith", "place_id": w["household_a"].pk,
                                                  "description": "门锁坏了", "wanted_at": next_weekday(10).isoformat()})
    assert made.status_code == 201, made.content
    order_id = made.json()["id"]
    assert made.json()["state"] == "ordered" and made.json()["actions"] == ["cancel"]
    assert [o["id"] for o in resident.get("/api/circle/orders").json()["items"]] == [order_id]
    assert [o["id"] for o in staff.get("/api/circle/orders/board").json()] == [order_id]
    candidates = staff.get(f"/api/circle/orders/{order_id}/candidates").json()
    assert candidates[0]["provider_id"] == w["locksmith"].pk and candidates[0]["suitable"]
    dispatched = _post(staff, f"/api/circle/orders/{order_id}/dispatch", {"provider_id": w["locksmith"].pk})
    assert dispatched.status_code == 200 and dispatched.json()["state"] == "dispatched"
    assert [o["id"] for o in shop.get("/api/circle/orders/provider").json()["items"]] == [order_id]
    assert _post(shop, f"/api/circle/orders/{order_id}/accept").json()["state"] == "accepted"
    lat, lng = near(100, 50)
    delivered = _post(shop, f"/api/circle/orders/{order_id}/deliver",
                      {"latitude": float(lat), "longitude": float(lng), "note": "好了"})
    assert delivered.status_code == 200 and delivered.json()["checkin_distance_m"] == 0
    rated = _post(resident, f"/api/circle/orders/{order_id}/rate", {"stars": 5, "comment": "快"})
    assert rated.json()["state"] == OrderState.RATED and rated.json()["stars"] == 5
    assert [s["action"] for s in resident.get(f"/api/circle/orders/{order_id}").json()["steps"]] == [
        "create", "dispatch", "accept", "deliver", "rate"]


def test_refusals_name_the_field_and_the_status(w):
    order = factories_orders.order(w, step="accepted")
    shop, resident = _client(w["provider_user"]), _client(w["resident"])
    lat, lng = near(2000, 50)
    far = _post(shop, f"/api/circle/orders/{order.pk}/deliver", {"latitude": float(lat), "longitude": float(lng)})
    assert far.status_code == 400 and "checkin" in far.json()["fields"]
    assert _post(resident, f"/api/circle/orders/{order.pk}/cancel", {"reason": "不要了"}).status_code == 409
    assert _post(shop, f"/api/circle/orders/{order.pk}/rate", {"stars": 5}).status_code == 409
    delivered = factories_orders.order(w, step="delivered")
    assert _post(shop, f"/api/circle/orders/{delivered.pk}/rate", {"stars": 5}).status_code == 403
    assert _post(resident, f"/api/circle/orders/{delivered.pk}/rate", {"stars": 7}).status_code == 400
    fresh = factories_orders.order(w)
    refused = _post(_client(w["community_staff"]), f"/api/circle/orders/{fresh.pk}/dispatch",
                    {"provider_id": factories.provider(w["community"], north_m=5000, account=w["keeper"]).pk})
    assert refused.status_code == 400 and "provider" in refused.json()["fields"]
    wrong_place = _post(resident, "/api/circle/orders", {"service": "locksmith", "place_id": w["household_b"].pk,
                                                         "description": "锁", "wanted_at": next_weekday(10).isoformat()})
    assert wrong_place.status_code == 400 and "place" in wrong_place.json()["fields"]
    assert resident.get("/api/circle/orders/board").status_code == 403


def test_outside_the_scope_is_absent(w):
    other = factories_orders.other_district(w)
    staff = _client(w["community_staff"])
    assert staff.get(f"/api/circle/orders/{other['order'].pk}").status_code == 404
    assert _post(staff, f"/api/circle/orders/{other['order'].pk}/dispatch",
                 {"provider_id": w["locksmith"].pk}).status_code == 404
    assert _client(w["resident"]).get(f"/api/circle/orders/{other['order'].pk}").status_code == 404
