"""The domain error type. Services raise these; the API turns them into one error body
(`code`, `message`, `fields`) and pages show the message next to the named fields."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


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
