"""A meeting from notice to close: the agenda, invitees by name (outside parties too), the notice,
the sign-in at the door (a short code or a QR on the chair's phone), attendance marked by the
secretary, and the quorum frozen when the meeting closes.

Counting: every change of attendance locks the meeting row first (the workflow's lock, or
`_lock_meeting`), then the attendance row, then recounts from the rows (`refresh_counts`). Two
secretaries marking at once are serialised on the meeting row, and each recount sees the other's
committed row: nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.models import Case
from gongzhi.core import audit, components, notifications, permissions
from gongzhi.core.actors import Actor
from gongzhi.core.errors import Conflict, InvalidInput, NotFound
from gongzhi.core.pii import redact
from gongzhi.core.workflow import apply_transition, lock_visible

from .. import selectors
from ..models import AgendaItem, Attendance, AttendanceStatus, Meeting, MeetingState, SignInMethod
from ..workflow import MEETING_WORKFLOW
from .meetings import Guest, describe_attendance, invite_guest, refresh_counts

# No 0/O, 1/I/L: a code read aloud or copied from a phone across the room is not misread.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
AGENDA_FIELDS = ["meeting", "position", "title", "notes", "case", "reference"]
# The agenda and the invitees change until the meeting is over.
OPEN_STATES = (MeetingState.PLANNED, MeetingState.NOTIFIED, MeetingState.IN_SESSION)
MARKABLE = (AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT, AttendanceStatus.INVITED)


def meeting_url(meeting: Meeting) -> str:
    return selectors.meeting_url(meeting.pk)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    """What the invitee typed, as the code is stored: upper case, no spaces or dashes."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


def _lock_meeting(actor: Actor, meeting: Meeting | int) -> Meeting:
    pk = meeting.pk if isinstance(meeting, Meeting) else meeting
    return lock_visible(Meeting, actor=actor, pk=pk)


def _still_open(meeting: Meeting) -> None:
    if meeting.state not in OPEN_STATES:
        raise Conflict(
            _("This meeting is “%(state)s”: its agenda and invitees no longer change.")
            % {"state": meeting.get_state_display()},
            code="invalid_transition",
        )


def _recount(meeting: Meeting) -> Meeting:
    """Recount from the rows; once the meeting is held its quorum stays as it was at the close."""
    frozen = meeting.is_quorate
    refresh_counts(meeting)
    if meeting.state == MeetingState.HELD and meeting.is_quorate != frozen:
        meeting.is_quorate = frozen
        Meeting.objects.filter(pk=meeting.pk).update(is_quorate=frozen)
    return meeting


# --- agenda --------------------------------------------------------------------------------------


def _checked_case(actor: Actor, case: Case | None) -> Case | None:
    if case is None:
        return None
    if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        message = _("No case with this reference that you can see.")
        raise InvalidInput(message, fields={"case": [message]})
    return case


@transaction.atomic
def agenda_item_save(
    *,
    actor: Actor,
    meeting: Meeting,
    title: str,
    notes: str = "",
    case: Case | None = None,
    reference: str = "",
    item: AgendaItem | None = None,
) -> AgendaItem:
    """Add an item to the agenda (at the end), or change `item`. An item may concern a case the
    actor can see, or name another matter by `reference` (a hot issue, a need, a topic)."""
    meeting = _lock_meeting(actor, meeting)
    permissions.require(actor, "meetings.convene", meeting)
    _still_open(meeting)
    if item is not None:
        item = AgendaItem.objects.select_for_update().filter(pk=item.pk, meeting=meeting).first()
        if item is None:
            raise NotFound()
        before = audit.snapshot(item, AGENDA_FIELDS)
    else:
        last = meeting.agenda.order_by("-position").values_list("position", flat=True).first() or 0
        item, before = AgendaItem(meeting=meeting, position=last + 1), None
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("This field is required."), fields={"title": [_("This field is required.")]})
    item.title, item.notes = title, (notes or "").strip()
    item.case = _checked_case(actor, case)
    item.reference = (reference or "").strip()
    return audit.save(actor=actor, obj=item, action="meetings.agenda_item.save", fields=AGENDA_FIELDS, before=before)


@transaction.atomic
def agenda_item_remove(*, actor: Actor, item: AgendaItem) -> None:
    meeting = _lock_meeting(actor, item.meeting_id)
    permissions.require(actor, "meetings.convene", meeting)
    _still_open(meeting)
    found = AgendaItem.objects.select_for_update().filter(pk=item.pk, meeting=meeting).first()
    if found is None:
        raise NotFound()
    if found.decisions.exists():
        raise Conflict(_("Decisions were recorded on this item; it stays on the agenda."), code="has_decisions")
    audit.record(actor=actor, action="meetings.agenda_item.remove", obj=found,
                 before=audit.snapshot(found, AGENDA_FIELDS))
    found.delete()


# --- invitees ------------------------------------------------------------------------------------


