"""Topics in the API: the same gate and selectors as the pages; the one error shape."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.deliberation.models import ProposalRule, ScopeKind, TopicState
from gongzhi.deliberation.tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_topic_walks_its_first_steps_through_the_api(client):
    w = f.world()
    client.force_login(w.cstaff)
    made = client.post("/api/deliberation/topics", {
        "title": "加装电梯机房空调", "description": "3号楼电梯机房夏天超过40度。", "group": "livelihood", "source": "group",
        "scope_kind": "community", "area_id": w.community.pk,
    }, content_type="application/json")
    assert made.status_code == 201, made.content
    topic = made.json()
    assert topic["state"] == TopicState.IN_PROGRESS and topic["timeline"][0]["name"] == "党委提议"
    assert "advance" in topic["actions"] and len(topic["ahead"]) == 5
    url = f"/api/deliberation/topics/{topic['id']}"
    refused = client.post(f"{url}/complete", {"outcome": ""}, content_type="application/json")
    assert refused.status_code == 400 and "outcome" in refused.json()["fields"]
    done = client.post(f"{url}/complete", {"outcome": "社区党委提议。"}, content_type="application/json").json()
    assert [s["state"] for s in done["timeline"]] == ["done", "current"]
    back = client.post(f"{url}/send-back", {"reason": "请补充费用测算"}, content_type="application/json").json()
    assert back["timeline"][1]["reason"] == "请补充费用测算"
    uploaded = client.post(f"{url}/documents", {"documents": [SimpleUploadedFile("报价.pdf", b"%PDF-1.4\n")]})
    assert uploaded.status_code == 201
    assert client.get(f"/api/deliberation/topic-documents/{uploaded.json()[0]['id']}").status_code == 200
    listed = client.get("/api/deliberation/topics?state=in_progress").json()
    assert listed["count"] == 1
    assert client.get("/api/deliberation/topics?state=nonsense").status_code == 400


def test_residents_propose_and_co_sign_through_the_api(client):
    w = f.world(households=2)
    ProposalRule.objects.filter(district=w.district, scope_kind=ScopeKind.BUILDING).update(signatures_needed=1)
    client.force_login(w.residents[0])
    scopes = client.get("/api/deliberation/topics/scopes").json()
    assert scopes[0]["value"] == f"building:{w.building.pk}"
    far = client.post("/api/deliberation/topics/proposals", {
        "title": "x", "description": "y", "group": "livelihood", "scope": f"building:{w.nodes['building_b'].pk}"},
        content_type="application/json")
    assert far.status_code == 400 and "scope" in far.json()["fields"]
    made = client.post("/api/deliberation/topics/proposals", {
        "title": "楼道加装声控灯", "description": "晚上楼道太黑。", "group": "livelihood", "scope": scopes[0]["value"]},
        content_type="application/json")
    assert made.status_code == 201 and made.json()["state"] == TopicState.PROPOSED
    client.force_login(w.residents[1])
    signed = client.post(f"/api/deliberation/topics/{made.json()['id']}/sign")
    assert signed.status_code == 200 and signed.json()["state"] == TopicState.IN_PROGRESS
    again = client.post(f"/api/deliberation/topics/{made.json()['id']}/sign")
    assert again.status_code == 409
    mine = client.get("/api/deliberation/topics/mine").json()
    assert [t["title"] for t in mine["signed"]] == ["楼道加装声控灯"]


def test_paths_are_read_by_the_district_only(client):
    w = f.world()
    other = f.world()
    client.force_login(w.cstaff)
    paths = client.get("/api/deliberation/paths").json()
    assert {p["key"] for p in paths} == {"six_step", "building", "estate"}
    assert [s["name"] for s in next(p for p in paths if p["key"] == "six_step")["steps"]][-1] == "决议结果公示"
    assert client.get(f"/api/deliberation/paths/{f.path(other).pk}").status_code == 404
