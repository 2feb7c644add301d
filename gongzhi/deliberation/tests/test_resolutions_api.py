"""The resolution side of the API: amounts in fen, refusals in the one error shape, outside is 404."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.deliberation.tests import factories as f

pytestmark = pytest.mark.django_db


def _client(who) -> Client:
    client = Client()
    client.force_login(who)
    return client


def test_staff_plan_and_spend_in_fen_and_the_committee_raises_a_rectification_through_the_api():
    # given a resolved topic
    w = f.world()
    resolution = f.resolved_topic(w).resolution
    staff = _client(w.cstaff)
    base = f"/api/deliberation/resolutions/{resolution.pk}"
    # when the staff name an owner, plan and spend
    owner = staff.post(f"{base}/owners", {"name": "瓜州物业公司"}, content_type="application/json")
    assert owner.status_code == 201
    owner_id = owner.json()["owners"][0]["id"]
    assert staff.post(f"{base}/plan", {"budget_fen": 1_280_000}, content_type="application/json").status_code == 200
    spent = staff.post(f"{base}/spendings", {"amount_fen": 650_050, "purpose": "空调采购"}, content_type="application/json")
    # then the detail shows exact fen and the vote's figures
    assert spent.status_code == 201
    body = spent.json()
    assert body["spent_fen"] == 650_050 and body["budget_fen"] == 1_280_000
    assert body["vote"]["yes"] == 30 and body["vote"]["attending"] == 35 and body["vote"]["result_code"] == "passed"
    # and a float amount is refused in the one error shape
    bad = staff.post(f"{base}/spendings", {"amount_fen": -5, "purpose": "x"}, content_type="application/json")
    assert bad.status_code == 400 and "amount_fen" in bad.json()["fields"]
    # when the committee raises a rectification
    deadline = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    raised = _client(w.supervisor).post(f"{base}/rectifications", {"problem": "外机缺少防护罩", "owner_id": owner_id,
                                                                   "deadline": deadline}, content_type="application/json")
    assert raised.status_code == 201 and raised.json()["owner_name"] == "瓜州物业公司"
    # then the staff may not raise one (403), and another community's staff see nothing (404)
    assert staff.post(f"{base}/rectifications", {"problem": "x", "owner_id": owner_id, "deadline": deadline},
                      content_type="application/json").status_code == 403
    other = f.world()
    assert _client(other.cstaff).get(base).status_code == 404
    listed = _client(w.supervisor).get("/api/deliberation/rectifications").json()
    assert [x["problem"] for x in listed["items"]] == ["外机缺少防护罩"]
