"""Corrections of a worker's month (更正): the staff of the worker's area ask for points (+ or −)
with a reason, optionally naming the line it corrects; a second person of the street approves or
rejects it through CORRECTION_WORKFLOW (row lock, audit). Approved, a new line of origin
"correction" carries the points, the reason and the approver, and the month's total and pay share
follow. A line is never edited. Open and closed months alike: a closed month is never recomputed
from the rules, but a correction with an approver is how a mistake in it is put right."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import NotFound
from gongzhi.core.notifications import notify
from gongzhi.core.permissions import require
from gongzhi.core.workflow import apply_transition

from ..models import Correction, LineOrigin, ScoreLine, WorkerMonth
from ..workflow import CORRECTION_WORKFLOW
from .appeals import clean_reason, deciders, field_error, lock_month, month_url, object_id, retotal

POINTS_MAX = 100
NOTE_MAX = 1000


def _points(value) -> int:
    try:
        points = int(value)
    except (TypeError, ValueError):
        raise field_error("points", _("Enter a whole number of points, e.g. 3 or -2.")) from None
    if points == 0:
        raise field_error("points", _("A correction of 0 points changes nothing."))
    if abs(points) > POINTS_MAX:
        raise field_error("points", _("At most %(n)d points either way.") % {"n": POINTS_MAX})
    return points


@transaction.atomic
def correction_request(*, actor: Actor, worker_month, points, reason: str, corrects=None) -> Correction:
    """Ask for a correction of a worker's month (the staff of its area); the street is told."""
    row = WorkerMonth.objects.visible_to(actor).select_related("area", "worker").filter(
        pk=object_id(worker_month)).first()
    if row is None:
        raise NotFound()
    require(actor, "assessment.request_correction", row)
    if row.worker_id == getattr(actor_user(actor), "pk", None):
        raise field_error("points", _("You cannot correct your own score."))
    value = _points(points)
    text = clean_reason(reason)
    line = None
    if object_id(corrects) is not None:
        line = ScoreLine.objects.filter(pk=object_id(corrects), worker_month=row).first()
        if line is None:
            raise field_error("corrects", _("Choose a line of this month."))
    correction = Correction.objects.create(worker_month=row, points=value, reason=text, corrects=line,
                                           requested_by=actor_user(actor))
    audit.record(actor=actor, action="assessment.correction.create", obj=correction,
                 after={"worker_month": row.pk, "points": value, "reason": text,
                        "corrects": line.pk if line else None})
    recipients = [u for u in deciders(row.area) if u.pk != getattr(actor_user(actor), "pk", None)]
    url = reverse("assessment:correction", kwargs={"correction_id": correction.pk})
    transaction.on_commit(lambda: notify(
        recipients=recipients, kind="assessment.correction_requested", obj=correction, url=url,
        title=_("A correction of %(points)+d points for %(worker)s, %(month)s, awaits approval")
        % {"points": value, "worker": row.worker, "month": f"{row.month:%Y-%m}"}, body=text))
    return correction


def _tell(correction: Correction) -> None:
    month = correction.worker_month
    approved = correction.line_id is not None
    title = (_("Correction approved: %(points)+d points, %(month)s") if approved
             else _("Correction rejected: %(points)+d points, %(month)s")) % {
        "points": correction.points, "month": f"{month.month:%Y-%m}"}
    recipients = [correction.requested_by] + ([month.worker] if approved else [])
    notify(recipients=recipients, kind="assessment.correction_decided", obj=correction, title=title,
           body=correction.decision_note or correction.reason, url=month_url(month))


def correction_approve(*, actor: Actor, correction, note: str = "") -> Correction:
    """A second person approves: a new line of origin "correction" with the approver."""
    def update(row: Correction):
        text = (note or "").strip()
        if len(text) > NOTE_MAX:
            raise field_error("note", _("At most %(n)d characters.") % {"n": NOTE_MAX})
        month = lock_month(row.worker_month_id)
        row.decided_by = actor_user(actor)
        row.decided_at = timezone.now()
        row.decision_note = text
        row.line = ScoreLine.objects.create(
            worker_month=month, kind=row.corrects.kind if row.corrects_id else "correction", rule=None,
            points=row.points, source=f"assessment.correction:{row.pk}", occurred_at=row.decided_at,
            origin=LineOrigin.CORRECTION, summary=(_("Correction: %(reason)s") % {"reason": row.reason})[:200],
            reason=row.reason, approved_by=row.decided_by, corrects=row.corrects)
        retotal(month)
        return ["decided_by", "decided_at", "decision_note", "line"]

    return apply_transition(CORRECTION_WORKFLOW, actor=actor, obj=object_id(correction), action="approve",
                            update=update, notify=_tell, note=(note or "").strip()[:200])


def correction_reject(*, actor: Actor, correction, note: str) -> Correction:
    """A second person rejects, saying why; nothing changes in the month."""
    def update(row: Correction):
        row.decision_note = clean_reason(note, "note")
        row.decided_by = actor_user(actor)
        row.decided_at = timezone.now()
        return ["decided_by", "decided_at", "decision_note"]

    return apply_transition(CORRECTION_WORKFLOW, actor=actor, obj=object_id(correction), action="reject",
                            update=update, notify=_tell, note=(note or "").strip()[:200])
