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
