"""Reads of the meetings app, always scoped to the acting user."""

from __future__ import annotations


def case_panel(*, user, case) -> dict | None:
    """What the case page shows of meetings on a case (extension point "cases.case.panels"); filled
    in by the decisions work."""
    return None


# --- m-bodies: bodies, their members, cadences and meetings; party life -------------------------

import datetime as _dt  # noqa: E402

from django.db.models import Count, Q, QuerySet  # noqa: E402
from django.utils import timezone as _timezone  # noqa: E402

from gongzhi.areas.models import AreaKind, AreaNode  # noqa: E402
from gongzhi.core import permissions as _permissions  # noqa: E402

from .models import (  # noqa: E402
    PARTY_LIFE_CADENCES,
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    BodyMember,
    Decision,
    DecisionState,
    Meeting,
    MeetingKind,
    MeetingState,
    MemberRole,
    ThemeDayContent,
    period_of,
)

PARTY_BODY_KINDS = (BodyKind.PARTY_BRANCH, BodyKind.PARTY_GROUP)
# The 三会一课 and the theme day, in the order a branch page lists them.
PARTY_LIFE_ORDER = (MeetingKind.BRANCH_ASSEMBLY, MeetingKind.BRANCH_COMMITTEE, MeetingKind.GROUP_MEETING,
                    MeetingKind.PARTY_LECTURE, MeetingKind.THEME_DAY)


def bodies_visible(*, user, kind: str | None = None, area_id: int | None = None, mine: bool = False,
                   search: str = "", include_inactive: bool = False) -> QuerySet:
    """The bodies the user sees (in scope or sat on), filtered by kind, by area (its subtree), to
    the ones the user sits on, by name; with their number of current members."""
    qs = Body.objects.visible_to(user).select_related("area")
    if kind:
        qs = qs.filter(kind=kind)
    if area_id:
        node = AreaNode.objects.visible_to(user).filter(pk=area_id).first()
        qs = qs.filter(area__path__startswith=node.path) if node is not None else qs.none()
    if mine:
        qs = qs.filter(members__user=user, members__left_on__isnull=True) if user.is_authenticated else qs.none()
    if search:
        qs = qs.filter(name__icontains=search.strip())
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.annotate(
        member_count=Count("members", filter=Q(members__left_on__isnull=True), distinct=True)
    ).order_by("area__path", "kind", "name", "pk")


def body_get(*, user, pk: int) -> Body:
    """One body the user sees; NotFound (404) otherwise."""
    return Body.objects.visible_or_404(user, pk=pk)


def body_members(*, body: Body, include_left: bool = False) -> QuerySet:
    """The members of a body the caller has already fetched through `body_get`."""
    qs = BodyMember.objects.filter(body=body).select_related("user", "unit", "party_member")
    if not include_left:
        qs = qs.filter(left_on__isnull=True)
    order = {MemberRole.CHAIR: 0, MemberRole.SECRETARY: 1, MemberRole.MEMBER: 2, MemberRole.OBSERVER: 3}
    return sorted(qs, key=lambda m: (m.left_on is not None, order.get(m.capacity, 9), m.name, m.pk))


def member_get(*, user, pk: int) -> BodyMember:
    return BodyMember.objects.visible_or_404(user, pk=pk)


def body_meetings(*, user, body: Body, upcoming: bool | None = None, year: int | None = None) -> QuerySet:
    """The body's meetings the user sees: upcoming (from today on, not held or cancelled, soonest
    first), past (latest first), or all."""
    qs = Meeting.objects.visible_to(user).filter(body=body)
    start_of_today = _timezone.make_aware(_dt.datetime.combine(_timezone.localdate(), _dt.time()))
    if year:
        qs = qs.filter(starts_at__year=year)
    if upcoming is True:
        return qs.filter(starts_at__gte=start_of_today).exclude(
            state__in=[MeetingState.HELD, MeetingState.CANCELLED]).order_by("starts_at", "pk")
    if upcoming is False:
        return qs.filter(Q(starts_at__lt=start_of_today) | Q(state__in=[MeetingState.HELD, MeetingState.CANCELLED])
                         ).order_by("-starts_at", "-pk")
    return qs.order_by("-starts_at", "-pk")


