from __future__ import annotations

from django.contrib import messages
from django.http import Http404

from gongzhi.core.errors import DomainError, NotFound


def run(request, act, back):
    """POST an action of a page: the service's refusal becomes a message on the page."""
    try:
        act()
    except (NotFound, Http404):
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, "; ".join(m for ms in (exc.fields or {}).values() for m in ms) or exc.message)
    return back
