"""API authentication: the browser session (with CSRF) or a personal bearer token."""

from datetime import timedelta

from django.utils import timezone
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from . import throttle, two_factor
from .models import ApiToken, hash_token


class SessionAuth(NinjaSessionAuth):
    """Signed-in users of the site; ninja checks the CSRF token on unsafe methods.

    A request that carries an Authorization header is a token client: it is judged by its token
    alone (a cross-site page cannot set that header, so there is no CSRF to check)."""

    def __call__(self, request):
        if request.headers.get("Authorization"):
            return None
        user = super().__call__(request)
        if user and two_factor.pending(request):
            # The sign-in middleware refuses these first; this keeps the API closed on its own.
            raise two_factor.TwoFactorRequired()
        return user


class TokenAuth(HttpBearer):
    """A personal token. Failed attempts are counted per client address (`throttle`): after the
    limit the address is answered 429 until the lock expires.

    Tokens are not asked for a second factor: a token is created by its owner while signed in
    (for a district administrator, after the TOTP step) or by an operator (`manage.py token`), is
    shown once, holds 256 random bits and is revoked by its owner; it stands for a device or script
    the owner set up, not for a password that can be guessed. Guessing is what `throttle` stops."""

    def authenticate(self, request, token: str):
        throttle.check(request)
        try:
            api_token = ApiToken.objects.select_related("user").get(key_hash=hash_token(token), revoked_at=None)
        except ApiToken.DoesNotExist:
            throttle.failed(request)
            return None
        if not api_token.user.is_active:
            throttle.failed(request)
            return None
        now = timezone.now()
        # Touch at most once a minute so a busy integration does not write on every call.
        if api_token.last_used_at is None or now - api_token.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user