def body_open_decisions(*, user, body: Body) -> QuerySet:
    """Decisions of the body's meetings still in progress, soonest deadline first."""
    return (Decision.objects.visible_to(user).filter(meeting__body=body, state=DecisionState.OPEN)
            .select_related("meeting").prefetch_related("owners").order_by("deadline", "pk"))


def month_calendar(*, meetings, year: int, month: int) -> list[list[dict]]:
    """A month as weeks (Monday first) of days, each with the meetings starting that day."""
    import calendar as _calendar

    by_day: dict[_dt.date, list] = {}
    for m in meetings:
        by_day.setdefault(_timezone.localtime(m.starts_at).date(), []).append(m)
    weeks = []
    for week in _calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([{"day": d, "in_month": d.month == month, "meetings": by_day.get(d, [])} for d in week])
    return weeks


def districts_for(*, user) -> QuerySet:
    """The districts whose theme-day contents the user may see (the district's own area scope)."""
    return AreaNode.objects.visible_to(user).filter(kind=AreaKind.DISTRICT).order_by("path")


def district_get(*, user, pk: int) -> AreaNode:
    """A district node the user sees; NotFound (404) otherwise."""
    from gongzhi.core.errors import NotFound

    node = AreaNode.objects.visible_to(user).filter(kind=AreaKind.DISTRICT, pk=pk).first()
    if node is None:
        raise NotFound()
    return node


def theme_day_contents(*, district: AreaNode, active_only: bool = False) -> QuerySet:
    qs = ThemeDayContent.objects.filter(district=district).order_by("position", "pk")
    return qs.filter(is_active=True) if active_only else qs


def theme_day_contents_for(*, body: Body) -> QuerySet:
    """The fixed contents of the district the body lies in (active ones)."""
    district = AreaNode.objects.filter(kind=AreaKind.DISTRICT, path=body.area.path[: AreaNode.steplen]).first()
    if district is None:
        return ThemeDayContent.objects.none()
    return theme_day_contents(district=district, active_only=True)


def _periods_due(cadence: str, year: int, today: _dt.date, since: _dt.date | None = None) -> list[tuple[_dt.date, _dt.date]]:
    """The periods of `year` that have begun by `today` (and had not ended before `since`, the day
    the body was set up)."""
    periods = []
    day = _dt.date(year, 1, 1)
    while day.year == year and day <= today:
        period = period_of(cadence, day)
        if period is None:
            break
        if since is None or period[1] >= since:
            periods.append(period)
        day = period[1] + _dt.timedelta(days=1)
    return periods


def party_life(*, user, body: Body, today: _dt.date | None = None) -> list[dict]:
    """The 三会一课 and the theme day of a branch (or any body's cadences): for each, how often, the
    meeting of the current period and its state, and this year's count held against periods begun."""
    today = today or _timezone.localdate()
    cadences = {c.kind: c for c in body.cadences.all()}
    kinds = [k for k in PARTY_LIFE_ORDER if k in cadences] + [k for k in cadences if k not in PARTY_LIFE_ORDER]
    meetings = list(Meeting.objects.visible_to(user).filter(body=body, period_start__year=today.year)
                    .only("pk", "kind", "state", "period_start", "starts_at", "title", "missed_flagged_at"))
    rows = []
    for kind in kinds:
        cadence = cadences[kind]
        periods = _periods_due(cadence.cadence, today.year, today, since=_timezone.localdate(body.created_at))
        current = period_of(cadence.cadence, today)
        own = [m for m in meetings if m.kind == kind]
        held_periods = {m.period_start for m in own if m.state == MeetingState.HELD}
        this = [m for m in own if current and m.period_start == current[0] and m.state != MeetingState.CANCELLED]
        rows.append({
            "kind": kind, "kind_label": MeetingKind(kind).label, "cadence": cadence.cadence,
            "cadence_label": cadence.get_cadence_display(),
            "is_party_life": kind in PARTY_LIFE_CADENCES,
            "current_period": current, "current_meeting": this[0] if this else None,
            "held": len(held_periods), "due": len(periods),
            "missed": sum(1 for m in own if m.missed_flagged_at is not None),
        })
    return rows


