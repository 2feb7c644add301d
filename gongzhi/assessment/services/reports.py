"""The monthly report export (.xlsx), audited: one sheet per level — streets, communities, grid
workers (with the rank) — and one with every line, its points, its source and who approved it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.permissions import require
from gongzhi.core.xlsx import DATETIME, DECIMAL, INTEGER, Book, Column, Total

from ..models import MonthState
from ..selectors.reports import (
    Report,
    UnitRow,
    area_report,
    kind_labels,
    month_label,
    origin_label,
    report_lines,
)


def _unit_cells(u: UnitRow) -> list:
    return [u.name, u.workers, u.total, u.earned, u.deducted, u.average, u.pay]


def report_workbook(report: Report, lines) -> bytes:
    book = Book()
    period = month_label(report.month)
    states = dict(MonthState.choices)
    units = [Column(_("Workers"), 10, INTEGER), Column(_("Score"), 10, INTEGER),
             Column(_("Points earned"), 12, INTEGER), Column(_("Points deducted"), 12, INTEGER),
             Column(_("Average score"), 12, DECIMAL), Column(_("Pay share (yuan)"), 14, DECIMAL)]
    book.table(_("Streets"), title=_("Grid workers' scores per street"), scope=report.scope_name, period=period,
               columns=[Column(_("Street"), 20), *units],
               rows=[*(_unit_cells(u) for u in report.streets), Total(_unit_cells(report.total))])
    book.table(_("Communities"), title=_("Grid workers' scores per community"), scope=report.scope_name,
               period=period, columns=[Column(_("Community"), 20), *units],
               rows=[*(_unit_cells(u) for u in report.communities), Total(_unit_cells(report.total))])
    book.table(_("Grid workers"), title=_("Grid workers' scores"), scope=report.scope_name, period=period,
               columns=[Column(_("Rank"), 8, INTEGER), Column(_("Grid worker"), 14), Column(_("Grid"), 14),
                        Column(_("Community"), 16), Column(_("Street"), 16), Column(_("Score"), 10, INTEGER),
                        Column(_("Points earned"), 12, INTEGER), Column(_("Points deducted"), 12, INTEGER),
                        Column(_("Pay share (yuan)"), 14, DECIMAL), Column(_("Lines"), 8, INTEGER),
                        Column(_("Pending appeals"), 10, INTEGER), Column(_("State"), 10)],
               rows=([r.rank, r.name, r.grid, r.community, r.street, r.total, r.earned, r.deducted, r.pay, r.lines,
                      r.pending_appeals, str(states.get(r.state, r.state))] for r in report.workers))
    labels = kind_labels()
    book.table(_("Lines"), title=_("Every line of the month"), scope=report.scope_name, period=period,
               columns=[Column(_("Grid worker"), 14), Column(_("Grid"), 14), Column(_("Kind"), 16),
                        Column(_("Points"), 8, INTEGER), Column(_("When"), 16, DATETIME), Column(pgettext("score line", "Summary"), 30),
                        Column(_("Source"), 26), Column(_("Origin"), 10), Column(_("Reason"), 30),
                        Column(_("Approved by"), 12)],
               rows=([str(line.worker_month.worker), line.worker_month.area.name, labels.get(line.kind, line.kind),
                      line.points, line.occurred_at, line.summary, line.source, origin_label(line.origin), line.reason,
                      str(line.approved_by) if line.approved_by_id else ""] for line in lines.iterator(chunk_size=2000)))
    return book.to_bytes()


@transaction.atomic
def report_export(*, actor: Actor, node: AreaNode | None, month: dt.date) -> tuple[bytes, Report]:
    """The workbook of a month's scores of `node` (found in the actor's scope by the caller; None: the
    actor's own areas); every export is an audit event."""
    require(actor, "assessment.export_report")
    report = area_report(user=actor, node=node, month=month)
    content = report_workbook(report, report_lines(user=actor, node=node, month=month))
    audit.record(actor=actor, action="assessment.report.export", obj=node,
                 after={"node": node.pk if node is not None else None, "month": month_label(month),
                        "workers": len(report.workers), "at": timezone.now().isoformat()})
    return content, report
