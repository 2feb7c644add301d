"""Parsing of the numbers people type (weights, targets, scores), refused beside the field."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from gongzhi.core.errors import InvalidInput

LARGEST = Decimal("1000000000")


def number(value, name: str, *, low: Decimal | None = Decimal(0), high: Decimal | None = LARGEST) -> Decimal:
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        result = None
    if result is None or not result.is_finite():
        message = _("Enter a number.")
        raise InvalidInput(message, fields={name: [message]})
    if low is not None and result < low:
        message = _("Enter a number of at least %(low)s.") % {"low": low}
        raise InvalidInput(message, fields={name: [message]})
    if high is not None and result > high:
        message = _("Enter a number of at most %(high)s.") % {"high": high}
        raise InvalidInput(message, fields={name: [message]})
    return result.quantize(Decimal("0.0001"))


def text(value, name: str, *, required: bool = True, longest: int = 2000) -> str:
    result = str(value or "").strip()
    if required and not result:
        message = _("This field is required.")
        raise InvalidInput(message, fields={name: [message]})
    if len(result) > longest:
        message = _("At most %(n)s characters.") % {"n": longest}
        raise InvalidInput(message, fields={name: [message]})
    return result