def theme_days(*, user, body: Body, year: int | None = None) -> list[Meeting]:
    """A branch's theme party days (of `year`), each with its agenda: the district's fixed contents
    first, then the branch's own items."""
    qs = Meeting.objects.visible_to(user).filter(body=body, kind=MeetingKind.THEME_DAY).exclude(
        state=MeetingState.CANCELLED).prefetch_related("agenda").order_by("-starts_at")
    if year:
        qs = qs.filter(starts_at__year=year)
    return list(qs)


def _rate(present: int, expected: int) -> float | None:
    return round(present / expected, 4) if expected else None


def _attendance_rows(*, year: int) -> QuerySet:
    """The attendances counted in rates: members of the body (not observers, not guests) at its
    held meetings of the year."""
    return Attendance.objects.filter(
        meeting__state=MeetingState.HELD, meeting__starts_at__year=year, meeting__body__isnull=False,
        member__isnull=False,
    ).exclude(capacity=MemberRole.OBSERVER)


def _totals(qs: QuerySet) -> dict:
    return qs.aggregate(
        expected=Count("pk"),
        present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
        excused=Count("pk", filter=Q(status=AttendanceStatus.EXCUSED)),
        held=Count("meeting", distinct=True),
    )


def member_attendance_rates(*, user, body: Body, year: int) -> dict:
    """Attendance at the body's held meetings of `year`: the body's rate and each member's —
    present / expected, with the excused (请假) and the absent counted apart. The body comes from
    `body_get` (so the user sees it)."""
    rows = _attendance_rows(year=year).filter(meeting__body=body)
    total = _totals(rows)
    per_member = {
        r["member"]: r for r in rows.values("member").annotate(
            expected=Count("pk"),
            present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
            excused=Count("pk", filter=Q(status=AttendanceStatus.EXCUSED)),
        )
    }
    members = []
    for m in body_members(body=body, include_left=True):
        r = per_member.get(m.pk)
        if r is None and (m.left_on is not None or m.capacity == MemberRole.OBSERVER):
            continue  # observers (列席) are not expected; former members only with a record
        expected, present, excused = (r["expected"], r["present"], r["excused"]) if r else (0, 0, 0)
        members.append({
            "member_id": m.pk, "name": m.name, "capacity": m.capacity, "capacity_label": str(m.get_capacity_display()),
            "left": m.left_on is not None, "expected": expected, "present": present, "excused": excused,
            "absent": expected - present - excused, "rate": _rate(present, expected),
        })
    return {
        "body_id": body.pk, "year": year, "held": total["held"], "expected": total["expected"],
        "present": total["present"], "excused": total["excused"],
        "absent": total["expected"] - total["present"] - total["excused"],
        "rate": _rate(total["present"], total["expected"]), "members": members,
    }


def branch_attendance_rates(*, user, year: int, area_id: int | None = None) -> list[dict]:
    """Attendance per party branch and group the user sees, over their held meetings of `year`."""
    branches = bodies_visible(user=user, area_id=area_id).filter(kind__in=PARTY_BODY_KINDS)
    ids = list(branches.values_list("pk", flat=True))
    stats = {
        r["meeting__body"]: r for r in _attendance_rows(year=year).filter(meeting__body__in=ids)
        .values("meeting__body").annotate(
            expected=Count("pk"),
            present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
            excused=Count("pk", filter=Q(status=AttendanceStatus.EXCUSED)),
            held=Count("meeting", distinct=True),
        )
    }
    out = []
    for b in branches:
        r = stats.get(b.pk, {"expected": 0, "present": 0, "excused": 0, "held": 0})
        out.append({
            "body_id": b.pk, "name": b.name, "kind": b.kind, "area_name": b.area.name, "year": year,
            "held": r["held"], "expected": r["expected"], "present": r["present"], "excused": r["excused"],
            "absent": r["expected"] - r["present"] - r["excused"], "rate": _rate(r["present"], r["expected"]),
        })
    return out


def body_offers(*, user, body: Body) -> dict:
    """What the body's page offers the user (the gate's answers, for the template)."""
    return {
        "can_manage": _permissions.can(user, "meetings.manage_body", body),
        "can_convene": _permissions.can(user, "meetings.convene", body),
        "can_reveal": _permissions.can(user, "meetings.reveal_phone", body),
    }
