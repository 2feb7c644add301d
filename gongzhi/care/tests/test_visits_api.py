"""The visits API: my turns, recording with the code (a wrong code answers beside the field), someone
else's household is 404, the emergency raised and handled."""

import pytest
from django.test import Client

from gongzhi.accounts.tests.factories import user

from . import factories
from . import factories_visits as f

pytestmark = pytest.mark.django_db


def _client(u) -> Client:
    client = Client()
    client.force_login(u)
    return client


@pytest.fixture
def w():
    return factories.care_world()


def test_given_my_turn_today_when_i_record_through_the_api_then_my_turns_show_it_done(w):
    t = f.turn(w)
    client = _client(w["volunteer_user"])
    turns = client.get("/api/care/visits/my-turns").json()
    assert [row["id"] for row in turns] == [t.pk] and turns[0]["state"] == "planned"
    wrong = client.post(f"/api/care/visits/plans/{w['plan'].pk}", {"check_in_code": "NOPE"},
                        content_type="application/json")
    assert wrong.status_code == 400 and "check_in_code" in wrong.json()["fields"]
    made = client.post(f"/api/care/visits/plans/{w['plan'].pk}",
                       {"check_in_code": w["plan"].checkin_code, "done": ["cleaning"], "condition": "good"},
                       content_type="application/json")
    assert made.status_code == 201, made.content
    assert client.get(f"/api/care/visits/{made.json()['id']}").json()["done"] == ["cleaning"]
    assert client.get("/api/care/visits/my-turns").json()[0]["state"] == "done"


def test_given_someone_elses_household_when_recorded_through_the_api_then_404(w):
    stranger = _client(user("resident", username="stranger_api"))
    answer = stranger.post(f"/api/care/visits/plans/{w['plan'].pk}", {"check_in_reason": "路过"},
                           content_type="application/json")
    assert answer.status_code == 404


def test_given_an_emergency_through_the_api_when_the_community_handles_it_then_it_is_handled(w):
    raised = _client(w["member_user"]).post(f"/api/care/emergencies/plans/{w['plan'].pk}",
                                            {"description": "老人胸口疼"}, content_type="application/json")
    assert raised.status_code == 201 and raised.json()["case_id"]
    staff = _client(w["community_staff"])
    assert [e["id"] for e in staff.get("/api/care/emergencies?state=open").json()["items"]] == [raised.json()["id"]]
    handled = staff.post(f"/api/care/emergencies/{raised.json()['id']}/handle", {"note": "已叫120"},
                         content_type="application/json")
    assert handled.status_code == 200 and handled.json()["state"] == "handled"
