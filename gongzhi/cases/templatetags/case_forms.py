"""The case page's action dialogs after a refused action: `{% typed action "note" %}` puts back what
was typed into that box, `{% problem action "note" %}` shows the problem beside it (the view passes
`failed = {"action", "values", "errors"}` for the one dialog that was sent)."""

from django import template
from django.utils.html import format_html

register = template.Library()


def _failed(context, action: str) -> dict | None:
    failed = context.get("failed")
    return failed if failed and failed.get("action") == action else None


@register.simple_tag(takes_context=True)
def typed(context, action: str, field: str) -> str:
    failed = _failed(context, action)
    return failed["values"].get(field, "") if failed else ""


@register.simple_tag(takes_context=True)
def problem(context, action: str, field: str) -> str:
    failed = _failed(context, action)
    messages = failed["errors"].get(field) if failed else None
    if not messages:
        return ""
    return format_html('<span class="error" role="alert">{}</span>', messages[0])
