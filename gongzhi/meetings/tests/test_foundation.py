"""The meetings foundation: periods of a cadence, the quorum rule, bodies with members, a meeting
inviting them, and who sees what."""

import datetime as dt

import pytest

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.errors import Forbidden, InvalidInput
from gongzhi.meetings.models import (
    Body,
    BodyKind,
    Cadence,
    Decision,
    Meeting,
    MeetingKind,
    MemberRole,
    QuorumRule,
    period_of,
    quorum_met,
)
from gongzhi.meetings.services import bodies, meetings
from gongzhi.meetings.tests import factories

pytestmark = pytest.mark.django_db


def test_periods_follow_the_calendar():
    assert period_of(Cadence.BIMONTHLY, dt.date(2026, 4, 15)) == (dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    assert period_of(Cadence.QUARTERLY, dt.date(2026, 12, 31)) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert period_of(Cadence.YEARLY, dt.date(2026, 2, 1)) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert period_of(Cadence.MONTHLY, dt.date(2028, 2, 10)) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert period_of(Cadence.NONE, dt.date(2026, 2, 1)) is None


def test_the_quorum_rules():
    assert quorum_met(QuorumRule.MORE_THAN_HALF, 3, 5) and not quorum_met(QuorumRule.MORE_THAN_HALF, 2, 4)
    assert quorum_met(QuorumRule.TWO_THIRDS, 4, 6) and not quorum_met(QuorumRule.TWO_THIRDS, 3, 6)
    assert quorum_met(QuorumRule.NONE, 0, 0)


def test_a_party_branch_owes_the_three_meetings_and_a_lecture_and_the_theme_day():
    nodes = tree()
    branch = factories.body(nodes["grid_a"], kind=BodyKind.PARTY_BRANCH, name="第一网格党支部")
    assert set(branch.cadences.values_list("kind", flat=True)) == {
        MeetingKind.BRANCH_ASSEMBLY, MeetingKind.BRANCH_COMMITTEE, MeetingKind.GROUP_MEETING,
        MeetingKind.PARTY_LECTURE, MeetingKind.THEME_DAY,
    }


def test_a_meeting_invites_the_active_members_and_counts_the_voting_ones():
    nodes = tree()
    body = factories.body_with_members(nodes["community"], members=3, observers=1)
    gone = factories.member(body, name="张已退")
    bodies.member_remove(actor=factories.ACTOR, member=gone)
    meeting = factories.meeting(body)
    assert meeting.attendances.count() == 6
    assert meeting.expected_count == 5  # chair, secretary, three members; the observer does not count
    assert meeting.is_quorate is False


def test_an_outside_partys_phone_is_stored_encrypted_and_shown_masked():
    nodes = tree()
    body = factories.body_with_members(nodes["community"])
    meeting = factories.meeting(body, guests=[{"name": "赵经理", "organization": "兰州热力公司", "phone": "13912345678"}])
    guest = meeting.attendances.get(is_outside_party=True)
    assert guest.phone_masked == "139****5678"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM meetings_attendance WHERE id = %s", [guest.pk])
        assert "13912345678" not in cursor.fetchone()[0]


def test_a_bad_phone_or_a_missing_title_is_refused_on_its_field():
    nodes = tree()
    body = factories.body_with_members(nodes["community"])
    with pytest.raises(InvalidInput) as bad:
        factories.meeting(body, guests=[{"name": "赵经理", "phone": "12"}])
    assert "phone" in bad.value.fields
    with pytest.raises(InvalidInput) as untitled:
        meetings.meeting_create(actor=factories.ACTOR, body=body, title=" ", starts_at=dt.datetime(2026, 5, 1, 9))
    assert "title" in untitled.value.fields
    assert not Meeting.objects.exists()


def test_staff_see_the_bodies_of_their_area_and_members_their_own():
    nodes = tree()
    other = tree()
    secretary = user(Role.PARTY_MEMBER)
    body = factories.body_with_members(nodes["community"], secretary=secretary)
    factories.body_with_members(other["community"])
    community_staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    grid_worker = user(Role.GRID_WORKER, nodes=[nodes["grid_a"]])
    assert list(Body.objects.visible_to(community_staff)) == [body]
    assert list(Body.objects.visible_to(grid_worker)) == []
    assert list(Body.objects.visible_to(secretary)) == [body]
    meeting = factories.meeting(body)
    assert list(Meeting.objects.visible_to(secretary)) == [meeting]
    decision = factories.decision(meeting, owners=[{"user": grid_worker, "name": "网格员"}])
    assert list(Decision.objects.visible_to(grid_worker)) == [decision]


def test_only_the_areas_staff_create_bodies_there():
    nodes, other = tree(), tree()
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    with pytest.raises(Forbidden):
        bodies.body_create(actor=staff, kind=BodyKind.RESIDENTS_COUNCIL, name="议事会", area=other["community"])
    with pytest.raises(Forbidden):
        bodies.body_create(actor=user(Role.GRID_WORKER, nodes=[nodes["grid_a"]]), kind=BodyKind.RESIDENTS_COUNCIL,
                           name="议事会", area=nodes["grid_a"])
    body = bodies.body_create(actor=staff, kind=BodyKind.RESIDENTS_COUNCIL, name="议事会", area=nodes["community"],
                              cadence=Cadence.QUARTERLY)
    assert body.cadences.get().cadence == Cadence.QUARTERLY
    member = bodies.member_add(actor=staff, body=body, capacity=MemberRole.CHAIR, name="王书记")
    assert member.name == "王书记"
