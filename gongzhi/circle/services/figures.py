"""The service circle figures export (.xlsx), audited: per area, per point, and coverage."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.permissions import require
from gongzhi.core.xlsx import DECIMAL, INTEGER, PERCENT, Book, Column, Total, period_label

from ..models import PointKind
from ..selectors.figures import Figures, Row, circle_figures


def _columns() -> list[Column]:
    return [Column(_("Orders"), 10, INTEGER), Column(_("Delivered or rated"), 10, INTEGER),
            Column(_("Cancelled"), 10, INTEGER), Column(_("Past a time limit"), 10, INTEGER),
            Column(_("Hours to dispatch"), 10, DECIMAL), Column(_("Hours to accept"), 10, DECIMAL),
            Column(_("Hours to deliver"), 10, DECIMAL), Column(_("Rated"), 8, INTEGER),
            Column(_("Average stars"), 8, DECIMAL), Column(_("Satisfied"), 10, PERCENT),
            Column(_("Room bookings"), 10, INTEGER), Column(_("Checked in"), 10, INTEGER),
            Column(_("No-shows (rooms)"), 10, INTEGER), Column(_("Hall appointments"), 10, INTEGER),
            Column(_("Served"), 10, INTEGER), Column(_("No-shows (hall)"), 10, INTEGER)]


def _cells(row: Row) -> list:
    return [row.orders, row.done, row.state("cancelled"), row.overdue,
            row.hours_to_dispatch, row.hours_to_accept, row.hours_to_deliver, row.rated, row.average_stars,
            row.satisfied_share, row.bookings, row.checked_in, row.booking_no_shows, row.appointments, row.served,
            row.appointment_no_shows]


def figures_workbook(result: Figures) -> bytes:
    book = Book()
    period = period_label(result.start, result.end)
    book.table(_("Per area"), title=_("Service circle figures per area"), scope=result.scope_name, period=period,
               columns=[Column(result.level_label or _("Area"), 22), *_columns()],
               rows=[*([r.name, *_cells(r)] for r in result.rows), Total([result.total.name, *_cells(result.total)])])
    kinds = dict(PointKind.choices)
    book.table(_("Per point"), title=_("Service circle figures per point"), scope=result.scope_name, period=period,
               columns=[Column(_("Service point"), 24), Column(_("Kind"), 14), Column(_("Room bookings"), 10, INTEGER),
                        Column(_("Checked in"), 10, INTEGER), Column(_("No-shows (rooms)"), 10, INTEGER),
                        Column(_("Hall appointments"), 10, INTEGER), Column(_("Served"), 10, INTEGER),
                        Column(_("No-shows (hall)"), 10, INTEGER)],
               rows=([r.name, str(kinds.get(r.kind, r.kind)), r.bookings, r.checked_in, r.booking_no_shows,
                      r.appointments, r.served, r.appointment_no_shows] for r in result.points))
    book.table(_("Coverage"), title=_("Households within the walk, per service"), scope=result.scope_name,
               period=period,
               columns=[Column(_("Community"), 18), Column(_("Service"), 14), Column(_("Households"), 10, INTEGER),
                        Column(_("Within the walk"), 10, INTEGER), Column(_("Share"), 10, PERCENT),
                        Column(_("Buildings not reached"), 10, INTEGER)],
               rows=([c.community, c.service_name, c.households, c.covered, c.share, c.gap_buildings]
                     for c in result.coverage))
    return book.to_bytes()


@transaction.atomic
def figures_export(*, actor: Actor, node: AreaNode | None, start: dt.date, end: dt.date,
                   level: str = "") -> tuple[bytes, Figures]:
    """The workbook of the circle's figures of `node` (found in the actor's scope by the caller; None:
    the actor's own areas) for [start, end]; every export is an audit event."""
    require(actor, "circle.export_figures")
    result = circle_figures(user=actor, node=node, start=start, end=end, level=level)
    content = figures_workbook(result)
    audit.record(actor=actor, action="circle.figures.export", obj=node,
                 after={"node": node.pk if node is not None else None, "level": result.level,
                        "start": start.isoformat(), "end": end.isoformat(), "rows": len(result.rows),
                        "points": len(result.points)})
    return content, result
