"""Two secretaries mark attendance at the same moment, each on their own database connection, and
invitees sign in at once: every mark lands and the count is right. Needs PostgreSQL (SQLite
serialises writers)."""

import threading

import pytest
from django.db import connection, connections

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.models import AuditEvent
from gongzhi.meetings.models import Attendance, AttendanceStatus, Meeting
from gongzhi.meetings.services import sessions
from gongzhi.meetings.tests import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: two real connections"),
]


def _run_at_once(jobs) -> list[BaseException]:
    barrier = threading.Barrier(len(jobs))
    failures: list[BaseException] = []

    def run(job):
        try:
            barrier.wait(timeout=10)
            job()
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return failures


def test_two_secretaries_marking_different_people_at_once_lose_nothing():
    nodes = tree()
    chair, secretary = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]]), user(Role.PARTY_MEMBER)
    body = factories.body_with_members(nodes["community"], chair=chair, secretary=secretary, members=6)
    meeting = factories.meeting(body)
    rows = list(meeting.attendances.filter(user__isnull=True).order_by("pk"))
    assert len(rows) == 6
    for round_ in range(3):
        a, b = rows[2 * round_], rows[2 * round_ + 1]
        failures = _run_at_once([
            lambda a=a: sessions.attendance_mark(actor=chair, attendance=a, status=AttendanceStatus.PRESENT),
            lambda b=b: sessions.attendance_mark(actor=secretary, attendance=b, status=AttendanceStatus.PRESENT),
        ])
        assert failures == []
    meeting = Meeting.objects.get(pk=meeting.pk)
    present = Attendance.objects.filter(meeting=meeting, status=AttendanceStatus.PRESENT).count()
    assert present == 6 and meeting.present_count == 6 and meeting.expected_count == 8
    assert meeting.is_quorate is True  # 6 of 8
    assert AuditEvent.objects.filter(action="meetings.meeting.mark").count() == 6


def test_invitees_signing_in_at_once_are_all_counted():
    nodes = tree()
    chair = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    people = [user(Role.RESIDENT) for _ in range(4)]
    body = factories.body_with_members(nodes["community"], chair=chair, members=0)
    for person in people:
        factories.member(body, user=person)
    meeting = sessions.meeting_open(actor=chair, meeting=factories.meeting(body))
    code = meeting.signin_code
    failures = _run_at_once([
        (lambda p=p: sessions.attendance_sign_in(actor=p, meeting=meeting.pk, code=code)) for p in people
    ])
    assert failures == []
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.present_count == 4 and meeting.expected_count == 6
