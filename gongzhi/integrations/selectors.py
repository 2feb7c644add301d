"""Reads of the integrations app: keys by their raw value, who is on duty, and the cases Open311
may show (never personal data; limited to a key's area)."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q, QuerySet

from gongzhi.accounts.models import User
from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.cases.models import Case, Category
from gongzhi.core import permissions as core_permissions

from . import conf
from .models import ApiKey, CameraEvent, Open311Submission
from .permissions import DUTY_ROLES


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


def api_keys(*, user) -> QuerySet:
    """The keys `user` may see (the `apikey list` command)."""
    return ApiKey.objects.visible_to(user).select_related("area")


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
    return list(duty_workers().filter(area_bindings__node=grid).distinct().order_by("pk"))


def duty_workers() -> QuerySet:
    """The users who may be put on a grid's duty roster: active grid workers."""
    return User.objects.filter(core_permissions.role_q(DUTY_ROLES), is_active=True)


def may_be_on_duty(user, *, active_only: bool = True) -> bool:
    """Whether `user` is a grid worker (and active, unless `active_only` is False)."""
    if user is None or user.pk is None:
        return False
    qs = duty_workers() if active_only else User.objects.filter(core_permissions.role_q(DUTY_ROLES))
    return qs.filter(pk=user.pk).exists()


def camera_events(*, user) -> QuerySet:
    """The camera alerts `user` may see (the area scope of the camera)."""
    return CameraEvent.objects.visible_to(user).select_related("camera__area", "event_type", "case")


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
