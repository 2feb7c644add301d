"""Every deliberation API write refuses bad input with the API's one error body (`code`, `message`,
`fields`) and writes nothing: a body that is no JSON, a body of the wrong type, a required field
missing, a number past any database integer, an id that names nothing — found from the live OpenAPI
schema, so a new write is probed without a line here — and the services' own refusals of the
hearings' writes (a deadline after the start, registering twice or after the deadline or without a
seat, a view with no text, a speakers' order that leaves someone out)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from gongzhi.deliberation.models import Hearing, HearingRegistration, HearingView
from gongzhi.deliberation.services import hearings
from gongzhi.deliberation.tests import factories
from gongzhi.deliberation.tests.test_hearings_services import call, day_of_hearing

pytestmark = pytest.mark.django_db

PREFIX = "/api/deliberation/"
WRITES = ("post", "put", "patch", "delete")
HUGE = 10**30  # past any database integer
MISSING = 999_999_999


def _writes() -> list[tuple[str, str, dict]]:
    from gongzhi.api import api

    schema = api.get_openapi_schema()
    return [(method.upper(), path, op) for path, operations in schema["paths"].items() if path.startswith(PREFIX)
            for method, op in operations.items() if method in WRITES]


def _body_schema(op: dict) -> dict | None:
    return ((op.get("requestBody") or {}).get("content") or {}).get("application/json", {}).get("schema")


def _uniform(response, statuses: tuple[int, ...]) -> dict:
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    body = response.json()
    assert set(body) == {"code", "message", "fields"}, body
    assert isinstance(body["code"], str) and body["message"] and isinstance(body["fields"], dict)
    return body


def _deliberation_rows() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in apps.get_app_config("deliberation").get_models()}


@pytest.fixture
def w():
    return factories.world()


@pytest.fixture
def staff(w) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(w.cstaff)
    return client


def _url(path: str, ids: dict[str, int]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), MISSING)), path)


def test_the_schema_has_the_hearings_writes():
    paths = {f"{method} {path}" for method, path, _op in _writes()}
    assert f"POST {PREFIX}topics/{{topic_id}}/hearings" in paths
    assert f"POST {PREFIX}hearings/{{hearing_id}}/views" in paths
    assert f"PUT {PREFIX}hearings/{{hearing_id}}/speakers" in paths


def test_every_write_refuses_a_body_that_is_no_json_or_of_the_wrong_type_and_writes_nothing(w, staff):
    topic = factories.topic(w)
    hearing = call(w, topic)
    ids = {"topic_id": topic.pk, "hearing_id": hearing.pk}
    before = _deliberation_rows()
    probed = 0
    for method, path, op in _writes():
        if _body_schema(op) is None:
            continue
        url = _url(path, ids)
        for raw in ("{not json", json.dumps([1, 2]), json.dumps("text"), json.dumps(None)):
            response = staff.generic(method, url, raw, content_type="application/json")
            _uniform(response, (400, 404, 422))
        probed += 1
    assert probed >= 5
    assert _deliberation_rows() == before


def test_every_write_names_each_missing_required_field(w, staff):
    topic = factories.topic(w)
    hearing = call(w, topic)
    ids = {"topic_id": topic.pk, "hearing_id": hearing.pk}
    before = _deliberation_rows()
    for method, path, op in _writes():
        body = _body_schema(op)
        if body is None:
            continue
        if "$ref" in body:
            body = _resolve(body["$ref"])
        required = body.get("required") or []
        if not required:
            continue
        response = staff.generic(method, _url(path, ids), "{}", content_type="application/json")
        fields = _uniform(response, (422,))["fields"]
        for name in required:
            assert any(name in key for key in fields), (path, name, fields)
    assert _deliberation_rows() == before


def _resolve(ref: str) -> dict:
    from gongzhi.api import api

    schema = api.get_openapi_schema()
    node = schema
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def test_every_write_on_an_id_that_names_nothing_or_no_database_integer_answers_in_the_one_shape(w, staff):
    before = _deliberation_rows()
    for method, path, _op in _writes():
        if "{" not in path:
            continue
        for value in (MISSING, HUGE):
            url = re.sub(r"\{\w+\}", str(value), path)
            response = staff.generic(method, url, "{}", content_type="application/json")
            _uniform(response, (404, 422))
    assert _deliberation_rows() == before


# --- the hearings' services refuse, through the API, with the reason on its field ----------------------


def post(client: Client, url: str, body) -> object:
    return client.post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_calling_a_hearing_with_bad_dates_numbers_or_no_place_is_refused_on_the_field(w, staff):
    topic = factories.topic(w)
    now = timezone.now()
    good = {"starts_at": (now + dt.timedelta(days=7)).isoformat(), "location": "社区二楼会议室",
            "registration_closes_at": (now + dt.timedelta(days=5)).isoformat()}
    cases = [
        ({"registration_closes_at": (now + dt.timedelta(days=8)).isoformat()}, 400, "registration_closes_at"),
        ({"starts_at": (now - dt.timedelta(days=1)).isoformat()}, 400, "starts_at"),
        ({"location": "   "}, 400, "location"),
        ({"seats": 5, "speakers_limit": 6}, 400, "speakers_limit"),
        ({"seats": 0}, 422, "seats"),
        ({"seats": HUGE}, 422, "seats"),
        ({"starts_at": "next tuesday"}, 422, "starts_at"),
        ({"location": "x" * 201}, 422, "location"),
    ]
    for change, status, field in cases:
        fields = _uniform(post(staff, f"{PREFIX}topics/{topic.pk}/hearings", {**good, **change}), (status,))["fields"]
        assert any(field in key for key in fields), (change, fields)
    assert not Hearing.objects.exists()


def test_registering_twice_after_the_deadline_or_without_a_seat_is_refused_and_nothing_written(w):
    hearing = call(w, factories.topic(w), seats=2, speakers=1)
    a, b, c = w.residents
    url = f"{PREFIX}hearings/{hearing.pk}/registrations"
    clients = {}
    for person in (a, b, c):
        clients[person.pk] = Client(raise_request_exception=False)
        clients[person.pk].force_login(person)
    assert post(clients[a.pk], url, {"wants_to_speak": True}).status_code == 201
    assert _uniform(post(clients[a.pk], url, {}), (409,))["code"] == "already_registered"
    assert post(clients[b.pk], url, {}).status_code == 201
    no_seat = _uniform(post(clients[c.pk], url, {}), (409,))
    assert no_seat["code"] == "no_seats" and "席位已满" in no_seat["message"]
    Hearing.objects.filter(pk=hearing.pk).update(registration_closes_at=timezone.now() - dt.timedelta(minutes=1))
    HearingRegistration.objects.filter(user=b).update(cancelled_at=timezone.now())
    closed = _uniform(post(clients[c.pk], url, {}), (409,))
    assert closed["code"] == "registration_closed" and "截止" in closed["message"]
    assert not HearingRegistration.objects.filter(user=c).exists()
    # a resident registering someone else is refused; a too-long affiliation is named
    assert _uniform(post(clients[c.pk], url, {"on_behalf": True, "name": "李强", "phone": "13900001111"}),
                    (403, 409))
    assert "affiliation" in _uniform(post(clients[c.pk], url, {"affiliation": "x" * 101}), (422,))["fields"]


def test_staff_registering_someone_without_a_name_or_a_valid_phone_is_refused_on_the_field(w, staff):
    hearing = call(w, factories.topic(w))
    url = f"{PREFIX}hearings/{hearing.pk}/registrations"
    assert "name" in _uniform(post(staff, url, {"on_behalf": True, "phone": "13912345678"}), (400,))["fields"]
    assert "phone" in _uniform(post(staff, url, {"on_behalf": True, "name": "王秀兰"}), (400,))["fields"]
    assert "phone" in _uniform(post(staff, url, {"on_behalf": True, "name": "王秀兰", "phone": "12ab"}), (400,))["fields"]
    assert not HearingRegistration.objects.exists()


def test_a_view_with_no_text_no_speaker_or_a_wrong_position_is_refused_and_nothing_written(w, staff):
    hearing = call(w, factories.topic(w))
    url = f"{PREFIX}hearings/{hearing.pk}/views"
    # before the hearing, no view is recorded
    assert _uniform(post(staff, url, {"text": "同意", "speaker": "王女士"}), (409,))["code"] == "not_started"
    day_of_hearing(hearing)
    text = _uniform(post(staff, url, {"text": "  ", "speaker": "王女士"}), (400,))
    assert text["fields"]["text"] == ["请按发言内容填写意见。"]
    assert "speaker" in _uniform(post(staff, url, {"text": "同意"}), (400,))["fields"]
    assert "position" in _uniform(post(staff, url, {"text": "同意", "speaker": "王女士", "position": "maybe"}),
                                  (400, 422))["fields"]
    assert "registration" in _uniform(post(staff, url, {"text": "同意", "registration_id": MISSING}), (400,))["fields"]
    assert "text" in _uniform(post(staff, url, {"speaker": "王女士"}), (422,))["fields"]
    assert not HearingView.objects.exists()


def test_a_speakers_order_that_leaves_someone_out_is_refused_and_the_order_kept(w, staff):
    hearing = call(w, factories.topic(w))
    rows = [hearings.hearing_register(actor=r, hearing=hearing, wants_to_speak=True) for r in w.residents]
    url = f"{PREFIX}hearings/{hearing.pk}/speakers"
    for order in ([rows[0].pk], [rows[0].pk, rows[0].pk, rows[1].pk], [rows[0].pk, rows[1].pk, MISSING]):
        response = staff.put(url, {"order": order}, content_type="application/json")
        assert "order" in _uniform(response, (400,))["fields"]
    assert "order" in _uniform(staff.put(url, {"order": "first"}, content_type="application/json"), (422,))["fields"]
    assert [r.speaking_order for r in HearingRegistration.objects.order_by("pk")] == [1, 2, 3]


def test_cancelling_twice_and_attaching_a_record_with_no_views_are_conflicts(w, staff):
    hearing = call(w, factories.topic(w))
    row = hearings.hearing_register(actor=w.residents[0], hearing=hearing)
    url = f"{PREFIX}hearings/{hearing.pk}/registrations/{row.pk}/cancel"
    assert post(staff, url, {}).status_code == 200
    assert _uniform(post(staff, url, {}), (409,))["code"] == "already_cancelled"
    day_of_hearing(hearing)
    assert _uniform(post(staff, f"{PREFIX}hearings/{hearing.pk}/record", {}), (409,))["code"] == "no_views"
    assert _uniform(post(staff, f"{PREFIX}hearings/{hearing.pk}/step", {}), (409,))["code"] == "no_views"
    assert not hearing.topic.documents.exists()
