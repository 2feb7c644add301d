"""Template filters for personal data typed into free text.

`{{ text|masked_unless:shown }}` prints `text` as typed when `shown` is true (the view asked the
gate, e.g. the case's requester reading their own words), and otherwise with every ID-number-like
and mobile-like digit run masked by `gongzhi.core.pii.redact` — the same function the API uses,
so a page and the API mask the same way.
"""

from django import template

from gongzhi.core import pii

register = template.Library()


@register.filter
def masked_unless(text, shown=False):
    if shown or text is None or text == "":
        return text
    # audit values in the history are numbers, lists and dicts too: masked as they print
    return pii.redact(text if isinstance(text, str) else str(text))
