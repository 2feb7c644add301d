"""Notifications: an in-app inbox row per recipient, and delivery through adapters (SMS, WeChat
template message, e-mail) behind one interface.

`notify(...)` writes `Notification` rows inside the caller's transaction and, once it commits,
enqueues the `deliver` task (django-tasks), which hands each row to every adapter named in
`settings.NOTIFICATION_ADAPTERS` (default: the logging adapter only). Adapters never raise into
the caller: a failing channel is logged and the inbox row stays.

Faults: each row is claimed under a row lock and marked sent in one transaction, so two workers
(or a task enqueued twice) send it once; rows waiting in a backed-up queue go out when a worker
comes back; a row whose task was lost is sent by the periodic catch-up (`deliver_stragglers`).
A worker killed while an adapter is sending leaves its rows unsent, so they are sent again: at
least once to the outside channels, never twice by two healthy workers.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from . import pii
from .models import Notification

logger = logging.getLogger(__name__)

DEFAULT_ADAPTERS = ["gongzhi.core.notifications.LoggingAdapter"]


class Adapter:
    """One delivery channel. Subclasses implement `send`; `channel` names it in logs."""

    channel = "base"

    def send(self, notification: Notification) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class LoggingAdapter(Adapter):
    """Writes each notification to the log: the default, and what development and tests use.
    Titles quote residents' words, so ID and mobile numbers in them are masked."""

    channel = "log"

    def send(self, notification: Notification) -> None:
        logger.info(
            "notification %s to user %s: %s", notification.pk, notification.recipient_id, pii.redact(notification.title)
        )


class SmsError(Exception):
    """The SMS gateway refused or failed; the message never holds the phone number."""


DEFAULT_PHONE_RESOLVER = "gongzhi.accounts.selectors.phone_for"


class SmsAdapter(Adapter):
    """SMS through a gateway: `settings.NOTIFICATION_SMS_GATEWAY` is a dotted path to a callable
    `(phone, text)` (a function, or an object with `__call__` wrapping the vendor's client). The
    number comes from `settings.NOTIFICATION_PHONE_RESOLVER` (default: the account's own mobile,
    else the phone of its resident record). Without a gateway or a number it logs and skips. The
    number reaches logs masked only, and a gateway error is raised again with numbers masked."""

    channel = "sms"

    def send(self, notification: Notification) -> None:
        gateway = getattr(settings, "NOTIFICATION_SMS_GATEWAY", "")
        if not gateway:
            logger.info("sms skipped for notification %s (no gateway configured)", notification.pk)
            return
        resolver = import_string(getattr(settings, "NOTIFICATION_PHONE_RESOLVER", DEFAULT_PHONE_RESOLVER))
        phone = resolver(notification.recipient)
        if not phone:
            logger.info("sms skipped for notification %s (user %s has no phone)", notification.pk,
                        notification.recipient_id)
            return
        masked = pii.mask_phone(phone)
        try:
            import_string(gateway)(phone, f"{notification.title} {notification.body}".strip()[:300])
        except Exception as exc:
            reason = pii.redact(str(exc).replace(phone, masked))
            # `from None`: the gateway's own exception (which may quote the number) stays out of tracebacks.
            raise SmsError(f"sms gateway failed for notification {notification.pk} to {masked}: {reason}") from None
        logger.info("sms sent for notification %s to %s", notification.pk, masked)


class WeChatTemplateAdapter(Adapter):
    """WeChat template messages: `settings.NOTIFICATION_WECHAT_SENDER` is a dotted path to a callable
    `(user, title, body, url)` that knows the user's openid and the template. Logs and skips without."""

    channel = "wechat"

    def send(self, notification: Notification) -> None:
        sender = getattr(settings, "NOTIFICATION_WECHAT_SENDER", "")
        if not sender:
            logger.info("wechat skipped for notification %s (no sender configured)", notification.pk)
            return
        import_string(sender)(notification.recipient, notification.title, notification.body, notification.url)


class EmailAdapter(Adapter):
    """E-mail through Django's mail backend, to users with an address."""

    channel = "email"

    def send(self, notification: Notification) -> None:
        from django.core.mail import send_mail

        address = notification.recipient.email
        if not address:
            return
        body = notification.body + (f"\n\n{notification.url}" if notification.url else "")
        send_mail(notification.title, body, None, [address], fail_silently=False)


@cache
def _adapter_classes(paths: tuple[str, ...]) -> tuple[type[Adapter], ...]:
    return tuple(import_string(p) for p in paths)


def adapters() -> list[Adapter]:
    paths = tuple(getattr(settings, "NOTIFICATION_ADAPTERS", DEFAULT_ADAPTERS))
    return [cls() for cls in _adapter_classes(paths)]


