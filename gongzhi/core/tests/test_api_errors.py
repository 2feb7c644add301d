"""No 500 for bad input: each request an outside probe (schemathesis) found answering 500 now gets a
4xx with the API's one error body (`code`, `message`, `fields`), and the OpenAPI schema declares the
error statuses the operations answer."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from gongzhi.cases.tests.factories import in_progress, world
from gongzhi.residents.tests.factories import person

pytestmark = pytest.mark.django_db

HUGE = 10**30  # past any database integer


@pytest.fixture
def w():
    return world()


def _as(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _uniform(response, status: int | tuple[int, ...]) -> dict:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    body = response.json()
    assert set(body) == {"code", "message", "fields"}, body
    assert isinstance(body["code"], str) and body["message"] and isinstance(body["fields"], dict)
    return body


def test_a_page_past_the_end_answers_an_empty_page_however_far(w):
    # given a district admin's list of area nodes
    client = _as(w.admin)
    # when they ask for a page far past the end, up to a number no database can offset by
    for page in (2, 10**6, 2**63, HUGE):
        response = client.get("/api/areas/nodes", {"page": page})
        # then the answer is the same: an empty page, never a 500
        assert response.status_code == 200, (page, response.content[:300])
        body = response.json()
        assert body["items"] == [] and body["count"] > 0 and body["page_size"] == 50
    # and page 0 or below is refused on the field
    assert "page" in _uniform(client.get("/api/areas/nodes", {"page": 0}), 422)["fields"]


def test_every_paginated_list_survives_a_huge_page_number(w):
    client = _as(w.admin)
    for url in ("/api/cases/", "/api/residents/people", "/api/residents/households", "/api/party/members",
                "/api/core/notifications", "/api/triage/models", "/api/areas/departments"):
        response = client.get(url, {"page": HUGE})
        assert response.status_code in (200, 403), (url, response.status_code, response.content[:300])


def test_not_visited_days_is_bounded_on_the_field(w):
    client = _as(w.admin)
    response = client.get("/api/residents/households", {"not_visited_days": HUGE})
    assert "not_visited_days" in _uniform(response, 422)["fields"]
    assert client.get("/api/residents/households", {"not_visited_days": 30}).status_code == 200


def test_a_huge_id_among_the_people_met_is_refused_on_the_field(w):
    household = w.nodes["household_a"]
    someone = person(household)
    client = _as(w.admin)
    response = client.post(f"/api/residents/households/{household.pk}/visits",
                           {"people_met": [someone.pk, HUGE], "findings": "x"}, content_type="application/json")
    assert any(f.startswith("people_met") for f in _uniform(response, 422)["fields"])
    # an id in range that names nobody of the household is the service's refusal (400), as before
    response = client.post(f"/api/residents/households/{household.pk}/visits",
                           {"people_met": [999_999_999]}, content_type="application/json")
    assert "people_met" in _uniform(response, 400)["fields"]


def test_a_huge_path_id_is_a_404(w):
    client = _as(w.admin)
    for url in (f"/api/cases/{2**63}", f"/api/cases/{HUGE}", f"/api/residents/people/{HUGE}"):
        _uniform(client.get(url), (404, 422))


def test_an_empty_department_code_in_a_whistle_call_is_refused_on_the_field(w):
    case = in_progress(w, "shared-bikes")
    client = _as(w.sstaff)
    response = client.post(f"/api/cases/{case.pk}/whistle", {"department_codes": [""], "reason": "联合执法"},
                           content_type="application/json")
    assert any(f.startswith("department_codes") for f in _uniform(response, 422)["fields"])
    response = client.post(f"/api/cases/{case.pk}/whistle", {"department_codes": ["cg"], "reason": "联合执法",
                                                             "hours": HUGE}, content_type="application/json")
    assert "hours" in _uniform(response, 422)["fields"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
@pytest.mark.parametrize("url", ["/api/cases/", "/api/triage/suggest"])
def test_a_body_over_the_upload_limit_answers_413(w, url):
    client = _as(w.cstaff)
    body = json.dumps({"channel": "online", "category": "shared-bikes", "title": "t", "text": "长" * 2000,
                       "description": "长" * 2000, "location_id": w.nodes["building_a"].pk})
    body_out = _uniform(client.post(url, body, content_type="application/json"), 413)
    assert body_out["code"] == "too_large"


@pytest.mark.parametrize("url", ["/api/cases/figures", "/api/cases/triage-outcomes"])
def test_figures_refuse_a_period_outside_the_calendar_and_a_start_after_the_end(w, url):
    client = _as(w.admin)
    node = w.nodes["district"].pk
    response = client.get(url, {"node_id": node, "start": "0001-01-01", "end": "9999-12-31"})
    assert {"start", "end"} & set(_uniform(response, 422)["fields"])
    response = client.get(url, {"node_id": node, "start": "2026-03-01", "end": "2026-02-01"})
    assert "end" in _uniform(response, 400)["fields"]
    assert client.get(url, {"node_id": node, "start": "2026-01-01", "end": "2026-01-31"}).status_code == 200


def test_a_non_integer_id_in_the_history_page_is_a_404(w):
    client = _as(w.admin)
    assert client.get("/history/areas/areanode/not-a-number/").status_code == 404
    assert client.get(f"/history/areas/areanode/{HUGE}/").status_code == 404
    assert client.get(f"/history/areas/areanode/{w.nodes['grid_a'].pk}/").status_code == 200


@pytest.mark.parametrize("body", ["5", '"text"', "[1, 2]", "null", "true", "{bad json"])
def test_a_body_that_is_not_an_object_is_refused(w, body):
    client = _as(w.cstaff)
    case = in_progress(w, "shared-bikes")
    for url in (f"/api/cases/{case.pk}/accept", "/api/core/notifications/read", "/api/triage/suggest"):
        response = client.post(url, body, content_type="application/json")
        _uniform(response, (400, 422))
    case.refresh_from_db()
    assert case.state == "in_progress"


def test_the_residents_import_refusal_matches_its_declared_schema(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _as(w.cstaff)
    response = client.post("/api/residents/import", {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")})
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    schema = _openapi()
    declared = schema["paths"]["/api/residents/import"]["post"]["responses"]["400"]
    ref = declared["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][ref]["properties"]
    # the refusal is the one error body (plus the import's findings when rows were read)
    assert {"code", "message", "fields"} <= set(properties) and set(body) <= set(properties)
    assert body["code"] and body["message"]


# ---------------------------------------------------------------------------------------------
# The OpenAPI schema declares the error answers


def _openapi() -> dict:
    """The schema as served (status codes as strings)."""
    from django.core.serializers.json import DjangoJSONEncoder

    from gongzhi.api import api

    return json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder))


def test_every_operation_declares_its_error_answers():
    """An operation with a path parameter can answer 404; one with a body or query parameters 422;
    each declares them with the one error schema. Add `**errors(...)` (gongzhi.core.errors) to its
    `response=`."""
    schema = _openapi()
    missing = []
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            params = op.get("parameters", [])
            needed = set()
            if any(p["in"] == "path" for p in params):
                needed.add("404")
            if "requestBody" in op or any(p["in"] == "query" for p in params):
                needed.add("422")
            if op.get("security"):
                needed.add("401")
            for status in sorted(needed):
                declared = op["responses"].get(status)
                if declared is None:
                    missing.append(f"{method.upper()} {path}: {status} not declared")
                    continue
                ref = declared.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
                if not ref.endswith("/ErrorOut"):
                    missing.append(f"{method.upper()} {path}: {status} is not the ErrorOut body")
    assert not missing, "\n".join(missing)


def test_the_error_schema_is_the_uniform_body():
    error = _openapi()["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"code", "message", "fields"}
    assert set(error["required"]) >= {"code", "message"}


def test_case_services_still_refuse_unknown_departments(w):
    # the whistle call's service refusal for a well-formed code that names nothing stays a 400
    case = in_progress(w, "shared-bikes")
    client = _as(w.sstaff)
    response = client.post(f"/api/cases/{case.pk}/whistle", {"department_codes": ["nope"], "reason": "联合执法"},
                           content_type="application/json")
    _uniform(response, 400)
