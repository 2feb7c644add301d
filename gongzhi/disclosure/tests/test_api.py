"""The API: compose → publish → question → answer → correct, the committee's rectification, the
due board, statements refused with the field named, the fund refusing an overdraft, and the timing
rules a district sets for itself."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.core.errors import Forbidden, InvalidInput
from gongzhi.disclosure.models import Timing, TimingRule
from gongzhi.disclosure.services import rules
from gongzhi.disclosure.tests import factories

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_the_item_round_trip_through_the_api(client):
    w = factories.world()
    client.force_login(w["staff"])
    created = client.post("/api/disclosure/items", {"community_id": w["community"].pk, "kind": "affairs",
                                                    "timing": "policy", "title": "2026年度城乡居民医保参保缴费通知",
                                                    "body": "缴费截止日期为12月31日。"}, content_type=JSON)
    assert created.status_code == 201 and created.json()["state"] == "draft"
    pk = created.json()["id"]
    assert "publish" in created.json()["actions"]
    published = client.post(f"/api/disclosure/items/{pk}/publish", {}, content_type=JSON).json()
    assert published["state"] == "published" and published["published_at"]
    client.force_login(w["resident"])
    asked = client.post(f"/api/disclosure/items/{pk}/questions", {"text": "灵活就业人员怎么缴？"}, content_type=JSON)
    assert asked.status_code == 201
    client.force_login(w["staff"])
    answered = client.post(f"/api/disclosure/questions/{asked.json()['id']}/answer",
                           {"answer": "可在社区服务站或手机上缴纳。"}, content_type=JSON)
    assert answered.json()["answered_at"]
    refused = client.patch(f"/api/disclosure/items/{pk}", {"title": "改", "body": "改"}, content_type=JSON)
    assert refused.status_code == 409
    corrected = client.post(f"/api/disclosure/items/{pk}/correct", {"title": "2026年度城乡居民医保参保缴费通知",
                                                                    "body": "缴费截止日期延至1月15日。",
                                                                    "reason": "截止日期调整"}, content_type=JSON)
    assert corrected.status_code == 201
    body = corrected.json()
    assert body["version"] == 2 and [v["state"] for v in body["versions"]] == ["superseded", "published"]
    assert len(body["questions"]) == 1  # questions follow the series


def test_the_committee_sets_and_closes_a_rectification_through_the_api(client):
    w = factories.world()
    item = factories.published(w["community"], actor=w["staff"])
    client.force_login(w["supervisor"])
    review = client.post(f"/api/disclosure/items/{item.pk}/reviews", {
        "verdict": "correct", "comment": "附件缺少发放明细", "deadline": str(timezone.localdate() + dt.timedelta(days=3))},
        content_type=JSON)
    assert review.status_code == 201 and review.json()["rectification_id"]
    rect = review.json()["rectification_id"]
    client.force_login(w["staff"])
    assert client.post(f"/api/disclosure/rectifications/{rect}/report", {"report": "已补充明细"},
                       content_type=JSON).json()["state"] == "reported"
    client.force_login(w["supervisor"])
    assert client.post(f"/api/disclosure/rectifications/{rect}/accept", {}, content_type=JSON).json()["state"] == "closed"
    assert client.get("/api/disclosure/rectifications?open_only=true").json()["items"] == []


def test_the_board_statements_and_fund_through_the_api(client):
    w = factories.world()
    factories.draft(w["community"], timing=Timing.MAJOR, trigger_at=timezone.now() - dt.timedelta(days=10))
    client.force_login(w["street_staff"])
    board = client.get(f"/api/disclosure/board?node_id={w['street'].pk}").json()
    assert board["total"]["missing"] == 1 and board["streets"][0]["communities"][0]["name"] == w["community"].name
    client.force_login(w["staff"])
    refused = client.post("/api/disclosure/statements", {
        "community_id": w["community"].pk, "title": "11月收支", "period_start": "2026-11-01", "period_end": "2026-11-30",
        "opening_balance": 0, "income_total": 100, "spending_total": 0, "closing_balance": 90,
        "lines": [{"direction": "income", "description": "拨款", "amount": 100}]}, content_type=JSON)
    assert refused.status_code == 400 and "closing_balance" in refused.json()["fields"]
    client.post("/api/disclosure/fund/entries", {"community_id": w["community"].pk, "kind": "allocation",
                                                 "amount": 10_000, "purpose": "拨付"}, content_type=JSON)
    overdraft = client.post("/api/disclosure/fund/entries", {"community_id": w["community"].pk, "kind": "spending",
                                                             "amount": 10_001, "purpose": "采购", "approval": "两委会议"},
                            content_type=JSON)
    assert overdraft.status_code == 400 and "amount" in overdraft.json()["fields"]
    assert client.get(f"/api/disclosure/fund?community_id={w['community'].pk}").json()["balance"] == 10_000


def test_a_district_sets_its_own_timing_rule_but_not_the_default():
    from gongzhi.accounts.roles import Role
    from gongzhi.accounts.tests.factories import user

    w = factories.world()
    admin = user(Role.DISTRICT_ADMIN, nodes=[w["district"]])
    rules.timing_rule_save(actor=admin, district=w["district"], timing=Timing.POLICY, working_days=3)
    assert TimingRule.objects.get(district=w["district"]).working_days == 3
    with pytest.raises(InvalidInput):
        rules.timing_rule_save(actor=admin, district=None, timing=Timing.POLICY, working_days=1)
    with pytest.raises(Forbidden):
        rules.timing_rule_save(actor=w["staff"], district=w["district"], timing=Timing.POLICY, working_days=1)
