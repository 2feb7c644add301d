"""A dashboard figure is a table: named columns and rows of values, with the chart that draws it.
The page shows the table beside its chart, the API returns it as it is, and the .xlsx export writes
the same rows, so the three can never disagree."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# How a column's values read: text, a count, a rate (a share 0–1), hours, or a number.
TEXT, COUNT, RATE, HOURS, NUMBER = "text", "count", "rate", "hours", "number"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = COUNT


@dataclass(frozen=True)
class Chart:
    """How the page draws the table: `type` line, bar or pie; `x` the column of the categories;
    `y` the columns drawn (several lines or bars)."""

    type: str
    x: str
    y: tuple[str, ...]


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    chart: Chart | None = None
    note: str = ""
    # Per row, the node a click drills down to (the ranking, the map): {row index: node id}.
    links: dict[int, int] = field(default_factory=dict)

    def as_data(self) -> dict:
        """JSON-ready: rates and hours as floats, the rest as they are."""
        return {
            "key": self.key,
            "title": str(self.title),
            "note": str(self.note),
            "columns": [{"key": c.key, "label": str(c.label), "kind": c.kind} for c in self.columns],
            "rows": [{**{c.key: plain(row.get(c.key)) for c in self.columns},
                      **({"kinds": row["kinds"]} if row.get("kinds") else {})} for row in self.rows],
            "chart": None if self.chart is None else {"type": self.chart.type, "x": self.chart.x, "y": list(self.chart.y)},
            "links": {str(i): node for i, node in self.links.items()},
        }


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    return str(value)
