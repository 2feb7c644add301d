"""The care figures export (.xlsx), audited: three sheets — per node, per branch, per person."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.permissions import require
from gongzhi.core.xlsx import DECIMAL, INTEGER, PERCENT, Book, Column, Total, period_label

from ..models import CarerKind
from ..selectors.figures import Figures, Row, care_figures


def _node_cells(row: Row) -> list:
    return [row.name, row.tagged, row.covered, row.coverage, row.plans, row.due, row.done, row.done_share,
            row.missed, row.visits, row.average_days]


def figures_workbook(result: Figures) -> bytes:
    book = Book()
    period = period_label(result.start, result.end)
    counts = [Column(_("Turns due"), 10, INTEGER), Column(_("Turns done"), 10, INTEGER),
              Column(_("Share done"), 10, PERCENT), Column(_("Missed turns"), 10, INTEGER),
              Column(_("Visits"), 10, INTEGER), Column(_("Average days between visits"), 12, DECIMAL)]
    book.table(_("Per area"), title=_("Care figures per area"), scope=result.scope_name, period=period,
               columns=[Column(result.level_label or _("Area"), 22),
                        Column(_("Households in difficulty"), 12, INTEGER),
                        Column(_("Of them with a care plan"), 12, INTEGER), Column(_("Coverage"), 10, PERCENT),
                        Column(_("Households with a care plan"), 12, INTEGER), *counts],
               rows=[*(_node_cells(r) for r in result.rows), Total(_node_cells(result.total))])
    book.table(_("Per branch"), title=_("Care figures per branch"), scope=result.scope_name, period=period,
               columns=[Column(_("Branch"), 24), Column(_("Area"), 16),
                        Column(_("Households with a care plan"), 12, INTEGER), *counts],
               rows=([r.name, r.kind, r.plans, r.due, r.done, r.done_share, r.missed, r.visits, r.average_days]
                     for r in result.branches))
    kinds = dict(CarerKind.choices)
    book.table(_("Per person"), title=_("Care figures per person"), scope=result.scope_name, period=period,
               columns=[Column(_("Carer"), 18), Column(_("Kind"), 10), Column(_("Branch"), 24),
                        Column(_("Turns due"), 10, INTEGER), Column(_("Turns done"), 10, INTEGER),
                        Column(_("Missed turns"), 10, INTEGER), Column(_("Visits"), 10, INTEGER)],
               rows=([r.name, str(kinds.get(r.kind, r.kind)), r.branch, r.due, r.done, r.missed, r.visits]
                     for r in result.carers))
    return book.to_bytes()


@transaction.atomic
def figures_export(*, actor: Actor, node: AreaNode | None, start: dt.date, end: dt.date,
                   level: str = "") -> tuple[bytes, Figures]:
    """The workbook of the care figures of `node` (found in the actor's scope by the caller; None:
    the actor's own areas) for [start, end]; every export is an audit event."""
    require(actor, "care.export_figures")
    result = care_figures(user=actor, node=node, start=start, end=end, level=level)
    content = figures_workbook(result)
    audit.record(actor=actor, action="care.figures.export", obj=node,
                 after={"node": node.pk if node is not None else None, "level": result.level,
                        "start": start.isoformat(), "end": end.isoformat(), "rows": len(result.rows),
                        "branches": len(result.branches), "carers": len(result.carers)})
    return content, result
