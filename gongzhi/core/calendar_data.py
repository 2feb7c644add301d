"""Seeding the working-day calendar from the `chinesecalendar` package.

`seed_calendar` does what migration 0003 does, and can run any number of times: it adds the
statutory holidays on weekdays (and named holidays on weekends) and the make-up working days on
weekends for every year the package knows, and a `CalendarYear` for each of those years. Rows that
exist already — including days edited by hand — are left as they are.
"""

from __future__ import annotations

import datetime as dt

# The package names its holidays in English; people here call them by their Chinese names (the
# names the State Council's notices use). Rows seeded before this mapping keep the English name in
# the database: `holiday_name` shows them in Chinese too.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def holiday_name(name: str) -> str:
    """A holiday's name as people say it (春节, not “Spring Festival”)."""
    return HOLIDAY_NAMES.get(name, name)


def package_source() -> str:
    import chinese_calendar

    return f"chinesecalendar {getattr(chinese_calendar, '__version__', '')}".strip()


def package_days() -> tuple[dict[dt.date, tuple[str, str]], set[int]]:
    """What the package knows: {date: (kind, name)} of the exceptions to Mon–Fri, and the years."""
    import chinese_calendar

    years: set[int] = set()
    rows: dict[dt.date, tuple[str, str]] = {}
    for day, name in chinese_calendar.holidays.items():
        years.add(day.year)
        if day.weekday() < 5 or name:
            rows[day] = ("holiday", holiday_name(str(name or "")))
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5:
            rows[day] = ("workday", holiday_name(str(name or "")))
    return rows, years


def seed_calendar(*, CalendarDay=None, CalendarYear=None) -> dict:
    """Add what the package knows and the database lacks; usable with historical models.

    Returns {"source": "chinesecalendar x.y", "years": [years added], "days": [dates added]}.
    With the live models, the in-memory calendar of `gongzhi.core.calendar` is refreshed.
    """
    live = CalendarDay is None and CalendarYear is None
    if CalendarDay is None or CalendarYear is None:
        from .models import CalendarDay as LiveDay
        from .models import CalendarYear as LiveYear

        CalendarDay = CalendarDay or LiveDay
        CalendarYear = CalendarYear or LiveYear
    source = package_source()
    rows, years = package_days()
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    new_days = [
        CalendarDay(date=day, kind=kind, name=name)
        for day, (kind, name) in sorted(rows.items())
        if day not in existing
    ]
    CalendarDay.objects.bulk_create(new_days, batch_size=500)
    known = set(CalendarYear.objects.values_list("year", flat=True))
    new_years = sorted(years - known)
    CalendarYear.objects.bulk_create([CalendarYear(year=y, source=source) for y in new_years])
    if live and (new_days or new_years):
        from . import calendar

        calendar.invalidate()
    return {"source": source, "years": new_years, "days": [d.date for d in new_days]}
