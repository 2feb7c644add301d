"""The assessment pages. The path converter "month" ("2026-11", given to a view as its first day;
not a month: 404) is registered here, before any page's patterns are read."""

import datetime as dt

from django.urls import register_converter


class MonthConverter:
    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        year, month = (int(x) for x in value.split("-"))
        if not 2000 <= year <= 2100:
            raise ValueError(value)
        return dt.date(year, month, 1)

    def to_url(self, value) -> str:
        return f"{value:%Y-%m}" if isinstance(value, dt.date) else str(value)


register_converter(MonthConverter, "month")
