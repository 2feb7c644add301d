"""The schedule by cadence: the planner that keeps one meeting planned for each period a body owes,
the flag on a period that ended without a meeting held, and moving or cancelling a meeting.

Choices, written down once:
- One meeting per body, kind and period (the constraint `meetings_meeting_one_per_period`, which
  leaves cancelled meetings out). The planner checks before it creates, and the constraint settles a
  race between two planners, so a run repeated or after downtime plans each period once.
- A cancelled meeting frees its period, but the planner does NOT plan it again: a cancellation is a
  decision of the body's officers or the area's staff, with a reason on record. Whoever cancelled
  may plan a replacement for the period by hand (`meetings.meeting_create(period=...)`); otherwise
  the period ends without a meeting held and is flagged as missed like any other.
- A period is missed when it has ended and no meeting of that body and kind held in it; the flag
  goes on the period's meeting (`missed_flagged_at`, the planned one, else the cancelled one) once,
  with the audit event "meetings.meeting.missed" and one notification to the staff of the level
  above (the nearest area above the body's area where managers are bound).
- A planned meeting moves within its period only: moving it out would make the period look held or
  missed for the wrong reason. To meet later, cancel with a reason and plan the next one.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import audit, calendar, components
from gongzhi.core import permissions as core_permissions
from gongzhi.core.actors import Actor
from gongzhi.core.errors import DomainError, InvalidInput
from gongzhi.core.notifications import notify
from gongzhi.core.workflow import apply_transition

from .. import permissions
from ..models import (
    Body,
    BodyCadence,
    Cadence,
    Meeting,
    MeetingKind,
    MeetingState,
    ThemeDayContent,
    period_of,
)
from ..workflow import MEETING_WORKFLOW
from .meetings import meeting_create

logger = logging.getLogger(__name__)

DEFAULT_TIME = dt.time(9, 30)
REASON_LIMIT = 300


# --- titles and dates ----------------------------------------------------------------------------


def period_label(cadence: str, start: dt.date) -> str:
    """How a period is named in a title: 2026年12月, 2026年第3季度, 2026年第3次, 2026年度."""
    if cadence == Cadence.MONTHLY:
        return _("%(year)d, month %(month)d") % {"year": start.year, "month": start.month}
    if cadence == Cadence.QUARTERLY:
        return _("%(year)d, quarter %(n)d") % {"year": start.year, "n": (start.month - 1) // 3 + 1}
    if cadence == Cadence.BIMONTHLY:
        return _("%(year)d, no. %(n)d") % {"year": start.year, "n": (start.month - 1) // 2 + 1}
    return _("%(year)d, yearly") % {"year": start.year}


def planned_title(body: Body, kind: str, cadence: str, start: dt.date) -> str:
    """"瓜州路社区大党委 2026年第3次例会", "第一网格党支部 2026年12月主题党日" — in the site's language,
    whoever runs the planner."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("%(body)s %(period)s %(kind)s") % {
            "body": body.name, "period": period_label(cadence, start), "kind": MeetingKind(kind).label,
        }


# A branch owes up to five meetings a month: each kind gets its own working day of the period
# (committee first, the theme day last) rather than all of them at the same hour.
KIND_DAY_OFFSET = {
    MeetingKind.BRANCH_COMMITTEE: 0, MeetingKind.GROUP_MEETING: 1, MeetingKind.BRANCH_ASSEMBLY: 2,
    MeetingKind.PARTY_LECTURE: 3, MeetingKind.THEME_DAY: 4,
}


def default_start(period: tuple[dt.date, dt.date], today: dt.date, kind: str = MeetingKind.REGULAR) -> dt.datetime:
    """09:30 local on the period's first working day — or, for a period already under way, on the
    first working day after today — then one working day further for each kind before it in
    `KIND_DAY_OFFSET`, and never after the period's last day."""
    start, end = period
    day = calendar.next_working_day(today + dt.timedelta(days=1) if start <= today else start, include=True)
    for _i in range(KIND_DAY_OFFSET.get(kind, 0)):
        day = calendar.next_working_day(day)
    if day > end:
        day = end
    return timezone.make_aware(dt.datetime.combine(day, DEFAULT_TIME))


def periods_from(cadence: str, today: dt.date, ahead: int) -> list[tuple[dt.date, dt.date]]:
    """The period containing `today` and the `ahead` periods after it."""
    first = period_of(cadence, today)
    if first is None:
        return []
    periods = [first]
    for _i in range(max(0, ahead)):
        following = period_of(cadence, periods[-1][1] + dt.timedelta(days=1))
        periods.append(following)
    return periods


def district_of(node: AreaNode) -> AreaNode | None:
    return AreaNode.objects.filter(kind=AreaKind.DISTRICT, path=node.path[: AreaNode.steplen]).first()


