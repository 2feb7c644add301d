"""Public hearings through the API: staff call one on a topic, a resident registers to speak, the
speakers' list and its order, bad input refused in the one error shape with nothing written, views
and the record of views."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.deliberation.models import Hearing, HearingRegistration, HearingView
from gongzhi.deliberation.tests import factories
from gongzhi.deliberation.tests.test_hearings_services import call, day_of_hearing

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def w():
    return factories.world()


def post(client, url, body, **extra):
    return client.post(url, body, content_type="application/json", **extra)


def test_staff_call_a_hearing_and_residents_of_the_scope_find_it(client, w):
    topic = factories.topic(w)
    client.force_login(w.cstaff)
    now = timezone.now()
    body = {"starts_at": (now + dt.timedelta(days=7)).isoformat(), "location": "社区二楼会议室",
            "registration_closes_at": (now + dt.timedelta(days=5)).isoformat(), "seats": 40, "speakers_limit": 3}
    answer = post(client, f"/api/deliberation/topics/{topic.pk}/hearings", body)
    assert answer.status_code == 201, answer.content
    hearing = answer.json()
    assert hearing["seats_left"] == 40 and hearing["registration_open"] and hearing["speakers"] == []
    client.force_login(w.residents[0])
    listed = client.get("/api/deliberation/hearings").json()
    assert [h["id"] for h in listed] == [hearing["id"]]
    assert [h["id"] for h in client.get(f"/api/deliberation/topics/{topic.pk}/hearings").json()] == [hearing["id"]]


def test_a_deadline_after_the_start_is_refused_on_its_field_in_the_one_error_shape(client, w):
    topic = factories.topic(w)
    client.force_login(w.cstaff)
    now = timezone.now()
    body = {"starts_at": (now + dt.timedelta(days=2)).isoformat(), "location": "社区二楼会议室",
            "registration_closes_at": (now + dt.timedelta(days=3)).isoformat()}
    answer = post(client, f"/api/deliberation/topics/{topic.pk}/hearings", body, **ZH)
    assert answer.status_code == 400
    error = answer.json()
    assert error["code"] == "invalid" and "registration_closes_at" in error["fields"]
    assert not Hearing.objects.exists()


def test_a_resident_registers_to_speak_twice_refused_and_cancels(client, w):
    hearing = call(w, factories.topic(w), speakers=1)
    client.force_login(w.residents[0])
    url = f"/api/deliberation/hearings/{hearing.pk}/registrations"
    mine = post(client, url, {"wants_to_speak": True, "affiliation": "3号楼住户"})
    assert mine.status_code == 201 and mine.json()["speaking_order"] == 1
    twice = post(client, url, {"wants_to_speak": True}, **ZH)
    assert twice.status_code == 409 and twice.json()["code"] == "already_registered"
    detail = client.get(f"/api/deliberation/hearings/{hearing.pk}").json()
    assert detail["my_registration"]["id"] == mine.json()["id"]
    assert detail["speakers"] == [{"id": mine.json()["id"], "name": detail["speakers"][0]["name"], "affiliation": "3号楼住户"}]
    # a resident does not read the registrations (phones) list
    assert client.get(f"{url}").json() == []
    cancelled = post(client, f"{url}/{mine.json()['id']}/cancel", {})
    assert cancelled.status_code == 200 and cancelled.json()["cancelled_at"]
    assert client.get(f"/api/deliberation/hearings/{hearing.pk}").json()["seats_left"] == hearing.seats


def test_staff_reorder_speakers_and_record_views_then_attach_the_record(client, w):
    hearing = call(w, factories.topic(w), speakers=2)
    from gongzhi.deliberation.services import hearings

    rows = [hearings.hearing_register(actor=r, hearing=hearing, wants_to_speak=True) for r in w.residents]
    client.force_login(w.cstaff)
    order = [rows[2].pk, rows[1].pk, rows[0].pk]
    answer = client.put(f"/api/deliberation/hearings/{hearing.pk}/speakers", {"order": order},
                        content_type="application/json")
    assert answer.status_code == 200
    assert [s["id"] for s in answer.json()["speakers"]] == order[:2]
    assert [s["id"] for s in answer.json()["waiting"]] == order[2:]
    day_of_hearing(hearing)
    empty = post(client, f"/api/deliberation/hearings/{hearing.pk}/views", {"text": " ", "speaker": "王女士"}, **ZH)
    assert empty.status_code == 400 and "text" in empty.json()["fields"]
    assert not HearingView.objects.exists()
    view = post(client, f"/api/deliberation/hearings/{hearing.pk}/views",
                {"text": "支持加装空调。", "position": "for", "registration_id": rows[2].pk})
    assert view.status_code == 201 and view.json()["registration_id"] == rows[2].pk
    record = post(client, f"/api/deliberation/hearings/{hearing.pk}/record", {})
    assert record.status_code == 201 and record.json()["topic_id"] == hearing.topic_id
    pdf = client.get(f"/api/deliberation/hearings/{hearing.pk}/record.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_the_full_phone_only_through_the_audited_reveal(client, w):
    hearing = call(w, factories.topic(w))
    client.force_login(w.cstaff)
    url = f"/api/deliberation/hearings/{hearing.pk}/registrations"
    made = post(client, url, {"on_behalf": True, "name": "王秀兰", "phone": "13912345678"})
    assert made.status_code == 201 and made.json()["phone_masked"] == "139****5678"
    assert "13912345678" not in client.get(url).content.decode()
    shown = post(client, f"{url}/{made.json()['id']}/reveal", {"reason": "电话通知"})
    assert shown.json() == {"phone": "13912345678"}
    client.force_login(w.residents[0])
    refused = post(client, f"{url}/{made.json()['id']}/reveal", {"reason": "好奇"})
    assert refused.status_code in (403, 404)
    assert HearingRegistration.objects.count() == 1
