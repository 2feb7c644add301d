"""The public honour roll of a community (no login): its honours, newest first, by year. Names
only, with the reason — nothing else about anyone."""

from __future__ import annotations

from django.db.models import QuerySet

from gongzhi.areas.models import AreaKind, AreaNode

from ..models import Honour


def public_community(*, code: str) -> AreaNode | None:
    return AreaNode.objects.filter(kind=AreaKind.COMMUNITY, code=code).first() if code else None


def honour_roll(*, community: AreaNode, year: int | None = None, kind: str = "") -> QuerySet:
    qs = Honour.objects.filter(community=community)
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-year", "-month", "-awarded_on", "-id")


def roll_years(*, community: AreaNode) -> list[int]:
    return sorted(set(Honour.objects.filter(community=community).values_list("year", flat=True)), reverse=True)
