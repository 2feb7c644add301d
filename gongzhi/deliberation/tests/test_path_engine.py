"""The path engine: a topic takes its path's steps one at a time, each producing what the path asks."""

import pytest

from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.deliberation.models import Resolution, StepState, TopicState
from gongzhi.deliberation.services import steps, topics
from gongzhi.deliberation.tests import factories as f
from gongzhi.meetings.models import BodyKind
from gongzhi.meetings.tests import factories as mf
from gongzhi.votes.models import Vote, VoteMethod, VoteResult, VoteState

pytestmark = pytest.mark.django_db


def _held_meeting(w, kind=BodyKind.TWO_COMMITTEES):
    meeting = mf.held(mf.meeting(mf.body(w.community, kind=kind)))
    mf.minutes(meeting)
    return meeting


def _closed_vote(topic, meeting, result=VoteResult.PASSED):
    return Vote.objects.create(
        area=topic.area, meeting=meeting, reference=f"topic:{topic.pk}", title=topic.title, question="同意加装空调",
        method=VoteMethod.SHOW_OF_HANDS, state=VoteState.CLOSED, result=result, yes_count=30, no_count=2,
        attending_count=35, electorate_count=50,
    )


def test_a_topic_walks_the_six_steps_and_is_resolved_and_published():
    w = f.world()
    topic = f.topic(w)
    assert topic.state == TopicState.IN_PROGRESS and steps.current_step(topic).name == "党委提议"

    topic = steps.step_complete(actor=w.cstaff, topic=topic, given=f.StepOutcome(outcome="社区党委提议加装空调。"))
    topic = steps.step_complete(actor=w.cstaff, topic=topic, given=f.StepOutcome(meeting=_held_meeting(w)))
    topic = steps.step_complete(
        actor=w.cstaff, topic=topic, given=f.StepOutcome(meeting=_held_meeting(w, BodyKind.PARTY_BRANCH))
    )
    assembly = _held_meeting(w, BodyKind.RESIDENTS_ASSEMBLY)
    topic = steps.step_complete(actor=w.cstaff, topic=topic, given=f.StepOutcome(vote=_closed_vote(topic, assembly)))
    assert Resolution.objects.filter(topic=topic).exists()
    # The supervision committee completes its own step.
    topic = steps.step_complete(actor=w.supervisor, topic=topic, given=f.StepOutcome(outcome="程序合规，同意公示。"))
    topic = steps.step_complete(actor=w.cstaff, topic=topic, given=f.StepOutcome(outcome="已张贴公示栏"))

    assert topic.state == TopicState.RESOLVED
    assert [s.name for s in topic.steps.order_by("started_at", "id")] == [
        "党委提议", "两委商议", "党员大会审议", "居民代表大会决议", "监督委员会监事", "决议结果公示",
    ]
    assert not topic.steps.filter(state=StepState.CURRENT).exists()
    assert topic.resolution.published_at is not None
    # and the result with the vote figures is a 事务 item of the community's open books
    from gongzhi.disclosure.models import Item, ItemKind

    item = Item.objects.get(reference=f"topic:{topic.pk}")
    assert item.kind == ItemKind.AFFAIRS and item.community == w.community and item.published_at is not None
    assert "30" in item.body and topic.resolution.publication_reference == f"disclosure:{item.pk}"


def test_a_step_cannot_be_skipped_a_vote_step_needs_a_passed_vote():
    w = f.world()
    topic = f.topic(w)
    topic = steps.step_complete(actor=w.cstaff, topic=topic, given=f.StepOutcome(outcome="提议"))
    with pytest.raises(InvalidInput) as refused:
        steps.step_complete(actor=w.cstaff, topic=topic, given=f.StepOutcome(outcome="直接表决"))
    assert "meeting" in refused.value.fields
    topic.refresh_from_db()
    assert steps.current_step(topic).name == "两委商议"


def test_the_supervision_committee_may_not_steer_other_steps():
    w = f.world()
    topic = f.topic(w)
    with pytest.raises(Forbidden):
        steps.step_complete(actor=w.supervisor, topic=topic, given=f.StepOutcome(outcome="提议"))


