"""Every read of the open books other code needs, already scoped.

Public reads (no login) take a community and return only what `Item.objects.published_for_public`
allows: published items and the versions they superseded, never planned slots or drafts.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gongzhi.areas.models import AreaKind, AreaNode

from .models import Item, ItemState, Question

PUBLIC_ITEM_FIELDS = ("id", "community_id", "kind", "timing", "title", "body", "state", "published_at", "version",
                      "series_id", "supersedes_id", "correction_reason", "period_start", "period_end", "is_late")


def public_community(*, code: str | None = None, pk: int | None = None) -> AreaNode | None:
    """A community by its code or id, for the public pages (None when it names no community)."""
    qs = AreaNode.objects.filter(kind=AreaKind.COMMUNITY)
    if code is not None:
        return qs.filter(code=code).first()
    return qs.filter(pk=pk).first() if pk is not None else None


def public_items(*, community: AreaNode | int, kind: str | None = None, search: str = "",
                 current_only: bool = False) -> QuerySet:
    """A community's items as the public sees them, newest first; `current_only` leaves out
    superseded versions; `search` looks in titles and texts. Uses the index
    (community, state, kind, -published_at)."""
    manager = Item.objects
    qs = manager.current_for_public(community) if current_only else manager.published_for_public(community)
    if kind:
        qs = qs.filter(kind=kind)
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(body__icontains=search))
    return qs.order_by("-published_at", "-id")


def public_item(*, community: AreaNode | int, pk: int) -> Item | None:
    """One public item of a community (None for a draft, a planned slot or another community's)."""
    return Item.objects.published_for_public(community).filter(pk=pk).prefetch_related("attachments").first()


def item_versions(item: Item) -> list[Item]:
    """Every version of an item's series (published or superseded), oldest first."""
    root = item.series_id or item.pk
    return list(Item.objects.filter(Q(pk=root) | Q(series_id=root)).filter(
        state__in=(ItemState.PUBLISHED, ItemState.SUPERSEDED)).order_by("version"))


def public_questions(item: Item) -> QuerySet:
    """The questions asked on any version of an item, with their answers (asker shown masked by the
    page: never the asker's name)."""
    root = item.series_id or item.pk
    return Question.objects.filter(Q(item_id=root) | Q(item__series_id=root)).order_by("asked_at", "id")
