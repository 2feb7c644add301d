"""Every write of the integrations app: API keys and their use, filing through Open311, camera
sources, cameras, alert types, the duty roster, and receiving camera alerts.

Cases are always filed and annotated through `gongzhi.cases.services` (case_submit, case_add_note)
with a `SystemActor` naming the key or the camera source, so they enter the pipeline like any
other request and their history says where they came from.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import logging
import mimetypes
import secrets
import uuid
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, connections, transaction
from django.db import router as db_router
from django.db.models import CharField, F, Value
from django.db.models.functions import Length, StrIndex
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.cases import routing as case_routing
from gongzhi.cases import services as case_services
from gongzhi.cases.models import OPEN_STATES, Case, Category, Channel, State
from gongzhi.core import audit, context, notifications, scope
from gongzhi.core.actors import Actor, SystemActor, actor_user, is_system
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound, invalid_from_validation_error
from gongzhi.core.models import AuditEvent

from . import conf, selectors, signing
from .errors import KeyRefused, RateLimited, Unauthenticated
from .models import (
    ApiKey,
    ApiKeyRateWindow,
    ApiKeyUsage,
    Camera,
    CameraEvent,
    CameraEventType,
    CameraIncident,
    CameraOutcome,
    CameraSource,
    DutyShift,
    Open311Submission,
)

logger = logging.getLogger(__name__)

AREA_MANAGERS = {"community_staff", "street_staff", "district_admin"}


# ---------------------------------------------------------------------------------------------
# Permissions


def _unrestricted(actor: Actor) -> bool:
    return is_system(actor) or actor.is_superuser


def _require_district_admin(actor: Actor) -> None:
    if _unrestricted(actor) or getattr(actor, "role", None) == "district_admin":
        return
    raise Forbidden(_("Only a district administrator may manage integrations."))


def _require_area_manager(actor: Actor, node: AreaNode | None) -> None:
    if _unrestricted(actor):
        return
    if getattr(actor, "role", None) not in AREA_MANAGERS:
        raise Forbidden(_("Only community, street or district staff may do this."))
    if node is not None and not scope.covers_path(actor, node.path):
        raise NotFound(_("The area lies outside your scope."))


def _clean(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise invalid_from_validation_error(exc) from exc


# ---------------------------------------------------------------------------------------------
# API keys

KEY_FIELDS = ["name", "prefix", "area", "channels", "rate_limit", "note", "revoked_at"]


_PREFIX_ALPHABET = "abcdefghijkmnopqrstuvwxyz23456789"


def generate_key() -> str:
    """`gzk_` + an 8-character prefix (letters and digits: safe on a command line) + `_` + 256 random
    bits; the prefix is stored to name the key, the whole only as its SHA-256."""
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(8))
    return f"gzk_{prefix}_{secrets.token_urlsafe(32)}"


def _validate_key(key: ApiKey, actor: Actor) -> None:
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
    if not _unrestricted(actor):
        if not key.area_id:
            message = _("Choose the area the key is limited to.")
            raise InvalidInput(message, fields={"area": [message]})
        if not scope.covers_path(actor, key.area.path):
            raise NotFound(_("The area lies outside your scope."))
    _clean(key)


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
    _require_district_admin(actor)
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
    _validate_key(key, actor)
    key.save()
    audit.record(actor=actor, action="integrations.apikey.create", obj=key, after=audit.snapshot(key, KEY_FIELDS))
    return key, raw


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
    _require_district_admin(actor)
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    before = audit.snapshot(key, KEY_FIELDS)
    key.name, key.area, key.channels, key.rate_limit, key.note = (name or "").strip(), area, list(channels), rate_limit, note
    _validate_key(key, actor)
    key.save(update_fields=["name", "area", "channels", "rate_limit", "note"])
    b, a = audit.diff(before, audit.snapshot(key, KEY_FIELDS))
    audit.record(actor=actor, action="integrations.apikey.update", obj=key, before=b, after=a)
    return key


@transaction.atomic
def apikey_revoke(*, actor: Actor, key: ApiKey) -> ApiKey:
    _require_district_admin(actor)
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
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


# ---------------------------------------------------------------------------------------------
# Filing through Open311

MAX_DESCRIPTION = 4000


def _resolve_location(
    *, key: ApiKey, lat: str, long: str, address_string: str, address_id: str, jurisdiction: AreaNode | None
) -> tuple[AreaNode, Decimal | None, Decimal | None]:
    node = _located(key=key, lat=lat, long=long, address_string=address_string, address_id=address_id,
                    jurisdiction=jurisdiction)
    location, lat_value, lon_value = node
    if key.area_id and not location.path.startswith(key.area.path):
        raise KeyRefused(_("The location lies outside the area of this api_key."))
    if jurisdiction is not None and not location.path.startswith(jurisdiction.path):
        message = _("The location lies outside that jurisdiction.")
        raise InvalidInput(message, fields={"jurisdiction_id": [message]})
    return node


def _located(
    *, key: ApiKey, lat: str, long: str, address_string: str, address_id: str, jurisdiction: AreaNode | None
) -> tuple[AreaNode, Decimal | None, Decimal | None]:
    paths = [p for p in (key.area.path if key.area_id else "", jurisdiction.path if jurisdiction else "") if p]
    within = max(paths, key=len) if paths else ""  # the narrower of the key's area and the jurisdiction
    if address_id:
        node = AreaNode.objects.filter(code=address_id.strip(), is_active=True).first()
        if node is None or node.kind not in case_routing.LOCATION_KINDS:
            message = _("address_id “%(id)s” is not a known building, grid, entrance or household code.") % {
                "id": address_id
            }
            raise InvalidInput(message, fields={"address_id": [message]})
    else:
        node = None
    lat_value = lon_value = None
    if lat or long:
        try:
            lat_value, lon_value = Decimal(lat), Decimal(long)
        except (InvalidOperation, TypeError) as exc:
            message = _("Send both lat and long as numbers (WGS84).")
            raise InvalidInput(message, fields={"lat": [message]}) from exc
        if not (-90 <= lat_value <= 90 and -180 <= lon_value <= 180):
            message = _("lat and long are out of range.")
            raise InvalidInput(message, fields={"lat": [message]})
        lat_value, lon_value = lat_value.quantize(Decimal("0.000001")), lon_value.quantize(Decimal("0.000001"))
        if node is None:
            node = case_routing.nearest_building(lat_value, lon_value, within=within)
            if node is None:
                message = _("No building is known near lat/long; send address_id instead.")
                raise InvalidInput(message, fields={"lat": [message]})
    if node is None and address_string:
        node = _node_named_in(address_string, within)
        if node is None:
            message = _("The address_string names no known building or grid; send lat/long or address_id.")
            raise InvalidInput(message, fields={"address_string": [message]})
    if node is None:
        message = _("Say where it is: lat and long, address_string or address_id.")
        raise InvalidInput(message, fields={"lat": [message]})
    return node, lat_value, lon_value


def _node_named_in(text: str, within: str) -> AreaNode | None:
    """The building or grid whose name (longest first) occurs in the address text."""
    qs = AreaNode.objects.filter(kind__in=[AreaKind.BUILDING, AreaKind.GRID], is_active=True)
    if within:
        qs = qs.filter(path__startswith=within)
    text = text.strip()[:500]
    if not text:
        return None
    return (
        qs.exclude(name="")
        .annotate(at=StrIndex(Value(text, output_field=CharField()), F("name")), name_length=Length("name"))
        .filter(at__gt=0)
        .order_by("-name_length", "path")
        .first()
    )


def _check_answers(category: Category, attributes: dict) -> dict:
    """Open311 attributes as answers to the matter's questions (datetime answers must parse)."""
    questions = {q.code: q for q in category.questions.all()}
    answers = {}
    for code, value in attributes.items():
        question = questions.get(code)
        if question is not None and question.datatype == "datetime" and value:
            if parse_datetime(str(value)) is None:
                message = _("attribute[%(code)s] must be an ISO 8601 date and time.") % {"code": code}
                raise InvalidInput(message, fields={f"attribute[{code}]": [message]})
        if question is not None and question.datatype != "multivaluelist" and isinstance(value, list):
            value = value[0] if value else ""
        if question is not None and question.datatype == "multivaluelist" and not isinstance(value, list):
            value = [value] if value else []
        answers[code] = value
    return answers


