"""What a community's public page shows without login (社区决议公开): its published resolutions with
their progress, milestones, spending against the budget, photos, the vote's figures, the
rectifications open and closed and the committee's sign-off. Nothing personal: owners appear as
units, departments or organisations, an account's owner as its unit or department (never a
person's name), free text has phone and ID numbers masked. Few queries: one page of resolutions
with counts annotated, their owners in one more query."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import pii
from gongzhi.core.errors import NotFound

from .models import (
    Milestone,
    Rectification,
    RectificationState,
    Resolution,
    ResolutionOwner,
    ResolutionPhoto,
    ResolutionUpdate,
)


def community_by_code(code: str) -> AreaNode:
    found = AreaNode.objects.filter(kind=AreaKind.COMMUNITY, code=code).first()
    if found is None:
        raise NotFound()
    return found


def _published() -> QuerySet:
    return Resolution.objects.filter(published_at__isnull=False)


def count_of(model, **filters):
    """How many rows of `model` of each resolution match (a correlated subquery: no join fan-out,
    and the page count stays a plain count)."""
    rows = (model.objects.filter(resolution=OuterRef("pk"), **filters).order_by().values("resolution")
            .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def community_resolutions(community: AreaNode) -> QuerySet:
    """The community's published resolutions, newest first, with the counts the list shows."""
    today = timezone.localdate()
    return (
        _published().filter(topic__area__path__startswith=community.path)
        .select_related("topic", "vote")
        .prefetch_related(Prefetch("owners", queryset=ResolutionOwner.objects.select_related("user__unit",
                                                                                            "user__department")))
        .annotate(
            milestones_total=count_of(Milestone),
            milestones_done=count_of(Milestone, done_on__isnull=False),
            overdue_count=count_of(Milestone, done_on__isnull=True, due_on__lt=today),
            rectifications_open=count_of(Rectification, state__in=(RectificationState.OPEN, RectificationState.DONE)),
            rectifications_closed=count_of(Rectification, state=RectificationState.CLOSED),
        )
        .order_by("-published_at", "-id")
    )


def public_resolution(pk: int) -> Resolution:
    found = (
        _published().filter(pk=pk)
        .select_related("topic", "topic__area", "topic__estate", "vote", "vote__meeting")
        .prefetch_related(
            Prefetch("owners", queryset=ResolutionOwner.objects.select_related("user__unit", "user__department")),
            Prefetch("milestones", queryset=Milestone.objects.order_by("position", "due_on")),
            "spendings",
            Prefetch("updates", queryset=ResolutionUpdate.objects.prefetch_related("photos").order_by("-created_at", "-id")),
            Prefetch("rectifications", queryset=Rectification.objects.order_by("deadline", "id")),
        )
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def public_photo(pk: int) -> ResolutionPhoto:
    found = ResolutionPhoto.objects.filter(pk=pk, update__resolution__published_at__isnull=False).first()
    if found is None:
        raise NotFound()
    return found


def public_owner(owner: ResolutionOwner) -> str:
    """An owner as the public sees it: a unit, a department or an organisation by name; an
    account as its unit or department, else "community staff" — never a person's name."""
    if owner.unit_id or owner.department_id:
        return owner.name
    if owner.user_id:
        account = owner.user
        if account.unit_id:
            return account.unit.name
        if account.department_id:
            return account.department.name
        return _("Community staff")
    return owner.name


def public_text(text: str) -> str:
    """Free text with phone and ID numbers masked."""
    return pii.redact(text or "")


def community_of(node: AreaNode) -> AreaNode | None:
    """The community a node lies in (for the way back to its public page)."""
    if node.kind == AreaKind.COMMUNITY:
        return node
    return AreaNode.objects.filter(kind=AreaKind.COMMUNITY, path__in=[
        node.path[:i] for i in range(AreaNode.steplen, len(node.path), AreaNode.steplen)]).first()
