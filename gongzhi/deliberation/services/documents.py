"""Documents of a topic (a plan, a quote, a drawing, a photo): checked by what their first bytes
show (never the name or the browser's claim): PDF, Word/Excel/PowerPoint (OOXML and the older
binary formats) and photos; at most DELIBERATION_DOCUMENT_MAX_BYTES each."""

from __future__ import annotations

import mimetypes
import zipfile

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.cases.services.attachments import sniff
from gongzhi.core import audit, components
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import InvalidInput
from gongzhi.core.permissions import require
from gongzhi.core.workflow import lock_visible

from ..models import Topic, TopicDocument

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif", "image/heic"})
OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .ppt
EXTENSIONS = {
    "application/pdf": ".pdf", "application/msword": ".doc", "image/heic": ".heic",
    OOXML["word/"]: ".docx", OOXML["xl/"]: ".xlsx", OOXML["ppt/"]: ".pptx",
}
MAX_PER_UPLOAD = 5


def document_kind(f: UploadedFile) -> str | None:
    """The content type of an accepted document, from its bytes; None for anything else."""
    f.seek(0)
    head = f.read(16)
    f.seek(0)
    if head.startswith(OLE_MAGIC):
        return "application/msword"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(f) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            f.seek(0)
        for prefix, kind in OOXML.items():
            if any(name.startswith(prefix) for name in names) and "[Content_Types].xml" in names:
                return kind
        return None
    kind = sniff(head)
    if kind == "application/pdf" or kind in IMAGE_TYPES:
        return kind
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    return None


def _refuse(message: str, index: int) -> InvalidInput:
    return InvalidInput(message, fields={"documents": [message], f"documents.{index}": [message]})


def documents_add(*, actor: Actor, topic: Topic | int, files: list[UploadedFile], public: bool = False) -> list[TopicDocument]:
    """Attach documents to a topic (the proposer and the staff of its area), to the step it is at.
    Every file is checked before any is stored: nothing half-written."""
    from .steps import current_step

    if not files:
        message = _("Choose at least one file.")
        raise InvalidInput(message, fields={"documents": [message]})
    if len(files) > MAX_PER_UPLOAD:
        message = _("At most %(n)d files at a time.") % {"n": MAX_PER_UPLOAD}
        raise InvalidInput(message, fields={"documents": [message]})
    limit = components.setting("DELIBERATION_DOCUMENT_MAX_BYTES")
    kinds = []
    for index, f in enumerate(files):
        if f.size > limit:
            raise _refuse(_("“%(name)s” is larger than %(mb)d MB.") % {"name": f.name, "mb": limit // (1024 * 1024)}, index)
        kind = document_kind(f)
        if kind is None:
            raise _refuse(_("“%(name)s” is not a document or a photo (PDF, Word, Excel, PowerPoint, JPEG, PNG).")
                          % {"name": f.name}, index)
        kinds.append(kind)
    with transaction.atomic():
        pk = topic.pk if isinstance(topic, Topic) else topic
        row = lock_visible(Topic, actor=actor, pk=pk)
        require(actor, "deliberation.attach", row)
        step = current_step(row)
        made = []
        for f, kind in zip(files, kinds, strict=True):
            extension = EXTENSIONS.get(kind) or mimetypes.guess_extension(kind) or ""
            name = (f.name or "document")[:200]
            document = TopicDocument(topic=row, step=step, name=name, content_type=kind, size=f.size,
                                     is_public=public, uploaded_by=actor_user(actor))
            f.seek(0)
            document.file.save(f"upload{extension}", f, save=False)
            try:
                document.save()
            except Exception:
                document.file.delete(save=False)
                raise
            made.append(document)
        audit.record(actor=actor, action="deliberation.topic.attach", obj=row,
                     after={"documents": [d.name for d in made]})
    return made
