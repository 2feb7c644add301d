"""How long a signed-in session lasts.

Staff (`permissions.is_staff_account`) are signed out after ACCOUNTS_STAFF_IDLE_TIMEOUT without a
request and ACCOUNTS_STAFF_MAX_SESSION after signing in, whatever they do; residents keep Django's
session (SESSION_COOKIE_AGE). The times are wall-clock seconds kept in the session."""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from gongzhi.core import components

from . import two_factor
from .permissions import is_staff_account

SIGNED_IN_AT = "_gz_signed_in_at"
SEEN_AT = "_gz_seen_at"
# The last-seen time is written at most this often (each write is a session save).
TOUCH_EVERY = 60


@receiver(user_logged_in, dispatch_uid="gongzhi.accounts.sessions.signed_in")
def _signed_in(sender, request=None, user=None, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now
    request.session[two_factor.HAS_DEVICE_SESSION_KEY] = two_factor.is_enrolled(user)
    if is_staff_account(user):
        # The cookie and the stored session end with the idle time too (renewed as they are used).
        request.session.set_expiry(int(components.setting("ACCOUNTS_STAFF_IDLE_TIMEOUT").total_seconds()))


def expired(request) -> str:
    """Why the signed-in staff session has ended ("idle" or "too_long"), or "" if it goes on; notes
    the request as activity."""
    user = request.user
    if not user.is_authenticated or not is_staff_account(user):
        return ""
    session = request.session
    now = time.time()
    signed_in = session.get(SIGNED_IN_AT)
    seen = session.get(SEEN_AT)
    if signed_in is None or seen is None:  # a session from before these rules: start counting now
        session[SIGNED_IN_AT] = signed_in or now
        session[SEEN_AT] = now
        return ""
    if now - seen > components.setting("ACCOUNTS_STAFF_IDLE_TIMEOUT").total_seconds():
        return "idle"
    if now - signed_in > components.setting("ACCOUNTS_STAFF_MAX_SESSION").total_seconds():
        return "too_long"
    if now - seen > TOUCH_EVERY:
        session[SEEN_AT] = now
    return ""
