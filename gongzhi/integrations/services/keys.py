"""API keys: issuing, changing and revoking them, and counting their use against the key's
requests per minute (the rate limit every server process shares)."""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.core.cache import cache
from django.db import IntegrityError, connections, transaction
from django.db import router as db_router
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.cases.models import Channel
from gongzhi.core import audit, context
from gongzhi.core.actors import Actor, SystemActor, actor_user
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.models import AuditEvent
from gongzhi.core.permissions import can, require

from .. import conf, selectors
from ..errors import RateLimited
from ..models import ApiKey, ApiKeyRateWindow, ApiKeyUsage

logger = logging.getLogger(__name__)


KEY_FIELDS = ["name", "prefix", "area", "channels", "rate_limit", "note", "revoked_at"]


_PREFIX_ALPHABET = "abcdefghijkmnopqrstuvwxyz23456789"


def generate_key() -> str:
    """`gzk_` + an 8-character prefix (letters and digits: safe on a command line) + `_` + 256 random
    bits; the prefix is stored to name the key, the whole only as its SHA-256."""
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(8))
    return f"gzk_{prefix}_{secrets.token_urlsafe(32)}"


def _validate_key(key: ApiKey, actor: Actor, action: str) -> None:
    channels = key.channels
    if not isinstance(channels, list) or not channels:
        message = _("Allow at least one channel.")
        raise InvalidInput(message, fields={"channels": [message]})
    unknown = [c for c in channels if c not in Channel.values]
    if unknown:
        message = _("“%(channel)s” is not a channel.") % {"channel": unknown[0]}
        raise InvalidInput(message, fields={"channels": [message]})
    if key.rate_limit < 1:
        message = _("Allow at least one request per minute.")
        raise InvalidInput(message, fields={"rate_limit": [message]})
    if not can(actor, "integrations.apikey_unlimited"):
        if not key.area_id:
            message = _("Choose the area the key is limited to.")
            raise InvalidInput(message, fields={"area": [message]})
        if not can(actor, action, key.area):
            raise NotFound(_("The area lies outside your scope."))


def apikey_check(*, actor: Actor, key: ApiKey) -> None:
    """What `apikey_create` (a key without a pk) or `apikey_update` would refuse, without writing:
    the admin form's dry run (the form validates the model's own fields)."""
    action = "integrations.apikey_update" if key.pk else "integrations.apikey_create"
    require(actor, action)
    _validate_key(key, actor, action)


@transaction.atomic
def apikey_create(
    *,
    actor: Actor,
    name: str,
    area: AreaNode | None = None,
    channels: list[str] | None = None,
    rate_limit: int | None = None,
    note: str = "",
) -> tuple[ApiKey, str]:
    """Issue a key; returns the key and its raw value, which is not stored and shown only now."""
    require(actor, "integrations.apikey_create")
    raw = generate_key()
    key = ApiKey(
        name=(name or "").strip(),
        prefix=raw[4:12],
        key_hash=selectors.hash_key(raw),
        area=area,
        channels=list(channels) if channels else list(conf.get("INTEGRATIONS_DEFAULT_CHANNELS")),
        rate_limit=rate_limit if rate_limit is not None else conf.get("INTEGRATIONS_DEFAULT_RATE_LIMIT"),
        note=note or "",
        created_by=actor_user(actor),
    )
    _validate_key(key, actor, "integrations.apikey_create")
    audit.save(actor=actor, obj=key, action="integrations.apikey.create", fields=KEY_FIELDS)
    return key, raw


def _locked(key: ApiKey) -> ApiKey:
    locked = audit.lock(ApiKey, key.pk)
    if locked is None:
        raise NotFound()
    return locked


@transaction.atomic
def apikey_update(
    *,
    actor: Actor,
    key: ApiKey,
    name: str,
    area: AreaNode | None,
    channels: list[str],
    rate_limit: int,
    note: str = "",
) -> ApiKey:
    require(actor, "integrations.apikey_update")
    key = _locked(key)
    before = audit.snapshot(key, KEY_FIELDS)
    key.name, key.area, key.channels, key.rate_limit, key.note = (name or "").strip(), area, list(channels), rate_limit, note
    _validate_key(key, actor, "integrations.apikey_update")
    return audit.save(actor=actor, obj=key, action="integrations.apikey.update", fields=KEY_FIELDS, before=before)


@transaction.atomic
def apikey_revoke(*, actor: Actor, key: ApiKey) -> ApiKey:
    require(actor, "integrations.apikey_revoke")
    key = _locked(key)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor, action="integrations.apikey.revoke", obj=key, before={"revoked_at": None},
            after={"revoked_at": key.revoked_at},
        )
    return key


def _hour(now: dt.datetime) -> dt.datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def _count_use(key: ApiKey, endpoint: str, now: dt.datetime, *, refused: bool) -> None:
    ctx = context.current()
    values = {"last_at": now, "last_request_id": ctx.request_id if ctx else "", "last_ip": ctx.ip if ctx else None}
    increment = {"refused": F("refused") + 1} if refused else {"count": F("count") + 1}
    hour = _hour(now)
    rows = ApiKeyUsage.objects.filter(key=key, hour=hour, endpoint=endpoint)
    if rows.update(**increment, **values):
        return
    try:
        with transaction.atomic():
            ApiKeyUsage.objects.create(
                key=key, hour=hour, endpoint=endpoint, count=0 if refused else 1, refused=1 if refused else 0, **values
            )
    except IntegrityError:  # another request created the row first
        rows.update(**increment, **values)


