"""Public hearings on a topic: called by the area's staff, announced to the residents of the
topic's scope, registered for before the deadline while seats remain, a speakers' list with a
waiting list, views recorded at the hearing, the record of views attached to the topic."""

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import override

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import child
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent, Notification
from gongzhi.deliberation import hearings_selectors as selectors
from gongzhi.deliberation.models import Hearing, HearingRegistration, HearingView, TopicDocument, ViewPosition
from gongzhi.deliberation.services import hearings
from gongzhi.deliberation.tests import factories
from gongzhi.meetings.models import Attendance, Meeting, MeetingKind, MeetingState

pytestmark = pytest.mark.django_db


def call(w, topic, *, seats=50, speakers=2, **extra):
    now = timezone.now()
    values = {"starts_at": now + dt.timedelta(days=7), "location": "瓜州路社区二楼会议室",
              "registration_closes_at": now + dt.timedelta(days=5), "seats": seats, "speakers_limit": speakers,
              "minutes_per_speaker": 5}
    values.update(extra)
    return hearings.hearing_call(actor=w.cstaff, topic=topic, **values)


def day_of_hearing(hearing):
    """Move the hearing into the past: registration closed, the hearing begun."""
    now = timezone.now()
    Hearing.objects.filter(pk=hearing.pk).update(registration_closes_at=now - dt.timedelta(hours=2))
    Meeting.objects.filter(pk=hearing.meeting_id).update(starts_at=now - dt.timedelta(hours=1))
    return Hearing.objects.select_related("meeting", "topic").get(pk=hearing.pk)


@pytest.fixture
def w():
    return factories.world()


def test_staff_call_a_hearing_that_is_a_meeting_of_the_area_announced_to_its_residents(w, django_capture_on_commit_callbacks):
    # given a topic of the community with four residents living in it
    topic = factories.topic(w)
    # when the community's staff call a hearing on it
    with django_capture_on_commit_callbacks(execute=True):
        hearing = call(w, topic)
    # then it is a public-hearing meeting of the topic's area, among the area's meetings
    assert hearing.meeting.kind == MeetingKind.HEARING and hearing.meeting.area == w.community
    assert Meeting.objects.visible_to(w.cstaff).filter(pk=hearing.meeting_id).exists()
    # and every resident of the scope has it in their inbox, nobody else
    told = set(Notification.objects.filter(kind="deliberation.hearing_called").values_list("recipient_id", flat=True))
    assert told == {r.pk for r in [*w.residents, w.resident_b]}
    assert AuditEvent.objects.filter(action="deliberation.hearing.call").count() == 1
    # and the topic's page lists it
    assert [h["hearing"] for h in selectors.hearings_of(topic, w.residents[0])] == [hearing]


def test_a_hearing_with_a_deadline_after_its_start_is_refused_and_nothing_is_written(w):
    topic = factories.topic(w)
    now = timezone.now()
    with override("zh-hans"), pytest.raises(InvalidInput) as caught:
        call(w, topic, starts_at=now + dt.timedelta(days=2), registration_closes_at=now + dt.timedelta(days=3))
    assert "registration_closes_at" in caught.value.fields
    assert "听证" in caught.value.message or "报名" in caught.value.message
    assert not Hearing.objects.exists() and not Meeting.objects.exists()


def test_more_speakers_than_seats_or_no_place_is_refused(w):
    topic = factories.topic(w)
    with pytest.raises(InvalidInput) as caught:
        call(w, topic, seats=3, speakers=5)
    assert "speakers_limit" in caught.value.fields
    with pytest.raises(InvalidInput) as caught:
        call(w, topic, location="  ")
    assert "location" in caught.value.fields
    assert not Meeting.objects.exists()


def test_only_the_staff_of_the_topics_area_call_a_hearing(w):
    topic = factories.topic(w)
    with pytest.raises(Forbidden):
        hearings.hearing_call(
            actor=w.residents[0], topic=topic, starts_at=timezone.now() + dt.timedelta(days=3), location="会议室",
            registration_closes_at=timezone.now() + dt.timedelta(days=2))
    assert not Hearing.objects.exists()


def test_residents_register_to_speak_in_order_and_the_rest_wait(w):
    topic = factories.topic(w)
    hearing = call(w, topic, speakers=2)
    a, b, c = w.residents
    # when three residents ask to speak and one only listens
    rows = [hearings.hearing_register(actor=r, hearing=hearing, wants_to_speak=True, affiliation="3号楼住户")
            for r in (a, b, c)]
    hearings.hearing_register(actor=w.resident_b, hearing=hearing)
    # then the first two speak, the third waits
    listed = selectors.speakers(user=w.cstaff, hearing=hearing)
    assert listed["speakers"] == rows[:2] and listed["waiting"] == rows[2:]
    # and each is on the meeting's list, not counted for a quorum
    assert Attendance.objects.filter(meeting=hearing.meeting, user=a, counts_for_quorum=False).exists()
    # when the first cancels, the seat frees and the waiting one moves up
    hearings.registration_cancel(actor=a, registration=rows[0])
    listed = selectors.speakers(user=w.cstaff, hearing=hearing)
    assert listed["speakers"] == rows[1:] and listed["waiting"] == []
    assert selectors.seats_left(hearing) == 50 - 3
    assert not Attendance.objects.filter(meeting=hearing.meeting, user=a).exists()
    # and they may register again
    again = hearings.hearing_register(actor=a, hearing=hearing, wants_to_speak=True)
    assert selectors.speakers(user=w.cstaff, hearing=hearing)["waiting"] == [again]


