"""The co-building figures as an .xlsx (the core workbook writer): a row per community, the street's
own row when it has projects, and a bold total per street."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gongzhi.core.xlsx import INTEGER, PERCENT, Column, Total, period_label, write_table

from .selectors.figures import Figures, Row


def _cells(street: str, row: Row) -> list:
    return [street, row.name, row.members, row.active_members, row.units, row.needs_raised, row.needs_met,
            row.resources_used, row.resources_capacity, row.resources_share, *row.project_counts]


def figures_workbook(result: Figures, *, scope: str = "") -> bytes:
    columns = [
        Column(_("Street"), 16), Column(_("Community"), 22),
        Column(_("Members reported in"), 12, INTEGER), Column(_("Members active"), 12, INTEGER),
        Column(_("Units reported in"), 12, INTEGER), Column(_("Needs raised"), 12, INTEGER),
        Column(_("Needs met"), 12, INTEGER), Column(_("Resources used"), 12, INTEGER),
        Column(_("Resources offered"), 12, INTEGER), Column(_("Share used"), 10, PERCENT),
        *[Column(_("Projects: %(state)s") % {"state": label}, 12, INTEGER) for _value, label in result.project_states],
    ]

    def rows():
        for street in result.streets:
            for row in street.rows:
                yield _cells(street.name, row)
            yield Total(_cells(street.name, street.total))

    return write_table(name=_("Co-building figures"), title=_("Co-building figures"), scope=scope,
                       period=period_label(result.start, result.end), columns=columns, rows=rows())
