"""Reads of appeals and corrections, scoped: a worker sees their own appeals (and the corrections
of their months), the staff those of their area scope; outside is not found."""

from __future__ import annotations

from django.db.models import QuerySet

from gongzhi.core.errors import NotFound

from ..models import Appeal, AppealState, Correction, CorrectionState, ScoreLine

APPEAL_RELATED = ("line__worker_month__area", "line__worker_month__worker", "worker", "area", "decided_by")
CORRECTION_RELATED = ("worker_month__area", "worker_month__worker", "requested_by", "decided_by", "corrects", "line")


def appeals_list(*, user, state: str = "") -> QuerySet:
    rows = Appeal.objects.visible_to(user).select_related(*APPEAL_RELATED)
    if state in AppealState.values:
        rows = rows.filter(state=state)
    return rows.order_by("-created_at", "-pk")


def appeal_get(*, user, pk) -> Appeal:
    row = Appeal.objects.visible_to(user).select_related(*APPEAL_RELATED).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def appeal_reversal(appeal: Appeal) -> ScoreLine | None:
    """The line that reversed an upheld appeal's line."""
    return ScoreLine.objects.filter(source=f"assessment.appeal:{appeal.pk}").first()


def corrections_list(*, user, state: str = "", worker_month=None) -> QuerySet:
    rows = Correction.objects.visible_to(user).select_related(*CORRECTION_RELATED)
    if state in CorrectionState.values:
        rows = rows.filter(state=state)
    if worker_month is not None:
        rows = rows.filter(worker_month=worker_month)
    return rows.order_by("-created_at", "-pk")


def correction_get(*, user, pk) -> Correction:
    row = Correction.objects.visible_to(user).select_related(*CORRECTION_RELATED).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def own_line_get(*, user, pk) -> ScoreLine:
    """A line of the user's own month (anyone else's: not found, whoever asks)."""
    row = (ScoreLine.objects.select_related("worker_month__area", "worker_month__worker")
           .filter(pk=pk, worker_month__worker_id=getattr(user, "pk", None)).first())
    if row is None:
        raise NotFound()
    return row
