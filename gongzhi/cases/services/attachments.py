"""Attachments of case events: what the first bytes show a file to be (never the name or the
browser's claim), the checks on kind, size and count, and saving them under the event."""

from __future__ import annotations

import errno
import logging
import mimetypes
from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import InvalidInput, StorageFull, Unavailable

from .. import conf
from ..models import Case, CaseAttachment, CaseEvent

logger = logging.getLogger(__name__)

_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF", "application/pdf"),
    (b"ID3", "audio/mpeg"),
    (b"\xff\xfb", "audio/mpeg"),
)


def sniff(head: bytes) -> str:
    """The content type the first bytes show (never trust the name or the browser's claim)."""
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return "image/heic" if head[8:12] in (b"heic", b"heix", b"mif1") else "video/mp4"
    return "application/octet-stream"


def check_attachments(files: Sequence[UploadedFile]) -> None:
    allowed = conf.get("CASES_ATTACHMENT_TYPES")
    limit = conf.get("CASES_ATTACHMENT_MAX_BYTES")
    if len(files) > conf.get("CASES_ATTACHMENTS_PER_EVENT"):
        message = _("At most %(n)d files at a time.") % {"n": conf.get("CASES_ATTACHMENTS_PER_EVENT")}
        raise InvalidInput(message, fields={"attachments": [message]})
    for index, f in enumerate(files):
        if f.size > limit:
            message = _("“%(name)s” is larger than %(mb)d MB.") % {"name": f.name, "mb": limit // (1024 * 1024)}
            raise InvalidInput(message, fields={f"attachments.{index}": [message]})
        f.seek(0)
        kind = sniff(f.read(16))
        f.seek(0)
        if kind not in allowed:
            message = _("“%(name)s” is not an accepted kind of file (photos, PDF, audio or video).") % {"name": f.name}
            raise InvalidInput(message, fields={f"attachments.{index}": [message]})


def save_attachments(case: Case, event: CaseEvent, actor: Actor, files: Sequence[UploadedFile]) -> None:
    """Store the files and their rows under `event`. If the storage fails (the media disk full, or
    unreachable) the files of this call already written are removed again and a translated error
    names the upload field; the caller's transaction then rolls the rest of the request back."""
    written: list[CaseAttachment] = []
    try:
        for f in files:
            f.seek(0)
            kind = sniff(f.read(16))
            f.seek(0)
            extension = mimetypes.guess_extension(kind) or ""
            attachment = CaseAttachment(
                case=case, event=event, name=f.name[:200], content_type=kind, size=f.size,
                uploaded_by=actor_user(actor),
            )
            attachment.file.save(f"{event.pk}-{len(case.attachments.all()) + 1}{extension}", f, save=False)
            written.append(attachment)
            attachment.save()
    except OSError as exc:
        _remove(written)
        logger.warning("attachment storage failed for case %s: %s", case.pk, exc.strerror or exc.__class__.__name__)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            message = _("The file storage is full, so your files and the request were not saved. "
                        "Please try again later or tell the administrator.")
            raise StorageFull(message, fields={"attachments": [message]}) from None
        message = _("The file storage cannot be reached, so your files and the request were not saved. "
                    "Please try again shortly.")
        raise Unavailable(message, fields={"attachments": [message]}) from None
    except BaseException:
        _remove(written)
        raise


def _remove(written: Sequence[CaseAttachment]) -> None:
    """Delete the stored files of a failed save (their rows roll back with the transaction)."""
    for attachment in written:
        if attachment.file.name:
            try:
                attachment.file.storage.delete(attachment.file.name)
            except OSError:  # pragma: no cover - a storage that cannot even delete: nothing more to do
                logger.warning("could not remove %s after a failed upload", attachment.file.name)
