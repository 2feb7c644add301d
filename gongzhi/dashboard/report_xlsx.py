"""The monthly report's spreadsheet: a summary sheet, then one sheet per table of the overview with
the same rows (rates as shares 0–1 formatted as percentages)."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook

from .tables import RATE, Table, plain


def _sheet_title(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", str(title))[:28] or "-"
    base, n = name, 2
    while name in used:
        name = f"{base[:26]}{n}"
        n += 1
    used.add(name)
    return name


def add_table(wb: Workbook, table: Table, used: set[str]) -> None:
    ws = wb.create_sheet(_sheet_title(table.title, used))
    ws.append([str(c.label) for c in table.columns])
    for row in table.rows:
        ws.append([plain(row.get(c.key)) for c in table.columns])
        for i, c in enumerate(table.columns, start=1):
            if c.kind == RATE:
                ws.cell(row=ws.max_row, column=i).number_format = "0.0%"
    if table.note:
        ws.append([])
        ws.append([str(table.note)])


def build(*, summary_title: str, summary: list[tuple[str, object]], tables: list[Table]) -> bytes:
    wb = Workbook()
    ws = wb.active
    used: set[str] = set()
    ws.title = _sheet_title(summary_title, used)
    for label, value in summary:
        ws.append([str(label), plain(value)])
    ws.column_dimensions["A"].width = 30
    for table in tables:
        add_table(wb, table, used)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
