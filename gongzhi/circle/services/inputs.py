"""What the circle's services take from pages, the API and tasks, read once: an object's id, a
moment, a number of stars, and the error that names the field it came from."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
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


def moment_value(value, field: str) -> dt.datetime:
    """An aware datetime from a datetime or an ISO text (“2026-12-07T10:30”, local time when naive);
    anything else is an error beside `field`."""
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value or "").strip())
        except ValueError:
            raise field_error(field, _("Enter a date and time (YYYY-MM-DD HH:MM).")) from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def stars_value(value, field: str = "stars") -> int:
    try:
        stars = int(value)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise field_error(field, _("Give one to five stars."))
    return stars