def test_registering_twice_after_the_deadline_or_without_a_seat_is_refused_with_the_reason(w):
    topic = factories.topic(w)
    hearing = call(w, topic, seats=2, speakers=1)
    a, b, c = w.residents
    hearings.hearing_register(actor=a, hearing=hearing)
    # twice
    with override("zh-hans"), pytest.raises(Conflict) as caught:
        hearings.hearing_register(actor=a, hearing=hearing)
    assert caught.value.code == "already_registered" and "已" in caught.value.message
    # no seat left
    hearings.hearing_register(actor=b, hearing=hearing)
    with override("zh-hans"), pytest.raises(Conflict) as caught:
        hearings.hearing_register(actor=c, hearing=hearing)
    assert caught.value.code == "no_seats" and "席位已满" in caught.value.message
    # after the deadline
    Hearing.objects.filter(pk=hearing.pk).update(registration_closes_at=timezone.now() - dt.timedelta(minutes=1))
    HearingRegistration.objects.filter(user=b).update(cancelled_at=timezone.now())
    with override("zh-hans"), pytest.raises(Conflict) as caught:
        hearings.hearing_register(actor=c, hearing=hearing)
    assert caught.value.code == "registration_closed" and "截止" in caught.value.message
    assert HearingRegistration.objects.filter(user=c).count() == 0
    assert AuditEvent.objects.filter(action="deliberation.hearing.register").count() == 2


def test_someone_outside_the_topics_scope_cannot_see_the_hearing(w):
    topic = factories.topic(w, key="building")  # building A's topic
    hearing = call(w, topic)
    with pytest.raises(NotFound):
        hearings.hearing_register(actor=w.resident_b, hearing=hearing)  # lives in building B


def test_staff_register_someone_by_name_and_phone_masked_and_revealed_with_an_audit(w):
    topic = factories.topic(w)
    hearing = call(w, topic)
    row = hearings.hearing_register(actor=w.cstaff, hearing=hearing, on_behalf=True, name="王秀兰",
                                    phone="13912345678", affiliation="业委会", wants_to_speak=True)
    row.refresh_from_db()
    assert row.phone_masked == "139****5678" and row.user is None
    assert "13912345678" not in str(AuditEvent.objects.filter(action="deliberation.hearing.register").get().after)
    # the same person registered twice by phone is refused on the phone
    with pytest.raises(Conflict) as caught:
        hearings.hearing_register(actor=w.cstaff, hearing=hearing, on_behalf=True, name="王秀兰", phone="13912345678")
    assert "phone" in caught.value.fields
    # a bad phone is refused on its field
    with pytest.raises(InvalidInput) as caught:
        hearings.hearing_register(actor=w.cstaff, hearing=hearing, on_behalf=True, name="李强", phone="12ab")
    assert "phone" in caught.value.fields
    # residents may not register others
    with pytest.raises(Forbidden):
        hearings.hearing_register(actor=w.residents[0], hearing=hearing, on_behalf=True, name="李强", phone="13900001111")
    # the reveal gives the number and is audited without it
    assert hearings.registration_reveal_phone(actor=w.cstaff, registration=row, reason="电话通知发言顺序") == "13912345678"
    event = AuditEvent.objects.get(action="deliberation.hearing.reveal_phone")
    assert "13912345678" not in f"{event.before}{event.after}{event.note}"
    with pytest.raises(Forbidden):
        hearings.registration_reveal_phone(actor=w.supervisor, registration=row)


def test_staff_reorder_the_speakers_list_with_everyone_each_once(w):
    hearing = call(w, factories.topic(w), speakers=2)
    rows = [hearings.hearing_register(actor=r, hearing=hearing, wants_to_speak=True) for r in w.residents]
    hearings.speakers_reorder(actor=w.cstaff, hearing=hearing, order=[rows[2].pk, rows[0].pk, rows[1].pk])
    listed = selectors.speakers(user=w.cstaff, hearing=hearing)
    assert listed["speakers"] == [rows[2], rows[0]] and listed["waiting"] == [rows[1]]
    with pytest.raises(InvalidInput) as caught:
        hearings.speakers_reorder(actor=w.cstaff, hearing=hearing, order=[rows[2].pk, rows[2].pk, rows[1].pk])
    assert "order" in caught.value.fields


