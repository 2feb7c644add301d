"""The plans and branches API as a client app sees it: the same services, the same errors, no
health notes or phones except through the audited reveal."""

import pytest
from django.test import Client

from gongzhi.care.models import CarePlan, CarerLeave
from gongzhi.core.audit import AuditEvent

from . import factories_plans as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def _client(u) -> Client:
    client = Client()
    client.force_login(u)
    return client


def test_given_the_api_when_a_plan_is_made_changed_and_revealed_then_health_notes_only_in_the_reveal(w):
    client = _client(w["community_staff"])
    bad = client.post("/api/care/plans", {"household_id": w["household_tagged"].pk, "branch_id": w["care_branch"].pk,
                                          "every_days": 500}, content_type="application/json")
    assert bad.status_code == 400 and "every_days" in str(bad.json())
    made = client.post("/api/care/plans", {
        "household_id": w["household_tagged"].pk, "branch_id": w["care_branch"].pk, "people": [w["alone"].pk],
        "needs": ["groceries"], "health_notes": "哮喘", "carers": [w["carer_member"].pk],
        "paired": [w["carer_member"].pk]}, content_type="application/json")
    assert made.status_code == 201, made.content
    data = made.json()
    assert data["has_health_notes"] and "哮喘" not in made.content.decode() and data["rota"][0]["paired"]
    plan_id = data["id"]
    changed = client.patch(f"/api/care/plans/{plan_id}", {"every_days": 2}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["every_days"] == 2
    revealed = client.post(f"/api/care/plans/{plan_id}/reveal-health", {"reason": "核对"}, content_type="application/json")
    assert revealed.json()["health_notes"] == "哮喘"
    assert AuditEvent.objects.filter(action="care.plan.reveal_health").count() == 1
    closed = client.post(f"/api/care/plans/{plan_id}/close", {"reason": "moved"}, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    again = client.post(f"/api/care/plans/{plan_id}/close", {"reason": "moved"}, content_type="application/json")
    assert again.status_code == 409


def test_given_an_outsider_when_reading_a_plan_then_404(w):
    assert _client(w["outsider"]).get(f"/api/care/plans/{w['plan'].pk}").status_code == 404
    assert _client(w["outsider"]).get(f"/api/care/branches/{w['care_branch'].pk}").status_code == 404


def test_given_the_api_when_contacts_and_leave_are_added_then_phones_are_masked(w):
    client = _client(w["grid_worker"])
    added = client.post(f"/api/care/plans/{w['plan'].pk}/contacts",
                        {"name": "刘强", "relation": "儿子", "phone": "13912345678"}, content_type="application/json")
    assert added.status_code == 201 and "13912345678" not in added.content.decode()
    assert client.delete(f"/api/care/plans/{w['plan'].pk}/contacts/{added.json()['id']}").status_code == 204
    leave = client.post(f"/api/care/carers/{w['carer_member'].pk}/leave",
                        {"start_on": "2030-02-01", "end_on": "2030-02-03"}, content_type="application/json")
    assert leave.status_code == 201
    detail = client.get(f"/api/care/branches/{w['care_branch'].pk}").json()
    assert any(c["leaves"] for c in detail["carers"])
    assert client.delete(f"/api/care/carers/{w['carer_member'].pk}/leave/{leave.json()['id']}").status_code == 204
    assert not CarerLeave.objects.exists()


def test_given_tagged_households_when_started_through_the_api_then_a_plan(w):
    client = _client(w["community_staff"])
    listed = client.get("/api/care/plans/from-tags").json()
    assert [r["household_id"] for r in listed] == [w["household_tagged"].pk]
    made = client.post("/api/care/plans/from-tags", {"household_id": w["household_tagged"].pk},
                       content_type="application/json")
    assert made.status_code == 201 and CarePlan.objects.filter(household=w["household_tagged"]).exists()


def test_given_the_api_when_staff_change_the_secretary_then_changed_and_audited(w):
    client = _client(w["community_staff"])
    answer = client.patch(f"/api/care/branches/{w['care_branch'].pk}", {"secretary_id": w["member_user"].pk},
                          content_type="application/json")
    assert answer.status_code == 200 and answer.json()["secretary_id"] == w["member_user"].pk
    assert AuditEvent.objects.filter(action="care.branch.update").count() == 1
    assert _client(w["outsider"]).patch(f"/api/care/branches/{w['care_branch'].pk}", {"secretary_id": None},
                                        content_type="application/json").status_code == 404
