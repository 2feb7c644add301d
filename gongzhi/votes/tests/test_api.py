"""Votes over the API: a resident casts, changes and sees the result; each refusal answers in the
one error shape (outside the window 409, outside the scope 404, twice 409, an inquorate meeting
409); the staff run a roll call in a meeting, with a proxy whose holder left."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.core.models import AuditEvent
from gongzhi.votes.models import Ballot, VoteMethod
from gongzhi.votes.tests import factories

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def w():
    return factories.world(households=3)


def test_a_resident_casts_changes_and_reads_the_sealed_result(client, w):
    vote = factories.online_vote(w)
    voter = w.people[0][0]
    client.force_login(voter)
    page = client.get(f"/api/votes/{vote.pk}").json()
    assert page["may_vote"] is True and page["my_choice"] == ""
    cast = client.post(f"/api/votes/{vote.pk}/cast", {"choice": "yes"}, content_type=JSON)
    assert cast.status_code == 201 and cast.json()["my_choice"] == "yes" and cast.json()["may_change"] is True
    changed = client.post(f"/api/votes/{vote.pk}/change", {"choice": "no"}, content_type=JSON)
    assert changed.status_code == 200 and changed.json()["my_choice"] == "no"
    # Another voter never sees my choice.
    client.force_login(w.people[1][0])
    assert client.get(f"/api/votes/{vote.pk}").json()["my_choice"] == ""
    client.force_login(w.staff)
    closed = client.post(f"/api/votes/{vote.pk}/close").json()
    assert closed["state"] == "closed" and closed["no_count"] == 1 and closed["seal_holds"] is True
    assert client.get(f"/api/votes/{vote.pk}/verify").json()["holds"] is True
    client.force_login(voter)
    after = client.get(f"/api/votes/{vote.pk}").json()
    assert after["my_choice"] == "no" and after["may_vote"] is False and after["why_not"]


def test_voting_twice_is_refused_with_409(client, w):
    vote = factories.online_vote(w)
    client.force_login(w.people[0][0])
    assert client.post(f"/api/votes/{vote.pk}/cast", {"choice": "yes"}, content_type=JSON).status_code == 201
    again = client.post(f"/api/votes/{vote.pk}/cast", {"choice": "no"}, content_type=JSON)
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_a_vote_outside_its_window_is_refused_with_409(client, w):
    vote = factories.online_vote(w)
    vote.__class__.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    client.force_login(w.people[0][0])
    late = client.post(f"/api/votes/{vote.pk}/cast", {"choice": "yes"}, content_type=JSON)
    assert late.status_code == 409 and late.json()["code"] == "vote_closed"
    draft = factories.online_vote(w, open_now=False)
    early = client.post(f"/api/votes/{draft.pk}/cast", {"choice": "yes"}, content_type=JSON)
    # A draft is not shown to residents at all.
    assert early.status_code == 404


def test_someone_outside_the_scope_gets_404_and_a_bad_choice_400(client, w):
    vote = factories.online_vote(w)
    client.force_login(w.outsider)
    assert client.post(f"/api/votes/{vote.pk}/cast", {"choice": "yes"}, content_type=JSON).status_code == 404
    client.force_login(w.other_staff)
    assert client.get(f"/api/votes/{vote.pk}").status_code == 404
    client.force_login(w.people[0][0])
    bad = client.post(f"/api/votes/{vote.pk}/cast", {"choice": "maybe"}, content_type=JSON)
    assert bad.status_code == 400 and "choice" in bad.json()["fields"]
    # A resident of the community but not of the building the vote is for: 404 too (not visible).
    client.force_login(w.resident_b)
    assert client.post(f"/api/votes/{vote.pk}/cast", {"choice": "yes"}, content_type=JSON).status_code == 404


def test_an_inquorate_meeting_cannot_open_a_vote(client, w):
    meeting, _ = factories.meeting_in_session(w, members=5, present=2)
    vote = factories.meeting_vote(w, meeting, open_now=False)
    client.force_login(w.staff)
    refused = client.post(f"/api/votes/{vote.pk}/open")
    assert refused.status_code == 409 and refused.json()["code"] == "inquorate_meeting"


def test_staff_run_a_roll_call_with_a_proxy_whose_holder_left(client, w):
    meeting, members = factories.meeting_in_session(w, members=5, present=4)
    client.force_login(w.staff)
    made = client.post("/api/votes", {"title": "加装电梯机房空调", "question": "是否同意？", "method": "roll_call",
                                      "meeting_id": meeting.pk, "reference": "topic:7"}, content_type=JSON)
    assert made.status_code == 201 and made.json()["reference_url"] == "/deliberation/topics/7/"
    vid = made.json()["id"]
    assert client.post(f"/api/votes/{vid}/open").json()["state"] == "open"
    proxy = client.post(f"/api/votes/{vid}/proxies", {"holder_id": members[3].pk,
                                                      "grantor_attendance_id": members[4].pk}, content_type=JSON)
    assert proxy.status_code == 201
    for member, choice in zip(members[:4], ["yes", "yes", "no", "yes"], strict=True):
        r = client.post(f"/api/votes/{vid}/ballots", {"attendance_id": member.pk, "choice": choice}, content_type=JSON)
        assert r.status_code == 201
    r = client.post(f"/api/votes/{vid}/ballots", {"attendance_id": members[3].pk, "choice": "yes",
                                                  "proxy_id": proxy.json()["id"]}, content_type=JSON)
    assert r.status_code == 201
    twice = client.post(f"/api/votes/{vid}/ballots", {"attendance_id": members[0].pk, "choice": "no"},
                        content_type=JSON)
    assert twice.status_code == 409
    left = client.post(f"/api/votes/{vid}/attendances/{members[3].pk}/left", {}, content_type=JSON)
    assert left.status_code == 200 and left.json()["left"] is True
    closed = client.post(f"/api/votes/{vid}/close").json()
    # The holder left after voting: their own ballot stands, the proxy's does not count.
    assert closed["attending_count"] == 4 and closed["yes_count"] == 3 and closed["no_count"] == 1
    assert closed["result"] == "passed" and closed["seal_holds"] is True
    names = {b["name"] for b in client.get(f"/api/votes/{vid}/roll-call").json()}
    assert members[0].name in names
    assert AuditEvent.objects.filter(action="votes.ballot.record").count() == 5


def test_the_roll_call_list_is_refused_for_an_online_vote(client, w):
    vote = factories.online_vote(w)
    client.force_login(w.staff)
    assert client.get(f"/api/votes/{vote.pk}/roll-call").status_code == 409
    assert vote.method == VoteMethod.ONLINE
