"""Mobilisation (吹哨报到): who a whistle reaches, answers and arrival, closing, points on arrival,
the four-level evaluation, and scope on pages and API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.errors import Conflict, NotFound
from gongzhi.core.notifications import Notification
from gongzhi.points.models import EarningRule, Entry, Programme, RuleBasis
from gongzhi.residents.models import Person
from gongzhi.residents.tests.factories import person
from gongzhi.volunteers.models import Mobilisation, MobilisationResponse, ResponseState
from gongzhi.volunteers.selectors import mobilisation as selectors
from gongzhi.volunteers.services import mobilisation as service
from gongzhi.volunteers.tests import factories

pytestmark = pytest.mark.django_db


def _resident(household, name, account):
    """A party member living in the household, with a user account."""
    row = person(household, name=name, is_party_member=True)
    Person.objects.filter(pk=row.pk).update(user=account)
    return row


@pytest.fixture
def w():
    nodes = tree()
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    mine = user(Role.RESIDENT)
    other = user(Role.RESIDENT)
    member_user = user(Role.PARTY_MEMBER)
    here = factories.volunteer(nodes["household_a"], user=mine, name="王芳")
    there = factories.volunteer(nodes["household_b"], user=other, name="李强")
    member = _resident(nodes["household_a"], "赵党员", member_user)
    return {"nodes": nodes, "staff": staff, "mine": mine, "other": other, "member_user": member_user,
            "here": here, "there": there, "member": member}


def whistle(w, node="grid_a", **extra):
    return service.mobilisation_call(actor=w["staff"], node=w["nodes"][node], title="地下室进水", place="A1号楼地下室",
                                     needed=extra.pop("needed", 5), **extra)


def test_a_whistle_reaches_volunteers_and_party_members_there_once_and_not_another_grid(w, django_capture_on_commit_callbacks):
    # given a volunteer and a party member in grid A, a volunteer in grid B
    # when staff whistle for grid A
    with django_capture_on_commit_callbacks(execute=True):
        call = whistle(w)
    # then the two of grid A are reached, in their inbox, once; grid B's volunteer is not
    assert call.reached == 2
    told = list(Notification.objects.filter(kind="volunteers.whistle").values_list("recipient_id", flat=True))
    assert sorted(told) == sorted([w["mine"].pk, w["member_user"].pk])
    assert service.reaches(call, w["mine"]) and service.reaches(call, w["member_user"])
    assert not service.reaches(call, w["other"])


def test_a_volunteer_who_is_also_a_party_member_is_reached_once(w, django_capture_on_commit_callbacks):
    _resident(w["nodes"]["household_a"], "王芳", w["mine"])
    with django_capture_on_commit_callbacks(execute=True):
        call = whistle(w, node="community")
    assert call.reached == 3
    assert Notification.objects.filter(kind="volunteers.whistle", recipient=w["mine"]).count() == 1


def test_answer_twice_updates_and_arrival_keeps_its_level(w):
    call = whistle(w)
    service.mobilisation_answer(actor=w["mine"], mobilisation=call, answer=ResponseState.REPORTED)
    service.mobilisation_answer(actor=w["mine"], mobilisation=call, answer=ResponseState.ARRIVED)
    rows = MobilisationResponse.objects.filter(mobilisation=call)
    assert rows.count() == 1
    row = rows.get()
    assert row.state == ResponseState.ARRIVED and row.arrived_at is not None and row.level == "grid"
    assert row.volunteer == w["here"]


def test_someone_not_reached_cannot_answer(w):
    call = whistle(w)
    with pytest.raises(NotFound):
        service.mobilisation_answer(actor=w["other"], mobilisation=call, answer=ResponseState.REPORTED)


def test_a_closed_call_refuses_answers(w):
    call = whistle(w)
    service.mobilisation_close(actor=w["staff"], mobilisation=call, note="积水已排完")
    with pytest.raises(Conflict):
        service.mobilisation_answer(actor=w["mine"], mobilisation=call, answer=ResponseState.REPORTED)
    assert Mobilisation.objects.get(pk=call.pk).closed_at is not None


def test_the_caller_checks_in_and_points_are_earned_once(w):
    EarningRule.objects.create(programme=Programme.VOLUNTEERS, key="mobilisation", label="吹哨报到",
                               basis=RuleBasis.PER_EVENT, points=20)
    call = whistle(w)
    service.mobilisation_check_in(actor=w["staff"], mobilisation=call, user=w["mine"])
    service.mobilisation_answer(actor=w["mine"], mobilisation=call, answer=ResponseState.ARRIVED)
    entries = Entry.objects.filter(source=f"mobilisation:{call.pk}:volunteer:{w['here'].pk}")
    assert entries.count() == 1 and entries.get().amount == 20
    # a party member who does not volunteer arrives without points
    service.mobilisation_answer(actor=w["member_user"], mobilisation=call, answer=ResponseState.ARRIVED)
    assert Entry.objects.filter(source__startswith=f"mobilisation:{call.pk}:").count() == 1


def test_the_evaluation_on_a_small_known_data_set(w):
    call = whistle(w)
    called = timezone.now() - dt.timedelta(hours=1)
    Mobilisation.objects.filter(pk=call.pk).update(called_at=called)
    MobilisationResponse.objects.create(mobilisation=call, user=w["mine"], state=ResponseState.ARRIVED, level="grid",
                                        answered_at=called + dt.timedelta(minutes=4),
                                        arrived_at=called + dt.timedelta(minutes=20))
    MobilisationResponse.objects.create(mobilisation=call, user=w["member_user"], state=ResponseState.DECLINED,
                                        level="grid", answered_at=called + dt.timedelta(minutes=10))
    levels = {lv.level: lv for lv in selectors.evaluation(user=w["staff"], start=timezone.localdate() - dt.timedelta(days=3),
                                                          end=timezone.localdate())}
    grids = {f.node_id: f for f in levels["grid"].nodes}
    a, b = grids[w["nodes"]["grid_a"].pk], grids[w["nodes"]["grid_b"].pk]
    assert (a.calls, a.reached, a.answered, a.arrived) == (1, 2, 2, 1)
    assert a.answer_rate == 1.0 and a.median_answer_minutes == 7.0 and a.median_arrive_minutes == 20.0
    assert a.rank == 1 and b.rank == 2 and b.calls == 0


def test_pages_and_api_outside_scope_are_404(w, client):
    call = whistle(w)
    elsewhere = tree()
    outsider = user(Role.COMMUNITY_STAFF, nodes=[elsewhere["community"]])
    client.force_login(outsider)
    assert client.get(f"/volunteers/mobilisations/{call.pk}/").status_code == 404
    assert client.get(f"/volunteers/whistles/{call.pk}/").status_code == 404
    assert client.get(f"/api/volunteers/mobilisations/{call.pk}").status_code == 404
    client.force_login(w["staff"])
    assert client.get(f"/volunteers/mobilisations/{call.pk}/").status_code == 200
    assert client.get("/volunteers/mobilisations/evaluation/").status_code == 200


def test_a_volunteer_answers_from_the_phone_page(w, client):
    call = whistle(w)
    client.force_login(w["mine"])
    page = client.get("/volunteers/whistles/")
    assert "地下室进水" in page.content.decode()
    answered = client.post(f"/volunteers/whistles/{call.pk}/answer/", {"answer": "reported"})
    assert answered.status_code == 302
    assert MobilisationResponse.objects.get(mobilisation=call, user=w["mine"]).state == ResponseState.REPORTED
    api = client.post(f"/api/volunteers/mobilisations/{call.pk}/answer", {"answer": "arrived"},
                      content_type="application/json")
    assert api.status_code == 200 and api.json()["state"] == "arrived"
