"""Activities (志愿服务活动): set up, publish, change, cancel, finish; sign-up with a waiting list
that moves up; check-in and check-out by the rotating code or by the organiser; hours capped by the
activity's length; points through the ledger engine; reminders and the sweep after the end.

Places are counted under a lock on the activity row, so twenty volunteers signing up at once for
five places leave exactly five signed up. A check-in or check-out locks only the volunteer's own
sign-up row, so an event's check-ins run side by side.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor, is_system
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.notifications import notify
from gongzhi.core.permissions import can, require
from gongzhi.core.workflow import apply_transition
from gongzhi.points import services as points

from .. import checkin_codes
from ..models import (
    Activity,
    ActivityRecurrence,
    ActivityState,
    ActivityType,
    CheckMethod,
    Signup,
    SignupState,
    Skill,
    Team,
    VolunteerStatus,
)
from ..selectors import activities as selectors
from ..selectors.accounts import volunteer_of
from ..workflow_activities import ACTIVITY_WORKFLOW, SIGNUP_WORKFLOW
from .accounts import volunteer_account

RUN = "volunteers.run_activity"
EARLY_CHECK_IN = dt.timedelta(minutes=30)
MAX_OCCURRENCES = 60
EDITABLE = ("title", "type", "theme", "place", "starts_at", "ends_at", "capacity", "description")


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _lock_activity(actor: Actor, activity: Activity | int) -> Activity:
    pk = activity.pk if isinstance(activity, Activity) else activity
    locked = Activity.objects.select_for_update().filter(pk=pk).first()
    if locked is None or not (is_system(actor) or selectors.visible_activities(actor).filter(pk=pk).exists()):
        raise NotFound()
    return locked


def _lock_signup(actor: Actor, signup: Signup | int) -> Signup:
    pk = signup.pk if isinstance(signup, Signup) else signup
    locked = Signup.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise NotFound()
    if not is_system(actor):
        selectors.signup_for(actor, pk)
    return locked


def _check_fields(*, title: str, place: str, starts_at: dt.datetime, ends_at: dt.datetime, capacity: int,
                  type: str) -> None:
    fields: dict[str, list[str]] = {}
    if not (title or "").strip():
        fields["title"] = [_("Give the activity a title.")]
    if not (place or "").strip():
        fields["place"] = [_("Say where the activity takes place.")]
    if type not in ActivityType.values:
        fields["type"] = [_("Choose a type.")]
    if starts_at is None or ends_at is None:
        fields["starts_at"] = [_("Give the start and the end.")]
    elif ends_at <= starts_at:
        fields["ends_at"] = [_("The activity must end after it starts.")]
    elif ends_at - starts_at > dt.timedelta(hours=24):
        fields["ends_at"] = [_("An activity lasts at most a day; make a series for more.")]
    if not isinstance(capacity, int) or capacity < 1:
        fields["capacity"] = [_("At least one person.")]
    elif capacity > 10000:
        fields["capacity"] = [_("At most 10,000 people.")]
    if fields:
        raise InvalidInput(next(iter(fields.values()))[0], fields=fields)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _occurrences(starts_at: dt.datetime, recurrence: str, repeat_until: dt.date | None) -> list[dt.date]:
    """The days of the series' activities (the first day's time of day for each)."""
    if recurrence == ActivityRecurrence.ONCE:
        return [timezone.localtime(starts_at).date()]
    if recurrence not in ActivityRecurrence.values:
        raise _invalid("recurrence", _("Choose how often it repeats."))
    if repeat_until is None:
        raise _invalid("repeat_until", _("Give the last day of the series."))
    first = timezone.localtime(starts_at).date()
    if repeat_until < first:
        raise _invalid("repeat_until", _("The series cannot end before its first activity."))
    steps: list[dt.date] = []
    i = 0
    while True:
        day = first + dt.timedelta(weeks=i) if recurrence == ActivityRecurrence.WEEKLY else _add_months(first, i)
        if day > repeat_until:
            break
        steps.append(day)
        i += 1
        if len(steps) > MAX_OCCURRENCES:
            raise _invalid("repeat_until", _("A series has at most %(count)d activities.") % {"count": MAX_OCCURRENCES})
    return steps


@transaction.atomic
def activity_create(*, actor: Actor, area: AreaNode, title: str, type: str, place: str, starts_at: dt.datetime,
                    ends_at: dt.datetime, capacity: int, theme: str = "", description: str = "",
                    team: Team | None = None, skills: Iterable[Skill] = (), recurrence: str = ActivityRecurrence.ONCE,
                    repeat_until: dt.date | None = None, publish: bool = False) -> Activity:
    """A draft activity (or a series of them, weekly or monthly up to `repeat_until`: one row each,
    sharing `series`); returns the first. Staff of the area, grid workers and a team's leader."""
    require(actor, RUN, area)
    staff = is_system(actor) or can(actor, "volunteers.register", area)
    if team is not None:
        if not (area.path.startswith(team.area.path) or team.area.path.startswith(area.path)):
            raise _invalid("team", _("The team does not work in this area."))
        if not staff and not team.members.filter(volunteer__user=actor, is_leader=True).exists():
            raise _invalid("team", _("You may only organise activities for your own team."))
    elif not staff:
        raise _invalid("team", _("Choose the team you lead."))
    _check_fields(title=title, place=place, starts_at=starts_at, ends_at=ends_at, capacity=capacity, type=type)
    if not is_system(actor) and starts_at < timezone.now():
        raise _invalid("starts_at", _("The activity cannot start in the past."))
    steps = _occurrences(starts_at, recurrence, repeat_until)
    series = uuid.uuid4().hex if len(steps) > 1 or recurrence != ActivityRecurrence.ONCE else ""
    skills = list(skills)
    created: list[Activity] = []
    local = timezone.localtime(starts_at)
    for day in steps:
        start = timezone.make_aware(dt.datetime.combine(day, local.time().replace(tzinfo=None)))
        activity = Activity(
            title=title.strip(), type=type, theme=theme.strip(), area=area, team=team, place=place.strip(),
            starts_at=start, ends_at=start + (ends_at - starts_at), capacity=capacity, description=description,
            recurrence=recurrence, series=series, state=ActivityState.DRAFT,
            organiser=None if is_system(actor) else actor,
        )
        audit.save(actor=actor, obj=activity, action="volunteers.activity.create",
                   fields=["title", "type", "theme", "area", "team", "place", "starts_at", "ends_at", "capacity",
                           "recurrence", "series"],
                   clean_exclude=["skills"])
        if skills:
            activity.skills.set(skills)
        created.append(activity)
    first = created[0]
    if publish:
        for activity in created:
            activity_publish(actor=actor, activity=activity)
        first.refresh_from_db()
    return first


