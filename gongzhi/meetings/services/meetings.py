"""Creating a meeting and inviting its people: the base that planning, coordination on a case and
the meeting pages build on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.cases.models import Case
from gongzhi.core import audit, permissions, pii
from gongzhi.core.actors import Actor
from gongzhi.core.errors import InvalidInput, invalid_from_validation_error

from ..models import AgendaItem, Attendance, Body, Meeting, MeetingKind, MemberRole, QuorumRule, quorum_met

MEETING_FIELDS = ["body", "area", "case", "kind", "title", "starts_at", "ends_at", "location", "period_start",
                  "period_end", "state", "state_reason", "quorum_rule"]


class Guest(TypedDict, total=False):
    """An invitee by name: a person with an account (`user`) or an outside party without one."""

    name: str
    organization: str
    phone: str
    capacity: str  # MemberRole; outside parties are usually "member" (counted) or "observer"
    user: object
    counts_for_quorum: bool


def describe_attendance(row: Attendance) -> dict:
    return {"name": row.name, "organization": row.organization, "capacity": row.capacity, "phone": row.phone_masked,
            "status": row.status, "user": row.user_id, "member": row.member_id}


def checked_phone(value: str, field: str = "phone") -> str:
    """A mainland mobile or landline number (or nothing); otherwise refused on its field."""
    value = (value or "").strip()
    if value and not pii.is_phone(value):
        message = _("Enter a mobile number (11 digits) or a landline with its area code.")
        raise InvalidInput(message, fields={field: [message]})
    return value


def _title(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("This field is required."), fields={"title": [_("This field is required.")]})
    if len(value) > 200:
        message = _("At most %(n)d characters.") % {"n": 200}
        raise InvalidInput(message, fields={"title": [message]})
    return value


def counted(rows: Iterable[Attendance]) -> int:
    return sum(1 for r in rows if r.counts_for_quorum)


def refresh_counts(meeting: Meeting) -> Meeting:
    """Recount expected and present voting attendees from the rows (never by increment: two
    secretaries marking at once both end up counted) and whether the quorum is met."""
    rows = list(Attendance.objects.filter(meeting=meeting, counts_for_quorum=True).values_list("status", flat=True))
    meeting.expected_count = len(rows)
    meeting.present_count = sum(1 for s in rows if s == "present")
    meeting.is_quorate = quorum_met(meeting.quorum_rule, meeting.present_count, meeting.expected_count)
    Meeting.objects.filter(pk=meeting.pk).update(
        expected_count=meeting.expected_count, present_count=meeting.present_count, is_quorate=meeting.is_quorate
    )
    return meeting


def invite_guest(*, actor: Actor, meeting: Meeting, guest: Guest) -> Attendance:
    """One invitee by name (inside the caller's transaction; the caller has checked the gate)."""
    capacity = guest.get("capacity") or MemberRole.MEMBER
    if capacity not in MemberRole.values:
        raise InvalidInput(_("Choose a valid role."), fields={"capacity": [_("Choose a valid role.")]})
    user = guest.get("user")
    name = (guest.get("name") or "").strip()
    if not name and user is not None:
        name = user.display_name or user.get_full_name() or user.username
    if not name:
        raise InvalidInput(_("Give the invitee's name."), fields={"name": [_("This field is required.")]})
    if user is not None and Attendance.objects.filter(meeting=meeting, user=user).exists():
        message = _("This person is already invited.")
        raise InvalidInput(message, fields={"user": [message]})
    row = Attendance(
        meeting=meeting, user=user, name=name[:50], organization=(guest.get("organization") or "").strip()[:100],
        capacity=capacity, is_outside_party=user is None, phone=checked_phone(guest.get("phone") or ""),
        counts_for_quorum=guest.get("counts_for_quorum", capacity != MemberRole.OBSERVER),
    )
    try:
        row.full_clean(exclude=["meeting", "user", "member"])
    except ValidationError as exc:
        raise invalid_from_validation_error(exc) from exc
    row.save()
    audit.record(actor=actor, action="meetings.attendance.invite", obj=row, after=describe_attendance(row))
    return row


@transaction.atomic
def meeting_create(
    *,
    actor: Actor,
    title: str,
    starts_at: dt.datetime,
    body: Body | None = None,
    case: Case | None = None,
    area: AreaNode | None = None,
    kind: str = MeetingKind.REGULAR,
    location: str = "",
    ends_at: dt.datetime | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    agenda: Iterable[dict] = (),
    guests: Iterable[Guest] = (),
    invite_members: bool = True,
) -> Meeting:
    """A meeting of `body` (its active members invited, its quorum rule in force), or, for a
    coordination meeting on `case`, of the parties named in `guests` in the case's area.

    `agenda` holds dicts with title and optionally notes, case, reference, is_fixed_content."""
    if kind not in MeetingKind.values:
        raise InvalidInput(_("Choose a valid kind of meeting."), fields={"kind": [_("Choose a valid kind of meeting.")]})
    public_hearing = body is None and case is None and kind == MeetingKind.HEARING and area is not None
    if body is None and case is None and not public_hearing:
        raise InvalidInput(_("A meeting belongs to a body or to a case."), fields={"body": [_("This field is required.")]})
    if body is not None:
        permissions.require(actor, "meetings.convene", body)
        area = body.area
        quorum = body.quorum_rule
        if not body.is_active:
            message = _("This body is no longer active.")
            raise InvalidInput(message, fields={"body": [message]})
    elif case is not None:
        permissions.require(actor, "meetings.call_coordination", case)
        area = area or case.area
        quorum = QuorumRule.NONE
    else:  # a public hearing of an area (公开听证, on a deliberation topic): open to all, no quorum
        permissions.require(actor, "meetings.convene", area)
        quorum = QuorumRule.NONE
    if starts_at is None:
        raise InvalidInput(_("Give the date and time."), fields={"starts_at": [_("This field is required.")]})
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    if ends_at is not None and ends_at <= starts_at:
        message = _("The end must come after the start.")
        raise InvalidInput(message, fields={"ends_at": [message]})
    meeting = Meeting(
        body=body, case=case, area=area, kind=kind, title=_title(title), starts_at=starts_at, ends_at=ends_at,
        location=(location or "").strip()[:200], quorum_rule=quorum,
        period_start=period[0] if period else None, period_end=period[1] if period else None,
        created_by=actor if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False) else None,
    )
    audit.save(actor=actor, obj=meeting, action="meetings.meeting.create", fields=MEETING_FIELDS)
    for position, item in enumerate(agenda, start=1):
        AgendaItem.objects.create(
            meeting=meeting, position=position, title=_title(item.get("title", "")), notes=item.get("notes", ""),
            case=item.get("case"), reference=item.get("reference", ""), is_fixed_content=item.get("is_fixed_content", False),
        )
    if body is not None and invite_members:
        rows = [
            Attendance(
                meeting=meeting, member=m, user=m.user, name=m.name, organization=m.unit.name if m.unit_id else "",
                capacity=m.capacity, phone=m.phone or "", counts_for_quorum=m.counts_for_quorum,
            )
            for m in body.members.filter(left_on__isnull=True).select_related("unit")
        ]
        for row in rows:
            row.fill_personal_copies()
        Attendance.objects.bulk_create(rows)
    for guest in guests:
        invite_guest(actor=actor, meeting=meeting, guest=guest)
    return refresh_counts(meeting)
