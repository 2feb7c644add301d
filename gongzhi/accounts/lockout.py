"""Sign-in lock-outs (django-axes) in the audit log.

Axes counts failed sign-ins (the login form and the admin login) per account and per client
address in its AccessAttempt table and refuses a locked account or address until
AXES_COOLOFF_TIME has passed. Here its events are recorded: `accounts.signin.locked` when it locks
(the username tried, the address; never the password) and `accounts.signin.released` when a lock's
record goes — expired and cleaned up, reset by an operator (`axes_reset`) or cleared by a
successful sign-in after the lock."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from gongzhi.core import audit
from gongzhi.core.actors import SystemActor
from gongzhi.core.models import AuditEvent

GUARD = SystemActor(label="sign-in protection")


@receiver(user_locked_out, dispatch_uid="gongzhi.accounts.lockout.locked")
def _locked(sender, request=None, username=None, ip_address=None, **kwargs):
    # Axes signals again on every try while locked: one event per lock is enough.
    username, ip_address = (username or "")[:150], ip_address or ""
    since = timezone.now() - (settings.AXES_COOLOFF_TIME or timedelta(days=1))
    if AuditEvent.objects.filter(
        action="accounts.signin.locked", created_at__gte=since, after__username=username, after__address=ip_address
    ).exists():
        return
    audit.record(
        actor=GUARD,
        action="accounts.signin.locked",
        after={
            "username": username,
            "address": ip_address,
            "failures": settings.AXES_FAILURE_LIMIT,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else None,
        },
    )


@receiver(post_delete, sender=AccessAttempt, dispatch_uid="gongzhi.accounts.lockout.released")
def _released(sender, instance: AccessAttempt, **kwargs):
    if instance.failures_since_start < settings.AXES_FAILURE_LIMIT:
        return  # a few failures forgotten, never a lock
    audit.record(
        actor=GUARD,
        action="accounts.signin.released",
        after={"username": (instance.username or "")[:150], "address": instance.ip_address or ""},
    )
