"""The assessment's figures for the dashboard and the differentiated assessment (`FigureProvider`
"assessment.summary"): grid workers scored, their average score, points deducted and appeals
pending in the period, under a node, counting only what the user may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from gongzhi.core.permissions import can

from ..models import Appeal, AppealState, WorkerMonth, month_start


def dashboard_figures(*, user, node, start: dt.date, end: dt.date) -> list[dict]:
    """Months starting in [start, end) (end exclusive). Nothing for who may not read scores."""
    if not can(user, "assessment.view_scores"):
        return []
    months = WorkerMonth.objects.visible_to(user).filter(month__gte=month_start(start), month__lt=end)
    appeals = Appeal.objects.visible_to(user).filter(state=AppealState.PENDING)
    if node is not None:
        months = months.filter(area__path__startswith=node.path)
        appeals = appeals.filter(area__path__startswith=node.path)
    row = months.aggregate(workers=Count("worker", distinct=True), months=Count("pk"), total=Sum("total"),
                           deducted=Sum("deducted"))
    average = round((row["total"] or 0) / row["months"], 1) if row["months"] else None
    return [
        {"key": "assessment.workers_scored", "label": _("Grid workers scored"), "value": row["workers"] or 0},
        {"key": "assessment.average_score", "label": _("Average monthly score"), "value": average},
        {"key": "assessment.points_deducted", "label": _("Points deducted"), "value": row["deducted"] or 0},
        {"key": "assessment.appeals_pending", "label": _("Appeals pending"), "value": appeals.count()},
    ]
