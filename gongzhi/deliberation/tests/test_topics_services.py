"""Topics: proposals that lapse, steps flagged overdue, documents checked by their bytes, topics
raised from residents' requests whose requesters are told how they end."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.cases import catalogue_data
from gongzhi.cases import services as case_services
from gongzhi.cases.models import Category, Channel
from gongzhi.core.actors import SystemActor
from gongzhi.core.audit import AuditEvent
from gongzhi.core.errors import Forbidden, InvalidInput
from gongzhi.core.notifications import Notification
from gongzhi.deliberation import selectors
from gongzhi.deliberation.models import ProposalRule, ScopeKind, StepState, TopicCase, TopicSource, TopicState
from gongzhi.deliberation.services import documents, steps, topics
from gongzhi.deliberation.tests import factories as f

pytestmark = pytest.mark.django_db
WORKER = SystemActor(label="task:deliberation-lapse")
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def _proposal(w, *, needed=3):
    ProposalRule.objects.filter(district=w.district, scope_kind=ScopeKind.BUILDING).update(signatures_needed=needed)
    return topics.proposal_create(
        actor=w.residents[0], title="楼道加装声控灯", description="3号楼楼道晚上太黑，老人上下楼容易摔倒。",
        scope_kind=ScopeKind.BUILDING, area=w.building, group="livelihood",
    )


def _case(w, requester, title="小区东门路灯不亮"):
    catalogue_data.load()
    category = Category.objects.get(code="shared-bikes")
    return case_services.case_submit(actor=requester, category=category, channel=Channel.ONLINE, title=title,
                                     description="晚上东门一片漆黑，已经好几天了。", location=w.building)


def test_a_proposal_without_enough_co_signatures_in_time_lapses_and_its_proposer_is_told(
        django_capture_on_commit_callbacks):
    w = f.world(households=3)
    topic = _proposal(w)
    topics.proposal_sign(actor=w.residents[1], topic=topic)
    today = topic.collect_until + dt.timedelta(days=1)

    with pytest.raises(Forbidden):
        topics.proposals_lapse(actor=w.cstaff, today=today)  # only the worker
    assert topics.proposals_lapse(actor=WORKER, today=topic.collect_until) == 0  # the last day still counts
    with django_capture_on_commit_callbacks(execute=True):
        assert topics.proposals_lapse(actor=WORKER, today=today) == 1
    assert topics.proposals_lapse(actor=WORKER, today=today) == 0  # once

    topic.refresh_from_db()
    assert topic.state == TopicState.LAPSED
    told = Notification.objects.get(recipient=w.residents[0], kind="deliberation.proposal_lapsed")
    assert "1" in told.body and "3" in told.body
    assert AuditEvent.objects.filter(action="deliberation.topic.lapse", object_id=str(topic.pk)).count() == 1


def test_a_step_past_its_time_limit_is_flagged_once_and_the_area_staff_are_told(django_capture_on_commit_callbacks):
    w = f.world()
    topic = f.topic(w)
    step = steps.current_step(topic)
    later = step.due_at + dt.timedelta(hours=1)

    assert steps.steps_flag_overdue(actor=WORKER, now=step.due_at - dt.timedelta(hours=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert steps.steps_flag_overdue(actor=WORKER, now=later) == 1
    assert steps.steps_flag_overdue(actor=WORKER, now=later) == 0

    step.refresh_from_db()
    assert step.overdue_flagged_at is not None
    assert Notification.objects.filter(recipient=w.cstaff, kind="deliberation.step_overdue").count() == 1
    assert not Notification.objects.filter(recipient=w.residents[0], kind="deliberation.step_overdue").exists()
    overdue = selectors.topics_list(user=w.cstaff, overdue=True, now=later)
    assert list(overdue) == [topic]


def test_documents_are_checked_by_their_bytes_not_their_name():
    w = f.world()
    topic = f.topic(w)
    made = documents.documents_add(actor=w.cstaff, topic=topic, files=[
        SimpleUploadedFile("报价单.pdf", PDF), SimpleUploadedFile("现场.png", PNG)])
    assert [d.content_type for d in made] == ["application/pdf", "image/png"]
    assert made[0].step == steps.current_step(topic)

    fake = SimpleUploadedFile("方案.pdf", b"MZ\x90\x00 this is a program")
    with pytest.raises(InvalidInput) as refused:
        documents.documents_add(actor=w.cstaff, topic=topic, files=[SimpleUploadedFile("ok.pdf", PDF), fake])
    assert "documents" in refused.value.fields and "方案.pdf" in refused.value.message
    assert topic.documents.count() == 2  # nothing of the refused upload was stored


def test_a_document_larger_than_the_limit_is_refused(settings):
    settings.DELIBERATION_DOCUMENT_MAX_BYTES = 100
    w = f.world()
    topic = f.topic(w)
    with pytest.raises(InvalidInput) as refused:
        documents.documents_add(actor=w.cstaff, topic=topic, files=[SimpleUploadedFile("大.pdf", PDF + b"x" * 200)])
    assert "大.pdf" in refused.value.message


def test_only_the_proposer_and_the_area_staff_add_documents():
    w = f.world()
    topic = f.topic(w)
    with pytest.raises(Forbidden):
        documents.documents_add(actor=w.residents[0], topic=topic, files=[SimpleUploadedFile("a.pdf", PDF)])


def test_the_requesters_of_the_cases_a_topic_came_from_are_told_how_it_ends(django_capture_on_commit_callbacks):
    w = f.world()
    requester = w.residents[1]
    case = _case(w, requester)
    topic = topics.topic_raise(
        actor=w.cstaff, title="小区路灯改造", description="东门一带路灯多次报修。", scope_kind=ScopeKind.BUILDING,
        area=w.building, group="urban_management", source=TopicSource.CASE, cases=[case],
    )
    assert not Notification.objects.filter(recipient=requester, kind="deliberation.topic_moved").exists()

    with django_capture_on_commit_callbacks(execute=True):
        steps.topic_drop(actor=w.cstaff, topic=topic, reason="供电公司已统一更换路灯")

    told = Notification.objects.get(recipient=requester, kind="deliberation.topic_moved")
    assert "供电公司已统一更换路灯" in told.body
    assert TopicCase.objects.get(topic=topic, case=case).requester_told_at is not None


def test_a_topic_raised_from_a_hot_issue_takes_the_cases_of_that_matter_at_that_place():
    w = f.world()
    cases = [_case(w, w.residents[n % 3], title=f"东门路灯不亮（第{n}次）") for n in range(3)]
    prefill = selectors.raise_prefill(user=w.cstaff, category=cases[0].category.code, location_id=w.building.pk)
    assert {c.pk for c in prefill["cases"]} == {c.pk for c in cases}
    assert prefill["area"] == w.building and prefill["scope_kind"] == ScopeKind.BUILDING
    assert all(c.reference in prefill["description"] for c in cases)
    actions = selectors.hot_issue_actions(user=w.cstaff, row={"category": cases[0].category.code,
                                                             "location_id": w.building.pk})
    assert actions and "category=" in actions[0]["url"]
    # A resident sees no such action, and no case of others.
    assert selectors.hot_issue_actions(user=w.residents[0], row={"category": "x", "location_id": w.building.pk}) == []


def test_the_staff_list_filters_and_counts_and_refuses_an_unknown_filter():
    w = f.world()
    f.topic(w, title="加装电梯机房空调")
    dropped = f.topic(w, title="增设非机动车棚")
    steps.topic_drop(actor=w.cstaff, topic=dropped, reason="已由物业解决")
    qs = selectors.topics_list(user=w.cstaff)
    assert selectors.state_counts(qs)[TopicState.DROPPED] == 1
    assert [t.title for t in selectors.topics_list(user=w.cstaff, q="车棚")] == ["增设非机动车棚"]
    assert [t.title for t in selectors.topics_list(user=w.cstaff, state="in_progress")] == ["加装电梯机房空调"]
    with pytest.raises(InvalidInput) as refused:
        selectors.topics_list(user=w.cstaff, state="nonsense")
    assert "state" in refused.value.fields


def test_a_resident_proposes_for_where_they_live_and_follows_it():
    w = f.world(households=3)
    scopes = selectors.resident_scopes(user=w.residents[0])
    assert [s["scope_kind"] for s in scopes] == [ScopeKind.BUILDING, ScopeKind.GRID, ScopeKind.COMMUNITY]
    topic = _proposal(w)
    topics.proposal_sign(actor=w.residents[1], topic=topic)
    assert selectors.my_topics(user=w.residents[0])["proposed"] == [topic]
    assert selectors.my_topics(user=w.residents[1])["signed"] == [topic]
    assert selectors.my_topics(user=w.residents[2])["around"] == [topic]
    assert selectors.may_sign(user=w.residents[2], topic=topic)
    assert not selectors.may_sign(user=w.residents[1], topic=topic)
    assert "sign" not in selectors.offered(user=w.resident_b, topic=topic)


def test_what_each_step_may_do_follows_the_path():
    w = f.world()
    topic = f.topic(w)
    first = selectors.offered(user=w.cstaff, topic=topic)
    assert "advance" in first and "drop" in first and "send_back" not in first  # the first step
    assert selectors.offered(user=w.residents[0], topic=topic) == []
    assert timezone.now() < steps.current_step(topic).due_at
    assert topic.steps.filter(state=StepState.CURRENT).count() == 1


def _vote(topic, result):
    from gongzhi.votes.models import Vote, VoteMethod, VoteState

    return Vote.objects.create(
        area=topic.area, reference=f"topic:{topic.pk}", title=topic.title, question="同意在西侧空地建车棚",
        method=VoteMethod.ONLINE, state=VoteState.CLOSED, result=result, yes_count=12, no_count=3,
        attending_count=16, electorate_count=20,
    )


def test_a_building_topic_is_consulted_then_its_passed_vote_completes_the_vote_step():
    from gongzhi.votes.models import VoteResult

    w = f.world()
    topic = f.topic(w, key="building", title="增设非机动车棚")
    topic = steps.step_complete(actor=w.cstaff, topic=topic, given=f.StepOutcome(outcome="建车棚"))
    with pytest.raises(InvalidInput) as refused:
        steps.step_complete(actor=w.cstaff, topic=topic, given=f.StepOutcome(
            households_consulted=10, households_in_favour=8, households_against=5))
    assert "households_in_favour" in refused.value.fields
    topic = steps.step_complete(actor=w.cstaff, topic=topic, given=f.StepOutcome(
        households_consulted=20, households_in_favour=16, households_against=2))
    assert steps.current_step(topic).name == "住户表决"

    steps.on_vote_closed(_vote(topic, VoteResult.REJECTED))  # not passed: stays for the staff to decide
    assert steps.current_step(topic).name == "住户表决"
    steps.on_vote_closed(_vote(topic, VoteResult.PASSED))
    topic.refresh_from_db()
    current = steps.current_step(topic)
    assert current.name == "结果公示"
    voted = topic.steps.get(name="住户表决", state=StepState.DONE)
    assert voted.finished_by is None and "12" in voted.outcome