@transaction.atomic
def activity_update(*, actor: Actor, activity: Activity | int, skills: Iterable[Skill] | None = None,
                    **changes) -> Activity:
    """Change a draft or published activity; a larger headcount moves the waiting list up, a
    smaller one than those already signed up is refused."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    row = _lock_activity(actor, activity)
    promoted: list[Signup] = []

    def update(obj: Activity):
        for name, value in changes.items():
            setattr(obj, name, value.strip() if isinstance(value, str) else value)
        _check_fields(title=obj.title, place=obj.place, starts_at=obj.starts_at, ends_at=obj.ends_at,
                      capacity=obj.capacity, type=obj.type)
        taken = selectors.taken_places(obj)
        if obj.capacity < taken:
            raise _invalid("capacity", _("%(count)d people have signed up already: the headcount cannot be lower.")
                           % {"count": taken})
        if skills is not None:
            obj.skills.set(list(skills))
        promoted.extend(_promote(actor, obj, obj.capacity - taken))
        return list(changes)

    result = apply_transition(ACTIVITY_WORKFLOW, actor=actor, obj=row, action="update", update=update, locked=True)
    _tell_promoted(promoted)
    return result


def activity_publish(*, actor: Actor, activity: Activity | int) -> Activity:
    with transaction.atomic():
        row = _lock_activity(actor, activity)
        return apply_transition(ACTIVITY_WORKFLOW, actor=actor, obj=row, action="publish", locked=True)


def _people(activity: Activity, states: Iterable[str]) -> list:
    return [s.volunteer.user for s in activity.signups.filter(state__in=list(states)).select_related("volunteer__user")
            if s.volunteer.user_id]


def activity_cancel(*, actor: Actor, activity: Activity | int, reason: str) -> Activity:
    """Cancel with the reason; everyone signed up or waiting is told."""
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("Say why the activity is cancelled."))
    if len(reason) > 200:
        raise _invalid("reason", _("At most %(count)d characters.") % {"count": 200})
    with transaction.atomic():
        row = _lock_activity(actor, activity)
        recipients = _people(row, (SignupState.SIGNED_UP, SignupState.WAITLISTED))

        def update(obj):
            obj.cancel_reason = reason
            return ["cancel_reason"]

        done = apply_transition(ACTIVITY_WORKFLOW, actor=actor, obj=row, action="cancel", update=update,
                                note=reason, locked=True)
        notify(recipients=recipients, kind="volunteers.activity_cancelled", obj=done,
               title=_("Cancelled: %(title)s") % {"title": done.title}, body=reason,
               url=reverse("volunteers:activity-join", args=[done.pk]))
        return done


def activity_finish(*, actor: Actor, activity: Activity | int) -> Activity:
    """Close the activity once it has started: those checked in and not out are checked out at the
    end (or now, if earlier), with their hours and points; those signed up who never came are
    recorded as no-shows."""
    with transaction.atomic():
        row = _lock_activity(actor, activity)
        now = timezone.now()
        if row.state == ActivityState.PUBLISHED and now < row.starts_at:
            raise Conflict(_("The activity has not started yet: cancel it instead."), code="not_started")
        closing_at = min(now, row.ends_at)

        def update(obj):
            for signup in obj.signups.select_for_update().filter(state=SignupState.CHECKED_IN):
                _check_out(actor, signup, at=max(closing_at, signup.checked_in_at), method="")
            for signup in obj.signups.select_for_update().filter(state=SignupState.SIGNED_UP):
                apply_transition(SIGNUP_WORKFLOW, actor=actor, obj=signup, action="no_show", locked=True)
            obj.signups.filter(state=SignupState.WAITLISTED).update(state=SignupState.CANCELLED)
            return []

        return apply_transition(ACTIVITY_WORKFLOW, actor=actor, obj=row, action="finish", update=update, locked=True)


# --- sign-up and the waiting list ----------------------------------------------------------------


def _volunteer(actor: Actor):
    volunteer = volunteer_of(actor)
    if volunteer is None or volunteer.status != VolunteerStatus.ACTIVE:
        raise Forbidden(_("Only registered, active volunteers sign up for activities."))
    return volunteer


def _promote(actor: Actor, activity: Activity, free: int) -> list[Signup]:
    """Move the first `free` waiting volunteers up (the activity row is locked by the caller)."""
    if free <= 0 or activity.state != ActivityState.PUBLISHED:
        return []
    moved = []
    for signup in activity.signups.select_for_update().filter(state=SignupState.WAITLISTED).order_by("signed_up_at", "id")[:free]:
        moved.append(apply_transition(SIGNUP_WORKFLOW, actor=actor, obj=signup, action="promote", locked=True))
    return moved


def _tell_promoted(signups: list[Signup]) -> None:
    for signup in signups:
        user = signup.volunteer.user
        if user is None:
            continue
        activity = signup.activity
        notify(recipients=[user], kind="volunteers.promoted", obj=activity,
               title=_("A place came free: you are signed up for %(title)s") % {"title": activity.title},
               body=_("%(when)s at %(place)s") % {"when": timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M"),
                                                   "place": activity.place},
               url=reverse("volunteers:activity-join", args=[activity.pk]))


@transaction.atomic
def signup_create(*, actor: Actor, activity: Activity | int) -> Signup:
    """Sign the volunteer up; when the places are taken, onto the waiting list."""
    volunteer = _volunteer(actor)
    require(actor, "volunteers.take_part")
    row = _lock_activity(actor, activity)
    if row.state != ActivityState.PUBLISHED:
        raise Conflict(_("This activity is not open for sign-up."), code="not_open")
    if row.starts_at <= timezone.now():
        raise Conflict(_("This activity has started already."), code="started")
    existing = Signup.objects.select_for_update().filter(activity=row, volunteer=volunteer).first()
    if existing is not None and existing.state != SignupState.CANCELLED:
        raise Conflict(_("You have signed up for this activity already."), code="already_signed_up")
    state = SignupState.SIGNED_UP if selectors.taken_places(row) < row.capacity else SignupState.WAITLISTED
    if existing is not None:
        existing.state, existing.signed_up_at = state, timezone.now()
        existing.save(update_fields=["state", "signed_up_at"])
        signup = existing
    else:
        signup = Signup.objects.create(activity=row, volunteer=volunteer, state=state)
    audit.record(actor=actor, action="volunteers.signup.create", obj=signup, after={"state": state, "activity": row.pk})
    return signup


@transaction.atomic
def signup_cancel(*, actor: Actor, signup: Signup | int) -> Signup:
    """Cancel one's own sign-up before the start; the first on the waiting list moves up and is told."""
    volunteer = _volunteer(actor)
    pk = signup.pk if isinstance(signup, Signup) else signup
    found = Signup.objects.filter(pk=pk, volunteer=volunteer).first()
    if found is None:
        raise NotFound()
    row = _lock_activity(actor, found.activity_id)
    locked = Signup.objects.select_for_update().get(pk=pk)
    if row.starts_at <= timezone.now() and locked.state == SignupState.SIGNED_UP:
        raise Conflict(_("The activity has started: ask the organiser."), code="started")
    held_place = locked.state == SignupState.SIGNED_UP
    result = apply_transition(SIGNUP_WORKFLOW, actor=actor, obj=locked, action="cancel", locked=True)
    if held_place:
        promoted = _promote(actor, row, row.capacity - selectors.taken_places(row))
        _tell_promoted(promoted)
    return result


