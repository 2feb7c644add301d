"""Idempotent writes: a client names its write with a key (the API's `Idempotency-Key` header, a
page's submit token), so that sending it again — after a timeout, a dropped connection, the
database restarting mid-request, a double click — does the work once.

A service calls `begin` first thing in its transaction and `finish` with the record it made. The
key row is written in that same transaction: if the write is lost, so is the key, and the retry
does the work; if it committed, `begin` answers the record's id and the service returns it. Two
requests with one key at once: the second waits on the unique index until the first commits, then
finds its record.
"""

from __future__ import annotations

import datetime
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .actors import Actor, actor_user
from .errors import InvalidInput
from .models import IdempotencyKey

#: What a key may look like: a UUID or any token of 8–64 letters, digits and - _ . :
KEY = re.compile(r"^[A-Za-z0-9_.:\-]{8,64}$")
HEADER = "Idempotency-Key"


class Claim:
    """The key row of one write (or nothing, when the write came without a key)."""

    def __init__(self, row: IdempotencyKey | None = None, done: str = ""):
        self.row = row
        self.done = done  # the id of the record an earlier write with this key made

    def finish(self, obj) -> None:
        if self.row is not None:
            self.row.object_id = str(obj.pk)
            self.row.save(update_fields=["object_id"])


def check(key: str | None, *, field: str = "idempotency_key") -> str:
    """The key, stripped; refused on `field` when it is not a sane token."""
    key = (key or "").strip()
    if key and not KEY.match(key):
        message = _("The idempotency key must be 8 to 64 letters, digits or - _ . : (a UUID will do).")
        raise InvalidInput(message, fields={field: [message]})
    return key


def begin(*, actor: Actor, scope: str, key: str | None) -> Claim:
    """Claim `key` for the write `scope` of the actor's account, inside the caller's transaction.
    `Claim.done` is the id of the record made earlier with the same key (the caller returns it)."""
    key = check(key)
    user = actor_user(actor)
    if not key or user is None:
        return Claim()
    try:
        with transaction.atomic():  # a savepoint: a duplicate leaves the caller's transaction usable
            return Claim(IdempotencyKey.objects.create(user=user, scope=scope, key=key))
    except IntegrityError:
        earlier = IdempotencyKey.objects.get(user=user, scope=scope, key=key)
        return Claim(done=earlier.object_id)


def keep_for() -> datetime.timedelta:
    """How long a key is remembered: a client retries within minutes; a day or two is generous."""
    from django.conf import settings

    return datetime.timedelta(hours=getattr(settings, "IDEMPOTENCY_KEEP_HOURS", 48))


@task()
def prune(batch: int = 5000) -> int:
    """The periodic prune (`core.idempotency-prune`): forget keys older than `keep_for()`, in
    batches so a backlog never holds a long lock. A retry after that long does the write again."""
    cutoff = timezone.now() - keep_for()
    removed = 0
    while True:
        ids = list(IdempotencyKey.objects.filter(created_at__lt=cutoff).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return removed
        removed += IdempotencyKey.objects.filter(pk__in=ids).delete()[0]