@transaction.atomic
def open311_submit(
    *,
    key: ApiKey,
    service_code: str,
    lat: str = "",
    long: str = "",
    address_string: str = "",
    address_id: str = "",
    attributes: dict | None = None,
    email: str = "",
    device_id: str = "",
    account_id: str = "",
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    description: str = "",
    media_url: str = "",
    channel: str = "",
    jurisdiction: AreaNode | None = None,
) -> tuple[Case, Open311Submission]:
    """File a request sent by an Open311 client with `key`: through `case_submit` on the key's
    channel (online unless the key allows and the client names another), as the system acting for
    the key. Raises InvalidInput (400), KeyRefused (403) or NotFound (404)."""
    if not (service_code or "").strip():
        message = _("service_code was not provided.")
        raise InvalidInput(message, fields={"service_code": [message]})
    category = selectors.service(service_code.strip())
    if category is None:
        raise NotFound(_("service_code “%(code)s” was not found.") % {"code": service_code})
    channel = (channel or "").strip() or (key.channels[0] if key.channels else Channel.ONLINE)
    if channel not in (key.channels or []):
        raise KeyRefused(_("This api_key may not file requests on the “%(channel)s” channel.") % {"channel": channel})
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        message = _("description is longer than 4,000 characters.")
        raise InvalidInput(message, fields={"description": [message]})
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            message = _("email is not a valid e-mail address.")
            raise InvalidInput(message, fields={"email": [message]}) from exc
    media_url = (media_url or "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError as exc:
            message = _("media_url is not a valid http(s) URL.")
            raise InvalidInput(message, fields={"media_url": [message]}) from exc
        if len(media_url) > 500:
            message = _("media_url is longer than 500 characters.")
            raise InvalidInput(message, fields={"media_url": [message]})
    location, lat_value, lon_value = _resolve_location(
        key=key, lat=lat, long=long, address_string=address_string or "", address_id=address_id or "",
        jurisdiction=jurisdiction,
    )
    answers = _check_answers(category, attributes or {})
    if not description:
        description = _("%(service)s (sent through Open311 without a description)") % {"service": category.name}
    first_line = description.splitlines()[0].strip() if description else ""
    title = first_line[:60] or category.name
    actor = key_actor(key)
    try:
        case = case_services.case_submit(
            actor=actor,
            channel=channel,
            category=category,
            title=title,
            description=description,
            location=location,
            latitude=lat_value,
            longitude=lon_value,
            address=(address_string or "").strip()[:200],
            caller_name=f"{(last_name or '').strip()}{(first_name or '').strip()}",
            caller_phone=phone or "",
            answers=answers,
        )
    except InvalidInput as exc:
        raise _open311_fields(exc) from exc
    submission = Open311Submission.objects.create(
        case=case,
        api_key=key,
        token=uuid.uuid4().hex,
        account_id=(account_id or "").strip()[:100],
        device_id=(device_id or "").strip()[:100],
        email=email[:254],
        media_url=media_url,
    )
    audit.record(
        actor=actor, action="integrations.open311.submit", obj=submission, area_path=case.area_path,
        after={"case": case.pk, "api_key": key.prefix, "service_code": category.code, "channel": channel},
    )
    return case, submission


_FIELD_NAMES = {
    "latitude": "lat", "location": "address_id", "caller_phone": "phone", "caller_name": "last_name",
    "title": "description", "category": "service_code",
}


def _open311_fields(exc: InvalidInput) -> InvalidInput:
    """The cases app's field names in Open311 terms (answers.X → attribute[X])."""
    fields = {}
    for name, messages in exc.fields.items():
        if name.startswith("answers."):
            name = f"attribute[{name.split('.', 1)[1]}]"
        fields[_FIELD_NAMES.get(name, name)] = messages
    return InvalidInput(exc.message, fields=fields)


# ---------------------------------------------------------------------------------------------
# Camera sources, cameras, alert types

SOURCE_FIELDS = ["code", "name", "timestamp_window", "is_active", "note"]
CAMERA_FIELDS = ["source", "code", "name", "area", "latitude", "longitude", "is_active"]
TYPE_FIELDS = ["code", "name", "category", "fold_minutes", "min_confidence", "is_active"]
SHIFT_FIELDS = ["grid", "user", "start", "end", "note"]


def generate_secret() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def camera_source_create(
    *, actor: Actor, code: str, name: str, timestamp_window: int = 300, note: str = "", secret: str = ""
) -> tuple[CameraSource, str]:
    """Register a video-analytics system; returns the source and its signing secret (generated
    unless given; shown once: give it to the vendor)."""
    _require_district_admin(actor)
    if secret and len(secret) < 24:
        message = _("A signing secret needs at least 24 characters.")
        raise InvalidInput(message, fields={"secret": [message]})
    secret = secret or generate_secret()
    source = CameraSource(code=code, name=name, secret=secret, timestamp_window=timestamp_window, note=note or "")
    _clean(source)
    source.save()
    audit.record(actor=actor, action="integrations.camera_source.create", obj=source,
                 after=audit.snapshot(source, SOURCE_FIELDS))
    return source, secret


@transaction.atomic
def camera_source_update(
    *, actor: Actor, source: CameraSource, name: str, timestamp_window: int, is_active: bool, note: str = ""
) -> CameraSource:
    _require_district_admin(actor)
    source = CameraSource.objects.select_for_update().get(pk=source.pk)
    before = audit.snapshot(source, SOURCE_FIELDS)
    source.name, source.timestamp_window, source.is_active, source.note = name, timestamp_window, is_active, note or ""
    _clean(source)
    source.save(update_fields=["name", "timestamp_window", "is_active", "note"])
    b, a = audit.diff(before, audit.snapshot(source, SOURCE_FIELDS))
    audit.record(actor=actor, action="integrations.camera_source.update", obj=source, before=b, after=a)
    return source


@transaction.atomic
def camera_source_rotate_secret(*, actor: Actor, source: CameraSource) -> tuple[CameraSource, str]:
    _require_district_admin(actor)
    source = CameraSource.objects.select_for_update().get(pk=source.pk)
    secret = generate_secret()
    source.secret = secret
    source.save(update_fields=["secret"])
    audit.record(actor=actor, action="integrations.camera_source.rotate_secret", obj=source)
    return source, secret


@transaction.atomic
def camera_save(
    *,
    actor: Actor,
    camera: Camera | None = None,
    source: CameraSource,
    code: str,
    name: str,
    area: AreaNode,
    latitude=None,
    longitude=None,
    is_active: bool = True,
) -> Camera:
    """Register or change a camera, placed at a building or a grid within the actor's scope."""
    _require_area_manager(actor, area)
    if camera is not None and camera.pk:
        camera = Camera.objects.select_for_update().get(pk=camera.pk)
        _require_area_manager(actor, camera.area)
        before = audit.snapshot(camera, CAMERA_FIELDS)
    else:
        camera, before = Camera(), None
    if area.kind not in (AreaKind.BUILDING, AreaKind.GRID):
        message = _("Place the camera at a building or a grid.")
        raise InvalidInput(message, fields={"area": [message]})
    camera.source, camera.code, camera.name, camera.area = source, (code or "").strip(), name, area
    camera.latitude, camera.longitude, camera.is_active = latitude, longitude, is_active
    _clean(camera)
    camera.save()
    after = audit.snapshot(camera, CAMERA_FIELDS)
    b, a = audit.diff(before, after) if before else (None, after)
    audit.record(actor=actor, action="integrations.camera.save", obj=camera, before=b, after=a)
    return camera


@transaction.atomic
def camera_event_type_save(
    *,
    actor: Actor,
    event_type: CameraEventType | None = None,
    code: str,
    name: str,
    category: Category,
    fold_minutes: int = 30,
    min_confidence=Decimal("0"),
    is_active: bool = True,
) -> CameraEventType:
    """Map an alert type to a catalogue matter (a leaf), with its folding window."""
    _require_district_admin(actor)
    if event_type is not None and event_type.pk:
        event_type = CameraEventType.objects.select_for_update().get(pk=event_type.pk)
        before = audit.snapshot(event_type, TYPE_FIELDS)
    else:
        event_type, before = CameraEventType(), None
    if category.parent_id is None:
        message = _("Choose a matter of the catalogue, not a group.")
        raise InvalidInput(message, fields={"category": [message]})
    min_confidence = Decimal(str(min_confidence))
    if not Decimal("0") <= min_confidence <= Decimal("1"):
        message = _("The minimum confidence lies between 0 and 1.")
        raise InvalidInput(message, fields={"min_confidence": [message]})
    event_type.code, event_type.name, event_type.category = code, name, category
    event_type.fold_minutes, event_type.min_confidence, event_type.is_active = fold_minutes, min_confidence, is_active
    _clean(event_type)
    event_type.save()
    after = audit.snapshot(event_type, TYPE_FIELDS)
    b, a = audit.diff(before, after) if before else (None, after)
    audit.record(actor=actor, action="integrations.camera_type.save", obj=event_type, before=b, after=a)
    return event_type


# ---------------------------------------------------------------------------------------------
# Duty roster


@transaction.atomic
def duty_shift_save(
    *,
    actor: Actor,
    shift: DutyShift | None = None,
    grid: AreaNode,
    user,
    start: dt.datetime,
    end: dt.datetime,
    note: str = "",
) -> DutyShift:
    """Put a grid worker on duty for a grid from `start` to `end` (aware datetimes)."""
    _require_area_manager(actor, grid)
    if shift is not None and shift.pk:
        shift = DutyShift.objects.select_for_update().get(pk=shift.pk)
        _require_area_manager(actor, shift.grid)
        before = audit.snapshot(shift, SHIFT_FIELDS)
    else:
        shift, before = DutyShift(), None
    if grid.kind != AreaKind.GRID:
        message = _("Choose a grid.")
        raise InvalidInput(message, fields={"grid": [message]})
    if user is None or user.role != "grid_worker" or not user.is_active:
        message = _("Choose an active grid worker.")
        raise InvalidInput(message, fields={"user": [message]})
    for value, field in ((start, "start"), (end, "end")):
        if value is None or timezone.is_naive(value):
            message = _("Give the date and time with its time zone.")
            raise InvalidInput(message, fields={field: [message]})
    if end <= start:
        message = _("A shift must end after it starts.")
        raise InvalidInput(message, fields={"end": [message]})
    shift.grid, shift.user, shift.start, shift.end, shift.note = grid, user, start, end, note or ""
    _clean(shift)
    shift.save()
    after = audit.snapshot(shift, SHIFT_FIELDS)
    b, a = audit.diff(before, after) if before else (None, after)
    audit.record(actor=actor, action="integrations.duty_shift.save", obj=shift, before=b, after=a)
    return shift


@transaction.atomic
def duty_shift_delete(*, actor: Actor, shift: DutyShift) -> None:
    shift = DutyShift.objects.select_for_update().select_related("grid").get(pk=shift.pk)
    _require_area_manager(actor, shift.grid)
    before = audit.snapshot(shift, SHIFT_FIELDS)
    audit.record(actor=actor, action="integrations.duty_shift.delete", obj=shift, before=before)
    shift.delete()


# ---------------------------------------------------------------------------------------------
# Camera alerts

SNAPSHOT_TYPES = ("image/jpeg", "image/png", "image/webp")


def camera_actor(source: CameraSource) -> SystemActor:
    return SystemActor(label=f"camera:{source.code}")


def _authenticate(source_code: str, timestamp: str, signature: str, body: bytes, now: dt.datetime) -> CameraSource:
    source = CameraSource.objects.filter(code=(source_code or "").strip(), is_active=True).first()
    if source is None or not signing.verify(source.secret, timestamp, body, signature):
        raise Unauthenticated(_("The request is not signed correctly."), code="bad_signature")
    try:
        sent = int(str(timestamp).strip())
    except ValueError as exc:
        raise Unauthenticated(_("The timestamp is not a number of seconds."), code="stale") from exc
    if abs(now.timestamp() - sent) > source.timestamp_window:
        raise Unauthenticated(_("The request was signed too long ago; send it again, newly signed."), code="stale")
    return source


def _payload(body: bytes) -> dict:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput(_("The body is not JSON."), fields={"body": [_("Send a JSON object.")]}) from exc
    if not isinstance(data, dict):
        raise InvalidInput(_("The body is not a JSON object."), fields={"body": [_("Send a JSON object.")]})
    return data


def _required(data: dict, field: str, limit: int) -> str:
    value = data.get(field)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        message = _("“%(field)s” is required (text of at most %(n)d characters).") % {"field": field, "n": limit}
        raise InvalidInput(message, fields={field: [message]})
    return value.strip()


def _event_time(data: dict, now: dt.datetime) -> dt.datetime:
    value = data.get("time")
    if value in (None, ""):
        return now
    parsed = parse_datetime(str(value)) if isinstance(value, str) else None
    if parsed is None:
        message = _("“time” must be an ISO 8601 date and time with its offset.")
        raise InvalidInput(message, fields={"time": [message]})
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _confidence(data: dict) -> Decimal | None:
    value = data.get("confidence")
    if value is None:
        return None
    try:
        confidence = Decimal(str(value)).quantize(Decimal("0.001"))
    except InvalidOperation as exc:
        message = _("“confidence” must be a number between 0 and 1.")
        raise InvalidInput(message, fields={"confidence": [message]}) from exc
    if not Decimal("0") <= confidence <= Decimal("1"):
        message = _("“confidence” must be a number between 0 and 1.")
        raise InvalidInput(message, fields={"confidence": [message]})
    return confidence


def _snapshot(data: dict) -> tuple[bytes | None, str, str]:
    """(image bytes or None, content type, URL) from `snapshot` (base64) and `snapshot_url`."""
    url = data.get("snapshot_url") or ""
    if url:
        try:
            URLValidator(schemes=["http", "https"])(str(url))
        except ValidationError as exc:
            message = _("“snapshot_url” is not a valid http(s) URL.")
            raise InvalidInput(message, fields={"snapshot_url": [message]}) from exc
        if len(url) > 500:
            message = _("“snapshot_url” is longer than 500 characters.")
            raise InvalidInput(message, fields={"snapshot_url": [message]})
    encoded = data.get("snapshot")
    if not encoded:
        return None, "", str(url)
    try:
        content = base64.b64decode(str(encoded), validate=True)
    except (binascii.Error, ValueError) as exc:
        message = _("“snapshot” must be a base64-encoded JPEG, PNG or WebP image.")
        raise InvalidInput(message, fields={"snapshot": [message]}) from exc
    if len(content) > conf.get("INTEGRATIONS_CAMERA_SNAPSHOT_MAX_BYTES"):
        message = _("“snapshot” is too large.")
        raise InvalidInput(message, fields={"snapshot": [message]})
    kind = case_services.sniff(content[:16])
    if kind not in SNAPSHOT_TYPES:
        message = _("“snapshot” must be a base64-encoded JPEG, PNG or WebP image.")
        raise InvalidInput(message, fields={"snapshot": [message]})
    return content, kind, str(url)


def camera_event_receive(
    *, source_code: str, timestamp: str, signature: str, body: bytes, now: dt.datetime | None = None
) -> CameraEvent:
    """Receive one alert. The signature over the raw body is checked before anything is parsed; a
    stale timestamp, a replayed event id, an unknown camera or type is refused with nothing
    written. Otherwise, in one transaction: a new case on the camera channel at the camera's place
    (and the grid's on-duty worker notified), or, when the same camera reported the same type
    within the type's window and that case is still open, a note on that case (alerts counted)."""
    now = now or timezone.now()
    source = _authenticate(source_code, timestamp, signature, body, now)
    data = _payload(body)
    event_id = _required(data, "event_id", 100)
    camera_code = _required(data, "camera", 64)
    type_name = _required(data, "type", 50)
    occurred_at = _event_time(data, now)
    confidence = _confidence(data)
    content, content_type, snapshot_url = _snapshot(data)
    remark = str(data.get("description") or "").strip()[:1000]
    camera = Camera.objects.select_related("area").filter(source=source, code=camera_code, is_active=True).first()
    if camera is None:
        raise NotFound(_("Camera “%(code)s” is not registered for this source.") % {"code": camera_code})
    event_type = (
        CameraEventType.objects.select_related("category").filter(is_active=True, code=type_name).first()
        or CameraEventType.objects.select_related("category").filter(is_active=True, name=type_name).first()
    )
    if event_type is None:
        message = _("“%(type)s” is not a known alert type.") % {"type": type_name}
        raise InvalidInput(message, fields={"type": [message]})
    if CameraEvent.objects.filter(source=source, event_id=event_id).exists():
        raise Conflict(_("This alert was received already."), code="replayed")
    written: list[str] = []
    try:
        return _record_event(
            source=source, camera=camera, event_type=event_type, event_id=event_id, occurred_at=occurred_at,
            confidence=confidence, content=content, content_type=content_type, snapshot_url=snapshot_url,
            remark=remark, now=now, written=written,
        )
    except IntegrityError as exc:  # the same event id raced in
        _forget_files(written)
        raise Conflict(_("This alert was received already."), code="replayed") from exc
    except Exception:
        _forget_files(written)
        raise


def _forget_files(names: list[str]) -> None:
    """Remove the snapshot files of a transaction that rolled back (nothing is left behind)."""
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


@transaction.atomic
def _record_event(
    *,
    source: CameraSource,
    camera: Camera,
    event_type: CameraEventType,
    event_id: str,
    occurred_at: dt.datetime,
    confidence: Decimal | None,
    content: bytes | None,
    content_type: str,
    snapshot_url: str,
    remark: str,
    now: dt.datetime,
    written: list[str],
) -> CameraEvent:
    # One camera's alerts are handled one at a time, so two repeats cannot both open a case.
    camera = Camera.objects.select_for_update().select_related("area", "source").get(pk=camera.pk)
    actor = camera_actor(source)
    event = CameraEvent(
        source=source, event_id=event_id, camera=camera, event_type=event_type, confidence=confidence,
        occurred_at=occurred_at, snapshot_url=snapshot_url,
    )
    extension = (mimetypes.guess_extension(content_type) or "") if content else ""
    file_name = f"{hashlib.sha256(event_id.encode()).hexdigest()[:20]}{extension}"
    if content:
        event.snapshot.save(file_name, ContentFile(content), save=False)
        written.append(event.snapshot.name)
    attachments = [SimpleUploadedFile(file_name, content, content_type=content_type)] if content else []
    shown_confidence = f"{confidence:.2f}" if confidence is not None else _("not given")
    when = timezone.localtime(occurred_at).strftime("%Y-%m-%d %H:%M:%S")
    if confidence is not None and confidence < event_type.min_confidence:
        event.outcome = CameraOutcome.IGNORED
        event.save()
        audit.record(actor=actor, action="integrations.camera_event.ignore", obj=event,
                     after={"event_id": event_id, "type": event_type.code, "confidence": confidence})
        return event
    incident = (
        CameraIncident.objects.select_for_update()
        .select_related("case")
        .filter(
            camera=camera,
            event_type=event_type,
            last_alert_at__gte=occurred_at - dt.timedelta(minutes=event_type.fold_minutes),
            case__state__in=[*OPEN_STATES, State.VERIFYING],
        )
        .order_by("-last_alert_at")
        .first()
    )
    if incident is not None:
        incident.alert_count += 1
        incident.last_alert_at = max(incident.last_alert_at, occurred_at)
        incident.save(update_fields=["alert_count", "last_alert_at"])
        note = _("Camera alert repeated (%(n)d alerts so far): “%(type)s” at %(time)s, confidence %(confidence)s.") % {
            "n": incident.alert_count, "type": event_type.name, "time": when, "confidence": shown_confidence,
        }
        if remark:
            note += f"\n{remark}"
        if snapshot_url:
            note += f"\n{snapshot_url}"
        case_services.case_add_note(actor=actor, case=incident.case, note=note, attachments=attachments)
        event.case, event.outcome = incident.case, CameraOutcome.FOLDED
        event.save()
        audit.record(actor=actor, action="integrations.camera_event.fold", obj=event,
                     after={"event_id": event_id, "case": incident.case_id, "alerts": incident.alert_count})
        return event
    description = _(
        "Camera %(camera)s (%(code)s) reported “%(type)s” at %(time)s, confidence %(confidence)s."
    ) % {"camera": camera.name, "code": camera.code, "type": event_type.name, "time": when,
         "confidence": shown_confidence}
    if remark:
        description += f"\n{remark}"
    if snapshot_url:
        description += "\n" + _("Snapshot: %(url)s") % {"url": snapshot_url}
    case = case_services.case_submit(
        actor=actor,
        channel=Channel.CAMERA,
        category=event_type.category,
        title=f"{event_type.name}：{camera.name}"[:200],
        description=description,
        location=camera.area,
        latitude=camera.latitude,
        longitude=camera.longitude,
        address=camera.name[:200],
        attachments=attachments,
    )
    CameraIncident.objects.create(
        camera=camera, event_type=event_type, case=case, alert_count=1, first_alert_at=occurred_at,
        last_alert_at=occurred_at,
    )
    event.case, event.outcome = case, CameraOutcome.CREATED
    event.save()
    grid = selectors.grid_of(camera.area)
    recipients = selectors.on_duty(grid=grid, at=now) if grid is not None else []
    notifications.notify(
        recipients=recipients,
        title=_("Camera alert: %(type)s at %(place)s — please go now") % {"type": event_type.name, "place": camera.name},
        body=_("Case %(ref)s: %(description)s") % {"ref": case.reference, "description": description[:300]},
        url=f"/cases/{case.pk}/",
        obj=case,
        kind="integrations.camera_alert",
    )
    audit.record(
        actor=actor, action="integrations.camera_event.create_case", obj=event,
        after={"event_id": event_id, "case": case.pk, "notified": [u.pk for u in recipients]},
    )
    return event
