"""The sign-in policy on every request of a signed-in session: staff sessions expire
(`sessions.expired`), and an account that must verify a second factor reaches nothing but the
two-factor pages, sign-out, the language switch and static files until it has (`two_factor.pending`).

Pages are sent to the login or two-factor page (with ?next=); API calls made with the session get
the uniform error body (401 "session_expired", 403 "two_factor_required"). Bearer-token calls are
judged by their token alone (`auth.TokenAuth`) and pass untouched."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import sessions, two_factor

API_PREFIX = "/api/"
OPEN_PREFIXES = ("/static/", "/i18n/")
# The pages an account waiting for its second factor may still open.
TWO_FACTOR_PAGES = ("two_factor_verify", "two_factor_enrol", "logout")


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)


class SignInPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        is_api = path.startswith(API_PREFIX)
        if (is_api and request.headers.get("Authorization")) or path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        if request.user.is_authenticated:
            why = sessions.expired(request)
            if why:
                logout(request)
                message = (
                    _("You were signed out after a period of inactivity. Please sign in again.")
                    if why == "idle"
                    else _("Your session has ended; staff sign in again every day. Please sign in again.")
                )
                if is_api:
                    return _error(401, "session_expired", message)
                messages.info(request, message)
                return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
            if two_factor.pending(request) and path not in {reverse(name) for name in TWO_FACTOR_PAGES}:
                if is_api:
                    return _error(403, "two_factor_required", str(two_factor.TwoFactorRequired.default_message))
                target = "two_factor_verify" if two_factor.is_enrolled(request.user) else "two_factor_enrol"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
