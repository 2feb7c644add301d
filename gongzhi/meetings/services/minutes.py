"""Versioned minutes (纪要): the secretary writes a draft, the chair approves it, then it is frozen —
a change after approval is a new version, itself a draft. Every version and every approval is an
audit event. Attachments (a sign-in sheet, photos, a document) hang on a draft version; their kind
is what the first bytes show, never the name or the browser's claim."""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit, components, notifications, permissions
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, InvalidInput
from gongzhi.core.workflow import apply_transition, lock_visible

from ..models import Meeting, MeetingState, MemberRole, Minutes, MinutesAttachment, MinutesState
from ..workflow import MINUTES_WORKFLOW

MINUTES_FIELDS = ["meeting", "version", "text", "state"]
TEXT_LIMIT = 20_000
# Minutes are written once the meeting has opened (or was recorded as held).
MINUTED_STATES = (MeetingState.IN_SESSION, MeetingState.HELD)

_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF", "application/pdf"),
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCEPTED = frozenset({"image/jpeg", "image/png", "image/webp", "application/pdf", DOCX, XLSX})
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf",
              DOCX: ".docx", XLSX: ".xlsx"}


def sniff(head: bytes, name: str = "") -> str:
    """The content type the first bytes show. Office files are zip archives: the name's extension
    only tells a Word document from a spreadsheet once the bytes show a zip."""
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04"):
        guessed = mimetypes.guess_type(name or "")[0]
        if guessed in (DOCX, XLSX):
            return guessed
    return "application/octet-stream"


def check_files(files: Sequence[UploadedFile]) -> None:
    """At most MEETINGS_ATTACHMENTS_PER_UPLOAD files, each at most MEETINGS_ATTACHMENT_MAX_BYTES,
    each a photo, a PDF or a Word/Excel document; otherwise refused on the file's field."""
    per_upload = components.setting("MEETINGS_ATTACHMENTS_PER_UPLOAD")
    limit = components.setting("MEETINGS_ATTACHMENT_MAX_BYTES")
    if not files:
        message = _("Choose a file.")
        raise InvalidInput(message, fields={"attachments": [message]})
    if len(files) > per_upload:
        message = _("At most %(n)d files at a time.") % {"n": per_upload}
        raise InvalidInput(message, fields={"attachments": [message]})
    for f in files:
        if f.size > limit:
            message = _("“%(name)s” is larger than %(mb)d MB.") % {"name": f.name, "mb": limit // (1024 * 1024)}
            raise InvalidInput(message, fields={"attachments": [message]})
        f.seek(0)
        kind = sniff(f.read(16), f.name)
        f.seek(0)
        if kind not in ACCEPTED:
            message = _("“%(name)s” is not an accepted kind of file (photos, PDF, Word or Excel).") % {"name": f.name}
            raise InvalidInput(message, fields={"attachments": [message]})


def _chairs(meeting: Meeting) -> list:
    """The accounts that approve the minutes: the chair among the invitees."""
    return [a.user for a in meeting.attendances.select_related("user").filter(capacity=MemberRole.CHAIR,
                                                                             user__isnull=False)]


def _ask_for_approval(minutes: Minutes) -> None:
    meeting = minutes.meeting
    notifications.notify(
        recipients=_chairs(meeting),
        title=_("Minutes to approve: %(title)s") % {"title": meeting.title},
        body=_("Version %(n)d of the minutes waits for your approval.") % {"n": minutes.version},
        url=f"/meetings/{meeting.pk}/minutes/", obj=meeting, kind="meetings.minutes_to_approve",
    )


@transaction.atomic
def minutes_write(*, actor: Actor, meeting: Meeting | int, text: str) -> Minutes:
    """Write the minutes: change the current draft, or — when there is none, or the latest version
    is approved (frozen) — start version N+1 as a draft. Returns the draft."""
    pk = meeting.pk if isinstance(meeting, Meeting) else meeting
    meeting = lock_visible(Meeting, actor=actor, pk=pk)
    permissions.require(actor, "meetings.write_minutes", meeting)
    if meeting.state not in MINUTED_STATES:
        raise Conflict(_("Minutes are written once the meeting has opened."), code="invalid_transition")
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("This field is required."), fields={"text": [_("This field is required.")]})
    if len(text) > TEXT_LIMIT:
        message = _("At most %(n)d characters.") % {"n": TEXT_LIMIT}
        raise InvalidInput(message, fields={"text": [message]})
    latest = Minutes.objects.select_for_update().filter(meeting=meeting).order_by("-version").first()
    if latest is not None and latest.state == MinutesState.DRAFT:
        before = audit.snapshot(latest, MINUTES_FIELDS)
        latest.text, latest.written_by = text, actor_user(actor)
        return audit.save(actor=actor, obj=latest, action="meetings.minutes.write", fields=MINUTES_FIELDS,
                          before=before)
    draft = Minutes(meeting=meeting, version=(latest.version + 1) if latest else 1, text=text,
                    state=MinutesState.DRAFT, written_by=actor_user(actor))
    audit.save(actor=actor, obj=draft, action="meetings.minutes.write", fields=MINUTES_FIELDS,
               note=_("Version %(n)d") % {"n": draft.version})
    transaction.on_commit(lambda: _ask_for_approval(draft))
    return draft


@transaction.atomic
def minutes_approve(*, actor: Actor, minutes: Minutes | int) -> Minutes:
    """The chair approves a draft; from then on it is frozen."""

    def update(row: Minutes) -> list[str]:
        row.approved_by, row.approved_at = actor_user(actor), timezone.now()
        return ["approved_by", "approved_at"]

    return apply_transition(MINUTES_WORKFLOW, actor=actor, obj=minutes, action="approve", update=update)


@transaction.atomic
def minutes_attach(*, actor: Actor, minutes: Minutes | int, files: Sequence[UploadedFile]) -> list[MinutesAttachment]:
    """Attach files to a draft version (an approved version is frozen: edit to start a new one)."""
    pk = minutes.pk if isinstance(minutes, Minutes) else minutes
    minutes = lock_visible(Minutes, actor=actor, pk=pk)
    permissions.require(actor, "meetings.write_minutes", minutes.meeting)
    if minutes.state != MinutesState.DRAFT:
        raise Conflict(_("Approved minutes are frozen: edit them to start a new version."), code="frozen")
    check_files(files)
    saved = []
    for f in files:
        f.seek(0)
        kind = sniff(f.read(16), f.name)
        f.seek(0)
        row = MinutesAttachment(minutes=minutes, name=f.name[:200], content_type=kind, size=f.size,
                                uploaded_by=actor_user(actor))
        row.file.save(f"minutes{EXTENSIONS.get(kind, '')}", f, save=False)
        row.save()
        audit.record(actor=actor, action="meetings.minutes.attach", obj=minutes,
                     after={"name": row.name, "content_type": kind, "size": row.size})
        saved.append(row)
    return saved
