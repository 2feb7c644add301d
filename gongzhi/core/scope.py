"""Area scope (数据权限): the one mechanism that limits what a user sees to the subtrees of the
area nodes they are bound to. Every selector, page, export, API endpoint and admin list calls
`restrict` on its queryset; it is a security boundary, not a display filter.

A scoped model names the path to its area node in `area_scope_field` ("" for the area node
itself, "area" for a foreign key called area, "household__area" and so on).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .actors import SystemActor

_CACHE_ATTR = "_gongzhi_scope_paths"


def _minimal(paths: list[str]) -> list[str]:
    """Drop paths inside another bound path: a subtree already covers them."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def scope_paths(user) -> list[str] | None:
    """The tree paths a user may see below; None means unrestricted (superuser or the system)."""
    if isinstance(user, SystemActor):
        return None
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return None
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        paths = list(user.area_bindings.values_list("node__path", flat=True)) if user.is_active else []
        cached = _minimal(paths)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user) -> None:
    """Drop the cached scope after the user's bindings changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def path_q(paths: list[str], field: str) -> Q:
    prefix = f"{field}__" if field else ""
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{prefix}path__startswith": path})
    return query


def restrict(queryset: models.QuerySet, user, *, field: str | None = None) -> models.QuerySet:
    """`queryset` limited to rows whose area node lies in the user's subtrees."""
    if field is None:
        field = getattr(queryset.model, "area_scope_field", None)
        if field is None:
            raise TypeError(f"{queryset.model.__name__} declares no area_scope_field")
    paths = scope_paths(user)
    if paths is None:
        return queryset
    if not paths:
        return queryset.none()
    return queryset.filter(path_q(paths, field))


def covers_path(user, path: str) -> bool:
    paths = scope_paths(user)
    if paths is None:
        return True
    return any(path.startswith(p) for p in paths)


def area_path_of(obj: models.Model) -> str | None:
    """The tree path of the area node an object belongs to, following its area_scope_field."""
    field = getattr(type(obj), "area_scope_field", None)
    if field is None:
        return None
    target = obj
    for part in [p for p in field.split("__") if p]:
        target = getattr(target, part, None)
        if target is None:
            return None
    return getattr(target, "path", None)