def theme_day_agenda(body: Body) -> list[dict]:
    """The district's active fixed contents (the "4" of "4+X"), as agenda items in their order."""
    district = district_of(body.area)
    if district is None:
        return []
    rows = ThemeDayContent.objects.filter(district=district, is_active=True).order_by("position", "pk")
    return [{"title": row.title, "is_fixed_content": True} for row in rows]


# --- the planner ---------------------------------------------------------------------------------


def _plan_one(*, actor: Actor, cadence: BodyCadence, period: tuple[dt.date, dt.date], today: dt.date) -> bool:
    """Plan the meeting of `cadence` for `period` unless the period already has one (a cancelled
    one counts: the planner does not overrule a cancellation). True when a meeting was planned."""
    body = cadence.body
    if Meeting.objects.filter(body=body, kind=cadence.kind, period_start=period[0]).exists():
        return False
    agenda = theme_day_agenda(body) if cadence.kind == MeetingKind.THEME_DAY else []
    try:
        with transaction.atomic():
            meeting_create(
                actor=actor, body=body, kind=cadence.kind, period=period,
                title=planned_title(body, cadence.kind, cadence.cadence, period[0]),
                starts_at=default_start(period, today, cadence.kind), agenda=agenda,
            )
    except IntegrityError:
        # Another planner got there first: the constraint keeps one meeting per period.
        return False
    except DomainError:
        # One body's bad data (a fixed content too long for an agenda item …) does not stop the others.
        logger.exception("meetings planner: body %s, %s, %s not planned", body.pk, cadence.kind, period[0])
        return False
    return True


def _level_above_staff(area: AreaNode) -> list[User]:
    """The managers bound to the nearest area above `area` that has any (the level that oversees it)."""
    for parent in reversed(list(AreaNode.objects.get_ancestors(area))):
        staff = list(
            User.objects.filter(
                core_permissions.role_q(permissions.OVERSIGHT_ROLES), area_bindings__node=parent, is_active=True
            ).distinct()
        )
        if staff:
            return staff
    return []


def body_url(body: Body) -> str:
    try:
        return reverse("meetings:body", args=[body.pk])
    except NoReverseMatch:  # pragma: no cover - the bodies pages are installed with the app
        return ""


def _flag_missed(*, actor: Actor, meeting_pk: int) -> bool:
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update(of=("self",)).select_related("body__area").filter(pk=meeting_pk).first()
        if meeting is None or meeting.missed_flagged_at is not None:
            return False
        period = Meeting.objects.filter(body_id=meeting.body_id, kind=meeting.kind, period_start=meeting.period_start)
        if period.filter(state=MeetingState.HELD).exists() or period.filter(missed_flagged_at__isnull=False).exists():
            return False
        meeting.missed_flagged_at = timezone.now()
        meeting.save(update_fields=["missed_flagged_at"])
        audit.record(
            actor=actor, action="meetings.meeting.missed", obj=meeting,
            after={"period_start": meeting.period_start.isoformat(), "period_end": meeting.period_end.isoformat(),
                   "state": meeting.state},
        )
        body = meeting.body
        recipients = _level_above_staff(body.area)
        with translation.override(settings.LANGUAGE_CODE):
            title = _("%(body)s missed its %(kind)s (%(start)s – %(end)s)") % {
                "body": body.name, "kind": meeting.get_kind_display(),
                "start": meeting.period_start.isoformat(), "end": meeting.period_end.isoformat(),
            }
            text = _("No meeting was held in the period. The planned meeting was “%(title)s”.") % {"title": meeting.title}
        url = body_url(body)
        transaction.on_commit(lambda: notify(
            recipients=recipients, title=title, body=text, url=url, obj=meeting, kind="meetings.period_missed",
        ))
    return True


def flag_missed(*, actor: Actor, today: dt.date | None = None) -> int:
    """Flag every period of a body that ended before `today` without a meeting held (once each)."""
    core_permissions.require(actor, "meetings.plan_periods")
    today = today or timezone.localdate()
    same_period = Meeting.objects.filter(body_id=OuterRef("body_id"), kind=OuterRef("kind"),
                                         period_start=OuterRef("period_start"))
    candidates = (
        Meeting.objects.filter(body__isnull=False, period_end__lt=today, missed_flagged_at__isnull=True)
        .exclude(state=MeetingState.HELD)
        # periods already settled (held, or flagged) stay out, however many cancelled meetings they hold
        .exclude(Exists(same_period.filter(Q(state=MeetingState.HELD) | Q(missed_flagged_at__isnull=False))))
        .order_by("body_id", "kind", "period_start", "state")  # "cancelled" sorts before "planned"…
        .values_list("pk", "body_id", "kind", "period_start", "state")
    )
    chosen: dict[tuple, int] = {}
    for pk, body_id, kind, start, state in candidates:
        key = (body_id, kind, start)
        # the period's live meeting carries the flag; a cancelled one only when nothing else is there
        if key not in chosen or state != MeetingState.CANCELLED:
            chosen[key] = pk
    return sum(1 for pk in chosen.values() if _flag_missed(actor=actor, meeting_pk=pk))


