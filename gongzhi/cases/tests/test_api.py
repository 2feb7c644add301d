"""The API: intake to rating over HTTP, uniform errors, scope as 404, the docs list it."""

import pytest

from gongzhi.accounts.tests.factories import PASSWORD
from gongzhi.cases.models import State
from gongzhi.cases.tests.factories import dispatched

pytestmark = pytest.mark.django_db



def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_whole_loop_over_the_api(client, w):
    login(client, w.resident)
    body = {
        "channel": "online", "category": "shared-bikes", "title": "单车堆积", "description": "门口堆满单车",
        "location_id": w.building_a.pk, "answers": {"brand": "meituan"},
    }
    response = client.post("/api/cases/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    case_id = response.json()["id"]
    assert response.json()["state"] == State.SUBMITTED

    login(client, w.cstaff)
    assert client.post(f"/api/cases/{case_id}/accept", {}, content_type="application/json").status_code == 200
    dispatched_ = client.post(f"/api/cases/{case_id}/dispatch", {}, content_type="application/json").json()
    assert dispatched_["level"] == "grid"

    login(client, w.worker_a)
    assert [c["id"] for c in client.get("/api/cases/", {"box": "to_claim"}).json()["items"]] == [case_id]
    assert client.post(f"/api/cases/{case_id}/claim").json()["state"] == State.IN_PROGRESS
    client.post(f"/api/cases/{case_id}/contacts", {"method": "phone", "note": "已联系"}, content_type="application/json")
    resolved = client.post(f"/api/cases/{case_id}/resolve", {"result": "solved", "feedback": "已清运"},
                           content_type="application/json").json()
    assert resolved["state"] == State.AWAITING_RATING

    login(client, w.resident)
    rated = client.post(f"/api/cases/{case_id}/rate", {"rating": "satisfied", "solved": True},
                        content_type="application/json").json()
    assert rated["state"] == State.CLOSED
    assert [e["action"] for e in rated["timeline"]] == [
        "submit", "accept", "dispatch", "claim", "contact", "resolve", "rate"]


def test_an_illegal_transition_gets_the_uniform_error_body(client, w):
    case = dispatched(w)
    login(client, w.worker_a)
    response = client.post(f"/api/cases/{case.pk}/resolve", {"result": "solved", "feedback": "x"},
                           content_type="application/json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition" and body["message"]


def test_another_grids_case_is_404(client, w):
    case = dispatched(w, where="building_b")
    login(client, w.worker_a)
    assert client.get(f"/api/cases/{case.pk}").status_code == 404
    assert client.post(f"/api/cases/{case.pk}/claim").json()["code"] == "not_found"


def test_bad_input_names_the_field(client, w):
    login(client, w.resident)
    response = client.post("/api/cases/", {"channel": "online", "category": "heating", "title": "暖气",
                                           "description": "不热", "location_id": w.building_a.pk},
                           content_type="application/json")
    assert response.status_code == 400 and "answers.temperature" in response.json()["fields"]


def test_catalogue_and_figures_endpoints(client, w):
    login(client, w.cstaff)
    leaves = [c for c in client.get("/api/cases/catalogue").json() if c["parent_code"]]
    assert len(leaves) >= 40
    figures = client.get("/api/cases/figures", {"node_id": w.community.pk, "start": "2026-01-01",
                                                "end": "2026-12-31"}).json()
    assert set(figures) >= {"response_rate", "resolution_rate", "satisfaction_rate", "composite", "closed_by_level"}


def test_the_api_is_in_the_openapi_docs(client, w):
    login(client, w.cstaff)
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/cases/{case_id}/whistle" in paths and "/api/cases/" in paths


def test_the_hotline_looks_up_the_caller_by_phone(client, w):
    from gongzhi.residents.tests.factories import person

    p = person(w.household_a, name="李建国", phone="13700001111")
    login(client, w.cstaff)
    found = client.get("/api/cases/callers", {"phone": "13700001111"}).json()
    assert [x["id"] for x in found["people"]] == [p.pk] and found["people"][0]["phone_masked"] == "137****1111"
    body = {"channel": "hotline", "category": "street-lights", "title": "路灯不亮", "description": "楼下路灯坏了",
            "person_id": p.pk}
    created = client.post("/api/cases/", body, content_type="application/json").json()
    assert created["location_id"] == w.household_a.pk


def test_hot_issues_endpoint(client, w):
    from gongzhi.cases.tests.factories import submit

    for _ in range(3):
        submit(w)
    login(client, w.cstaff)
    hot = client.get("/api/cases/hot-issues", {"node_id": w.community.pk}).json()
    assert hot[0]["category"] == "shared-bikes" and hot[0]["count"] == 3


def test_notes_with_photos_over_the_api_and_a_bad_file_is_refused(client, w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongzhi.cases.tests.factories import in_progress

    case = in_progress(w)
    login(client, w.worker_a)
    png = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
    ok = client.post(f"/api/cases/{case.pk}/notes", {"note": "现场照片", "files": [png]})
    assert ok.status_code == 200, ok.content
    assert ok.json()["timeline"][-1]["attachments"][0]["content_type"] == "image/png"
    exe = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\0" * 64, content_type="image/jpeg")
    bad = client.post(f"/api/cases/{case.pk}/notes", {"note": "x", "files": [exe]})
    assert bad.status_code == 400 and "attachments.0" in bad.json()["fields"]


HOTLINE_FILING = {
    "channel": "hotline", "category": "shared-bikes", "title": "单车堆积", "description": "门口堆满单车",
    "caller_name": "张先生", "caller_phone": "13900001111", "answers": {"brand": "meituan"},
}

# Queries of one filing over the API once the process is warm: session and user (2), the matter
# with its current rules (1), the location (1), the clerk's scope (1), the triage community (1),
# the case, its event and the audit event (3), the community staff to notify and their
# notification rows (2), plus the service's savepoint and its release (2). It was 18 when the 201
# re-read the case with its timeline, attachments and whistle calls. Raise only with a reason:
# 13 → 15 when the case's day and month roll-ups (cases.rollups) were kept in the same transaction.
MAX_QUERIES_PER_FILING = 15


def test_filing_answers_with_the_saved_case_and_the_detail_keeps_the_timeline(client, w):
    login(client, w.cstaff)
    response = client.post("/api/cases/", {**HOTLINE_FILING, "location_id": w.building_a.pk},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    filed = response.json()
    assert filed["state"] == State.SUBMITTED and filed["category"] == "shared-bikes"
    assert filed["reference"].startswith("GZ") and filed["location_id"] == w.building_a.pk
    assert filed["area_id"] == w.community.pk and filed["level"] == "community"
    assert filed["response_due"] and filed["handling_due"] and filed["handling_warn_at"]
    assert filed["rule_version"] >= 1 and "timeline" not in filed
    detail = client.get(f"/api/cases/{filed['id']}").json()
    assert [e["action"] for e in detail["timeline"]] == ["submit"]
    assert {k: detail[k] for k in ("reference", "state", "created_at", "response_due", "handling_due", "area_id")} == {
        k: filed[k] for k in ("reference", "state", "created_at", "response_due", "handling_due", "area_id")}


def test_filing_a_case_does_not_grow_in_queries(client, w, django_assert_max_num_queries):
    login(client, w.cstaff)
    body = {**HOTLINE_FILING, "location_id": w.building_a.pk}
    assert client.post("/api/cases/", body, content_type="application/json").status_code == 201  # warm caches
    with django_assert_max_num_queries(MAX_QUERIES_PER_FILING):
        response = client.post("/api/cases/", body, content_type="application/json")
    assert response.status_code == 201, response.content


def test_the_openapi_docs_describe_the_filing_answer(client, w):
    login(client, w.cstaff)
    spec = client.get("/api/openapi.json").json()
    answer = spec["paths"]["/api/cases/"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    name = answer["$ref"].rsplit("/", 1)[1]
    properties = spec["components"]["schemas"][name]["properties"]
    assert {"id", "reference", "state", "category", "area_id", "response_due", "handling_due"} <= set(properties)
    assert "timeline" not in properties


def test_an_unknown_requester_is_refused_on_its_field(client, w):
    login(client, w.cstaff)
    body = {**HOTLINE_FILING, "location_id": w.building_a.pk, "requester_id": 987654}
    response = client.post("/api/cases/", body, content_type="application/json")
    assert response.status_code == 400 and "requester_id" in response.json()["fields"]
    # a staff account is not a requester either
    body["requester_id"] = w.worker_a.pk
    response = client.post("/api/cases/", body, content_type="application/json")
    assert response.status_code == 400 and "requester_id" in response.json()["fields"]


def test_the_page_and_the_api_offer_the_same_actions_and_never_the_systems_own(client, w):
    from gongzhi.accounts.tests.factories import superuser
    from gongzhi.cases import services, workflow
    from gongzhi.cases.tests.factories import SYSTEM, in_progress

    # given a resolved case waiting for its rating (shared bikes: no verification)
    case = in_progress(w)
    case = services.case_resolve(actor=SYSTEM, case=case, result="solved", feedback="已清理")
    assert case.state == State.AWAITING_RATING
    root = superuser()
    for user in (root, w.resident, w.cstaff, w.worker_a):
        client.force_login(user)
        offered = client.get(f"/api/cases/{case.pk}").json()["actions"]
        # then the API offers what the case page offers (one function), and nobody is offered the
        # system's own auto_close — not even a superuser
        assert offered == workflow.offered(user, case)
        assert "auto_close" not in offered
    client.force_login(w.resident)
    assert client.get(f"/api/cases/{case.pk}").json()["actions"] == ["rate"]
