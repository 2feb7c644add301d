import re

from . import context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


class RequestContextMiddleware:
    """Opens an action context per request: request id (kept from X-Request-ID if sane) and client IP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else context.new_request_id()
        source = "api" if request.path.startswith(("/api/", "/open311/")) else "web"
        with context.action_context(source=source, request_id=request_id, ip=request.META.get("REMOTE_ADDR")):
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
