"""The one way gongzhi writes an .xlsx for people to read: every sheet opens with a title row
(what it is), a line naming the scope and the period, then a bold header row frozen under them,
columns as wide as their content needs and numbers in the format people expect (rates as
percentages: 0.5263 shows as 52.6%, dates as dates).

    book = Book()
    book.table(_("Three rates"), title=..., scope="西站街道 瓜州路社区", period="2026-12-01 — 2026-12-04",
               columns=[Column(_("Figure"), 24), Column(_("Value"), 12, PERCENT)], rows=[...])
    content = book.to_bytes()

Workbooks are written in openpyxl's write-only mode, so exports of many thousand rows stream
with little memory. Rows may be any iterable (a generator is fine).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Number formats (Excel codes) the exports use.
PERCENT = "0.0%"
INTEGER = "#,##0"
DECIMAL = "#,##0.00"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
TEXT = "@"

# The rows above the header: title, scope and period; the header is row HEADER_ROW.
HEADER_ROW = 3

_TITLE_FONT = Font(bold=True, size=14)
_META_FONT = Font(italic=True, color="5F6873")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F4F5F7")
_HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)


@dataclass(frozen=True)
class Column:
    """One column: its header, its width in characters (a Chinese character counts about two)
    and the Excel number format of its values (None: as the value comes)."""

    label: str
    width: float = 14
    number_format: str | None = None


@dataclass(frozen=True)
class Value:
    """A cell whose format differs from its column's (a table of mixed figures: counts and rates)."""

    value: object
    number_format: str | None = None


class Total(tuple):
    """A row shown in bold (a subtotal or the total): `Total(values)` among the rows."""


def _plain(value):
    """A value openpyxl can store: Decimals as floats, aware datetimes in local time (Excel has no
    time zones), lazy translations as text, None as an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, int | float | dt.date):
        return value
    # control characters typed or pasted into free text cannot be stored in a worksheet: drop them
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


class Book:
    """A workbook of one or more tables, each on its own sheet."""

    def __init__(self) -> None:
        self._book = Workbook(write_only=True)
        self.rows_written = 0

    def table(
        self,
        name: str,
        *,
        title: str,
        scope: str = "",
        period: str = "",
        columns: Sequence[Column],
        rows: Iterable[Sequence],
        note: str = "",
    ) -> int:
        """Add a sheet `name` (cut to Excel's 31 characters) holding `rows` under `columns`;
        returns the number of data rows written."""
        sheet = self._book.create_sheet(str(name)[:31])
        for index, column in enumerate(columns, start=1):
            letter = _letter(index)
            sheet.column_dimensions[letter].width = column.width
        sheet.freeze_panes = f"A{HEADER_ROW + 1}"

        def styled(value, font=None, fill=None, alignment=None):
            cell = WriteOnlyCell(sheet, value=value)
            if font is not None:
                cell.font = font
            if fill is not None:
                cell.fill = fill
            if alignment is not None:
                cell.alignment = alignment
            return cell

        sheet.append([styled(_plain(title), _TITLE_FONT)])
        meta = []
        if scope:
            meta.append(_("Scope: %(scope)s") % {"scope": scope})
        if period:
            meta.append(_("Period: %(period)s") % {"period": period})
        meta.append(_("Exported: %(when)s") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")})
        if note:
            meta.append(str(note))
        sheet.append([styled(_plain("　".join(meta)), _META_FONT)])
        sheet.append([styled(_plain(c.label), _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN) for c in columns])
        formats = [c.number_format for c in columns]
        count = 0
        for row in rows:
            bold = isinstance(row, Total)
            values = []
            for index, value in enumerate(row):
                fmt = formats[index] if index < len(formats) else None
                if isinstance(value, Value):
                    value, fmt = value.value, value.number_format
                value = _plain(value)
                # empty cells get the format too: typed in later, they show right
                if bold or (fmt is not None and not isinstance(value, str)):
                    cell = WriteOnlyCell(sheet, value=value)
                    if fmt is not None and not isinstance(value, str):
                        cell.number_format = fmt
                    if bold:
                        cell.font = _HEADER_FONT
                    values.append(cell)
                else:
                    values.append(value)
            sheet.append(values)
            count += 1
        self.rows_written += count
        return count

    def to_bytes(self) -> bytes:
        if not self._book.worksheets:
            self._book.create_sheet("Sheet")
        buffer = io.BytesIO()
        self._book.save(buffer)
        return buffer.getvalue()


def write_table(*, name: str, title: str, scope: str = "", period: str = "", columns: Sequence[Column],
                rows: Iterable[Sequence], note: str = "") -> bytes:
    """One table as a whole workbook (the common case)."""
    book = Book()
    book.table(name, title=title, scope=scope, period=period, columns=columns, rows=rows, note=note)
    return book.to_bytes()


def period_label(start: dt.date | None, end: dt.date | None) -> str:
    """"2026-12-01 — 2026-12-04" (either end may be open)."""
    if start is None and end is None:
        return ""
    return f"{start.isoformat() if start else '…'} — {end.isoformat() if end else '…'}"


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
