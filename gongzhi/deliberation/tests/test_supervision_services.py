"""The residents' supervision committee: rectifications with an owner and a deadline, accepted or
sent back, late ones flagged once; the sign-off; the topic then closed as carried out."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import UnitFactory
from gongzhi.core.actors import SystemActor
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent, Notification
from gongzhi.deliberation.models import Rectification, RectificationState, TopicState
from gongzhi.deliberation.services import resolutions, supervision
from gongzhi.deliberation.tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def place():
    w = f.world()
    resolution = f.resolved_topic(w).resolution
    unit = UnitFactory(area=w.community, name="瓜州物业公司")
    liaison = user(Role.UNIT_LIAISON, unit=unit, display_name="钱经理")
    owner = resolutions.owner_add(actor=w.cstaff, resolution=resolution, owner=unit)
    return w, resolution, owner, liaison


def test_the_committee_raises_a_rectification_the_owner_answers_and_the_committee_sends_it_back_then_accepts(
        place, django_capture_on_commit_callbacks):
    w, resolution, owner, liaison = place
    # when the committee raises a rectification for the property company
    with django_capture_on_commit_callbacks(execute=True):
        raised = supervision.rectification_raise(actor=w.supervisor, resolution=resolution,
                                                 problem="空调外机未加防护罩，存在安全隐患", owner=owner,
                                                 deadline=TODAY() + dt.timedelta(days=7))
    # then the company's liaison is told and may answer it
    assert raised.owner_name == "瓜州物业公司" and raised.state == RectificationState.OPEN
    assert Notification.objects.filter(recipient=liaison, kind="deliberation.rectification_raised").exists()
    with pytest.raises(Conflict):
        supervision.rectification_accept(actor=w.supervisor, rectification=raised)  # nothing answered yet
    with pytest.raises(Forbidden):
        supervision.rectification_respond(actor=w.residents[0], rectification=raised, response="我来答")
    answered = supervision.rectification_respond(actor=liaison, rectification=raised, response="已加装防护罩")
    assert answered.state == RectificationState.DONE
    # when the committee says it is not yet done, with a new deadline
    again = supervision.rectification_reject(actor=w.supervisor, rectification=raised, reason="防护罩未固定",
                                             deadline=TODAY() + dt.timedelta(days=3))
    assert again.state == RectificationState.OPEN and again.deadline == TODAY() + dt.timedelta(days=3)
    supervision.rectification_respond(actor=liaison, rectification=raised, response="已用膨胀螺栓固定")
    closed = supervision.rectification_accept(actor=w.supervisor, rectification=raised, note="现场核实")
    assert closed.state == RectificationState.CLOSED and closed.closed_at is not None
    assert AuditEvent.objects.filter(action__startswith="deliberation.rectification.").count() == 5


def test_a_rectification_needs_an_owner_of_the_resolution_and_a_deadline_and_only_the_committee_raises(place):
    w, resolution, owner, liaison = place
    with pytest.raises(InvalidInput) as refused:
        supervision.rectification_raise(actor=w.supervisor, resolution=resolution, problem="问题", owner=None,
                                        deadline=TODAY())
    assert "owner" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        supervision.rectification_raise(actor=w.supervisor, resolution=resolution, problem="问题", owner=owner,
                                        deadline=TODAY() - dt.timedelta(days=1))
    assert "deadline" in refused.value.fields
    with pytest.raises(Forbidden):
        supervision.rectification_raise(actor=w.cstaff, resolution=resolution, problem="问题", owner=owner,
                                        deadline=TODAY())
    other = f.world()
    with pytest.raises(NotFound):
        supervision.rectification_raise(actor=other.supervisor, resolution=resolution, problem="问题", owner=owner,
                                        deadline=TODAY())
    assert not Rectification.objects.exists()


def test_sign_off_waits_for_completion_and_open_rectifications_then_the_topic_is_carried_out(place):
    w, resolution, owner, liaison = place
    raised = supervision.rectification_raise(actor=w.supervisor, resolution=resolution, problem="发票未公示",
                                             owner=owner, deadline=TODAY())
    with pytest.raises(Conflict):
        supervision.resolution_sign_off(actor=w.supervisor, resolution=resolution, opinion="同意")  # not done yet
    resolutions.resolution_complete(actor=liaison, resolution=resolution)
    with pytest.raises(Conflict) as refused:
        supervision.resolution_sign_off(actor=w.supervisor, resolution=resolution, opinion="同意")
    assert refused.value.code == "rectifications_open"
    with pytest.raises(Conflict):
        supervision.topic_carried_out(actor=w.cstaff, resolution=resolution)
    supervision.rectification_respond(actor=liaison, rectification=raised, response="已在公示栏张贴发票")
    supervision.rectification_accept(actor=w.supervisor, rectification=raised)
    signed = supervision.resolution_sign_off(actor=w.supervisor, resolution=resolution, opinion="经现场查看，已落实到位")
    assert signed.signed_off_by == w.supervisor and signed.sign_off_note == "经现场查看，已落实到位"
    with pytest.raises(Forbidden):
        supervision.topic_carried_out(actor=w.supervisor, resolution=resolution)
    topic = supervision.topic_carried_out(actor=w.cstaff, resolution=resolution)
    assert topic.state == TopicState.IMPLEMENTED
    with pytest.raises(Conflict):
        supervision.resolution_reopen(actor=w.supervisor, resolution=resolution, reason="空调坏了")


def test_the_committee_reopens_a_resolution_not_carried_out_and_the_sign_off_is_cleared(place):
    w, resolution, owner, liaison = place
    resolutions.resolution_complete(actor=liaison, resolution=resolution)
    supervision.resolution_sign_off(actor=w.supervisor, resolution=resolution, opinion="同意")
    reopened = supervision.resolution_reopen(actor=w.supervisor, resolution=resolution, reason="空调制冷效果不达标")
    assert reopened.state == "implementing" and reopened.signed_off_at is None


def test_late_rectifications_are_flagged_once(place, django_capture_on_commit_callbacks):
    w, resolution, owner, liaison = place
    raised = supervision.rectification_raise(actor=w.supervisor, resolution=resolution, problem="发票未公示",
                                             owner=owner, deadline=TODAY())
    Rectification.objects.filter(pk=raised.pk).update(deadline=TODAY() - dt.timedelta(days=2))
    worker = SystemActor(label="task:deliberation-overdue")
    with django_capture_on_commit_callbacks(execute=True):
        assert supervision.rectifications_flag_late(actor=worker) == 1
        assert supervision.rectifications_flag_late(actor=worker) == 0
    raised.refresh_from_db()
    assert raised.is_late and raised.late_flagged_at is not None
    told = set(Notification.objects.filter(kind="deliberation.rectification_late").values_list("recipient_id", flat=True))
    assert {liaison.pk, w.cstaff.pk, w.supervisor.pk} <= told


def test_sending_back_with_a_past_deadline_is_refused_beside_the_deadline_on_the_page(place):
    from django.test import Client

    w, resolution, owner, liaison = place
    raised = supervision.rectification_raise(actor=w.supervisor, resolution=resolution, problem="发票未公示",
                                             owner=owner, deadline=TODAY())
    supervision.rectification_respond(actor=liaison, rectification=raised, response="已张贴")
    client = Client()
    client.force_login(w.supervisor)
    past = (TODAY() - dt.timedelta(days=1)).isoformat()
    answer = client.post(f"/deliberation/resolutions/rectifications/{raised.pk}/reject/",
                         {"reason": "未见发票", "deadline": past})
    assert answer.status_code == 400
    assert f'id="reject-deadline-{raised.pk}">\n<span class="error">' in answer.content.decode()
    raised.refresh_from_db()
    assert raised.state == RectificationState.DONE


def test_the_worker_tasks_flag_as_the_system(place):
    from gongzhi.deliberation import tasks as tasks_resolutions

    w, resolution, owner, liaison = place
    raised = supervision.rectification_raise(actor=w.supervisor, resolution=resolution, problem="发票未公示",
                                             owner=owner, deadline=TODAY())
    Rectification.objects.filter(pk=raised.pk).update(deadline=TODAY() - dt.timedelta(days=1))
    assert tasks_resolutions.flag_late_rectifications.enqueue().return_value == 1
    assert tasks_resolutions.flag_overdue_milestones.enqueue().return_value == 0
    event = AuditEvent.objects.get(action="deliberation.rectification.late")
    assert event.actor is None and event.actor_label == "task:deliberation-overdue"
