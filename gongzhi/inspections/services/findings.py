"""The inspector's check of a sampled record (回访电话 or 上门) and the street's review of it.

A check records how it was made, the finding (no problem, or a problem of a kind from the list with
a note saying what was found) and photos (sniffed as images, never trusted by name). A problem waits
for the street, which confirms it (the grid worker's deduction, read by the assessment through
`scoring.py`) or rejects it with a reason. A record is checked once; a decision is taken once.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.services.attachments import sniff
from gongzhi.core import audit
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict
from gongzhi.core.notifications import notify
from gongzhi.core.permissions import require
from gongzhi.core.workflow import apply_transition, lock_visible

from ..models import Finding, FindingPhoto, FindingState, Method, Outcome, ProblemKind, SampleItem
from ..workflow import FINDING_WORKFLOW
from .inputs import field_error, object_id

NOTE_MAX = 2000
REASON_MAX = 1000
PHOTOS_MAX = 6
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic")


def check_photos(photos: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    """Photos only (sniffed), at most PHOTOS_MAX, each under 10 MB."""
    photos = list(photos or ())
    if len(photos) > PHOTOS_MAX:
        raise field_error("photos", _("At most %(n)d photos.") % {"n": PHOTOS_MAX})
    checked = []
    for f in photos:
        if f.size > PHOTO_MAX_BYTES:
            raise field_error("photos", _("“%(name)s” is larger than %(mb)d MB.")
                              % {"name": f.name, "mb": PHOTO_MAX_BYTES // (1024 * 1024)})
        f.seek(0)
        kind = sniff(f.read(16))
        f.seek(0)
        if kind not in PHOTO_TYPES:
            raise field_error("photos", _("“%(name)s” is not a photo.") % {"name": f.name})
        checked.append((f, kind))
    return checked


@transaction.atomic
def finding_record(*, actor: Actor, item, method: str, outcome: str, problem_kind: str = "", note: str = "",
                   photos: Sequence[UploadedFile] = ()) -> Finding:
    row = lock_visible(SampleItem, actor=actor, pk=object_id(item))
    require(actor, "inspections.check", row)
    if Finding.objects.filter(item=row).exists():
        raise Conflict(_("This record is already checked."), code="already_checked")
    if method not in Method.values:
        raise field_error("method", _("Choose how you checked: a call-back or a visit."))
    if outcome not in Outcome.values:
        raise field_error("outcome", _("Choose the finding."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise field_error("note", _("At most %(n)d characters.") % {"n": NOTE_MAX})
    if outcome == Outcome.PROBLEM:
        if problem_kind not in ProblemKind.values:
            raise field_error("problem_kind", _("Choose the kind of problem."))
        if not note:
            raise field_error("note", _("Say what you found: the street decides on your note."))
    else:
        problem_kind = ""
    checked = check_photos(photos)
    finding = Finding.objects.create(
        item=row, method=method, outcome=outcome, problem_kind=problem_kind, note=note,
        state=FindingState.PENDING if outcome == Outcome.PROBLEM else FindingState.NO_PROBLEM,
        recorded_by=actor_user(actor), recorded_at=timezone.now())
    for f, kind in checked:
        f.seek(0)
        FindingPhoto.objects.create(finding=finding, file=f, content_type=kind, size=f.size)
    audit.record(actor=actor, action="inspections.finding.record", obj=finding,
                 after={"item": row.pk, "method": method, "outcome": outcome, "problem_kind": problem_kind,
                        "photos": len(checked)})
    if outcome == Outcome.PROBLEM:
        from ..selectors.samples import street_staff

        street = row.sample.street
        staff = street_staff(street)
        url = reverse("inspections:item", kwargs={"item_id": row.pk})
        transaction.on_commit(lambda: notify(
            recipients=staff, kind="inspections.problem_found", obj=finding, url=url,
            title=_("An inspector found a problem in %(street)s: confirm or reject it") % {"street": street.name}))
    return finding


@transaction.atomic
def finding_confirm(*, actor: Actor, finding, reason: str = "") -> Finding:
    """The street confirms the problem: from now on it is a deduction for the grid worker."""
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise field_error("reason", _("At most %(n)d characters.") % {"n": REASON_MAX})

    def update(obj: Finding):
        obj.decided_by, obj.decided_at, obj.decision_reason = actor_user(actor), timezone.now(), reason
        return ["decided_by", "decided_at", "decision_reason"]

    return apply_transition(FINDING_WORKFLOW, actor=actor, obj=object_id(finding), action="confirm", update=update,
                            notify=_tell_worker, note=reason)


@transaction.atomic
def finding_reject(*, actor: Actor, finding, reason: str = "") -> Finding:
    """The street rejects the finding, saying why (no deduction)."""
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Say why the finding is rejected."))
    if len(reason) > REASON_MAX:
        raise field_error("reason", _("At most %(n)d characters.") % {"n": REASON_MAX})

    def update(obj: Finding):
        obj.decided_by, obj.decided_at, obj.decision_reason = actor_user(actor), timezone.now(), reason
        return ["decided_by", "decided_at", "decision_reason"]

    return apply_transition(FINDING_WORKFLOW, actor=actor, obj=object_id(finding), action="reject", update=update,
                            note=reason)


def _tell_worker(finding: Finding) -> None:
    item = finding.item
    notify(recipients=[item.worker], kind="inspections.problem_confirmed", obj=finding,
           title=_("An inspector's finding on your work of %(month)s was confirmed: %(kind)s")
           % {"month": f"{item.sample.month:%Y-%m}", "kind": finding.get_problem_kind_display()},
           body=finding.note)
