"""How a table's values read on the page, the wall and in the reports (the .xlsx keeps numbers)."""

from __future__ import annotations

from decimal import Decimal

from .tables import COUNT, HOURS, NUMBER, RATE


def cell_text(value, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if kind == RATE:
        return f"{Decimal(str(value)) * 100:.1f}%"
    if kind == HOURS:
        return f"{Decimal(str(value)):.1f}"
    if kind in (COUNT, NUMBER) and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = Decimal(str(value))
        if number == number.to_integral_value():
            return f"{int(number):,}"
        return f"{number.normalize():f}"
    return str(value)


def kind_of(row: dict, column: dict) -> str:
    """A row may say how one of its cells reads (`row["kinds"]`), as the programmes' rows do."""
    return (row.get("kinds") or {}).get(column["key"], column["kind"])