@transaction.atomic
def attendance_invite(*, actor: Actor, meeting: Meeting, guest: Guest) -> Attendance:
    """Invite one more person by name: someone with an account (`guest["user"]`), or an outside
    party without one (a developer, a heating company) with an optional phone number."""
    meeting = _lock_meeting(actor, meeting)
    permissions.require(actor, "meetings.convene", meeting)
    _still_open(meeting)
    row = invite_guest(actor=actor, meeting=meeting, guest=guest)
    _recount(meeting)
    return row


@transaction.atomic
def attendance_reveal_phone(*, actor: Actor, attendance: Attendance, reason: str = "") -> str:
    """The full phone number of an invitee, for a user the gate lets reveal it
    ("meetings.reveal_phone"); every reveal is an audit event (who, why — never the number)."""
    found = Attendance.objects.visible_to(actor).select_related("meeting__area").filter(pk=attendance.pk).first()
    if found is None:
        raise NotFound()
    permissions.require(actor, "meetings.reveal_phone", found)
    audit.record(actor=actor, action="meetings.attendance.reveal", obj=found, after={"fields": ["phone"]},
                 note=redact((reason or "").strip())[:500])
    return found.phone


# --- notice --------------------------------------------------------------------------------------


def _notice_text(meeting: Meeting) -> tuple[str, str]:
    when = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    title = _("Meeting notice: %(title)s") % {"title": meeting.title}
    body = _("%(when)s at %(place)s.") % {"when": when, "place": meeting.location or _("the place to be announced")}
    return title, body


def _send_notice(meeting: Meeting) -> None:
    """The inbox rows for every invitee with an account, delivered through the adapters (SMS,
    WeChat, e-mail as configured) once written."""
    recipients = [a.user for a in meeting.attendances.select_related("user").filter(user__isnull=False)]
    title, body = _notice_text(meeting)
    notifications.notify(recipients=recipients, title=title, body=body, url=meeting_url(meeting), obj=meeting,
                         kind="meetings.notice")


@transaction.atomic
def meeting_notify(*, actor: Actor, meeting: Meeting | int) -> Meeting:
    """Send the notice of the meeting to every invitee with an account (after commit)."""

    def update(row: Meeting) -> list[str]:
        now = timezone.now()
        row.notice_sent_at = now
        row.attendances.filter(user__isnull=False).update(notified_at=now)
        return ["notice_sent_at"]

    return apply_transition(MEETING_WORKFLOW, actor=actor, obj=meeting, action="notify", update=update,
                            notify=_send_notice)