def plan_periods(*, actor: Actor, today: dt.date | None = None) -> dict:
    """For every active body's cadence, a meeting planned for the current period and the
    `MEETINGS_PLAN_PERIODS_AHEAD` periods after it; then the ended periods without a meeting held
    flagged as missed. Idempotent: returns {"planned": n, "missed": m} of what this run did."""
    core_permissions.require(actor, "meetings.plan_periods")
    today = today or timezone.localdate()
    ahead = int(components.setting("MEETINGS_PLAN_PERIODS_AHEAD"))
    planned = 0
    cadences = (
        BodyCadence.objects.filter(body__is_active=True)
        .exclude(cadence=Cadence.NONE)
        .exclude(kind=MeetingKind.COORDINATION)
        .select_related("body__area")
        .order_by("body_id", "kind")
    )
    for cadence in cadences:
        for period in periods_from(cadence.cadence, today, ahead):
            planned += _plan_one(actor=actor, cadence=cadence, period=period, today=today)
    missed = flag_missed(actor=actor, today=today)
    if planned or missed:
        logger.info("meetings planner: %s planned, %s missed", planned, missed)
    return {"planned": planned, "missed": missed}


# --- moving and cancelling -----------------------------------------------------------------------


def _reason(value: str) -> str:
    value = (value or "").strip()
    if not value:
        message = _("Give the reason.")
        raise InvalidInput(message, fields={"reason": [message]})
    if len(value) > REASON_LIMIT:
        message = _("At most %(n)d characters.") % {"n": REASON_LIMIT}
        raise InvalidInput(message, fields={"reason": [message]})
    return value


def _invitees(meeting: Meeting) -> list[User]:
    return list(User.objects.filter(meeting_attendances__meeting=meeting, is_active=True).distinct())


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def meeting_move(*, actor: Actor, meeting: Meeting | int, starts_at: dt.datetime | None, reason: str) -> Meeting:
    """The meeting takes place at `starts_at` instead (within its period, if it has one); the reason
    is required and the invitees are told after commit ("meetings.moved")."""

    def update(row: Meeting) -> list[str]:
        why = _reason(reason)
        if starts_at is None:
            message = _("Give the new date and time.")
            raise InvalidInput(message, fields={"starts_at": [message]})
        new = timezone.make_aware(starts_at) if timezone.is_naive(starts_at) else starts_at
        if row.period_start and not row.period_start <= timezone.localdate(new) <= row.period_end:
            message = _("A meeting planned for a period stays within it (%(start)s – %(end)s); cancel it to meet later.") % {
                "start": row.period_start.isoformat(), "end": row.period_end.isoformat()}
            raise InvalidInput(message, fields={"starts_at": [message]})
        if row.ends_at is not None:
            row.ends_at = new + (row.ends_at - row.starts_at)
        row.starts_at, row.state_reason = new, why
        return ["starts_at", "ends_at", "state_reason"]

    def tell(row: Meeting) -> None:
        notify(
            recipients=_invitees(row), kind="meetings.moved", obj=row,
            title=_("“%(title)s” moves to %(when)s") % {"title": row.title, "when": _local(row.starts_at)},
            body=_("Reason: %(reason)s") % {"reason": row.state_reason},
        )

    return apply_transition(MEETING_WORKFLOW, actor=actor, obj=meeting, action="move", update=update, notify=tell,
                            note=(reason or "").strip()[:REASON_LIMIT])


def meeting_cancel(*, actor: Actor, meeting: Meeting | int, reason: str) -> Meeting:
    """The meeting will not take place; the reason is required and the invitees are told after
    commit ("meetings.cancelled"). Its period is freed (see the module's notes)."""

    def update(row: Meeting) -> list[str]:
        row.state_reason = _reason(reason)
        return ["state_reason"]

    def tell(row: Meeting) -> None:
        notify(
            recipients=_invitees(row), kind="meetings.cancelled", obj=row,
            title=_("“%(title)s” is cancelled") % {"title": row.title},
            body=_("Reason: %(reason)s") % {"reason": row.state_reason},
        )

    return apply_transition(MEETING_WORKFLOW, actor=actor, obj=meeting, action="cancel", update=update, notify=tell,
                            note=(reason or "").strip()[:REASON_LIMIT])
