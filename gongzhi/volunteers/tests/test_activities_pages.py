"""Activities through the pages and the API: a volunteer finds, signs up and checks in by the code
on the organiser's screen; staff see the month's list and the roster; outside the scope is 404."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.volunteers import checkin_codes
from gongzhi.volunteers.models import Signup, SignupState
from gongzhi.volunteers.tests import factories
from gongzhi.volunteers.tests.test_activities_services import world

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _client(account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def test_a_volunteer_finds_signs_up_and_checks_in_with_the_code_on_the_screen():
    w = world(1)
    activity = factories.activity(w.nodes["community"], starts_at=timezone.now() + dt.timedelta(minutes=20),
                                  title="敬老院义诊")
    me, staff = _client(w.users[0]), _client(w.staff)
    assert "敬老院义诊" in me.get("/volunteers/activities/").content.decode()
    me.post(f"/volunteers/activities/{activity.pk}/sign-up/")
    assert Signup.objects.get(activity=activity).state == SignupState.SIGNED_UP
    screen = staff.get(f"/volunteers/activities/{activity.pk}/screen/")
    assert screen.status_code == 200
    code = checkin_codes.code_for(activity)
    page = screen.content.decode()
    assert code in page and "<svg" in page and "<script>" not in page
    assert me.get(f"/volunteers/activities/{activity.pk}/check-in/?code={code}").status_code == 200
    me.post(f"/volunteers/activities/{activity.pk}/check-in/", {"code": code})
    assert Signup.objects.get(activity=activity).state == SignupState.CHECKED_IN
    roster = staff.get(f"/volunteers/activities/{activity.pk}/manage/").content.decode()
    assert w.volunteers[0].name in roster
    assert staff.get("/volunteers/activities/staff/").status_code == 200
    assert me.get("/volunteers/activities/mine/").status_code == 200


def test_the_api_runs_an_activity_from_set_up_to_check_out():
    factories.earning_rules()
    w = world(1)
    staff, me = _client(w.staff), _client(w.users[0])
    start = timezone.now() + dt.timedelta(minutes=10)
    made = staff.post("/api/volunteers/activities", {
        "area_id": w.nodes["community"].pk, "title": "三月学雷锋", "type": "environment", "place": "小区广场",
        "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=2)).isoformat(), "capacity": 1,
        "publish": True}, content_type=JSON)
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert me.post(f"/api/volunteers/activities/{pk}/signup").json()["state"] == "signed_up"
    code = staff.get(f"/api/volunteers/activities/{pk}/code").json()["code"]
    bad = me.post(f"/api/volunteers/activities/{pk}/check-out", {"code": code}, content_type=JSON)
    assert bad.status_code == 409 and bad.json()["code"] == "not_checked_in"
    assert me.post(f"/api/volunteers/activities/{pk}/check-in", {"code": code}, content_type=JSON).status_code == 200
    twice = me.post(f"/api/volunteers/activities/{pk}/check-in", {"code": code}, content_type=JSON)
    assert twice.status_code == 409
    roster = staff.get(f"/api/volunteers/activities/{pk}/roster").json()
    assert len(roster["checked_in"]) == 1
    # the volunteer may not read the organiser's code
    assert me.get(f"/api/volunteers/activities/{pk}/code").status_code == 403


def test_outside_the_scope_activities_are_absent_on_pages_and_api():
    w = world(1)
    elsewhere = tree()
    outside = factories.activity(elsewhere["community"])
    signup = factories.signup(outside, factories.volunteer(elsewhere["household_a"]))
    for client in (_client(w.staff), _client(w.users[0]), _client(user(Role.RESIDENT))):
        for url in (f"/volunteers/activities/{outside.pk}/", f"/volunteers/activities/{outside.pk}/manage/",
                    f"/volunteers/activities/{outside.pk}/screen/", f"/api/volunteers/activities/{outside.pk}",
                    f"/api/volunteers/activities/{outside.pk}/roster", f"/api/volunteers/activities/{outside.pk}/code"):
            assert client.get(url).status_code == 404, url
        assert client.post(f"/api/volunteers/activities/{outside.pk}/signup").status_code == 404
        assert client.post(f"/api/volunteers/activities/signups/{signup.pk}/check-in", {},
                           content_type=JSON).status_code == 404


def test_the_api_names_the_field_when_the_area_is_not_ones_own_or_an_id_is_beyond_the_database():
    # given staff of one community and the area of another district
    w = world(1)
    staff = _client(w.staff)
    elsewhere = tree()["community"]
    start = timezone.now() + dt.timedelta(days=1)
    body = {"title": "三月学雷锋", "type": "environment", "place": "小区广场", "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=2)).isoformat(), "capacity": 5}
    # when they set up an activity there, or with ids no database holds
    outside = staff.post("/api/volunteers/activities", {**body, "area_id": elsewhere.pk}, content_type=JSON)
    huge = staff.post("/api/volunteers/activities", {**body, "area_id": w.nodes["community"].pk, "skill_ids": [2**70]},
                      content_type=JSON)
    # then each is refused on its field and nothing is written
    assert outside.status_code == 400 and "area_id" in outside.json()["fields"]
    assert huge.status_code == 422
    from gongzhi.volunteers.models import Activity
    assert not Activity.objects.filter(title="三月学雷锋").exists()
