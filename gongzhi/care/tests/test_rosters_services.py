"""Rosters through the services: fair, within everyone's limits, saying why when they cannot be;
published to the carers; swaps checked and decided; tomorrow's turns reminded once."""

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from gongzhi.accounts.tests.factories import user
from gongzhi.care.models import Roster, RosterState, SwapState, Turn, TurnState
from gongzhi.care.services import rosters as services
from gongzhi.core.actors import SystemActor
from gongzhi.core.audit import AuditEvent
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import Notification

from . import factories_rosters as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def _turns(roster):
    return list(Turn.objects.filter(roster=roster).select_related("carer"))


def test_given_a_branch_when_the_secretary_generates_then_a_fair_draft_within_everyones_limits(w):
    w["carer_member"].unavailable_weekdays = [0, 1]
    w["carer_member"].save()
    start = f.next_monday()
    f.leave(w["carer_volunteer"], start, start + dt.timedelta(days=6))
    roster = f.generate(w, start=start)
    assert roster.state == RosterState.DRAFT and roster.max_load - roster.min_load <= 1
    turns = _turns(roster)
    assert roster.turn_count == len(turns) > 0
    loads = Counter(t.carer_id for t in turns)
    assert max(loads.values()) - min(loads.values()) <= 1 and len(loads) == 4
    assert not [t for t in turns if t.carer_id == w["carer_member"].pk and t.date.weekday() in (0, 1)]
    assert not [t for t in turns if t.carer_id == w["carer_volunteer"].pk and t.date < start + dt.timedelta(days=7)]
    weekly = Counter((t.carer_id, t.date.isocalendar()[:2]) for t in turns)
    assert max(weekly.values()) <= 3
    event = AuditEvent.objects.get(action="care.roster.generate")
    assert event.after["spread"] <= 1 and event.after["turns"] == len(turns)


def test_given_a_carer_on_leave_the_whole_period_when_generating_then_refused_naming_them_and_the_leave(w):
    start = f.next_monday()
    f.leave(w["carer_extra"], start - dt.timedelta(days=3), start + dt.timedelta(days=40))
    with pytest.raises(InvalidInput) as caught:
        f.generate(w, start=start)
    reasons = caught.value.fields["__all__"]
    assert any("赵敏" in r and str(start.year) in r for r in reasons), reasons
    assert "end_on" in caught.value.fields
    assert not Roster.objects.exists()


def test_given_a_draft_when_generating_again_then_it_replaces_the_draft_but_a_published_one_refuses(w):
    first = f.generate(w)
    second = f.generate(w)
    assert list(Roster.objects.values_list("pk", flat=True)) == [second.pk]
    assert not Turn.objects.filter(roster_id=first.pk).exists()
    services.roster_publish(actor=w["secretary"], roster=second)
    with pytest.raises(InvalidInput) as caught:
        f.generate(w, start=f.next_monday() + dt.timedelta(days=7))
    assert "start_on" in caught.value.fields


def test_given_a_bad_period_when_generating_then_refused_on_the_field(w):
    start = f.next_monday()
    with pytest.raises(InvalidInput) as caught:
        services.roster_generate(actor=w["secretary"], branch=w["care_branch"], start_on=start,
                                 end_on=start - dt.timedelta(days=1))
    assert "end_on" in caught.value.fields
    with pytest.raises(InvalidInput) as caught:
        services.roster_generate(actor=w["secretary"], branch=w["care_branch"], start_on=start,
                                 end_on=start + dt.timedelta(days=120))
    assert "end_on" in caught.value.fields
    with pytest.raises(InvalidInput) as caught:
        services.roster_generate(actor=w["secretary"], branch=w["care_branch"], start_on="明天", end_on=start)
    assert "start_on" in caught.value.fields


def test_given_a_carer_when_generating_then_forbidden_and_an_outsider_does_not_find_the_branch(w):
    with pytest.raises(Forbidden):
        f.generate(w, actor=w["volunteer_user"])
    with pytest.raises(InvalidInput) as caught:
        f.generate(w, actor=user("community_staff", nodes=[w["other_community"]]))
    assert "branch" in caught.value.fields


