"""The site's own error pages: 403, 404 and 500 in the shell, in the user's language, with DEBUG on
as well (the demo runs with DEBUG=1 and is shown to people who should never read a traceback).

Two parts: the handlers `gongzhi/urls.py` names (`handler403` …), which Django calls with DEBUG off
(and for 403 always), and `ErrorPageMiddleware`, which replaces the pages Django draws itself —
the technical 404 and 500 pages with DEBUG on, the CSRF failure page, a bare "Not Found" — with
ours. The API keeps its JSON errors. The traceback of a 500 still goes to the log (django.request);
SHOW_TECHNICAL_ERRORS=1 keeps Django's debug pages for a developer who wants them in the browser."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

logger = logging.getLogger(__name__)

API_PREFIXES = ("/api/", "/open311/")
STATUSES = (403, 404, 500)


def _texts(status: int) -> tuple[str, str]:
    return {
        403: (_("You may not open this page"),
              _("Your role does not give you access to this page or action. If you need it for your work, "
                "ask your administrator.")),
        404: (pgettext("error page", "Page not found"),
              _("The page does not exist, was moved, or lies outside your area. Check the address, or "
                "go back to the home page.")),
        500: (_("Something went wrong on our side"),
              _("The page could not be shown. Try again in a moment; if it keeps happening, tell your "
                "administrator the time it happened.")),
    }[status]


def error_page(request, status: int, detail: str = ""):
    """The shell page for `status`; a plain page when the shell itself cannot be drawn (the
    database is down, a template broke)."""
    title, text = _texts(status)
    context = {"status": status, "title": title, "text": text, "detail": detail,
               "request_id": getattr(request, "request_id", "")}
    try:
        response = render(request, "core/error.html", context, status=status)
    except Exception:  # noqa: BLE001 — the error page must not fail in turn
        logger.exception("the error page %s could not be rendered in the shell", status)
        try:
            response = HttpResponse(loader.render_to_string("core/error_plain.html", context), status=status)
        except Exception:  # noqa: BLE001
            response = _bare(status, title, text)
    response.gongzhi_error_page = True
    return response


def _bare(status, title, text):
    from django.utils.html import escape

    return HttpResponse(f"<!DOCTYPE html><meta charset=utf-8><title>{escape(title)}</title><h1>{escape(title)}</h1>"
                        f"<p>{escape(text)}</p>", status=status)


def forbidden(request, exception=None):
    # A refusal the gate words (Forbidden's message, e.g. "Only the street … may call departments")
    # is shown; Django's own empty PermissionDenied is not.
    detail = str(exception.args[0]) if exception is not None and exception.args and isinstance(
        exception.args[0], str) else ""
    return error_page(request, 403, detail)


def not_found(request, exception=None):
    return error_page(request, 404)


def server_error(request):
    # The database gone (or the disk full) before any view ran — a middleware loading the session
    # or the user — is the same fault as in a view: nothing was saved, try again (503 / 507).
    import sys

    from .middleware import fault_response

    return fault_response(request, sys.exc_info()[1]) or error_page(request, 500)


def csrf_failure(request, reason=""):
    return error_page(request, 403, _("The form had expired. Go back, reload the page and send it again."))


class ErrorPageMiddleware:
    """Replaces the error pages Django draws itself (technical 404/500 with DEBUG, a bare one)
    by the site's own, for pages only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code in STATUSES
            and not getattr(response, "gongzhi_error_page", False)
            and not request.path.startswith(API_PREFIXES)
            and not getattr(response, "streaming", False)
            and response.get("Content-Type", "").startswith("text/html")
            and not getattr(settings, "SHOW_TECHNICAL_ERRORS", False)
        ):
            return error_page(request, response.status_code)
        return response
