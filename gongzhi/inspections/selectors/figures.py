"""The spot checks' figures for the dashboard and the assessment (FigureProvider
"inspections.summary"): records sampled, checked, problems confirmed and the share checked, for the
samples of months that begin in [start, end) of the streets under `node`, scoped to the user."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind
from gongzhi.core import scope
from gongzhi.core.actors import is_system

from ..models import FindingState, SampleItem


def _day(value) -> dt.date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, dt.datetime) else value


def summary(*, user, node=None, start=None, end=None) -> dict:
    rows = SampleItem.objects.all() if is_system(user) else SampleItem.objects.visible_to(user)
    if node is not None:
        if node.kind in (AreaKind.DISTRICT, AreaKind.STREET):
            rows = rows.filter(scope.path_q([node.path], "sample__street"))
        else:  # a community or a grid: the records done there
            rows = rows.filter(Q(visit__household__path__startswith=node.path)
                               | Q(case__location_path__startswith=node.path))
    start, end = _day(start), _day(end)
    if start is not None:
        rows = rows.filter(sample__month__gte=start)
    if end is not None:
        rows = rows.filter(sample__month__lt=end)
    counts = rows.aggregate(
        sampled=Count("pk"), checked=Count("finding"),
        confirmed=Count("finding", filter=Q(finding__state=FindingState.CONFIRMED)))
    sampled, checked = counts["sampled"] or 0, counts["checked"] or 0
    share = round(100 * checked / sampled, 1) if sampled else 0.0
    return {"sampled": sampled, "checked": checked, "confirmed": counts["confirmed"] or 0, "share_checked": share}


def dashboard_figures(*, user, node=None, start=None, end=None) -> list[dict]:
    s = summary(user=user, node=node, start=start, end=end)
    return [
        {"key": "inspections.sampled", "label": _("Records sampled for spot checks"), "value": s["sampled"]},
        {"key": "inspections.checked", "label": _("Sampled records checked"), "value": s["checked"]},
        {"key": "inspections.problems_confirmed", "label": _("Problems confirmed by the street"),
         "value": s["confirmed"]},
        {"key": "inspections.share_checked", "label": _("Share of sampled records checked (%)"),
         "value": s["share_checked"]},
    ]