def test_given_a_draft_when_published_then_each_carer_is_told_once(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        roster = f.published(w)
    assert roster.state == RosterState.PUBLISHED and roster.published_at
    told = Notification.objects.filter(kind="care.roster_published")
    assert sorted(n.recipient_id for n in told) == sorted(
        {w["group_user"].pk, w["member_user"].pk, w["volunteer_user"].pk})
    assert all(n.url == "/care/my-turns/" for n in told)
    with pytest.raises(Conflict):
        services.roster_publish(actor=w["secretary"], roster=roster)


def test_given_a_published_roster_when_withdrawn_then_its_planned_turns_are_cancelled(w):
    roster = f.published(w)
    services.roster_withdraw(actor=w["community_staff"], roster=roster)
    assert set(Turn.objects.filter(roster=roster).values_list("state", flat=True)) == {TurnState.CANCELLED}
    assert AuditEvent.objects.filter(action="care.roster.withdraw").count() == 1


def test_given_two_turns_when_a_carer_asks_and_the_secretary_approves_then_they_are_exchanged(
        w, django_capture_on_commit_callbacks):
    roster = f.published(w)
    mine, theirs = f.pair(roster, w["carer_member"], w["carer_volunteer"])
    with django_capture_on_commit_callbacks(execute=True):
        swap = services.swap_request(actor=w["member_user"], turn=mine, other_turn=theirs, reason="出差")
    assert Notification.objects.filter(kind="care.swap_requested", recipient=w["secretary"]).count() == 1
    with pytest.raises(Forbidden):
        services.swap_approve(actor=w["member_user"], swap=swap)
    with django_capture_on_commit_callbacks(execute=True):
        services.swap_approve(actor=w["secretary"], swap=swap)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.carer_id == w["carer_volunteer"].pk and theirs.carer_id == w["carer_member"].pk
    swap.refresh_from_db()
    assert swap.state == SwapState.APPROVED
    told = set(Notification.objects.filter(kind="care.swap_decided").values_list("recipient_id", flat=True))
    assert told == {w["member_user"].pk, w["volunteer_user"].pk}


def test_given_a_swap_onto_an_unavailable_weekday_when_asked_then_refused_with_the_reason(w):
    roster = f.published(w)
    mine, theirs = f.pair(roster, w["carer_member"], w["carer_volunteer"])
    w["carer_member"].unavailable_weekdays = [theirs.date.weekday()]
    w["carer_member"].save()
    with pytest.raises(InvalidInput) as caught:
        services.swap_request(actor=w["member_user"], turn=mine, other_turn=theirs)
    assert "王建国" in caught.value.fields["other_turn"][0]


def test_given_a_swap_asked_when_the_other_goes_on_leave_then_approval_is_refused_with_the_reason(w):
    roster = f.published(w)
    mine, theirs = f.pair(roster, w["carer_member"], w["carer_volunteer"])
    swap = services.swap_request(actor=w["member_user"], turn=mine, other_turn=theirs)
    f.leave(w["carer_volunteer"], mine.date, mine.date)
    with pytest.raises(InvalidInput) as caught:
        services.swap_approve(actor=w["secretary"], swap=swap)
    assert "李秀兰" in caught.value.message
    swap.refresh_from_db()
    assert swap.state == SwapState.REQUESTED


def test_given_someone_elses_turn_when_a_carer_asks_then_not_found_and_the_requester_withdraws(w):
    roster = f.published(w)
    mine, theirs = f.pair(roster, w["carer_member"], w["carer_volunteer"])
    with pytest.raises(NotFound):
        services.swap_request(actor=w["group_user"], turn=theirs, other_turn=mine)
    swap = services.swap_request(actor=w["member_user"], turn=mine, other_turn=theirs)
    with pytest.raises(InvalidInput):
        services.swap_request(actor=w["member_user"], turn=mine, other_turn=theirs)
    with pytest.raises(Forbidden):
        services.swap_withdraw(actor=w["volunteer_user"], swap=swap)
    assert services.swap_withdraw(actor=w["member_user"], swap=swap).state == SwapState.WITHDRAWN
    refused = services.swap_request(actor=w["member_user"], turn=mine, other_turn=theirs)
    assert services.swap_refuse(actor=w["secretary"], swap=refused).state == SwapState.REFUSED
    with pytest.raises(Conflict):
        services.swap_approve(actor=w["secretary"], swap=refused)


def test_given_turns_tomorrow_when_reminding_twice_then_each_carer_is_told_once(w):
    roster = f.published(w, start=timezone.localdate() - dt.timedelta(days=2))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    Turn.objects.filter(roster=roster, date=tomorrow).delete()
    turn = Turn.objects.filter(roster=roster, plan=w["plan"]).first()
    Turn.objects.create(roster=roster, plan=turn.plan, carer=w["carer_member"], date=tomorrow)
    draft_roster = Roster.objects.create(branch=w["care_branch"], start_on=tomorrow, end_on=tomorrow)
    Turn.objects.create(roster=draft_roster, plan=turn.plan, carer=w["carer_volunteer"], date=tomorrow)
    actor = SystemActor(label="test")
    assert services.remind_tomorrow(actor=actor) == 1
    assert services.remind_tomorrow(actor=actor) == 0
    told = Notification.objects.get(kind="care.turn_reminder")
    assert told.recipient == w["member_user"] and "101室" in told.title and told.url == "/care/my-turns/"


def test_given_a_plan_that_skips_holidays_when_a_holiday_is_a_weekday_then_no_turn_that_day(w, settings):
    from gongzhi.core import calendar
    from gongzhi.core.models import CalendarDay

    start = f.next_monday(2)
    holiday = start + dt.timedelta(days=2)
    CalendarDay.objects.create(date=holiday, kind="holiday", name="假日")
    calendar.clear_cache()
    w["plan2"].every_days = 1
    w["plan2"].skip_holidays = True
    w["plan2"].save()
    for key in ("carer_member", "carer_volunteer", "carer_extra", "carer_group"):
        w[key].max_per_week = 7
        w[key].save()
    try:
        roster = f.generate(w, start=start, days=7)
        days = set(Turn.objects.filter(roster=roster, plan=w["plan2"]).values_list("date", flat=True))
        assert holiday not in days and start in days
    finally:
        calendar.clear_cache()
