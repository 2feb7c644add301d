"""Attachments of items, statements and fund receipts: documents and images only, recognised by
their first bytes (never the name or the browser's claim)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from gongzhi.core import components
from gongzhi.core.errors import InvalidInput
from gongzhi.meetings.services.minutes import ACCEPTED, sniff


def check_files(files: Sequence[UploadedFile], *, field: str = "attachments") -> list[str]:
    """Refuse (on `field`) too many files, too large ones, and any that is not a photo, a PDF or a
    Word/Excel document. Returns each file's content type."""
    per_upload = components.setting("DISCLOSURE_ATTACHMENTS_PER_UPLOAD")
    limit = components.setting("DISCLOSURE_ATTACHMENT_MAX_BYTES")
    if len(files) > per_upload:
        message = _("At most %(n)d files at a time.") % {"n": per_upload}
        raise InvalidInput(message, fields={field: [message]})
    kinds = []
    for f in files:
        if f.size > limit:
            message = _("“%(name)s” is larger than %(mb)d MB.") % {"name": f.name, "mb": limit // (1024 * 1024)}
            raise InvalidInput(message, fields={field: [message]})
        f.seek(0)
        kind = sniff(f.read(16), f.name)
        f.seek(0)
        if kind not in ACCEPTED:
            message = _("“%(name)s” is not an accepted kind of file (photos, PDF, Word or Excel).") % {"name": f.name}
            raise InvalidInput(message, fields={field: [message]})
        kinds.append(kind)
    return kinds


def attach(model, *, files: Sequence[UploadedFile], kinds: Sequence[str], **owner) -> list:
    """Store checked files as rows of `model` (ItemAttachment, StatementAttachment, FundReceipt)."""
    rows = []
    for f, kind in zip(files, kinds, strict=True):
        row = model(name=f.name[:200], content_type=kind, size=f.size, **owner)
        row.file.save(f.name, f, save=False)
        row.save()
        rows.append(row)
    return rows
