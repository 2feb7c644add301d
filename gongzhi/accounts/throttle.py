"""Bearer-token guessing: failed token attempts are counted per client address in the database
(one row per address, updated under a row lock, so all worker processes share the count). After
ACCOUNTS_TOKEN_FAILURE_LIMIT failures within ACCOUNTS_TOKEN_LOCKOUT the address is refused — with
a valid token too, so a guess cannot be confirmed — until the lock expires. Lock and release are
audited (actor: the system, "sign-in protection"; the address; never the token)."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core import audit, components
from gongzhi.core.actors import SystemActor
from gongzhi.core.errors import DomainError

from .models import TokenGuessing

GUARD = SystemActor(label="sign-in protection")


class TooManyAttempts(DomainError):
    status = 429
    default_code = "too_many_attempts"
    default_message = _("Too many failed attempts from your address. Try again later.")


def client_address(request) -> str:
    """The client's address as django-axes sees it (same settings: SIGNIN_IP_HEADERS)."""
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104


def check(request) -> None:
    """Refuse (429) while the caller's address is locked; forget an expired lock (audited)."""
    address = client_address(request)
    row = TokenGuessing.objects.filter(address=address).first()
    if row is None:
        return
    now = timezone.now()
    if row.locked_until and row.locked_until > now:
        raise TooManyAttempts()
    if row.locked_until or now - row.first_failure_at > components.setting("ACCOUNTS_TOKEN_LOCKOUT"):
        _release(address)


def _release(address: str) -> None:
    with transaction.atomic():
        row = TokenGuessing.objects.select_for_update().filter(address=address).first()
        if row is None:
            return
        was_locked = row.locked_until is not None
        row.delete()
        if was_locked:
            audit.record(
                actor=GUARD, action="accounts.token_guessing.released", after={"address": address},
                note="lock expired",
            )


def failed(request) -> None:
    """Count one failed token attempt from the caller's address; lock it at the limit."""
    address = client_address(request)
    now = timezone.now()
    window = components.setting("ACCOUNTS_TOKEN_LOCKOUT")
    limit = components.setting("ACCOUNTS_TOKEN_FAILURE_LIMIT")
    with transaction.atomic():
        row = TokenGuessing.objects.select_for_update().filter(address=address).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = TokenGuessing.objects.create(address=address, failures=0, first_failure_at=now)
            except IntegrityError:  # another process counted the first failure at the same moment
                row = TokenGuessing.objects.select_for_update().get(address=address)
        if row.locked_until is None and now - row.first_failure_at > window:
            row.failures, row.first_failure_at = 0, now
        row.failures += 1
        locking = row.locked_until is None and row.failures >= limit
        if locking:
            row.locked_until = now + window
        row.save()
        if locking:
            audit.record(
                actor=GUARD, action="accounts.token_guessing.locked",
                after={"address": address, "failures": row.failures, "locked_until": row.locked_until},
            )
    if locking:
        raise TooManyAttempts()


def reset(address: str | None = None) -> int:
    """Lift token locks (all, or one address); the operator's `axes_reset` counterpart."""
    rows = TokenGuessing.objects.all() if address is None else TokenGuessing.objects.filter(address=address)
    return rows.delete()[0]