def send_due_notices(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """The periodic job: the notice of each planned meeting that starts within
    MEETINGS_NOTICE_HOURS and has had none. A meeting notified once moves on to "notified", so a
    second run (or a run after downtime) sends nothing twice. Returns how many notices went out."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(hours=components.setting("MEETINGS_NOTICE_HOURS"))
    due = Meeting.objects.visible_to(actor).filter(
        state=MeetingState.PLANNED, notice_sent_at__isnull=True, starts_at__gt=now, starts_at__lte=horizon
    ).order_by("starts_at").values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        try:
            meeting_notify(actor=actor, meeting=pk)
        except (Conflict, NotFound):  # moved on or cancelled meanwhile
            continue
        sent += 1
    return sent


# --- sign-in -------------------------------------------------------------------------------------


def signin_deadline(meeting: Meeting, now: dt.datetime) -> dt.datetime:
    """How long the code lives: until MEETINGS_SIGNIN_MINUTES_AFTER_START after the start (or after
    the opening, for a meeting opened late); never beyond the close."""
    after = dt.timedelta(minutes=components.setting("MEETINGS_SIGNIN_MINUTES_AFTER_START"))
    return max(meeting.starts_at, now) + after


@transaction.atomic
def meeting_open(*, actor: Actor, meeting: Meeting | int) -> Meeting:
    """Open the sign-in: a fresh six-character code the chair's phone shows (and its QR)."""

    def update(row: Meeting) -> list[str]:
        now = timezone.now()
        row.signin_code = new_code()
        row.signin_expires_at = signin_deadline(row, now)
        return ["signin_code", "signin_expires_at"]

    return apply_transition(MEETING_WORKFLOW, actor=actor, obj=meeting, action="open", update=update)


def signin_open(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        meeting.state == MeetingState.IN_SESSION and bool(meeting.signin_code)
        and meeting.signin_expires_at is not None and now < meeting.signin_expires_at
    )


@transaction.atomic
def attendance_sign_in(*, actor: Actor, meeting: Meeting | int, code: str, via: str = SignInMethod.CODE) -> Attendance:
    """An invitee signs in with the code shown at the door (typed, or read from the QR). Refused:
    a wrong or expired code (on the `code` field), a meeting not in session, anyone not invited."""
    meeting = _lock_meeting(actor, meeting)
    permissions.require(actor, "meetings.sign_in", meeting)
    if via not in (SignInMethod.CODE, SignInMethod.QR):
        via = SignInMethod.CODE
    typed = normalise_code(code)
    if not typed:
        raise InvalidInput(_("Enter the sign-in code."), fields={"code": [_("Enter the sign-in code.")]})
    if meeting.state != MeetingState.IN_SESSION or not meeting.signin_code:
        message = _("The sign-in for this meeting is not open.")
        raise InvalidInput(message, fields={"code": [message]})
    if not secrets.compare_digest(typed, meeting.signin_code):
        message = _("This is not the code of this meeting. Check it on the chair's screen.")
        raise InvalidInput(message, fields={"code": [message]})
    if not signin_open(meeting):
        message = _("The sign-in code has expired.")
        raise InvalidInput(message, fields={"code": [message]})
    row = Attendance.objects.select_for_update().get(meeting=meeting, user=actor)
    if row.status == AttendanceStatus.PRESENT:
        return row
    before = describe_attendance(row)
    row.status, row.absence_reason = AttendanceStatus.PRESENT, ""
    row.signed_in_at, row.signed_in_via = timezone.now(), via
    row.save(update_fields=["status", "absence_reason", "signed_in_at", "signed_in_via"])
    old, new = audit.diff(before, describe_attendance(row))
    audit.record(actor=actor, action="meetings.attendance.sign_in", obj=row, before=old, after=new, note=via)
    _recount(meeting)
    return row


@transaction.atomic
def attendance_mark(*, actor: Actor, attendance: Attendance, status: str, reason: str = "") -> Attendance:
    """The secretary marks one invitee (an outside party too) present, excused (with the reason
    given) or absent. Audited as the meeting's "mark"; the counts are recounted from the rows."""
    if status not in MARKABLE:
        message = _("Choose present, excused or absent.")
        raise InvalidInput(message, fields={"status": [message]})
    reason = (reason or "").strip()
    if status == AttendanceStatus.EXCUSED and not reason:
        message = _("Give the reason for the absence.")
        raise InvalidInput(message, fields={"absence_reason": [message]})
    if len(reason) > 200:
        message = _("At most %(n)d characters.") % {"n": 200}
        raise InvalidInput(message, fields={"absence_reason": [message]})
    marked: dict[str, Attendance] = {}

    def update(meeting: Meeting) -> list[str]:
        row = Attendance.objects.select_for_update().filter(pk=attendance.pk, meeting=meeting).first()
        if row is None:
            raise NotFound()
        row.status = status
        row.absence_reason = reason if status in (AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT) else ""
        if status == AttendanceStatus.PRESENT and row.signed_in_at is None:
            row.signed_in_at, row.signed_in_via = timezone.now(), SignInMethod.SECRETARY
        elif status != AttendanceStatus.PRESENT:
            row.signed_in_at, row.signed_in_via = None, ""
        row.save(update_fields=["status", "absence_reason", "signed_in_at", "signed_in_via"])
        marked["row"] = row
        _recount(meeting)
        return []

    apply_transition(MEETING_WORKFLOW, actor=actor, obj=attendance.meeting_id, action="mark", update=update,
                     note=f"{attendance.pk}:{status}")
    return marked["row"]


def attendance_mark_left(*, actor: Actor, attendance: Attendance, back: bool = False) -> Attendance:
    """The secretary notes that a member present has left the meeting (or, `back`, came back). A
    vote counts those present at its close: a proxy held by someone who left does not count.
    Audited as the meeting's "mark"."""
    marked: dict[str, Attendance] = {}

    def update(meeting: Meeting) -> list[str]:
        row = Attendance.objects.select_for_update().filter(pk=attendance.pk, meeting=meeting).first()
        if row is None:
            raise NotFound()
        if row.status != AttendanceStatus.PRESENT:
            message = _("%(name)s is not marked present.") % {"name": row.name}
            raise InvalidInput(message, fields={"attendance": [message]})
        row.left_at = None if back else timezone.now()
        row.save(update_fields=["left_at"])
        marked["row"] = row
        return []

    apply_transition(MEETING_WORKFLOW, actor=actor, obj=attendance.meeting_id, action="mark", update=update,
                     note=f"{attendance.pk}:{'back' if back else 'left'}")
    return marked["row"]


@transaction.atomic
def meeting_close(*, actor: Actor, meeting: Meeting | int) -> Meeting:
    """Close the meeting: the sign-in code dies with it, and whether it was quorate is frozen (an
    inquorate meeting's votes cannot pass)."""

    def update(row: Meeting) -> list[str]:
        now = timezone.now()
        refresh_counts(row)
        row.signin_code = ""
        row.signin_expires_at = now
        fields = ["signin_code", "signin_expires_at", "expected_count", "present_count", "is_quorate"]
        if now > row.starts_at and (row.ends_at is None or row.ends_at > now):
            row.ends_at = now
            fields.append("ends_at")
        return fields

    return apply_transition(MEETING_WORKFLOW, actor=actor, obj=meeting, action="close", update=update)



@transaction.atomic
def meeting_record(*, actor: Actor, meeting: Meeting | int) -> Meeting:
    """Record a meeting held without the sign-in (the secretary marked attendance by hand, or minutes
    it after the fact): held, with the quorum frozen from the marks as they stand."""

    def update(row: Meeting) -> list[str]:
        refresh_counts(row)
        return ["expected_count", "present_count", "is_quorate"]

    return apply_transition(MEETING_WORKFLOW, actor=actor, obj=meeting, action="record", update=update)
