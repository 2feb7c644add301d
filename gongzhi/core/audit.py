"""The one way to write an audit event. Services call `record` inside their transaction."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import context
from .actors import Actor, actor_label, actor_user
from .models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None, *, exclude: tuple[str, ...] = ()) -> dict:
    """The concrete field values of `obj`, JSON-ready (foreign keys as ids)."""
    data = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in exclude:
            continue
        data[field.attname] = _plain(getattr(obj, field.attname))
    return data


def diff(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Keep only the keys that changed, so the history shows what happened."""
    if before is None or after is None:
        return before, after
    keys = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    area_path: str = "",
) -> AuditEvent:
    ctx = context.current()
    if obj is not None and not area_path:
        area_path = _area_path_of(obj)
    return AuditEvent.objects.create(
        actor=actor_user(actor),
        actor_label=actor_label(actor),
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        area_path=area_path,
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        note=note,
        request_id=ctx.request_id if ctx else context.new_request_id(),
        ip=ctx.ip if ctx else None,
        source=ctx.source if ctx else "unknown",
    )


def _area_path_of(obj: models.Model) -> str:
    from .scope import area_path_of

    return area_path_of(obj) or ""


def lock(model: type[models.Model], pk) -> models.Model | None:
    """The row, locked for the rest of the transaction (None if it is gone)."""
    return model._default_manager.select_for_update().filter(pk=pk).first()


def save(
    *,
    actor: Actor,
    obj: models.Model,
    action: str,
    fields: list[str],
    before: dict | None = None,
    clean_exclude: list[str] | None = None,
    note: str = "",
    describe: Callable[[models.Model], dict] | None = None,
    update_fields: list[str] | None = None,
    area_path: str = "",
) -> models.Model:
    """The one audited save of master data: validate (`full_clean`, each problem named on its
    field), save, and record what changed against `before` (a snapshot taken after locking the row;
    None for a new record). A save that changes nothing records nothing. Call it inside the
    service's transaction, after the permission check.

    `describe(obj)` replaces the plain field snapshot where the record must not hold a value as
    stored (a phone kept masked, a note redacted): take `before` with the same function.
    `update_fields` saves only those columns; `area_path` files the event under another node than
    the object's own."""
    from django.core.exceptions import ValidationError

    from .errors import invalid_from_validation_error

    try:
        obj.full_clean(exclude=clean_exclude)
    except ValidationError as exc:
        raise invalid_from_validation_error(exc) from exc
    obj.save(update_fields=update_fields) if update_fields is not None else obj.save()
    after = describe(obj) if describe is not None else snapshot(obj, fields)
    if before is None:
        record(actor=actor, action=action, obj=obj, after=after, note=note, area_path=area_path)
    else:
        old, new = diff(before, after)
        if old or new:
            record(actor=actor, action=action, obj=obj, before=old, after=new, note=note, area_path=area_path)
    return obj
