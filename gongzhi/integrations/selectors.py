"""Reads of the integrations app: keys by their raw value, who is on duty, and the cases Open311
may show (never personal data; limited to a key's area)."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q, QuerySet

from gongzhi.accounts.models import User
from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.cases.models import Case, Category
from gongzhi.core import scope

from . import conf
from .models import ApiKey, Camera, CameraEvent, DutyShift, Open311Submission


def hash_key(raw: str) -> str:
    import hashlib

    return hashlib.sha256(raw.encode()).hexdigest()


def key_by_value(raw: str) -> ApiKey | None:
    """The key with this raw value, revoked or not (so that a revoked key's use can be refused and
    audited by its prefix), or None when no key was ever issued with it. One query."""
    raw = (raw or "").strip()
    if not raw:
        return None
    return ApiKey.objects.select_related("area").filter(key_hash=hash_key(raw)).first()


# ---------------------------------------------------------------------------------------------
# Duty roster


def grid_of(node: AreaNode) -> AreaNode | None:
    """The grid a building (or anything below it) lies in; the grid itself for a grid."""
    if node.kind == AreaKind.GRID:
        return node
    depth = 4  # district 1, street 2, community 3, grid 4
    if len(node.path) < depth * AreaNode.steplen:
        return None
    return AreaNode.objects.filter(path=node.path[: depth * AreaNode.steplen]).first()


def on_duty(*, grid: AreaNode, at: dt.datetime) -> list[User]:
    """The grid workers on duty for `grid` at `at`; without a shift then, the grid's bound grid
    workers (so an alert always reaches someone who can go)."""
    users = list(
        User.objects.filter(
            is_active=True, duty_shifts__grid=grid, duty_shifts__start__lte=at, duty_shifts__end__gt=at
        ).distinct().order_by("pk")
    )
    if users:
        return users
    return list(
        User.objects.filter(is_active=True, role="grid_worker", area_bindings__node=grid).distinct().order_by("pk")
    )


def duty_shifts(*, user, grid: AreaNode | None = None) -> QuerySet:
    qs = scope.restrict(DutyShift.objects.select_related("grid", "user"), user)
    if grid is not None:
        qs = qs.filter(grid=grid)
    return qs.order_by("start")


def cameras(*, user) -> QuerySet:
    return scope.restrict(Camera.objects.select_related("area", "source"), user)


def camera_events(*, user) -> QuerySet:
    return scope.restrict(CameraEvent.objects.select_related("camera", "event_type", "case"), user)


# ---------------------------------------------------------------------------------------------
# Open311

REFERENCE = re.compile(r"^GZ(\d{8})(\d{7,})$")


def case_pk_from_reference(reference: str) -> int | None:
    """The case id in a reference such as GZ202611220000042 (date of filing + zero-padded id)."""
    match = REFERENCE.match((reference or "").strip())
    return int(match.group(2)) if match else None


def services() -> QuerySet:
    """Catalogue leaves offered as Open311 services (active, under an active group)."""
    return (
        Category.objects.filter(is_active=True, parent__isnull=False, parent__is_active=True)
        .select_related("parent")
        .prefetch_related("questions")
        .order_by("parent__order", "parent__code", "order", "code")
    )


def service(code: str) -> Category | None:
    return services().filter(code=code).first()


def open311_cases(*, key: ApiKey | None = None, within: AreaNode | None = None) -> QuerySet:
    """The cases Open311 reads may show: those filed through Open311 and those of the public-space
    channels (camera, patrol by default), never of the hidden kinds (disputes, reports); a key
    also sees its own submissions of any kind. A key limited to an area sees that subtree only;
    `within` (a district named by jurisdiction_id) narrows further."""
    public = Q(open311_submission__isnull=False) | Q(channel__in=list(conf.get("INTEGRATIONS_OPEN311_PUBLIC_CHANNELS")))
    visible = public & ~Q(kind__in=list(conf.get("INTEGRATIONS_OPEN311_HIDDEN_KINDS")))
    if key is not None:
        visible |= Q(open311_submission__api_key=key)
    qs = Case.objects.filter(visible)
    if key is not None and key.area_id:
        qs = qs.filter(location_path__startswith=key.area.path)
    if within is not None:
        qs = qs.filter(location_path__startswith=within.path)
    return qs.select_related("category", "rule", "department", "area", "location", "master", "open311_submission")


def submission_by_token(token: str) -> Open311Submission | None:
    return Open311Submission.objects.select_related("case", "api_key").filter(token=(token or "").strip()).first()
