"""The staff pages: setting up a vote (pre-filled from a topic and a meeting, refusals beside the
field), the list of the area's votes with its filters, and a resident told why they may not vote."""

import pytest

from gongzhi.votes.models import Vote, VoteMethod
from gongzhi.votes.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return factories.world(households=2)


def test_setting_up_a_vote_in_a_meeting_from_a_topic(client, w):
    meeting, _ = factories.meeting_in_session(w)
    client.force_login(w.staff)
    url = f"/votes/new/?reference=topic:5&meeting={meeting.pk}"
    page = client.get(url).content.decode()
    assert "/deliberation/topics/5/" in page and 'value="roll_call" selected' in page
    # an empty title is refused beside the field, nothing written
    refused = client.post(url, {"title": "", "question": "是否同意？", "method": "roll_call",
                                "electorate": "meeting_members", "quorum_rule": "more_than_half",
                                "pass_rule": "half_present"})
    assert refused.status_code == 200 and refused.context["form"].errors.get("title")
    assert not Vote.objects.exists()
    made = client.post(url, {"title": "加装电梯机房空调", "question": "是否同意？", "method": "roll_call",
                             "electorate": "meeting_members", "quorum_rule": "more_than_half",
                             "pass_rule": "half_present"})
    vote = Vote.objects.get()
    assert made.status_code == 302 and vote.meeting == meeting and vote.reference == "topic:5"


def test_an_online_vote_without_a_window_is_refused_on_its_field(client, w):
    client.force_login(w.staff)
    refused = client.post("/votes/new/", {"title": "路灯", "question": "是否同意？", "method": "online",
                                          "area": w.building.pk, "electorate": "households",
                                          "quorum_rule": "more_than_half", "pass_rule": "half_present"})
    form = refused.context["form"]
    assert form.errors.get("closes_at") and not Vote.objects.exists()


def test_the_staff_list_filters_and_residents_may_not_see_it(client, w):
    factories.online_vote(w)
    meeting, _ = factories.meeting_in_session(w)
    factories.meeting_vote(w, meeting, open_now=False)
    client.force_login(w.staff)
    page = client.get("/votes/", {"method": VoteMethod.ONLINE}).content.decode()
    assert "增设非机动车棚" in page and "加装电梯机房空调" not in page
    client.force_login(w.residents[0])
    assert client.get("/votes/").status_code == 403


def test_a_second_member_of_a_household_that_voted_is_told_why_not(client):
    w = factories.world(households=1, per_household=2)
    vote = factories.online_vote(w)
    first, second = w.people[0]
    client.force_login(first)
    client.post(f"/votes/{vote.pk}/cast/", {"choice": "yes"})
    client.force_login(second)
    page = client.get(f"/votes/{vote.pk}/").content.decode()
    # the household's ballot is not theirs to see or change
    assert 'id="why-not"' in page and "您家已有人投票" in page and 'id="my-choice"' not in page
    client.force_login(w.other_staff)
    assert client.get(f"/votes/{vote.pk}/").status_code == 404
