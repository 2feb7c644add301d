"""Reads of the meetings app, always scoped to the acting user."""

from __future__ import annotations


def case_panel(*, user, case) -> dict | None:
    """What the case page shows of meetings on a case (extension point "cases.case.panels"); filled
    in by the decisions work."""
    return None


# --- m-session: a meeting, its sign-in, attendance and minutes ------------------------------------

import re  # noqa: E402

from django.db.models import Prefetch, QuerySet  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402

from gongzhi.cases.models import Case  # noqa: E402
from gongzhi.core.errors import InvalidInput, NotFound  # noqa: E402

from .models import (  # noqa: E402
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    Meeting,
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
