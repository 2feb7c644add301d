"""Reads for the public pages (no login), on top of `selectors`: a page of a community's current
items with only the columns a list shows, the kind counts, and a print selection. Every read goes
through `Item.objects.published_for_public` / `current_for_public` (never a draft or a planned slot)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from gongzhi.areas.models import AreaNode

from . import selectors
from .models import Item, ItemState

LIST_FIELDS = ("id", "community_id", "kind", "timing", "title", "state", "published_at", "version", "series_id",
               "period_start", "period_end", "is_late", "correction_reason")


def public_list(*, community: AreaNode | int, kind: str | None = None, search: str = "",
                include_superseded: bool = False) -> QuerySet:
    """The current items (and, on request, the superseded versions) of a community, newest first,
    without their texts (a list shows titles): index (community, state, kind, -published_at)."""
    return selectors.public_items(community=community, kind=kind, search=search,
                                  current_only=not include_superseded).only(*LIST_FIELDS)


def kind_counts(community: AreaNode | int) -> dict[str, int]:
    """How many current items the community shows per kind."""
    rows = (Item.objects.current_for_public(community).order_by().values("kind").annotate(n=Count("id")))
    return {row["kind"]: row["n"] for row in rows}


def print_selection(*, community: AreaNode | int, kind: str | None = None, limit: int = 12) -> list[Item]:
    """The newest current items, with their texts, for the notice board (公开栏)."""
    qs = Item.objects.current_for_public(community)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("-published_at", "-id")[:limit])


def is_current(item: Item) -> bool:
    return item.state == ItemState.PUBLISHED
