"""Reads of the meetings app, always scoped to the acting user."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case as Choose
from django.db.models import IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.areas.models import Department, Unit
from gongzhi.cases.models import Case
from gongzhi.cases.workflow import CASE_WORKFLOW
from gongzhi.core.permissions import can

from .models import (
    Attendance,
    BodyMember,
    Decision,
    DecisionPhoto,
    DecisionState,
    DecisionUpdate,
    Meeting,
    MeetingState,
)
from .workflow import DECISION_WORKFLOW

# --- m-decisions: decisions, "my meetings", "my decisions", the case panel ------------------------

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


def url_or_none(names: tuple[str, ...], **kwargs) -> str | None:
    """The first of the named pages that exists (the sign-in page and the meeting page belong to
    the sessions pages; a page not (yet) there is simply not linked)."""
    for name in names:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


def meeting_url(meeting_id: int) -> str | None:
    return url_or_none(("meetings:meeting", "meetings:meeting-detail"), meeting_id=meeting_id)


def signin_url(meeting) -> str | None:
    """Where an invitee signs in, while the sign-in is open and the invitee has not signed in yet."""
    if meeting.state != MeetingState.IN_SESSION or getattr(meeting, "my_status", None) not in ("invited", None):
        return None
    return url_or_none(("meetings:sign-in", "meetings:signin", "meetings:meeting-sign-in", "meetings:meeting"),
                       meeting_id=meeting.pk)


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


# --- m-session: a meeting, its sign-in, attendance and minutes ------------------------------------

import re  # noqa: E402

from django.utils.translation import gettext as _  # noqa: E402

from gongzhi.core.errors import InvalidInput, NotFound  # noqa: E402

from .models import (  # noqa: E402
    AgendaItem,
    AttendanceStatus,
    MeetingState,
    Minutes,
    MinutesAttachment,
    MinutesState,
)

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