def test_send_back_returns_to_the_step_before_with_the_reason_and_drop_ends_it():
    w = f.world()
    topic = f.topic(w)
    with pytest.raises(Conflict):
        steps.step_send_back(actor=w.cstaff, topic=topic, reason="重新提议")  # the first step cannot send back
    topic = steps.step_complete(actor=w.cstaff, topic=topic, given=f.StepOutcome(outcome="提议"))
    topic = steps.step_send_back(actor=w.cstaff, topic=topic, reason="费用测算不清，请党委重新提议")
    assert steps.current_step(topic).name == "党委提议"
    assert topic.steps.filter(state=StepState.SENT_BACK, reason__contains="费用测算").exists()
    with pytest.raises(InvalidInput):
        steps.topic_drop(actor=w.cstaff, topic=topic, reason="  ")
    topic = steps.topic_drop(actor=w.cstaff, topic=topic, reason="物业已自行解决")
    assert topic.state == TopicState.DROPPED and topic.state_reason == "物业已自行解决"


def test_a_proposal_opens_when_enough_residents_of_its_building_co_sign():
    w = f.world(households=4)
    proposer, *others = w.residents
    from gongzhi.deliberation.models import ProposalRule, ScopeKind

    ProposalRule.objects.filter(district=w.district, scope_kind=ScopeKind.BUILDING).update(signatures_needed=2)
    topic = topics.proposal_create(
        actor=proposer, title="增设非机动车棚", description="楼下电动车乱停，希望在空地建一个车棚。",
        scope_kind=ScopeKind.BUILDING, area=w.building, group="urban_management",
    )
    assert topic.state == TopicState.PROPOSED
    with pytest.raises(NotFound):
        topics.proposal_sign(actor=w.resident_b, topic=topic)  # lives in building B: not even shown
    topics.proposal_sign(actor=others[0], topic=topic)
    with pytest.raises(Conflict):
        topics.proposal_sign(actor=others[0], topic=topic)
    topics.proposal_sign(actor=others[1], topic=topic)
    topic.refresh_from_db()
    assert topic.state == TopicState.IN_PROGRESS and topic.signature_count == 2
    assert topic.path.key == "building"


def test_a_passed_online_vote_on_a_building_topic_completes_its_vote_step():
    # Given a 楼院协商 topic at its vote step, and an online vote of the building's households on it
    import datetime as dt

    from django.utils import timezone

    from gongzhi.votes import services as votes
    from gongzhi.votes.models import Choice, Electorate

    w = f.world(households=3)
    topic = f.topic(w, key="building", title="增设非机动车棚")
    topic = steps.step_complete(actor=w.cstaff, topic=topic, given=f.StepOutcome(outcome="在3号楼西侧空地建车棚"))
    topic = steps.step_complete(actor=w.cstaff, topic=topic, given=f.StepOutcome(
        households_consulted=3, households_in_favour=3, households_against=0))
    now = timezone.now()
    vote = votes.vote_create(
        actor=w.cstaff, title=topic.title, question="是否同意增设非机动车棚？", method="online", area=w.building,
        electorate=Electorate.HOUSEHOLDS, opens_at=now - dt.timedelta(minutes=1), closes_at=now + dt.timedelta(days=3),
        reference=f"topic:{topic.pk}",
    )
    votes.vote_open(actor=w.cstaff, vote=vote)
    for resident in w.residents[:2]:
        votes.ballot_cast(actor=resident, vote=vote, choice=Choice.YES)
    # When the vote closes
    votes.vote_close(actor=w.cstaff, vote=vote)
    # Then the topic moved on to publication, with the vote's figures on its step and a resolution
    topic.refresh_from_db()
    assert steps.current_step(topic).name == "结果公示"
    done = topic.steps.get(name="住户表决")
    assert done.vote_id == vote.pk and "2" in done.outcome
    assert topic.resolution.vote_id == vote.pk