def test_views_are_recorded_at_the_hearing_and_a_view_with_no_text_is_refused(w):
    hearing = call(w, factories.topic(w))
    row = hearings.hearing_register(actor=w.residents[0], hearing=hearing, wants_to_speak=True, affiliation="3号楼住户")
    # before the hearing: refused
    with pytest.raises(Conflict):
        hearings.view_record(actor=w.cstaff, hearing=hearing, text="同意", position=ViewPosition.FOR, registration=row)
    hearing = day_of_hearing(hearing)
    with override("zh-hans"), pytest.raises(InvalidInput) as caught:
        hearings.view_record(actor=w.cstaff, hearing=hearing, text="   ", position=ViewPosition.FOR, registration=row)
    assert "text" in caught.value.fields and caught.value.fields["text"][0] == "请按发言内容填写意见。"
    assert not HearingView.objects.exists()
    view = hearings.view_record(actor=w.cstaff, hearing=hearing, text="机房温度太高，支持加装空调。",
                                position=ViewPosition.FOR, registration=row)
    assert view.speaker.startswith("3号楼住户")
    floor = hearings.view_record(actor=w.cstaff, hearing=hearing, text="电费由谁承担要说清楚。",
                                 position=ViewPosition.OTHER, speaker="5号楼 张先生")
    assert floor.registration is None
    with pytest.raises(Forbidden):
        hearings.view_record(actor=w.residents[0], hearing=hearing, text="我也说两句", speaker="我")


def test_the_record_of_views_is_attached_to_the_topic_and_gives_a_steps_outcome(w):
    topic = factories.topic(w)
    hearing = day_of_hearing(call(w, topic))
    with pytest.raises(Conflict):
        hearings.record_attach(actor=w.cstaff, hearing=hearing)  # no view yet
    hearings.view_record(actor=w.cstaff, hearing=hearing, text="同意加装。", position=ViewPosition.FOR, speaker="王女士")
    hearings.view_record(actor=w.cstaff, hearing=hearing, text="担心噪音。", position=ViewPosition.AGAINST, speaker="李先生")
    document = hearings.record_attach(actor=w.cstaff, hearing=hearing)
    assert TopicDocument.objects.filter(topic=topic, pk=document.pk, content_type="application/pdf").exists()
    assert document.file.read(5) == b"%PDF-"
    hearing.meeting.refresh_from_db()
    assert hearing.meeting.state == MeetingState.HELD
    outcome = hearings.outcome_of(Hearing.objects.get(pk=hearing.pk))
    assert outcome.meeting == hearing.meeting and "2" in outcome.outcome


def test_the_staff_of_another_community_cannot_see_or_act(w):
    hearing = call(w, factories.topic(w))
    stranger = user(Role.COMMUNITY_STAFF, nodes=[child(w.nodes["street"], name="敦煌路社区")])
    with pytest.raises(NotFound):
        hearings.view_record(actor=stranger, hearing=hearing, text="x", speaker="y")


def test_the_hearing_completes_the_topics_meeting_step_once_held_with_its_record_as_minutes(w):
    # given a six-step topic past its proposal, at the two committees' step (a meeting with minutes)
    topic = factories.topic(w)
    from gongzhi.deliberation.services import steps

    steps.step_complete(actor=w.cstaff, topic=topic, given=factories.StepOutcome(outcome="党委提议召开听证会听取居民意见"))
    topic.refresh_from_db()
    assert topic.step_position == 2
    hearing = day_of_hearing(call(w, topic))
    hearings.view_record(actor=w.cstaff, hearing=hearing, text="同意加装。", position=ViewPosition.FOR, speaker="王女士")
    # when the hearing's record is attached (the meeting recorded as held, its minutes the views)
    hearings.record_attach(actor=w.cstaff, hearing=hearing)
    assert "王女士（赞成）：同意加装。" in hearing.meeting.minutes.get().text
    # and the step is completed with the hearing
    topic = hearings.hearing_step_complete(actor=w.cstaff, hearing=hearing)
    # then the topic moves on, its timeline keeping the hearing's meeting and the counted views
    assert topic.step_position == 3
    done = topic.steps.get(position=2)
    assert done.meeting_id == hearing.meeting_id and "1" in done.outcome


def test_a_hearing_not_yet_held_does_not_complete_a_meeting_step(w):
    topic = factories.topic(w)
    from gongzhi.deliberation.services import steps

    steps.step_complete(actor=w.cstaff, topic=topic, given=factories.StepOutcome(outcome="党委提议"))
    hearing = day_of_hearing(call(w, topic))
    hearings.view_record(actor=w.cstaff, hearing=hearing, text="同意。", position=ViewPosition.FOR, speaker="王女士")
    with pytest.raises(InvalidInput) as caught:
        hearings.hearing_step_complete(actor=w.cstaff, hearing=hearing)
    assert "meeting" in caught.value.fields
    topic.refresh_from_db()
    assert topic.step_position == 2
