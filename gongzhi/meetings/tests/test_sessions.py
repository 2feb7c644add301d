"""A meeting from notice to close: agenda items (cases the caller can see), invitees by name,
the notice, the sign-in code at the door, attendance marked by the secretary, and the quorum."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.actors import SystemActor
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent, Notification
from gongzhi.meetings import selectors
from gongzhi.meetings.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingState,
    MemberRole,
    QuorumRule,
)
from gongzhi.meetings.services import sessions
from gongzhi.meetings.tests import factories

pytestmark = pytest.mark.django_db


def _world(*, members: int = 3, starts_in: dt.timedelta = dt.timedelta(days=3)):
    nodes = tree()
    chair = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    secretary = user(Role.PARTY_MEMBER)
    body = factories.body_with_members(nodes["community"], chair=chair, secretary=secretary, members=0)
    people = [user(Role.RESIDENT) for i in range(members)]
    for person in people:
        factories.member(body, user=person)
    meeting = factories.meeting(body, starts_at=timezone.now() + starts_in, location="社区活动室")
    return {"nodes": nodes, "chair": chair, "secretary": secretary, "body": body, "people": people, "meeting": meeting}


def _row(meeting, who) -> Attendance:
    return meeting.attendances.get(user=who)


# --- agenda --------------------------------------------------------------------------------------


def test_an_agenda_item_links_a_case_the_caller_can_see_by_its_reference():
    from gongzhi.cases.tests.factories import submit
    from gongzhi.cases.tests.factories import world as cases_world

    cw = cases_world()
    case = submit(cw)
    body = factories.body_with_members(cw.nodes["community"], chair=cw.cstaff)
    meeting = factories.meeting(body)
    assert selectors.case_by_reference(user=cw.cstaff, reference=case.reference.lower()) == case
    item = sessions.agenda_item_save(actor=cw.cstaff, meeting=meeting, title="共享单车乱停放", case=case)
    assert item.case == case and item.position == 1
    second = sessions.agenda_item_save(actor=cw.cstaff, meeting=meeting, title="加装电梯意见征集",
                                       reference="hot-issue:12")
    assert second.position == 2 and second.reference == "hot-issue:12"
    assert AuditEvent.objects.filter(action="meetings.agenda_item.save").count() == 2
    # The secretary of a body in another district can neither name the case nor link it.
    w = _world()
    with pytest.raises(InvalidInput) as refused:
        selectors.case_by_reference(user=w["secretary"], reference=case.reference)
    assert "case" in refused.value.fields
    with pytest.raises(InvalidInput):
        selectors.case_by_reference(user=w["secretary"], reference="GZ2026")
    with pytest.raises(InvalidInput) as bad:
        sessions.agenda_item_save(actor=w["secretary"], meeting=w["meeting"], title="共享单车", case=case)
    assert "case" in bad.value.fields
    assert not w["meeting"].agenda.exists()


def test_an_empty_agenda_title_is_refused_on_its_field_and_nothing_is_saved():
    w = _world()
    with pytest.raises(InvalidInput) as bad:
        sessions.agenda_item_save(actor=w["secretary"], meeting=w["meeting"], title="  ")
    assert "title" in bad.value.fields
    assert not w["meeting"].agenda.exists()


def test_a_member_who_holds_no_office_cannot_change_the_agenda():
    w = _world()
    with pytest.raises(Forbidden):
        sessions.agenda_item_save(actor=w["people"][0], meeting=w["meeting"], title="我的议题")


# --- invitees ------------------------------------------------------------------------------------


def test_an_outside_party_is_invited_by_name_with_the_phone_masked_and_the_reveal_audited():
    w = _world()
    row = sessions.attendance_invite(actor=w["secretary"], meeting=w["meeting"],
                                     guest={"name": "赵经理", "organization": "兰州热力公司", "phone": "13912345678"})
    assert row.is_outside_party and row.phone_masked == "139****5678"
    meeting = Meeting.objects.get(pk=w["meeting"].pk)
    assert meeting.expected_count == 6  # chair, secretary, three residents, the heating company
    # The chair (community staff of the area) may reveal; the secretary (a party member) may not.
    assert sessions.attendance_reveal_phone(actor=w["chair"], attendance=row, reason="通知开会") == "13912345678"
    event = AuditEvent.objects.get(action="meetings.attendance.reveal")
    assert "13912345678" not in str(event.after) + event.note
    with pytest.raises(Forbidden):
        sessions.attendance_reveal_phone(actor=w["secretary"], attendance=row)
    outsider = user(Role.COMMUNITY_STAFF, nodes=[tree()["community"]])
    with pytest.raises(NotFound):
        sessions.attendance_reveal_phone(actor=outsider, attendance=row)


def test_a_bad_phone_is_refused_on_its_field():
    w = _world()
    with pytest.raises(InvalidInput) as bad:
        sessions.attendance_invite(actor=w["secretary"], meeting=w["meeting"], guest={"name": "赵经理", "phone": "123"})
    assert "phone" in bad.value.fields
    assert not w["meeting"].attendances.filter(name="赵经理").exists()


# --- notice --------------------------------------------------------------------------------------


def test_the_notice_reaches_every_invitee_with_an_account(django_capture_on_commit_callbacks):
    w = _world()
    sessions.attendance_invite(actor=w["secretary"], meeting=w["meeting"], guest={"name": "赵经理", "organization": "热力公司"})
    with django_capture_on_commit_callbacks(execute=True):
        meeting = sessions.meeting_notify(actor=w["secretary"], meeting=w["meeting"])
    assert meeting.state == MeetingState.NOTIFIED and meeting.notice_sent_at is not None
    notes = Notification.objects.filter(kind="meetings.notice")
    assert {n.recipient for n in notes} == {w["chair"], w["secretary"], *w["people"]}
    assert all(w["meeting"].title in n.title and n.url == f"/meetings/{meeting.pk}/" for n in notes)
    assert not meeting.attendances.filter(user__isnull=False, notified_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="meetings.meeting.notify").count() == 1
    # The periodic job leaves a meeting already notified alone.
    assert sessions.send_due_notices(actor=SystemActor(label="test"), now=meeting.starts_at - dt.timedelta(hours=1)) == 0


def test_the_periodic_job_sends_the_notices_due_and_nothing_twice(django_capture_on_commit_callbacks):
    soon = _world(starts_in=dt.timedelta(hours=20))
    later = factories.meeting(soon["body"], starts_at=timezone.now() + dt.timedelta(days=10))
    job = SystemActor(label="task:meetings-notices")
    with django_capture_on_commit_callbacks(execute=True):
        assert sessions.send_due_notices(actor=job) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert sessions.send_due_notices(actor=job) == 0
    assert Meeting.objects.get(pk=soon["meeting"].pk).state == MeetingState.NOTIFIED
    assert Meeting.objects.get(pk=later.pk).state == MeetingState.PLANNED
    assert Notification.objects.filter(kind="meetings.notice").count() == 5


# --- sign-in -------------------------------------------------------------------------------------


def test_the_sign_in_code_is_six_unambiguous_characters_and_lives_until_after_the_start():
    w = _world(starts_in=dt.timedelta(minutes=10))
    meeting = sessions.meeting_open(actor=w["chair"], meeting=w["meeting"])
    assert meeting.state == MeetingState.IN_SESSION
    assert len(meeting.signin_code) == 6 and not set(meeting.signin_code) & set("01OIL")
    assert meeting.signin_expires_at == meeting.starts_at + dt.timedelta(minutes=120)
    assert AuditEvent.objects.filter(action="meetings.meeting.open").exists()


def test_an_invitee_signs_in_with_the_code_and_is_counted():
    w = _world()
    meeting = sessions.meeting_open(actor=w["secretary"], meeting=w["meeting"])
    resident = w["people"][0]
    row = sessions.attendance_sign_in(actor=resident, meeting=meeting, code=f" {meeting.signin_code.lower()} ")
    assert row.status == AttendanceStatus.PRESENT and row.signed_in_via == "code"
    assert Meeting.objects.get(pk=meeting.pk).present_count == 1
    # Signing in twice changes nothing.
    sessions.attendance_sign_in(actor=resident, meeting=meeting, code=meeting.signin_code)
    assert AuditEvent.objects.filter(action="meetings.attendance.sign_in").count() == 1


def test_a_wrong_code_an_expired_code_and_an_uninvited_user_are_refused():
    w = _world()
    meeting = sessions.meeting_open(actor=w["secretary"], meeting=w["meeting"])
    resident = w["people"][0]
    with pytest.raises(InvalidInput) as wrong:
        sessions.attendance_sign_in(actor=resident, meeting=meeting, code="ZZZZZZ" if meeting.signin_code != "ZZZZZZ" else "YYYYYY")
    assert "code" in wrong.value.fields
    stranger = user(Role.COMMUNITY_STAFF, nodes=[w["nodes"]["community"]])  # sees the meeting, not invited
    with pytest.raises(Forbidden):
        sessions.attendance_sign_in(actor=stranger, meeting=meeting, code=meeting.signin_code)
    Meeting.objects.filter(pk=meeting.pk).update(signin_expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(InvalidInput) as expired:
        sessions.attendance_sign_in(actor=resident, meeting=meeting, code=meeting.signin_code)
    assert "expired" in str(expired.value.fields["code"][0]) or "过期" in str(expired.value.fields["code"][0])
    assert _row(meeting, resident).status == AttendanceStatus.INVITED


def test_the_code_dies_with_the_meeting():
    w = _world()
    meeting = sessions.meeting_open(actor=w["secretary"], meeting=w["meeting"])
    code = meeting.signin_code
    sessions.meeting_close(actor=w["secretary"], meeting=meeting)
    with pytest.raises(InvalidInput) as closed:
        sessions.attendance_sign_in(actor=w["people"][0], meeting=meeting, code=code)
    assert "code" in closed.value.fields
    assert not sessions.signin_open(Meeting.objects.get(pk=meeting.pk))


# --- attendance and quorum -----------------------------------------------------------------------


def test_the_secretary_marks_an_outside_party_present_and_an_absence_needs_a_reason():
    w = _world()
    guest = sessions.attendance_invite(actor=w["secretary"], meeting=w["meeting"],
                                       guest={"name": "赵经理", "organization": "热力公司"})
    marked = sessions.attendance_mark(actor=w["secretary"], attendance=guest, status=AttendanceStatus.PRESENT)
    assert marked.status == AttendanceStatus.PRESENT and marked.signed_in_via == "secretary"
    with pytest.raises(InvalidInput) as no_reason:
        sessions.attendance_mark(actor=w["secretary"], attendance=_row(w["meeting"], w["people"][0]), status="excused")
    assert "absence_reason" in no_reason.value.fields
    excused = sessions.attendance_mark(actor=w["secretary"], attendance=_row(w["meeting"], w["people"][0]),
                                       status="excused", reason="住院")
    assert excused.absence_reason == "住院"
    with pytest.raises(InvalidInput) as bad:
        sessions.attendance_mark(actor=w["secretary"], attendance=guest, status="sleeping")
    assert "status" in bad.value.fields
    events = AuditEvent.objects.filter(action="meetings.meeting.mark")
    assert events.count() == 2
    meeting = Meeting.objects.get(pk=w["meeting"].pk)
    assert meeting.present_count == 1


def test_a_resident_may_not_mark_attendance():
    w = _world()
    with pytest.raises(Forbidden):
        sessions.attendance_mark(actor=w["people"][0], attendance=_row(w["meeting"], w["people"][1]), status="present")


def test_quorum_follows_the_body_rule_and_freezes_at_the_close():
    w = _world(members=3)  # 5 voting: chair, secretary, three residents; more than half is 3
    meeting = sessions.meeting_open(actor=w["secretary"], meeting=w["meeting"])
    for who in (w["chair"], w["secretary"]):
        sessions.attendance_sign_in(actor=who, meeting=meeting, code=meeting.signin_code)
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert (meeting.present_count, meeting.expected_count, meeting.is_quorate) == (2, 5, False)
    closed = sessions.meeting_close(actor=w["chair"], meeting=meeting)
    assert closed.state == MeetingState.HELD and closed.is_quorate is False
    # The secretary corrects the record afterwards: counts change, the frozen quorum does not.
    sessions.attendance_mark(actor=w["secretary"], attendance=_row(closed, w["people"][0]), status="present")
    after = Meeting.objects.get(pk=closed.pk)
    assert after.present_count == 3 and after.is_quorate is False
    assert selectors.quorum_status(after) == "not_met"


def test_a_two_thirds_body_is_quorate_with_two_thirds_present():
    w = _world(members=1)  # chair, secretary, one resident
    Meeting.objects.filter(pk=w["meeting"].pk).update(quorum_rule=QuorumRule.TWO_THIRDS)
    meeting = sessions.meeting_open(actor=w["secretary"], meeting=w["meeting"].pk)
    for who in (w["chair"], w["secretary"]):
        sessions.attendance_sign_in(actor=who, meeting=meeting, code=meeting.signin_code)
    closed = sessions.meeting_close(actor=w["chair"], meeting=meeting)
    assert closed.is_quorate is True


def test_observers_do_not_count_for_the_quorum():
    w = _world(members=0)
    observer = sessions.attendance_invite(actor=w["secretary"], meeting=w["meeting"],
                                          guest={"name": "列席代表", "capacity": MemberRole.OBSERVER})
    assert not observer.counts_for_quorum
    sessions.attendance_mark(actor=w["secretary"], attendance=observer, status="present")
    assert Meeting.objects.get(pk=w["meeting"].pk).present_count == 0


def test_a_closed_meeting_takes_no_new_invitees_or_agenda_items():
    w = _world()
    meeting = sessions.meeting_open(actor=w["secretary"], meeting=w["meeting"])
    sessions.meeting_close(actor=w["secretary"], meeting=meeting)
    with pytest.raises(Conflict):
        sessions.attendance_invite(actor=w["secretary"], meeting=meeting, guest={"name": "迟到的人"})
    with pytest.raises(Conflict):
        sessions.agenda_item_save(actor=w["secretary"], meeting=meeting, title="补充议题")


SMS: list[tuple[str, str]] = []


def sms_gateway(phone: str, text: str) -> None:
    """The SMS vendor's side (outside gongzhi): what reached it."""
    SMS.append((phone, text))


