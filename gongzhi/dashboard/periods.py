"""The period a dashboard shows: a calendar month (`?month=2026-11`), this month by default."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.errors import InvalidInput


@dataclass(frozen=True)
class Month:
    start: dt.date  # first day
    end: dt.date  # first day of the next month (exclusive)

    @property
    def key(self) -> str:
        return f"{self.start:%Y-%m}"

    def label(self) -> str:
        return _("%(year)d-%(month)02d") % {"year": self.start.year, "month": self.start.month}

    def shifted(self, months: int) -> Month:
        return month_of(add_months(self.start, months))


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_of(day: dt.date) -> Month:
    start = day.replace(day=1)
    return Month(start=start, end=add_months(start, 1))


def this_month() -> Month:
    return month_of(timezone.localdate())


def last_month() -> Month:
    return this_month().shifted(-1)


def parse_month(value: str | None) -> Month:
    """`YYYY-MM` as typed, or this month when empty; a translated error on `month` otherwise.
    A month after this one is refused (there is nothing to show)."""
    if not value:
        return this_month()
    try:
        year, month = (int(part) for part in value.split("-"))
        result = month_of(dt.date(year, month, 1))
    except (ValueError, TypeError):
        raise InvalidInput(_("Give the month as year and month, e.g. 2026-11."),
                           fields={"month": [_("Give the month as year and month, e.g. 2026-11.")]}) from None
    if result.start > timezone.localdate():
        raise InvalidInput(_("That month has not begun yet."), fields={"month": [_("That month has not begun yet.")]})
    return result
