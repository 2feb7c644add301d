"""API authentication: the browser session (with CSRF) or a personal bearer token."""

from datetime import timedelta

from django.utils import timezone
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from .models import ApiToken, hash_token


class SessionAuth(NinjaSessionAuth):
    """Signed-in users of the site; ninja checks the CSRF token on unsafe methods.

    A request that carries an Authorization header is a token client: it is judged by its token
    alone (a cross-site page cannot set that header, so there is no CSRF to check)."""

    def __call__(self, request):
        if request.headers.get("Authorization"):
            return None
        return super().__call__(request)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        try:
            api_token = ApiToken.objects.select_related("user").get(key_hash=hash_token(token), revoked_at=None)
        except ApiToken.DoesNotExist:
            return None
        if not api_token.user.is_active:
            return None
        now = timezone.now()
        # Touch at most once a minute so a busy integration does not write on every call.
        if api_token.last_used_at is None or now - api_token.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user
