"""A dashboard table as an .xlsx sheet: the same rows the page and the API show, numbers kept as
numbers (rates formatted as percentages). The monthly report writes its sheets with `add_table`."""

from __future__ import annotations

import re
from decimal import Decimal

from gongzhi.areas.selectors import address_of
from gongzhi.core import xlsx

from .periods import Month
from .tables import COUNT, HOURS, NUMBER, RATE, Table

_FORMATS = {RATE: xlsx.PERCENT, COUNT: xlsx.INTEGER, HOURS: "0.0", NUMBER: None}
_WIDTHS = {RATE: 12, COUNT: 10, HOURS: 12, NUMBER: 12}


def _cell(value, kind: str):
    if isinstance(value, Decimal):
        value = float(value)
    if kind == RATE or kind == HOURS:
        return xlsx.Value(value, _FORMATS[kind]) if value is not None else None
    return value


def add_table(book: xlsx.Book, table: Table, *, scope: str, month: Month, name: str | None = None) -> None:
    columns = [xlsx.Column(str(c.label), _WIDTHS.get(c.kind, 24), _FORMATS.get(c.kind)) for c in table.columns]
    rows = [
        [_cell(row.get(c.key), (row.get("kinds") or {}).get(c.key, c.kind)) for c in table.columns]
        for row in table.rows
    ]
    sheet = re.sub(r"[\[\]:*?/\\]", " ", str(name or table.title))[:31]
    book.table(sheet, title=str(table.title), scope=scope,
               period=xlsx.period_label(month.start, month.end.fromordinal(month.end.toordinal() - 1)),
               columns=columns, rows=rows, note=str(table.note))


def table_workbook(table: Table, *, node, month: Month) -> bytes:
    book = xlsx.Book()
    add_table(book, table, scope=address_of(node), month=month)
    return book.to_bytes()
