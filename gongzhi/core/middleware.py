import errno
import logging
import re

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from . import context

logger = logging.getLogger(__name__)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


def client_address(request) -> str | None:
    """The client's address for the audit log: from the header the operator's proxy sets
    (SIGNIN_IP_HEADERS, the same one the sign-in lock-out reads; nginx overwrites it with the
    address it saw, so a client cannot choose it), else REMOTE_ADDR. Behind nginx, REMOTE_ADDR
    alone would name the proxy for everyone."""
    from django.conf import settings

    for header in getattr(settings, "AXES_IPWARE_META_PRECEDENCE_ORDER", ("REMOTE_ADDR",)):
        value = request.META.get(header, "")
        if value:
            # a list of hops: the last one is what our own proxy saw
            return value.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    """Opens an action context per request: request id (kept from X-Request-ID if sane) and client IP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else context.new_request_id()
        source = "api" if request.path.startswith(("/api/", "/open311/")) else "web"
        with context.action_context(source=source, request_id=request_id, ip=client_address(request)):
            request.request_id = request_id
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class ChosenLanguageOnlyMiddleware:
    """Simplified Chinese unless the user chose another language with the switch.

    Django would otherwise follow the browser's Accept-Language, and a government office's
    English-configured PC would greet staff in English. The choice (the language cookie) still wins."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class FaultMiddleware:
    """Pages when a service the request needs fails: the database went away (restarted, the
    connection dropped) or the file storage is full. The request's transaction rolled back, so
    nothing was saved; the user gets a translated page saying so (503 / 507), not a 500. The
    API answers the same through its own exception handlers (gongzhi.api)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return fault_response(request, exception)


def fault_response(request, exception) -> HttpResponse | None:
    """The translated 503 (database gone) or 507 (storage full) answer to `exception`, or None for
    any other exception. Used for exceptions in views (FaultMiddleware) and for those raised before
    any view ran — the session or the user loaded by a middleware — which reach the 500 handler
    (`core.errorpages.server_error`)."""
    if isinstance(exception, (OperationalError, InterfaceError)):
        status, heading = 503, _("The service is unavailable for a moment")
        message = _("The database could not be reached, so nothing was saved. "
                    "Please go back and send the form again in a moment.")
    elif isinstance(exception, OSError) and exception.errno in (errno.ENOSPC, errno.EDQUOT):
        status, heading = 507, _("The file storage is full")
        message = _("There is no room to store files, so nothing was saved. "
                    "Please try again later or tell the administrator.")
    else:
        return None
    logger.warning("page %s failed: %s (answered %s)", request.path, exception.__class__.__name__, status)
    if request.path.startswith(("/api/", "/open311/")):
        from .errors import StorageFull, Unavailable

        err = Unavailable() if status == 503 else StorageFull()
        response = JsonResponse({"code": err.code, "message": str(err.message), "fields": {}}, status=status)
    else:
        back = request.get_full_path()  # the page the form is on (never a Referer: no open redirect)
        html = render_to_string("core/unavailable.html", {"heading": heading, "message": message, "back": back},
                                request=None)
        response = HttpResponse(html, status=status)
    if status == 503:
        response["Retry-After"] = "5"
    return response
