"""The schedule by cadence: the planner keeps one meeting per body, kind and period; a period that
ends without a meeting held is flagged once to the level above; meetings move and are cancelled with
a reason, and their invitees are told. `today` is passed in: nothing sleeps."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent, Notification
from gongzhi.meetings.models import BodyKind, Cadence, Meeting, MeetingKind, MeetingState
from gongzhi.meetings.services import bodies, schedule
from gongzhi.meetings.tests import factories

pytestmark = pytest.mark.django_db

ACTOR = factories.ACTOR
# A Thursday in the third two-month period of 2026 (May–June).
TODAY = dt.date(2026, 5, 14)


def _local(meeting) -> dt.datetime:
    return timezone.localtime(meeting.starts_at)


def test_the_planner_plans_the_current_and_next_period_once(settings):
    # given a community's 大党委 meeting every two months
    nodes = tree()
    body = factories.body_with_members(nodes["community"], kind=BodyKind.ALLIANCE, name="瓜州路社区大党委",
                                       cadence=Cadence.BIMONTHLY)
    # when the planner runs twice on the same day
    first = schedule.plan_periods(actor=ACTOR, today=TODAY)
    second = schedule.plan_periods(actor=ACTOR, today=TODAY)
    # then the current period (May–June) and the next one (July–August) each have one meeting
    assert first == {"planned": 2, "missed": 0} and second == {"planned": 0, "missed": 0}
    meetings = list(Meeting.objects.filter(body=body).order_by("period_start"))
    assert [(m.period_start, m.period_end) for m in meetings] == [
        (dt.date(2026, 5, 1), dt.date(2026, 6, 30)), (dt.date(2026, 7, 1), dt.date(2026, 8, 31))]
    assert meetings[0].title == "瓜州路社区大党委 2026年第3次例会"
    assert meetings[1].title == "瓜州路社区大党委 2026年第4次例会"
    # the current period's meeting on the next working day at 09:30, the next one on its first working day
    assert _local(meetings[0]) == timezone.make_aware(dt.datetime(2026, 5, 15, 9, 30))
    assert _local(meetings[1]).date() == dt.date(2026, 7, 1) and _local(meetings[1]).time() == dt.time(9, 30)
    # every member is invited to the planned meetings
    assert all(m.attendances.count() == 5 and m.state == MeetingState.PLANNED for m in meetings)


def test_more_periods_ahead_by_setting(settings):
    settings.MEETINGS_PLAN_PERIODS_AHEAD = 3
    nodes = tree()
    body = factories.body(nodes["community"], cadence=Cadence.QUARTERLY)
    assert schedule.plan_periods(actor=ACTOR, today=TODAY)["planned"] == 4
    assert list(Meeting.objects.filter(body=body).order_by("period_start").values_list("period_start", flat=True)) == [
        dt.date(2026, 4, 1), dt.date(2026, 7, 1), dt.date(2026, 10, 1), dt.date(2027, 1, 1)]


def test_a_branchs_theme_day_carries_the_districts_four_fixed_contents(settings):
    settings.MEETINGS_PLAN_PERIODS_AHEAD = 0
    nodes = tree()
    for position, title in enumerate(["学习党的创新理论", "重温入党誓词", "交纳党费", "开展志愿服务"], start=1):
        bodies.theme_day_content_save(actor=ACTOR, district=nodes["district"], position=position, title=title)
    bodies.theme_day_content_save(actor=ACTOR, district=nodes["district"], position=5, title="旧内容", is_active=False)
    branch = factories.body(nodes["grid_a"], kind=BodyKind.PARTY_BRANCH, name="第一网格党支部")
    schedule.plan_periods(actor=ACTOR, today=dt.date(2026, 12, 2))
    theme_day = Meeting.objects.get(body=branch, kind=MeetingKind.THEME_DAY)
    assert theme_day.title == "第一网格党支部 2026年12月主题党日"
    assert [(a.title, a.is_fixed_content) for a in theme_day.agenda.all()] == [
        ("学习党的创新理论", True), ("重温入党誓词", True), ("交纳党费", True), ("开展志愿服务", True)]
    # and the branch adds its own X after them
    bodies.theme_day_add_item(actor=ACTOR, meeting=theme_day, title="为独居老人清扫楼道")
    assert [(a.position, a.is_fixed_content) for a in theme_day.agenda.all()][-1] == (5, False)
    # the 三会一课 are planned too, each in its own period
    kinds = set(Meeting.objects.filter(body=branch).values_list("kind", flat=True))
    assert kinds == {MeetingKind.BRANCH_ASSEMBLY, MeetingKind.BRANCH_COMMITTEE, MeetingKind.GROUP_MEETING,
                     MeetingKind.PARTY_LECTURE, MeetingKind.THEME_DAY}


def test_inactive_bodies_and_bodies_without_cadence_get_nothing():
    nodes = tree()
    factories.body(nodes["community"], cadence=Cadence.NONE)
    quiet = factories.body(nodes["community"], cadence=Cadence.MONTHLY)
    bodies.body_update(actor=ACTOR, body=quiet, name=quiet.name, quorum_rule=quiet.quorum_rule, is_active=False)
    assert schedule.plan_periods(actor=ACTOR, today=TODAY) == {"planned": 0, "missed": 0}
    assert not Meeting.objects.exists()


def test_only_the_system_runs_the_planner():
    nodes = tree()
    staff = user(Role.DISTRICT_ADMIN, nodes=[nodes["district"]])
    with pytest.raises(Forbidden):
        schedule.plan_periods(actor=staff, today=TODAY)


def test_a_missed_period_is_flagged_once_to_the_level_above(settings, django_capture_on_commit_callbacks):
    settings.MEETINGS_PLAN_PERIODS_AHEAD = 0
    # given a community body, the street staff above it and the community's own staff
    nodes = tree()
    street_staff = user(Role.STREET_STAFF, nodes=[nodes["street"]])
    community_staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    body = factories.body_with_members(nodes["community"], name="瓜州路社区大党委", cadence=Cadence.BIMONTHLY)
    schedule.plan_periods(actor=ACTOR, today=TODAY)
    planned = Meeting.objects.get(body=body)
    # when the period (May–June) ends without the meeting held, and the planner runs on 1 July and 2 July
    with django_capture_on_commit_callbacks(execute=True):
        first = schedule.plan_periods(actor=ACTOR, today=dt.date(2026, 7, 1))
    with django_capture_on_commit_callbacks(execute=True):
        second = schedule.plan_periods(actor=ACTOR, today=dt.date(2026, 7, 2))
    # then the period is flagged once, audited once, and the street's staff are told once
    assert first == {"planned": 1, "missed": 1} and second == {"planned": 0, "missed": 0}
    planned.refresh_from_db()
    assert planned.missed_flagged_at is not None
    assert AuditEvent.objects.filter(action="meetings.meeting.missed", object_id=str(planned.pk)).count() == 1
    told = Notification.objects.filter(kind="meetings.period_missed")
    assert [n.recipient for n in told] == [street_staff]
    assert "瓜州路社区大党委" in told[0].title and told[0].url == f"/meetings/bodies/{body.pk}/"
    assert not Notification.objects.filter(recipient=community_staff, kind="meetings.period_missed").exists()


def test_a_held_period_is_not_missed(settings):
    settings.MEETINGS_PLAN_PERIODS_AHEAD = 0
    nodes = tree()
    body = factories.body_with_members(nodes["community"], cadence=Cadence.MONTHLY)
    schedule.plan_periods(actor=ACTOR, today=TODAY)
    Meeting.objects.filter(body=body).update(state=MeetingState.HELD)
    assert schedule.plan_periods(actor=ACTOR, today=dt.date(2026, 6, 3))["missed"] == 0
    assert not Meeting.objects.filter(missed_flagged_at__isnull=False).exists()


def test_a_cancelled_period_is_not_planned_again_and_counts_as_missed(settings):
    settings.MEETINGS_PLAN_PERIODS_AHEAD = 0
    nodes = tree()
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    body = factories.body_with_members(nodes["community"], cadence=Cadence.MONTHLY)
    schedule.plan_periods(actor=ACTOR, today=TODAY)
    meeting = Meeting.objects.get(body=body)
    schedule.meeting_cancel(actor=staff, meeting=meeting, reason="五一假期后人员未到齐")
    # the planner leaves the cancelled period alone (a cancellation is the body's decision) …
    assert schedule.plan_periods(actor=ACTOR, today=TODAY)["planned"] == 0
    # … and when the month ends, the period is missed (flagged on the cancelled meeting)
    assert schedule.plan_periods(actor=ACTOR, today=dt.date(2026, 6, 1))["missed"] == 1
    meeting.refresh_from_db()
    assert meeting.missed_flagged_at is not None


def test_move_with_a_reason_tells_the_invitees(django_capture_on_commit_callbacks):
    nodes = tree()
    chair, secretary = user(Role.PARTY_MEMBER), user(Role.PARTY_MEMBER)
    body = factories.body_with_members(nodes["community"], chair=chair, secretary=secretary, cadence=Cadence.MONTHLY)
    schedule.plan_periods(actor=ACTOR, today=TODAY)
    meeting = Meeting.objects.filter(body=body).order_by("period_start").first()
    # a move without a reason is refused on the reason field, and nothing changes
    with pytest.raises(InvalidInput) as missing:
        schedule.meeting_move(actor=secretary, meeting=meeting, starts_at=dt.datetime(2026, 5, 20, 14, 30), reason=" ")
    assert "reason" in missing.value.fields
    # out of its period: refused on the date
    with pytest.raises(InvalidInput) as outside:
        schedule.meeting_move(actor=secretary, meeting=meeting, starts_at=dt.datetime(2026, 6, 2, 9), reason="延期")
    assert "starts_at" in outside.value.fields
    meeting.refresh_from_db()
    assert _local(meeting).date() == dt.date(2026, 5, 15)
    # the secretary moves it with a reason: invitees with accounts are told after commit
    with django_capture_on_commit_callbacks(execute=True):
        moved = schedule.meeting_move(actor=secretary, meeting=meeting, starts_at=dt.datetime(2026, 5, 20, 14, 30),
                                      reason="书记下午参加街道会议")
    assert _local(moved) == timezone.make_aware(dt.datetime(2026, 5, 20, 14, 30))
    assert moved.state == MeetingState.PLANNED and moved.state_reason == "书记下午参加街道会议"
    told = Notification.objects.filter(kind="meetings.moved")
    assert {n.recipient for n in told} == {chair, secretary}
    assert "2026-05-20 14:30" in told[0].title and "书记下午参加街道会议" in told[0].body
    event = AuditEvent.objects.get(action="meetings.meeting.move")
    assert event.note == "书记下午参加街道会议"


def test_cancel_with_a_reason_and_not_twice(django_capture_on_commit_callbacks):
    nodes = tree()
    chair = user(Role.PARTY_MEMBER)
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    body = factories.body_with_members(nodes["community"], chair=chair)
    meeting = factories.meeting(body)
    with pytest.raises(InvalidInput) as missing:
        schedule.meeting_cancel(actor=staff, meeting=meeting, reason="")
    assert "reason" in missing.value.fields
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = schedule.meeting_cancel(actor=staff, meeting=meeting, reason="疫情防控要求暂停聚集")
    assert cancelled.state == MeetingState.CANCELLED
    assert [n.recipient for n in Notification.objects.filter(kind="meetings.cancelled")] == [chair]
    with pytest.raises(Conflict):
        schedule.meeting_cancel(actor=staff, meeting=meeting, reason="再取消一次")


def test_outside_staff_cannot_move_or_cancel():
    nodes, other = tree(), tree()
    outsider = user(Role.COMMUNITY_STAFF, nodes=[other["community"]])
    member = user(Role.RESIDENT)
    body = factories.body_with_members(nodes["community"])
    factories.member(body, user=member)
    meeting = factories.meeting(body)
    with pytest.raises(NotFound):
        schedule.meeting_cancel(actor=outsider, meeting=meeting, reason="无关人员")
    # a plain member sees the meeting but does not convene it
    with pytest.raises(Forbidden):
        schedule.meeting_move(actor=member, meeting=meeting, starts_at=meeting.starts_at, reason="想换时间")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PLANNED


def test_the_worker_task_plans_as_the_system():
    from gongzhi.meetings import tasks

    nodes = tree()
    body = factories.body(nodes["community"], cadence=Cadence.MONTHLY)
    result = tasks.plan_periods.enqueue()
    assert result.return_value == {"planned": 2, "missed": 0}
    assert Meeting.objects.filter(body=body).count() == 2
    event = AuditEvent.objects.filter(action="meetings.meeting.create").first()
    assert event.actor is None and "task:meetings-plan" in event.actor_label