def test_the_notice_also_goes_out_by_sms_through_the_configured_adapter(settings, django_capture_on_commit_callbacks):
    SMS.clear()
    settings.NOTIFICATION_ADAPTERS = ["gongzhi.core.notifications.SmsAdapter"]
    settings.NOTIFICATION_SMS_GATEWAY = "gongzhi.meetings.tests.test_sessions.sms_gateway"
    nodes = tree()
    chair = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]], phone="13900001111")
    body = factories.body_with_members(nodes["community"], chair=chair, members=1)
    meeting = factories.meeting(body, title="居民议事会第五次会议", location="社区活动室")
    with django_capture_on_commit_callbacks(execute=True):
        sessions.meeting_notify(actor=chair, meeting=meeting)
    assert [phone for phone, _text in SMS] == ["13900001111"]
    assert "居民议事会第五次会议" in SMS[0][1] and "社区活动室" in SMS[0][1]


def test_a_meeting_recorded_after_the_fact_freezes_the_quorum_from_the_marks():
    w = _world(members=1)  # chair, secretary, one resident: two present make a quorum
    for who in (w["chair"], w["secretary"]):
        sessions.attendance_mark(actor=w["secretary"], attendance=_row(w["meeting"], who), status="present")
    held = sessions.meeting_record(actor=w["secretary"], meeting=w["meeting"])
    assert held.state == MeetingState.HELD and held.is_quorate is True and held.present_count == 2
    assert AuditEvent.objects.filter(action="meetings.meeting.record").exists()
    sessions.attendance_mark(actor=w["secretary"], attendance=_row(held, w["chair"]), status="absent")
    assert Meeting.objects.get(pk=held.pk).is_quorate is True  # frozen
