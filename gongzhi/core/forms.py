"""Pages' forms and the services' errors: a service refuses with a `DomainError` naming the fields
(`InvalidInput(message, fields={"title": [...]})`); the page shows each message beside its field."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

from .errors import DomainError


def add_domain_errors(form: forms.Form, exc: DomainError, *, not_echoed: Iterable[str] = ()) -> None:
    """Put each of the service's messages beside the field it names; a message naming no field of
    the form goes above it. Fields in `not_echoed` are emptied when refused (a number that belongs
    to someone else's record must not be shown back)."""
    placed = False
    not_echoed = set(not_echoed)
    for field, messages in (exc.fields or {}).items():
        for message in messages:
            # a field this form does not have (the service checks more than one form shows): above it
            form.add_error(field if field in form.fields else None, message)
            placed = True
        if field in not_echoed and field in form.fields and form.is_bound:
            form.data = form.data.copy()
            form.data[field] = ""
    if not placed:
        form.add_error(None, exc.message)


def local_datetime(value: str, field: str):
    """A datetime-local input (the site's time zone) as an aware datetime; refused on `field`."""
    import datetime as dt

    from django.utils import timezone
    from django.utils.translation import gettext as _

    from .errors import InvalidInput

    message = _("Enter a date and time.")
    try:
        parsed = dt.datetime.fromisoformat((value or "").strip())
    except ValueError as exc:
        raise InvalidInput(message, fields={field: [message]}) from exc
    if not 2000 <= parsed.year <= 2100:
        raise InvalidInput(message, fields={field: [message]})
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