def notify(
    *,
    recipients: Iterable,
    title: str,
    body: str = "",
    url: str = "",
    obj: models.Model | None = None,
    kind: str = "",
) -> list[Notification]:
    """Write one inbox row per distinct active recipient and send them after the transaction commits."""
    seen: set[int] = set()
    rows = []
    content_type = ContentType.objects.get_for_model(obj) if obj is not None else None
    for user in recipients:
        if user is None or user.pk in seen or not getattr(user, "is_active", True):
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                title=str(title)[:200],
                body=str(body),
                url=url[:300],
                content_type=content_type,
                object_id=str(obj.pk) if obj is not None else "",
            )
        )
    return send_bulk(rows)


def send_bulk(rows: list[Notification]) -> list[Notification]:
    """Insert prepared rows in one query and deliver them after commit (the SLA sweep uses this)."""
    if not rows:
        return []
    for row in rows:
        # numbers typed into free text (a case's title, a note) never travel in a notification
        row.title, row.body = pii.redact(row.title), pii.redact(row.body)
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    ids = [n.pk for n in created if n.pk is not None]
    if not ids:
        # Backends that do not return ids from bulk inserts: find the rows just written.
        ids = list(
            Notification.objects.filter(delivered_at=None, recipient_id__in={n.recipient_id for n in rows})
            .order_by("-id")
            .values_list("pk", flat=True)[: len(rows)]
        )
    transaction.on_commit(lambda: _enqueue(ids))
    return created


def _enqueue(ids: list[int]) -> None:
    for start in range(0, len(ids), 500):
        deliver.enqueue(ids[start : start + 500])


def _deliver(qs) -> int:
    """Send each undelivered notification of `qs` through every adapter, once: rows are claimed
    under a lock (SKIP LOCKED), so two workers never send the same one."""
    sent = 0
    channels = adapters()
    with transaction.atomic():
        rows = list(qs.filter(delivered_at=None).select_for_update(skip_locked=True, of=("self",))
                    .select_related("recipient"))
        for notification in rows:
            for adapter in channels:
                try:
                    adapter.send(notification)
                except Exception:  # one channel failing must not stop the others
                    logger.exception("notification %s: %s adapter failed", notification.pk, adapter.channel)
            sent += 1
        Notification.objects.filter(pk__in=[r.pk for r in rows]).update(delivered_at=timezone.now())
    return sent


@task(queue_name="notifications")
def deliver(ids: list[int]) -> int:
    """Send the given notifications through every configured adapter; returns how many were sent."""
    return _deliver(Notification.objects.filter(pk__in=ids))


@task(queue_name="notifications")
def deliver_created(created_at: str, batch: int = 500) -> int:
    """Send the notifications written in bulk at `created_at` (ISO time; the SLA sweep's rows)."""
    stamp = datetime.datetime.fromisoformat(created_at)
    sent = 0
    while True:
        ids = list(
            Notification.objects.filter(created_at=stamp, delivered_at=None).order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return sent
        done = _deliver(Notification.objects.filter(pk__in=ids))
        sent += done
        if not done:  # locked by another worker: it is sending them
            return sent


#: How long a notification may wait for its delivery task before the catch-up sends it itself.
STRAGGLER_AFTER = datetime.timedelta(minutes=10)


def catch_up_period() -> datetime.timedelta:
    return datetime.timedelta(minutes=5)


@task(queue_name="notifications")
def deliver_stragglers(batch: int = 500) -> int:
    """The periodic catch-up (`core.notifications-catch-up`): send what is still undelivered
    `STRAGGLER_AFTER` after it was written — its delivery task was lost (the process died between
    the commit and the enqueue) or is stuck behind a backed-up queue. Rows are claimed as `deliver`
    claims them, so a delivery task that still runs later finds them sent and sends nothing twice."""
    cutoff = timezone.now() - STRAGGLER_AFTER
    sent = 0
    while True:
        ids = list(
            Notification.objects.filter(delivered_at=None, created_at__lt=cutoff).order_by("created_at", "pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return sent
        done = _deliver(Notification.objects.filter(pk__in=ids))
        sent += done
        if not done:  # locked by another worker: it is sending them
            return sent


# The in-app inbox.


def inbox(*, user, unread_only: bool = False, unread_first: bool = False) -> models.QuerySet:
    """The user's own notifications, newest first (the unread ones before the read, if asked)."""
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at=None)
    if unread_first:
        unread = models.ExpressionWrapper(models.Q(read_at__isnull=True), output_field=models.BooleanField())
        return qs.alias(unread=unread).order_by("-unread", "-created_at", "-id")
    return qs.order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).count()


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all, or the given ids); only the user's own rows."""
    qs = Notification.objects.filter(recipient=user, read_at=None)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
