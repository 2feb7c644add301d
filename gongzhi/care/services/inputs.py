"""What care's services take from pages, the API and tasks, read once: an object or its id, a date,
and the error that names the field it came from."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from gongzhi.core.errors import InvalidInput


def field_error(field: str, message: str) -> InvalidInput:
    """Bad input shown beside `field` on the form (and under `fields` in the API's error body)."""
    return InvalidInput(message, fields={field: [message]})


def object_id(value) -> int | None:
    """The primary key of a model instance or of an id given as text or number; None when absent or
    not a number (the caller then answers "not found" or names the field)."""
    if value in (None, ""):
        return None
    if hasattr(value, "pk"):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def date_value(value, field: str) -> dt.date:
    """A date, a datetime or an ISO date text; anything else is an error beside `field`."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise field_error(field, _("Enter a date (YYYY-MM-DD).")) from None
