"""The rotating check-in code shown on the organiser's phone: six digits, an HMAC of the activity's
own secret and the current minute window. A code is accepted in its window and the next one (at
most two minutes old), so a code from yesterday, or one read off another activity's screen (another
secret), is refused. The secret never leaves the server."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.utils import timezone

WINDOW_SECONDS = 60
DIGITS = 6


def window_of(at: dt.datetime) -> int:
    return int(at.timestamp()) // WINDOW_SECONDS


def code_for(activity, at: dt.datetime | None = None, *, window: int | None = None) -> str:
    """The code of `activity` in the window of `at` (default: now)."""
    if window is None:
        window = window_of(at or timezone.now())
    mac = hmac.new(activity.checkin_secret.encode(), f"{activity.pk}:{window}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(mac[:8], "big") % 10**DIGITS
    return f"{number:0{DIGITS}d}"


def seconds_left(at: dt.datetime | None = None) -> int:
    """Seconds until the code shown now changes."""
    at = at or timezone.now()
    return WINDOW_SECONDS - int(at.timestamp()) % WINDOW_SECONDS


def verify(activity, code: str, at: dt.datetime | None = None) -> bool:
    """Is `code` the activity's code of the current or the previous window?"""
    code = (code or "").strip()
    if len(code) != DIGITS or not code.isdigit():
        return False
    current = window_of(at or timezone.now())
    return any(hmac.compare_digest(code, code_for(activity, window=w)) for w in (current, current - 1))
