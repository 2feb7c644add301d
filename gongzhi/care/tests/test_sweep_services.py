"""The missed-visit sweep: a turn not done is marked missed and its carer told, the branch secretary
a day later; a household not seen for too long is flagged to the community once; idempotent."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.care.models import CarePlan, TurnState
from gongzhi.care.services import visits
from gongzhi.care.services.sweep import sweep
from gongzhi.core.actors import SystemActor
from gongzhi.core.models import Notification

from . import factories
from . import factories_visits as f

pytestmark = pytest.mark.django_db

SYSTEM = SystemActor(label="test:sweep")


@pytest.fixture
def w():
    return factories.care_world()


def _told(kind):
    return list(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def test_given_yesterdays_turn_not_done_when_swept_twice_then_missed_and_the_carer_told_once(w):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    t = f.turn(w, date=yesterday)
    today_turn = f.turn(w, date=timezone.localdate())
    # tomorrow at 08:00: a day after yesterday's turn ended, grace passed, today's turn not yet late (a fixed
    # hour, not "now + 25 h": run late in the evening, that would make today's turn late too)
    now = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time(8)))
    first = sweep(actor=SYSTEM, now=now)
    second = sweep(actor=SYSTEM, now=now)
    t.refresh_from_db()
    today_turn.refresh_from_db()
    assert first["missed"] >= 1 and second["missed"] == 0
    assert t.state == TurnState.MISSED and t.flagged_carer_at == now
    assert _told("care.turn_late") == [w["volunteer_user"].pk]
    assert _told("care.turn_missed") == []


def test_given_a_missed_turn_when_swept_a_day_later_then_the_secretary_is_told_once(w):
    t = f.turn(w, date=timezone.localdate() - dt.timedelta(days=3))
    now = timezone.now()
    sweep(actor=SYSTEM, now=now)
    later = now + dt.timedelta(hours=25)
    assert sweep(actor=SYSTEM, now=later)["branch_told"] == 1
    assert sweep(actor=SYSTEM, now=later)["branch_told"] == 0
    t.refresh_from_db()
    assert t.flagged_branch_at == later and _told("care.turn_missed") == [w["secretary"].pk]


def test_given_a_turn_visited_in_time_when_swept_then_nothing_is_told(w):
    f.turn(w, date=timezone.localdate())
    visits.visit_record(actor=w["volunteer_user"], plan=w["plan"], check_in_code=w["plan"].checkin_code)
    sweep(actor=SYSTEM, now=timezone.now() + dt.timedelta(days=5))
    assert _told("care.turn_late") == [] and _told("care.turn_missed") == []


def test_given_a_household_not_seen_too_long_when_swept_then_the_community_is_told_once_until_a_visit(w):
    plan = w["plan"]
    CarePlan.objects.filter(pk=plan.pk).update(last_visit_at=timezone.now() - dt.timedelta(days=10))  # every 7 + 2
    first = sweep(actor=SYSTEM)
    second = sweep(actor=SYSTEM)
    assert first["unseen"] == 1 and second["unseen"] == 0
    told = _told("care.household_unseen")
    assert sorted(told) == sorted([w["community_staff"].pk, w["grid_worker"].pk])
    visits.visit_record(actor=w["volunteer_user"], plan=plan, check_in_code=plan.checkin_code)
    plan.refresh_from_db()
    assert plan.overdue_flagged_at is None
    assert sweep(actor=SYSTEM)["unseen"] == 0


def test_given_a_household_seen_within_its_interval_when_swept_then_not_flagged(w):
    CarePlan.objects.filter(pk=w["plan"].pk).update(last_visit_at=timezone.now() - dt.timedelta(days=8))
    assert sweep(actor=SYSTEM)["unseen"] == 0