# --- check-in and check-out ------------------------------------------------------------------------


def minutes_served(activity: Activity, checked_in_at: dt.datetime, checked_out_at: dt.datetime) -> int:
    """From max(check-in, start) to min(check-out, end): never more than the activity lasts."""
    start = max(checked_in_at, activity.starts_at)
    end = min(checked_out_at, activity.ends_at)
    return max(0, int((end - start).total_seconds() // 60))


def _check_in_window(activity: Activity, at: dt.datetime) -> None:
    if activity.state != ActivityState.PUBLISHED:
        raise Conflict(_("This activity is not running: no check-in."), code="not_running")
    if at < activity.starts_at - EARLY_CHECK_IN:
        raise Conflict(_("Check-in opens 30 minutes before the start."), code="too_early")
    if at > activity.ends_at:
        raise Conflict(_("The activity is over: check-in is closed."), code="too_late")


def _refuse_state(signup: Signup, action: str) -> None:
    """The clear reason why a check-in or check-out cannot happen now."""
    if action == "check_in":
        if signup.state in (SignupState.CHECKED_IN, SignupState.DONE):
            raise Conflict(_("Already checked in at %(time)s.")
                           % {"time": timezone.localtime(signup.checked_in_at).strftime("%H:%M")}, code="checked_in")
        if signup.state not in (SignupState.SIGNED_UP, SignupState.WAITLISTED):
            raise Conflict(_("This sign-up was cancelled: no check-in."), code="not_signed_up")
    else:
        if signup.state == SignupState.DONE:
            raise Conflict(_("Already checked out at %(time)s.")
                           % {"time": timezone.localtime(signup.checked_out_at).strftime("%H:%M")}, code="checked_out")
        if signup.state != SignupState.CHECKED_IN:
            raise Conflict(_("Not checked in: check in first."), code="not_checked_in")


def _check_in(actor: Actor, signup: Signup, *, at: dt.datetime, method: str) -> Signup:
    _refuse_state(signup, "check_in")
    _check_in_window(signup.activity, at)

    def update(obj):
        obj.checked_in_at, obj.check_method = at, method
        return ["checked_in_at", "check_method"]

    return apply_transition(SIGNUP_WORKFLOW, actor=actor, obj=signup, action="check_in", update=update, locked=True)


def _award(actor: Actor, signup: Signup) -> None:
    activity = signup.activity
    account = volunteer_account(actor=actor, volunteer=signup.volunteer)
    on = timezone.localtime(activity.starts_at).date()
    if signup.minutes > 0:
        hours = (Decimal(signup.minutes) / Decimal(60)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        points.earn(actor=actor, account=account, key="hour", quantity=hours, source=f"signup:{signup.pk}:hours",
                    reason=_("%(hours)s h at %(title)s") % {"hours": hours, "title": activity.title}, on=on)
        points.earn(actor=actor, account=account, key=f"activity:{activity.type}", source=f"signup:{signup.pk}:activity",
                    reason=_("Took part in %(title)s") % {"title": activity.title}, on=on)


def _check_out(actor: Actor, signup: Signup, *, at: dt.datetime, method: str) -> Signup:
    _refuse_state(signup, "check_out")
    if at < signup.checked_in_at:
        raise _invalid("at", _("Check-out comes after check-in (%(time)s).")
                       % {"time": timezone.localtime(signup.checked_in_at).strftime("%H:%M")})
    activity = signup.activity

    def update(obj):
        obj.checked_out_at = at
        obj.minutes = minutes_served(activity, obj.checked_in_at, at)
        return ["checked_out_at", "minutes"]

    done = apply_transition(SIGNUP_WORKFLOW, actor=actor, obj=signup, action="check_out", update=update, locked=True)
    _award(actor, done)
    return done


def _own_signup(actor: Actor, activity: Activity | int) -> Signup:
    volunteer = _volunteer(actor)
    pk = activity.pk if isinstance(activity, Activity) else activity
    if not selectors.visible_activities(actor).filter(pk=pk).exists():
        raise NotFound()
    signup = (Signup.objects.select_for_update().select_related("activity", "volunteer")
              .filter(activity_id=pk, volunteer=volunteer).first())
    if signup is None:
        raise Conflict(_("You have not signed up for this activity."), code="not_signed_up")
    return signup


def _code_ok(activity: Activity, code: str, at: dt.datetime) -> None:
    if not checkin_codes.verify(activity, code, at):
        raise _invalid("code", _("This code is not the activity's current code: read the code on the organiser's phone again."))


@transaction.atomic
def check_in_by_code(*, actor: Actor, activity: Activity | int, code: str) -> Signup:
    """The volunteer checks in with the code on the organiser's phone (current or previous minute)."""
    signup = _own_signup(actor, activity)
    now = timezone.now()
    _code_ok(signup.activity, code, now)
    return _check_in(actor, signup, at=now, method=CheckMethod.CODE)


@transaction.atomic
def check_out_by_code(*, actor: Actor, activity: Activity | int, code: str) -> Signup:
    signup = _own_signup(actor, activity)
    now = timezone.now()
    _code_ok(signup.activity, code, now)
    return _check_out(actor, signup, at=now, method=CheckMethod.CODE)


def _organiser_signup(actor: Actor, signup: Signup | int) -> Signup:
    locked = _lock_signup(actor, signup)
    require(actor, RUN, locked.activity)
    return locked


def _organiser_time(at: dt.datetime | None) -> dt.datetime:
    now = timezone.now()
    if at is None:
        return now
    if at > now + dt.timedelta(minutes=1):
        raise _invalid("at", _("The time cannot lie in the future."))
    return at


@transaction.atomic
def check_in_by_organiser(*, actor: Actor, signup: Signup | int, at: dt.datetime | None = None) -> Signup:
    """The organiser checks someone in by hand (a phone without battery, an elder without one)."""
    locked = _organiser_signup(actor, signup)
    return _check_in(actor, locked, at=_organiser_time(at), method=CheckMethod.ORGANISER)


@transaction.atomic
def check_out_by_organiser(*, actor: Actor, signup: Signup | int, at: dt.datetime | None = None) -> Signup:
    locked = _organiser_signup(actor, signup)
    return _check_out(actor, locked, at=_organiser_time(at), method=CheckMethod.ORGANISER)


@transaction.atomic
def signup_evaluate(*, actor: Actor, signup: Signup | int, evaluation: str) -> Signup:
    """The organiser's word on how someone served (kept in their record)."""
    evaluation = (evaluation or "").strip()
    if not evaluation:
        raise _invalid("evaluation", _("Write the evaluation."))
    if len(evaluation) > 200:
        raise _invalid("evaluation", _("At most %(count)d characters.") % {"count": 200})
    locked = _organiser_signup(actor, signup)

    def update(obj):
        obj.evaluation = evaluation
        return ["evaluation"]

    return apply_transition(SIGNUP_WORKFLOW, actor=actor, obj=locked, action="evaluate", update=update, locked=True)


def current_code(*, actor: Actor, activity: Activity | int) -> dict:
    """The code the organiser's phone shows now (only to those who run the activity)."""
    pk = activity.pk if isinstance(activity, Activity) else activity
    row = selectors.activity_for(actor, pk)
    require(actor, RUN, row)
    now = timezone.now()
    return {"code": checkin_codes.code_for(row, now), "seconds_left": checkin_codes.seconds_left(now),
            "window_seconds": checkin_codes.WINDOW_SECONDS}


# --- background work ---------------------------------------------------------------------------------


def remind_upcoming(*, actor: Actor) -> int:
    """Remind those signed up the day before and two hours before the start, each once (the time
    of the last reminder is kept on the sign-up). Returns the number of reminders sent."""
    require(actor, "volunteers.sweep")
    now = timezone.now()
    sent = 0
    stages = ((dt.timedelta(hours=2), _("In two hours: %(title)s")), (dt.timedelta(days=1), _("Tomorrow: %(title)s")))
    with transaction.atomic():
        due = (Signup.objects.select_for_update(skip_locked=True, of=("self",))
               .select_related("activity", "volunteer__user")
               .filter(state=SignupState.SIGNED_UP, activity__state=ActivityState.PUBLISHED,
                       activity__starts_at__gt=now, activity__starts_at__lte=now + dt.timedelta(days=1)))
        for signup in due:
            starts = signup.activity.starts_at
            for lead, title in stages:
                if starts - now <= lead:
                    if signup.reminded_at is None or signup.reminded_at < starts - lead:
                        if signup.volunteer.user_id:
                            activity = signup.activity
                            notify(recipients=[signup.volunteer.user], kind="volunteers.reminder", obj=activity,
                                   title=title % {"title": activity.title},
                                   body=_("%(when)s at %(place)s") % {
                                       "when": timezone.localtime(starts).strftime("%Y-%m-%d %H:%M"), "place": activity.place},
                                   url=reverse("volunteers:activity-join", args=[activity.pk]))
                            sent += 1
                        Signup.objects.filter(pk=signup.pk).update(reminded_at=now)
                    break
    return sent


def close_finished(*, actor: Actor) -> int:
    """Finish every published activity whose end has passed (check-outs at the end, no-shows)."""
    require(actor, "volunteers.sweep")
    closed = 0
    for pk in Activity.objects.filter(state=ActivityState.PUBLISHED, ends_at__lte=timezone.now()).values_list("pk", flat=True):
        try:
            activity_finish(actor=actor, activity=pk)
            closed += 1
        except Conflict:
            continue
    return closed
