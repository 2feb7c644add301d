"""What the spot checks' services take from pages, the API and tasks: ids, months, and the error
that names the field it came from."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from gongzhi.core.errors import InvalidInput


def field_error(field: str, message: str) -> InvalidInput:
    """Bad input shown beside `field` on the form (and under `fields` in the API's error body)."""
    return InvalidInput(message, fields={field: [message]})


def object_id(value) -> int | None:
    if value in (None, ""):
        return None
    if hasattr(value, "pk"):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def month_value(value, field: str = "month") -> dt.date:
    """The first day of a month, from a date or "YYYY-MM" / "YYYY-MM-DD" text (years 2000–2100)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        text = str(value or "").strip()
        try:
            value = dt.date.fromisoformat(text + "-01" if len(text) == 7 else text)
        except ValueError:
            raise field_error(field, _("Enter a month (YYYY-MM).")) from None
    if not 2000 <= value.year <= 2100:
        raise field_error(field, _("Enter a month (YYYY-MM)."))
    return value.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month as aware datetimes in the site's time zone, end exclusive."""
    from django.utils import timezone

    start = timezone.make_aware(dt.datetime.combine(month, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(next_month(month), dt.time.min))
    return start, end
