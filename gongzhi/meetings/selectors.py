"""Reads of the meetings app, always scoped to the acting user."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Case as Choose
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode, Department, Unit
from gongzhi.cases.models import Case
from gongzhi.cases.workflow import CASE_WORKFLOW
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.permissions import can

from .models import (
    PARTY_LIFE_CADENCES,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    BodyMember,
    Decision,
    DecisionPhoto,
    DecisionState,
    DecisionUpdate,
    Meeting,
    MeetingKind,
    MeetingState,
    MemberRole,
    Minutes,
    MinutesAttachment,
    MinutesState,
    ThemeDayContent,
    period_of,
)
from .workflow import DECISION_WORKFLOW

# --- decisions, "my meetings", "my decisions", the case panel ------------------------

UPCOMING_STATES = (MeetingState.PLANNED, MeetingState.NOTIFIED, MeetingState.IN_SESSION)


def _owned_q(user, prefix: str = "owners__") -> Q:
    q = Q(**{f"{prefix}user": user})
    if getattr(user, "unit_id", None):
        q |= Q(**{f"{prefix}unit_id": user.unit_id})
    if getattr(user, "department_id", None):
        q |= Q(**{f"{prefix}department_id": user.department_id})
    return q


def _with_lateness(qs: QuerySet, today: dt.date) -> QuerySet:
    """`late` 0 for an open decision past its deadline, 1 otherwise: overdue first."""
    return qs.annotate(late=Choose(When(state=DecisionState.OPEN, deadline__lt=today, then=Value(0)),
                                  default=Value(1), output_field=IntegerField()))


def decision_get(*, user, pk: int) -> Decision:
    """One decision the user may see (in scope, or owned by the user, the unit or the department)."""
    decision = Decision.objects.visible_or_404(user, pk=pk)
    return (Decision.objects.select_related("meeting", "meeting__body", "meeting__area", "case", "agenda_item",
                                            "created_by")
            .prefetch_related("owners", Prefetch("updates", DecisionUpdate.objects.select_related("author")
                                                 .prefetch_related("photos")))
            .get(pk=decision.pk))


def decisions_of_meeting(*, user, meeting: Meeting) -> QuerySet:
    return (Decision.objects.visible_to(user).filter(meeting=meeting).prefetch_related("owners")
            .order_by("number", "id"))


def my_decisions(*, user, state: str = "open", today: dt.date | None = None) -> QuerySet:
    """Decisions the user, the user's unit or department owns: overdue first, then by deadline.
    `state`: "open" (default), "done", "cancelled" or "all"."""
    today = today or timezone.localdate()
    if not getattr(user, "is_authenticated", False):
        return Decision.objects.none()
    ids = Decision.objects.filter(_owned_q(user)).values("pk")
    qs = Decision.objects.filter(pk__in=ids)
    if state in DecisionState.values:
        qs = qs.filter(state=state)
    return (_with_lateness(qs, today).select_related("meeting", "case").prefetch_related("owners")
            .order_by("late", "deadline", "id"))


def my_meetings(*, user, now: dt.datetime | None = None) -> QuerySet:
    """Meetings the user is invited to, with `my_status` (the user's attendance): upcoming first
    (soonest first), then past ones (latest first)."""
    now = now or timezone.now()
    if not getattr(user, "is_authenticated", False):
        return Meeting.objects.none()
    mine = Attendance.objects.filter(meeting=OuterRef("pk"), user=user)
    qs = Meeting.objects.filter(pk__in=Attendance.objects.filter(user=user).values("meeting_id"))
    start_of_day = now - dt.timedelta(hours=12)
    qs = qs.annotate(
        my_status=Subquery(mine.values("status")[:1]),
        my_attendance_id=Subquery(mine.values("pk")[:1]),
        past=Choose(When(state__in=UPCOMING_STATES, starts_at__gte=start_of_day, then=Value(0)),
                   When(state=MeetingState.IN_SESSION, then=Value(0)), default=Value(1), output_field=IntegerField()),
    )
    soon = Choose(When(past=0, then="starts_at"), default=None)
    return qs.select_related("body", "area").order_by("past", soon.asc(nulls_last=True), "-starts_at", "-id")


def meeting_url(meeting_id: int) -> str:
    return reverse("meetings:meeting", kwargs={"meeting_id": meeting_id})


def signin_url(meeting) -> str | None:
    """Where an invitee signs in, while the sign-in is open and the invitee has not signed in yet."""
    if meeting.state != MeetingState.IN_SESSION or getattr(meeting, "my_status", None) not in ("invited", None):
        return None
    return reverse("meetings:meeting-sign-in", kwargs={"meeting_id": meeting.pk})


def owner_choices(*, user, meeting: Meeting) -> dict:
    """Whom the recorder may name as owners: the people on the meeting (invitees with accounts,
    members of its body), the units of the body and of the meeting's area, and the departments of
    the meeting's district."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    invited = Attendance.objects.filter(meeting=meeting, user__isnull=False).values("user_id")
    people_q = Q(pk__in=invited)
    units_q = Q(area__path__startswith=meeting.area.path)
    if meeting.body_id:
        members = BodyMember.objects.filter(body_id=meeting.body_id, left_on__isnull=True)
        people_q |= Q(pk__in=members.filter(user__isnull=False).values("user_id"))
        units_q |= Q(pk__in=members.filter(unit__isnull=False).values("unit_id"))
    district = meeting.area.path[: meeting.area.steplen]
    return {
        "users": list(User.objects.filter(people_q, is_active=True).order_by("display_name", "username")[:200]),
        "units": list(Unit.objects.filter(units_q).order_by("name")[:200]),
        "departments": list(Department.objects.filter(district__path=district, is_active=True).order_by("name")),
    }


def dispatch_offers(*, user, decision: Decision) -> list[Department]:
    """The owning departments the user may send the decision's case to now: the decision is open,
    the case is in a state that may be dispatched and the case pipeline's gate lets the user."""
    if decision.case_id is None or decision.state != DecisionState.OPEN:
        return []
    departments = [o.department for o in decision.owners.all() if o.department_id]
    if not departments:
        return []
    case = Case.objects.visible_to(user).filter(pk=decision.case_id).first()
    if case is None or not CASE_WORKFLOW.allowed("dispatch", case.state) or case.master_id:
        return []
    if not can(user, CASE_WORKFLOW.permission("dispatch"), case):
        return []
    return [d for d in departments if case.department_id != d.pk or case.level != "department"]


def photo_get(*, user, pk: int) -> DecisionPhoto:
    """A progress photo, through the visibility of its decision (NotFound otherwise)."""
    from gongzhi.core.errors import NotFound

    photo = (DecisionPhoto.objects.select_related("update")
             .filter(pk=pk, update__decision__in=Decision.objects.visible_to(user).values("pk")).first())
    if photo is None:
        raise NotFound()
    return photo


def offered(*, user, decision: Decision) -> list[str]:
    return [t.action for t in DECISION_WORKFLOW.offered(user, decision)]


# --- a meeting, its sign-in, attendance and minutes ------------------------------------





CASE_REFERENCE = re.compile(r"^GZ(\d{8})(\d{7})$")


def meetings_visible(*, user) -> QuerySet:
    return Meeting.objects.visible_to(user).select_related("body", "area")


def meeting_get(*, user, pk: int) -> Meeting:
    return Meeting.objects.visible_or_404(user, pk=pk)


def meeting_agenda(*, user, meeting: Meeting) -> QuerySet:
    return AgendaItem.objects.visible_to(user).filter(meeting=meeting).select_related("case").order_by("position", "pk")


def agenda_item_get(*, user, pk: int) -> AgendaItem:
    return AgendaItem.objects.visible_or_404(user, pk=pk)


def meeting_attendances(*, user, meeting: Meeting) -> QuerySet:
    return Attendance.objects.visible_to(user).filter(meeting=meeting).order_by("capacity", "is_outside_party", "name", "pk")


def attendance_get(*, user, pk: int) -> Attendance:
    return Attendance.objects.visible_or_404(user, pk=pk)


def attendance_of(*, user, meeting: Meeting) -> Attendance | None:
    """The user's own invitation to the meeting, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Attendance.objects.visible_to(user).filter(meeting=meeting, user=user).first()


def attendance_lists(*, user, meeting: Meeting) -> dict[str, list[Attendance]]:
    """The invitees by attendance (present, excused, absent, not yet marked)."""
    lists: dict[str, list[Attendance]] = {s.value: [] for s in AttendanceStatus}
    for row in meeting_attendances(user=user, meeting=meeting):
        lists[row.status].append(row)
    return lists


def quorum_status(meeting: Meeting) -> str:
    """"met", "not_met" or "none" (no quorum rule); a held meeting answers what was frozen at the close."""
    if meeting.quorum_rule == "none":
        return "none"
    return "met" if meeting.is_quorate else "not_met"


def meeting_decisions(*, user, meeting: Meeting) -> QuerySet:
    return Decision.objects.visible_to(user).filter(meeting=meeting).prefetch_related("owners").order_by("number", "pk")


def minutes_versions(*, user, meeting: Meeting) -> QuerySet:
    """Every version of the minutes, newest first, with their files."""
    return (
        Minutes.objects.visible_to(user).filter(meeting=meeting).select_related("written_by", "approved_by")
        .prefetch_related(Prefetch("attachments", queryset=MinutesAttachment.objects.order_by("created_at", "pk")))
        .order_by("-version")
    )


def minutes_current(*, user, meeting: Meeting) -> Minutes | None:
    """What readers see: the latest approved version."""
    return minutes_versions(user=user, meeting=meeting).filter(state=MinutesState.APPROVED).first()


def minutes_draft(*, user, meeting: Meeting) -> Minutes | None:
    return minutes_versions(user=user, meeting=meeting).filter(state=MinutesState.DRAFT).first()


def minutes_get(*, user, pk: int) -> Minutes:
    return Minutes.objects.visible_or_404(user, pk=pk)


def minutes_attachment_get(*, user, pk: int) -> MinutesAttachment:
    found = MinutesAttachment.objects.filter(
        pk=pk, minutes__in=Minutes.objects.visible_to(user).values("pk")
    ).select_related("minutes").first()
    if found is None:
        raise NotFound()
    return found


def case_by_reference(*, user, reference: str, field: str = "case") -> Case | None:
    """The case a user typed the reference of (GZ + date + number), if the user can see it; nothing
    for an empty reference; refused on `field` otherwise."""
    reference = (reference or "").strip().upper()
    if not reference:
        return None
    match = CASE_REFERENCE.match(reference)
    case = Case.objects.visible_to(user).filter(pk=int(match.group(2))).first() if match else None
    if case is None or case.reference != reference:
        message = _("No case with this reference that you can see.")
        raise InvalidInput(message, fields={field: [message]})
    return case


def meeting_for_code(*, user, code: str) -> Meeting | None:
    """The meeting in session the user is invited to whose sign-in code this is."""
    if not code or not getattr(user, "is_authenticated", False):
        return None
    return Meeting.objects.visible_to(user).filter(
        state=MeetingState.IN_SESSION, signin_code=code, attendances__user=user
    ).first()


def case_panel(*, user, case) -> dict | None:
    """What the case page shows of meetings on a case (extension point "cases.case.panels"): the
    meetings on it and the decisions taken on it that the user may see, and the button to call a
    coordination meeting when the gate allows. None when there is nothing to show."""
    meetings = list(
        Meeting.objects.visible_to(user).filter(Q(case=case) | Q(agenda__case=case)).distinct()
        .select_related("body").order_by("-starts_at")[:20]
    )
    decisions = list(_with_lateness(Decision.objects.visible_to(user).filter(case=case), timezone.localdate())
                     .select_related("meeting").prefetch_related("owners").order_by("late", "deadline")[:50])
    may_call = can(user, "meetings.call_coordination", case)
    if not (meetings or decisions or may_call):
        return None
    for meeting in meetings:
        meeting.url = meeting_url(meeting.pk)
        meeting.may_decide = meeting.state in (MeetingState.IN_SESSION, MeetingState.HELD) and can(
            user, "meetings.record_decision", meeting)
    return {
        "title": gettext("Meetings and decisions"),
        "template": "meetings/decision_case_panel.html",
        "context": {"case": case, "meetings": meetings, "decisions": decisions, "may_call": may_call},
    }


# --- bodies, their members, cadences and meetings; party life -------------------------





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
    start_of_today = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time()))
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

    by_day: dict[dt.date, list] = {}
    for m in meetings:
        by_day.setdefault(timezone.localtime(m.starts_at).date(), []).append(m)
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


def _periods_due(cadence: str, year: int, today: dt.date, since: dt.date | None = None) -> list[tuple[dt.date, dt.date]]:
    """The periods of `year` that have begun by `today` (and had not ended before `since`, the day
    the body was set up)."""
    periods = []
    day = dt.date(year, 1, 1)
    while day.year == year and day <= today:
        period = period_of(cadence, day)
        if period is None:
            break
        if since is None or period[1] >= since:
            periods.append(period)
        day = period[1] + dt.timedelta(days=1)
    return periods


def party_life(*, user, body: Body, today: dt.date | None = None) -> list[dict]:
    """The 三会一课 and the theme day of a branch (or any body's cadences): for each, how often, the
    meeting of the current period and its state, and this year's count held against periods begun."""
    today = today or timezone.localdate()
    cadences = {c.kind: c for c in body.cadences.all()}
    kinds = [k for k in PARTY_LIFE_ORDER if k in cadences] + [k for k in cadences if k not in PARTY_LIFE_ORDER]
    meetings = list(Meeting.objects.visible_to(user).filter(body=body, period_start__year=today.year)
                    .only("pk", "kind", "state", "period_start", "starts_at", "title", "missed_flagged_at"))
    rows = []
    for kind in kinds:
        cadence = cadences[kind]
        periods = _periods_due(cadence.cadence, today.year, today, since=timezone.localdate(body.created_at))
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
        "can_manage": can(user, "meetings.manage_body", body),
        "can_convene": can(user, "meetings.convene", body),
        "can_reveal": can(user, "meetings.reveal_phone", body),
    }


def remember_offices(*, user, meetings) -> None:
    """Before asking the gate about each meeting of a page: the user's offices of those meetings in
    two queries instead of two a meeting (`permissions.remember_offices`)."""
    from .permissions import remember_offices as remember

    remember(user, meetings)
