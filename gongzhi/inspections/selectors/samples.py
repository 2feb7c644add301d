"""Reads of the spot checks, scoped to the user (`visible_to` on every model)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import scope
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import can, role_q

from ..models import Finding, FindingState, Inspector, Sample, SampleItem
from ..permissions import INSPECTOR_ROLES, STREET_ROLES


def _id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def streets_managed(*, user) -> QuerySet[AreaNode]:
    """The streets whose inspectors and samples the user keeps."""
    if not can(user, "inspections.manage"):
        return AreaNode.objects.none()
    return AreaNode.objects.visible_to(user).filter(kind=AreaKind.STREET, is_active=True).order_by("path")


def street_staff(street: AreaNode) -> list:
    """The street's staff (who confirm or reject findings)."""
    User = get_user_model()
    return list(User.objects.filter(role_q(STREET_ROLES), is_active=True,
                                    area_bindings__node=street).distinct())


def inspector_accounts(*, user) -> QuerySet:
    """Inspectors' accounts the user may register (within the user's area)."""
    User = get_user_model()
    return User.objects.visible_to(user).filter(role_q(INSPECTOR_ROLES), is_active=True).order_by("username")


def inspectors_list(*, user, street=None, active: bool | None = None) -> QuerySet[Inspector]:
    rows = Inspector.objects.visible_to(user).select_related("user", "street")
    if street is not None:
        rows = rows.filter(street_id=_id(street))
    if active is not None:
        rows = rows.filter(active=active)
    return rows.annotate(open_items=Count("items", filter=Q(items__finding__isnull=True)))


def inspector_get(*, user, pk) -> Inspector:
    return Inspector.objects.visible_or_404(user, pk=_id(pk))


def samples_list(*, user, street=None) -> QuerySet[Sample]:
    rows = Sample.objects.visible_to(user).select_related("street")
    if street is not None:
        rows = rows.filter(street_id=_id(street))
    return rows.annotate(
        item_count=Count("items", distinct=True),
        checked=Count("items__finding", distinct=True),
        problems=Count("items__finding", filter=Q(items__finding__state=FindingState.CONFIRMED), distinct=True),
        pending=Count("items__finding", filter=Q(items__finding__state=FindingState.PENDING), distinct=True),
    ).order_by("-month", "street__path")


def sample_get(*, user, pk) -> Sample:
    return Sample.objects.visible_or_404(user, pk=_id(pk))


def sample_items(*, user, sample: Sample) -> QuerySet[SampleItem]:
    return (SampleItem.objects.visible_to(user).filter(sample=sample)
            .select_related("inspector__user", "worker", "finding").order_by("position"))


def items_mine(*, user) -> QuerySet[SampleItem]:
    """The records assigned to the user as an active inspector, unchecked first, newest month first."""
    return (SampleItem.objects.visible_to(user).filter(inspector__user=user, inspector__active=True)
            .select_related("sample__street", "worker", "finding")
            .order_by("-sample__month", "finding", "position"))


def item_get(*, user, pk) -> SampleItem:
    row = (SampleItem.objects.visible_to(user).select_related("sample__street", "worker", "inspector__user")
           .filter(pk=_id(pk)).first())
    if row is None:
        raise NotFound()
    return row


def finding_of(item: SampleItem) -> Finding | None:
    return Finding.objects.filter(item=item).select_related("recorded_by", "decided_by").first()


def findings_to_review(*, user) -> QuerySet[Finding]:
    """Problems waiting for the street's decision, in the streets the user keeps."""
    if not can(user, "inspections.review"):
        return Finding.objects.none()
    rows = Finding.objects.visible_to(user).filter(state=FindingState.PENDING)
    paths = scope.scope_paths(user)
    if paths is not None:
        rows = rows.filter(scope.path_q(paths, "item__sample__street"))
    return rows.select_related("item__sample__street", "item__worker", "recorded_by").order_by("recorded_at", "pk")


def finding_get(*, user, pk) -> Finding:
    return Finding.objects.visible_or_404(user, pk=_id(pk))
