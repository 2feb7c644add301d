"""The domain error type. Services raise these; the API turns them into one error body
(`code`, `message`, `fields`) and pages show the message next to the named fields."""

from datetime import date as _date
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema


class DomainError(Exception):
    status = 400
    default_code = "invalid"
    default_message = _("The request is invalid.")

    def __init__(self, message=None, *, code: str | None = None, fields: dict[str, list[str]] | None = None):
        self.message = str(message if message is not None else self.default_message)
        self.code = code or self.default_code
        self.fields = {k: [str(m) for m in v] for k, v in (fields or {}).items()}
        super().__init__(self.message)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class InvalidInput(DomainError):
    status = 400
    default_code = "invalid"


class Forbidden(DomainError):
    status = 403
    default_code = "forbidden"
    default_message = _("You do not have permission to do this.")


class NotFound(DomainError):
    status = 404
    default_code = "not_found"
    default_message = _("Not found.")


class Conflict(DomainError):
    status = 409
    default_code = "conflict"
    default_message = _("The record was changed by someone else; reload and try again.")


class Unavailable(DomainError):
    """The database (or another service the request needs) is unreachable for a moment: nothing
    was saved; the same request can be sent again (with the same idempotency key, where offered)."""

    status = 503
    default_code = "unavailable"
    default_message = _("The service is unavailable for a moment and nothing was saved. Please try again shortly.")


class StorageFull(DomainError):
    """The file storage has no room: nothing of the request was saved (files already written are
    removed again); the message names the upload field."""

    status = 507
    default_code = "storage_full"
    default_message = _("The file storage is full, so nothing was saved. Please try again later or tell the administrator.")


def invalid_from_validation_error(exc: ValidationError) -> InvalidInput:
    """Turn Django's ValidationError (from full_clean) into an InvalidInput naming each field."""
    if hasattr(exc, "error_dict"):
        fields = {field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
        non_field = fields.pop("__all__", [])
        message = non_field[0] if non_field else next(iter(fields.values()))[0]
        if non_field:
            fields["__all__"] = non_field
        return InvalidInput(message, fields=fields)
    return InvalidInput(exc.messages[0] if exc.messages else None, fields={"__all__": exc.messages})


# ---------------------------------------------------------------------------------------------
# The API edge: the error body every operation declares, and bounds on what a request may carry.
# Input is parsed and bounded here, before it reaches a service or the database: a value the
# database cannot hold (an id past its integer range, a date past the calendar) is refused on
# its field with 422, never turned into a 500 by the database driver.

#: The largest id the database holds (BigAutoField: a signed 64-bit integer).
DB_ID_MAX = 2**63 - 1
#: An object id in a request body or query: positive and within the database's integer range.
Id = Annotated[int, Field(ge=1, le=DB_ID_MAX)]
#: A small positive count of days or hours, bounded so date arithmetic cannot overflow.
Days = Annotated[int, Field(ge=0, le=36_500)]
#: The calendar a period may lie in (figures, reports): outside it no case can have been filed.
FIRST_DAY = _date(2000, 1, 1)
LAST_DAY = _date(2100, 12, 31)
Day = Annotated[_date, Field(ge=FIRST_DAY, le=LAST_DAY)]
#: A code naming a catalogue entry or a department: never empty.
Code = Annotated[str, Field(min_length=1, max_length=64)]


class ErrorOut(Schema):
    """The one error body: a machine-readable `code`, a `message` for people, and the messages per
    field (`fields`, empty when the error concerns no field)."""

    code: str
    message: str
    fields: dict[str, list[str]] = {}


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error answers of an operation, for its `response=`: `response={200: CaseOut,
    **errors(400, 401, 403, 404, 409, 422)}`. Each answers the one error body (`ErrorOut`)."""
    return dict.fromkeys(statuses, ErrorOut)


def check_period(start: _date, end: _date) -> None:
    """Refuse a period whose start lies after its end (400 on `end`)."""
    if start > end:
        message = _("The end of the period lies before its start.")
        raise InvalidInput(message, fields={"end": [message]})
