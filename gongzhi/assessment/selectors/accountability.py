"""Confirmed deductions, for the accountability records the duties app keeps (明白纸: the
system sync reads them; unscoped — the sync runs as the system)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from ..models import AppealState, MonthState, ScoreLine


def confirmed_deductions(*, since: dt.datetime | None = None) -> QuerySet[ScoreLine]:
    """Deduction lines that stand: of closed months, or whose appeal was dismissed (and none
    upheld). `since`: closed or decided at or after it. Each with its month, worker and grid."""
    confirmed = Q(worker_month__state=MonthState.CLOSED) | Q(appeals__state=AppealState.DISMISSED)
    if since is not None:
        confirmed = (Q(worker_month__state=MonthState.CLOSED, worker_month__closed_at__gte=since)
                     | Q(appeals__state=AppealState.DISMISSED, appeals__decided_at__gte=since))
    return (ScoreLine.objects.filter(points__lt=0).filter(confirmed)
            .exclude(appeals__state=AppealState.UPHELD)
            .select_related("worker_month", "worker_month__worker", "worker_month__area", "rule")
            .distinct().order_by("occurred_at", "pk"))
