from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def figure(value, unit: str = "") -> str:
    """A figure or target as people read it: a share as a percentage, else the number."""
    if value is None or value == "":
        return _("no data")
    try:
        number = Decimal(str(value))
    except Exception:  # noqa: BLE001 - shown as it is
        return str(value)
    if unit == "rate":
        return f"{(number * 100).quantize(Decimal('0.1'))}%"
    text = f"{number.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def starline(value) -> str:
    try:
        n = int(value or 0)
    except (TypeError, ValueError):
        n = 0
    return "★" * n + "☆" * (5 - n)