def _cache_is_shared() -> bool:
    """Whether the default cache is one store for every process with an atomic increment (Redis,
    Memcached). The local-memory cache (the default without REDIS_URL) is one per process; the
    dummy, file and database caches have no atomic increment."""
    from django.core.cache import caches
    from django.core.cache.backends.memcached import BaseMemcachedCache
    from django.core.cache.backends.redis import RedisCache

    return isinstance(caches["default"], (RedisCache, BaseMemcachedCache))


def rate_store() -> str:
    """Where the per-minute counts live: "cache" or "database" (INTEGRATIONS_RATE_LIMIT_STORE;
    "auto" is the cache when it is shared across processes, the database otherwise)."""
    store = conf.get("INTEGRATIONS_RATE_LIMIT_STORE")
    if store == "auto":
        return "cache" if _cache_is_shared() else "database"
    if store not in ("cache", "database"):
        raise ValueError(f"INTEGRATIONS_RATE_LIMIT_STORE must be auto, cache or database, not {store!r}")
    return store


def _count_in_cache(key: ApiKey, minute: int) -> int:
    cache_key = f"integrations:rate:{key.pk}:{minute}"
    cache.add(cache_key, 0, timeout=120)
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=120)
        return 1


def _count_in_database(key: ApiKey, minute: int) -> int:
    """One atomic statement: INSERT … ON CONFLICT DO UPDATE SET used = used + 1 RETURNING used
    (PostgreSQL; SQLite ≥ 3.35). The row lock (PostgreSQL) or the write lock (SQLite) serialises
    concurrent requests of any process, so the counts never lose an increment. Without RETURNING
    (SQLite < 3.35) the upsert and the read share a transaction, which holds the same lock."""
    connection = connections[db_router.db_for_write(ApiKeyRateWindow)]
    qn = connection.ops.quote_name
    meta = ApiKeyRateWindow._meta
    table = qn(meta.db_table)
    key_col, minute_col, used_col = (qn(meta.get_field(f).column) for f in ("key", "minute", "used"))
    # Only quoted identifiers of our own model are interpolated; the values are parameters.
    upsert = (
        f"INSERT INTO {table} ({key_col}, {minute_col}, {used_col}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({key_col}, {minute_col}) DO UPDATE SET {used_col} = {table}.{used_col} + 1"
    )
    rows = ApiKeyRateWindow.objects.using(connection.alias)
    if connection.features.can_return_columns_from_insert:
        with connection.cursor() as cursor:
            cursor.execute(f"{upsert} RETURNING {used_col}", [key.pk, minute])
            used = cursor.fetchone()[0]
    else:  # pragma: no cover - SQLite < 3.35
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(upsert, [key.pk, minute])
            used = rows.filter(key_id=key.pk, minute=minute).values_list("used", flat=True).get()
    if used == 1:  # the key's first request this minute: forget the minutes before the previous one
        rows.filter(key_id=key.pk, minute__lt=minute - 1).delete()
    return used


def rate_count(key: ApiKey, now: dt.datetime) -> int:
    """Count one request of `key` in the fixed one-minute window of `now`; the count so far."""
    minute = int(now.timestamp() // 60)
    if rate_store() == "cache":
        return _count_in_cache(key, minute)
    return _count_in_database(key, minute)


def apikey_use(*, key: ApiKey, endpoint: str, now: dt.datetime | None = None) -> None:
    """Count one use of `key` (per hour and endpoint, with the last request id and IP), refusing it
    with RateLimited when the key went over its requests per minute: a fixed one-minute window
    counted where every server process sees it (see `rate_store`). The use itself is audited by
    `apikey_use_record` once its answer is known."""
    now = now or timezone.now()
    used = rate_count(key, now)
    ctx = context.current()
    if used > key.rate_limit:
        _count_use(key, endpoint, now, refused=True)
        logger.info("api key %s refused on %s (rate) request %s", key.prefix, endpoint, ctx.request_id if ctx else "-")
        raise RateLimited()
    _count_use(key, endpoint, now, refused=False)
    logger.info("api key %s used on %s request %s", key.prefix, endpoint, ctx.request_id if ctx else "-")
    if key.last_used_at is None or now - key.last_used_at > dt.timedelta(minutes=1):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


USE_ACTION = "integrations.apikey.use"


def apikey_use_record(
    *, key: ApiKey, endpoint: str, method: str, path: str, status: int
) -> AuditEvent:
    """The audit event of one request made with `key`, written once its answer is known (also when
    it was refused: over the rate, outside the key's area or channel, invalid, or a revoked key).

    Actor `apikey:<name>`, linked to the key; after = endpoint, method, path and HTTP status; the
    request id and IP come from the request's context. A revoked key is named by its prefix only
    (actor `apikey:<prefix>`, not linked), its area kept for scoping. The raw key is never written.

    One INSERT and nothing else (the key and its area are already loaded, the content type is
    cached), outside any transaction of the request so that a filing rolled back is still audited
    as a use; a single INSERT needs no transaction of its own."""
    details = {"endpoint": endpoint, "method": method, "path": path[:200], "status": status}
    if key.revoked_at is None:
        return audit.record(actor=key_actor(key), action=USE_ACTION, obj=key, after=details)
    return audit.record(
        actor=SystemActor(label=f"apikey:{key.prefix}"),
        action=USE_ACTION,
        after={**details, "prefix": key.prefix, "refused": "revoked"},
        area_path=key.area.path if key.area_id else "",
    )


def key_actor(key: ApiKey) -> SystemActor:
    return SystemActor(label=f"apikey:{key.name}")


