"""Activities through their services: sign-up, the waiting list and its promotion, cancelling with
the reason, series, check-in/out by the rotating code and by the organiser, hours capped by the
activity, points once per check-out, reminders once, the sweep after the end."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.actors import SystemActor
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent, Notification
from gongzhi.points.models import Entry
from gongzhi.volunteers import checkin_codes
from gongzhi.volunteers.models import (
    ActivityRecurrence,
    ActivityState,
    ActivityType,
    CheckMethod,
    Signup,
    SignupState,
    VolunteerStatus,
)
from gongzhi.volunteers.selectors.accounts import volunteer_balance
from gongzhi.volunteers.services import activities as services
from gongzhi.volunteers.tests import factories

pytestmark = pytest.mark.django_db
NOW = timezone.now
SWEEP = SystemActor(label="task:test")


def world(volunteers: int = 3) -> SimpleNamespace:
    """A community with its staff and `volunteers` registered volunteers with accounts in grid A."""
    nodes = tree()
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    people = []
    for _ in range(volunteers):
        account = user(Role.RESIDENT)
        people.append(factories.volunteer(nodes["household_a"], user=account))
    return SimpleNamespace(nodes=nodes, staff=staff, volunteers=people, users=[v.user for v in people])


def running(w, *, started_ago: dt.timedelta = dt.timedelta(minutes=10), hours: float = 2, **extra):
    """A published activity of the community that started `started_ago` ago."""
    return factories.activity(w.nodes["community"], starts_at=NOW() - started_ago, hours=hours, **extra)


# --- sign-up and the waiting list ------------------------------------------------------------


def test_signing_up_beyond_the_headcount_waits_and_a_cancel_moves_the_first_waiting_up():
    # given an activity with two places and three volunteers signing up in turn
    w = world(3)
    activity = factories.activity(w.nodes["community"], capacity=2)
    first, second, third = (services.signup_create(actor=u, activity=activity) for u in w.users)
    # then the third waits
    assert [first.state, second.state, third.state] == [SignupState.SIGNED_UP, SignupState.SIGNED_UP,
                                                        SignupState.WAITLISTED]
    # when the first cancels
    services.signup_cancel(actor=w.users[0], signup=first)
    # then the third is signed up and told through the inbox
    third.refresh_from_db()
    assert third.state == SignupState.SIGNED_UP
    told = Notification.objects.get(recipient=w.users[2], kind="volunteers.promoted")
    assert activity.title in told.title


def test_signing_up_twice_is_refused_and_cancelled_can_sign_up_again():
    w = world(1)
    activity = factories.activity(w.nodes["community"])
    signup = services.signup_create(actor=w.users[0], activity=activity)
    with pytest.raises(Conflict):
        services.signup_create(actor=w.users[0], activity=activity)
    services.signup_cancel(actor=w.users[0], signup=signup)
    again = services.signup_create(actor=w.users[0], activity=activity)
    assert again.pk == signup.pk and again.state == SignupState.SIGNED_UP


def test_only_registered_active_volunteers_sign_up():
    w = world(1)
    activity = factories.activity(w.nodes["community"])
    with pytest.raises(Forbidden):
        services.signup_create(actor=user(Role.RESIDENT), activity=activity)
    w.volunteers[0].status = VolunteerStatus.LEFT
    w.volunteers[0].save()
    with pytest.raises(Forbidden):
        services.signup_create(actor=w.users[0], activity=activity)


def test_draft_and_started_activities_take_no_sign_ups():
    w = world(1)
    draft = factories.activity(w.nodes["community"], state=ActivityState.DRAFT, organiser=w.staff)
    started = running(w)
    with pytest.raises(NotFound):  # a draft is not shown to volunteers
        services.signup_create(actor=w.users[0], activity=draft)
    with pytest.raises(Conflict) as refused:
        services.signup_create(actor=w.users[0], activity=started)
    assert refused.value.code == "started"
    assert not Signup.objects.exists()


def test_a_volunteer_sees_activities_of_their_area_and_above_but_not_of_a_sibling_grid():
    from gongzhi.volunteers.selectors.activities import open_activities

    w = world(1)
    above = factories.activity(w.nodes["community"])
    sibling = factories.activity(w.nodes["grid_b"])
    mine = factories.activity(w.nodes["grid_a"], type=ActivityType.ELDERLY)
    seen = set(open_activities(w.users[0]).values_list("pk", flat=True))
    assert seen == {above.pk, mine.pk}
    assert list(open_activities(w.users[0], type=ActivityType.ELDERLY).values_list("pk", flat=True)) == [mine.pk]
    with pytest.raises(Exception):  # noqa: B017,PT011 - NotFound
        services.signup_create(actor=w.users[0], activity=sibling)


# --- setting up ------------------------------------------------------------------------------------


def test_a_weekly_series_creates_its_occurrences_up_to_the_end_date():
    w = world(0)
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=2), dt.time(8, 30)))
    first = services.activity_create(
        actor=w.staff, area=w.nodes["community"], title="每周半天 环境整治", type=ActivityType.ENVIRONMENT,
        place="小区广场", starts_at=start, ends_at=start + dt.timedelta(hours=3), capacity=20,
        recurrence=ActivityRecurrence.WEEKLY, repeat_until=start.date() + dt.timedelta(weeks=3), publish=True,
    )
    series = list(type(first).objects.filter(series=first.series).order_by("starts_at"))
    assert len(series) == 4 and first.series
    assert all(a.state == ActivityState.PUBLISHED for a in series)
    assert [timezone.localtime(a.starts_at).time() for a in series] == [dt.time(8, 30)] * 4
    assert (series[1].starts_at - series[0].starts_at) == dt.timedelta(weeks=1)


@pytest.mark.parametrize(("change", "field"), [
    ({"ends_at": -1}, "ends_at"), ({"capacity": 0}, "capacity"), ({"title": " "}, "title"), ({"place": ""}, "place"),
    ({"type": "dancing"}, "type"), ({"recurrence": "weekly"}, "repeat_until"),
])
def test_bad_activities_are_refused_on_their_field(change, field):
    w = world(0)
    start = NOW() + dt.timedelta(days=1)
    data = {"title": "义诊", "type": ActivityType.HEALTH, "place": "服务中心", "starts_at": start,
            "ends_at": start + dt.timedelta(hours=2), "capacity": 5}
    if change.get("ends_at") == -1:
        change = {"ends_at": start - dt.timedelta(hours=1)}
    data.update(change)
    with pytest.raises(InvalidInput) as refused:
        services.activity_create(actor=w.staff, area=w.nodes["community"], **data)
    assert field in refused.value.fields


def test_cancelling_needs_a_reason_and_tells_those_signed_up():
    w = world(2)
    activity = factories.activity(w.nodes["community"], capacity=1)
    for u in w.users:
        services.signup_create(actor=u, activity=activity)
    with pytest.raises(InvalidInput):
        services.activity_cancel(actor=w.staff, activity=activity, reason=" ")
    services.activity_cancel(actor=w.staff, activity=activity, reason="大风天气")
    activity.refresh_from_db()
    assert activity.state == ActivityState.CANCELLED and activity.cancel_reason == "大风天气"
    assert Notification.objects.filter(kind="volunteers.activity_cancelled").count() == 2


def test_a_team_leader_runs_activities_of_their_team_only():
    w = world(1)
    leader = w.volunteers[0]
    team = factories.team(w.nodes["community"], leader=leader)
    start = NOW() + dt.timedelta(days=1)
    data = {"title": "四点半课堂", "type": ActivityType.CHILDREN, "place": "书屋", "starts_at": start,
            "ends_at": start + dt.timedelta(hours=2), "capacity": 8}
    activity = services.activity_create(actor=leader.user, area=w.nodes["community"], team=team, **data)
    assert activity.organiser == leader.user
    with pytest.raises(InvalidInput):
        services.activity_create(actor=leader.user, area=w.nodes["community"], **data)
    other = factories.team(w.nodes["community"])
    with pytest.raises(InvalidInput):
        services.activity_create(actor=leader.user, area=w.nodes["community"], team=other, **data)


# --- codes -------------------------------------------------------------------------------------------


def test_the_code_rotates_each_minute_and_only_the_current_and_previous_are_accepted():
    w = world(0)
    activity, other = running(w), running(w)
    now = NOW()
    assert checkin_codes.verify(activity, checkin_codes.code_for(activity, now), now)
    assert checkin_codes.verify(activity, checkin_codes.code_for(activity, now - dt.timedelta(seconds=60)), now)
    assert not checkin_codes.verify(activity, checkin_codes.code_for(activity, now - dt.timedelta(seconds=121)), now)
    assert not checkin_codes.verify(activity, checkin_codes.code_for(activity, now - dt.timedelta(days=1)), now)
    assert not checkin_codes.verify(activity, checkin_codes.code_for(other, now), now) or \
        checkin_codes.code_for(other, now) == checkin_codes.code_for(activity, now)
    assert len(checkin_codes.code_for(activity, now)) == 6


def test_yesterdays_code_and_another_activitys_code_are_refused_and_nothing_is_written():
    w = world(1)
    activity, other = running(w), running(w)
    signup = factories.signup(activity, w.volunteers[0])
    for code in (checkin_codes.code_for(activity, NOW() - dt.timedelta(days=1)), checkin_codes.code_for(other),
                 "12345", "abcdef", ""):
        if code == checkin_codes.code_for(activity):
            continue
        with pytest.raises(InvalidInput) as refused:
            services.check_in_by_code(actor=w.users[0], activity=activity, code=code)
        assert "code" in refused.value.fields
    signup.refresh_from_db()
    assert signup.state == SignupState.SIGNED_UP and signup.checked_in_at is None


# --- check-in, check-out, hours, points ----------------------------------------------------------------


def test_check_in_and_out_by_code_counts_the_minutes_and_earns_points_once():
    factories.earning_rules()
    w = world(1)
    activity = running(w, started_ago=dt.timedelta(hours=1), type=ActivityType.ELDERLY)
    signup = factories.signup(activity, w.volunteers[0])
    services.check_in_by_code(actor=w.users[0], activity=activity, code=checkin_codes.code_for(activity))
    Signup.objects.filter(pk=signup.pk).update(checked_in_at=activity.starts_at)  # came at the start
    done = services.check_out_by_code(actor=w.users[0], activity=activity, code=checkin_codes.code_for(activity))
    assert done.state == SignupState.DONE and done.check_method == CheckMethod.CODE
    assert 59 <= done.minutes <= 61
    entries = Entry.objects.filter(source__startswith=f"signup:{signup.pk}:")
    assert sorted(entries.values_list("source", flat=True)) == [f"signup:{signup.pk}:activity", f"signup:{signup.pk}:hours"]
    balance = volunteer_balance(volunteer=w.volunteers[0])
    hours = entries.get(source__endswith=":hours")
    assert hours.quantity == (Decimal(done.minutes) / 60).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    assert balance == int(10 * hours.quantity) + 5
    # when the award runs again (the sweep, a retry), nothing more is earned
    services._award(services.RUN and w.staff, done)
    services.close_finished(actor=SWEEP)
    assert volunteer_balance(volunteer=w.volunteers[0]) == balance
    assert Entry.objects.filter(source__startswith=f"signup:{signup.pk}:").count() == 2


def test_hours_never_exceed_the_activitys_length():
    factories.earning_rules()
    w = world(1)
    activity = factories.activity(w.nodes["community"], starts_at=NOW() - dt.timedelta(minutes=100), hours=1.5)
    signup = factories.signup(activity, w.volunteers[0])
    services.check_in_by_organiser(actor=w.staff, signup=signup, at=activity.starts_at - dt.timedelta(minutes=20))
    done = services.check_out_by_organiser(actor=w.staff, signup=signup)
    assert done.minutes == 90 and done.check_method == CheckMethod.ORGANISER
    assert volunteer_balance(volunteer=w.volunteers[0]) == 15


def test_checking_in_twice_out_before_in_and_out_without_in_are_refused_with_nothing_written():
    w = world(2)
    activity = running(w)
    first, second = (factories.signup(activity, v) for v in w.volunteers)
    code = checkin_codes.code_for(activity)
    # out without in
    with pytest.raises(Conflict) as refused:
        services.check_out_by_code(actor=w.users[1], activity=activity, code=code)
    assert refused.value.code == "not_checked_in"
    with pytest.raises(Conflict):
        services.check_out_by_organiser(actor=w.staff, signup=second)
    # in twice
    services.check_in_by_code(actor=w.users[0], activity=activity, code=code)
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict) as refused:
        services.check_in_by_code(actor=w.users[0], activity=activity, code=code)
    assert refused.value.code == "checked_in"
    with pytest.raises(Conflict):
        services.check_in_by_organiser(actor=w.staff, signup=first)
    # out before in (the organiser gives a time before the check-in)
    first.refresh_from_db()
    with pytest.raises(InvalidInput) as refused:
        services.check_out_by_organiser(actor=w.staff, signup=first, at=first.checked_in_at - dt.timedelta(minutes=5))
    assert "at" in refused.value.fields
    assert AuditEvent.objects.count() == events
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == SignupState.CHECKED_IN and first.checked_out_at is None
    assert second.state == SignupState.SIGNED_UP and second.checked_in_at is None


def test_check_in_opens_thirty_minutes_before_and_closes_at_the_end():
    w = world(2)
    early = factories.activity(w.nodes["community"], starts_at=NOW() + dt.timedelta(minutes=45))
    soon = factories.activity(w.nodes["community"], starts_at=NOW() + dt.timedelta(minutes=20))
    over = factories.activity(w.nodes["community"], starts_at=NOW() - dt.timedelta(hours=3), hours=2)
    for activity in (early, soon, over):
        factories.signup(activity, w.volunteers[0])
    with pytest.raises(Conflict) as refused:
        services.check_in_by_code(actor=w.users[0], activity=early, code=checkin_codes.code_for(early))
    assert refused.value.code == "too_early"
    assert services.check_in_by_code(actor=w.users[0], activity=soon, code=checkin_codes.code_for(soon)).state == \
        SignupState.CHECKED_IN
    with pytest.raises(Conflict) as refused:
        services.check_in_by_code(actor=w.users[0], activity=over, code=checkin_codes.code_for(over))
    assert refused.value.code == "too_late"


def test_someone_not_signed_up_cannot_check_in_and_a_volunteer_cannot_check_in_others():
    w = world(2)
    activity = running(w)
    signup = factories.signup(activity, w.volunteers[0])
    with pytest.raises(Conflict):
        services.check_in_by_code(actor=w.users[1], activity=activity, code=checkin_codes.code_for(activity))
    with pytest.raises(Exception):  # noqa: B017,PT011 - Forbidden or NotFound
        services.check_in_by_organiser(actor=w.users[1], signup=signup)


def test_the_organiser_evaluates_a_participant():
    w = world(1)
    activity = running(w)
    signup = factories.signup(activity, w.volunteers[0])
    with pytest.raises(Conflict):
        services.signup_evaluate(actor=w.staff, signup=signup, evaluation="认真负责")
    services.check_in_by_organiser(actor=w.staff, signup=signup)
    assert services.signup_evaluate(actor=w.staff, signup=signup, evaluation="认真负责").evaluation == "认真负责"
    with pytest.raises(InvalidInput):
        services.signup_evaluate(actor=w.staff, signup=signup, evaluation="")


# --- background work ------------------------------------------------------------------------------


def test_reminders_go_the_day_before_and_two_hours_before_each_once():
    w = world(2)
    activity = factories.activity(w.nodes["community"], starts_at=NOW() + dt.timedelta(hours=20))
    factories.signup(activity, w.volunteers[0])
    factories.signup(activity, w.volunteers[1], state=SignupState.WAITLISTED)
    assert services.remind_upcoming(actor=SWEEP) == 1
    assert services.remind_upcoming(actor=SWEEP) == 0
    # eighteen hours later: two hours before (the clock moved by moving the activity and the reminder)
    Signup.objects.filter(activity=activity).exclude(reminded_at=None).update(reminded_at=NOW() - dt.timedelta(hours=18))
    type(activity).objects.filter(pk=activity.pk).update(starts_at=NOW() + dt.timedelta(minutes=100),
                                                          ends_at=NOW() + dt.timedelta(hours=3))
    assert services.remind_upcoming(actor=SWEEP) == 1
    assert services.remind_upcoming(actor=SWEEP) == 0
    assert Notification.objects.filter(kind="volunteers.reminder", recipient=w.users[0]).count() == 2
    assert not Notification.objects.filter(recipient=w.users[1]).exists()


def test_after_the_end_the_sweep_checks_out_at_the_end_records_no_shows_and_finishes():
    factories.earning_rules()
    w = world(3)
    activity = factories.activity(w.nodes["community"], starts_at=NOW() - dt.timedelta(hours=3), hours=2)
    came, forgot, absent = (factories.signup(activity, v) for v in w.volunteers)
    services.check_in_by_organiser(actor=w.staff, signup=came, at=activity.starts_at)
    services.check_out_by_organiser(actor=w.staff, signup=came, at=activity.starts_at + dt.timedelta(hours=1))
    services.check_in_by_organiser(actor=w.staff, signup=forgot, at=activity.starts_at + dt.timedelta(minutes=30))
    assert services.close_finished(actor=SWEEP) == 1
    for row in (came, forgot, absent):
        row.refresh_from_db()
    activity.refresh_from_db()
    assert activity.state == ActivityState.FINISHED
    assert (came.state, came.minutes) == (SignupState.DONE, 60)
    assert (forgot.state, forgot.minutes, forgot.checked_out_at) == (SignupState.DONE, 90, activity.ends_at)
    assert absent.state == SignupState.NO_SHOW
    assert volunteer_balance(volunteer=w.volunteers[1]) == 15
    assert services.close_finished(actor=SWEEP) == 0
