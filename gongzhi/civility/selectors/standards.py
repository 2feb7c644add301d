"""Which rules (standards, bonus formula, star thresholds) apply to a place on a day: among the rows
whose area covers the place (or that have none: everywhere) and that are valid that day, the most
specific area wins, then the latest start."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from gongzhi.areas.models import AreaNode

from ..models import BonusFormula, Standard, StarThreshold


def _prefixes(node: AreaNode) -> list[str]:
    return [node.path[:n] for n in range(AreaNode.steplen, len(node.path) + 1, AreaNode.steplen)]


def _covering(queryset: QuerySet, node: AreaNode) -> QuerySet:
    return queryset.filter(Q(area__isnull=True) | Q(area__path__in=_prefixes(node)))


def _depth(row) -> int:
    return len(row.area.path) if row.area_id else 0


def standards_for(*, node: AreaNode, on: dt.date) -> list[Standard]:
    """The standards a household (or any node) is checked against on `on`: one per code."""
    rows = _covering(Standard.objects.select_related("area"), node).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on), valid_from__lte=on)
    best: dict[str, Standard] = {}
    for row in rows:
        held = best.get(row.code)
        if held is None or (_depth(row), row.valid_from, row.pk) > (_depth(held), held.valid_from, held.pk):
            best[row.code] = row
    return sorted((s for s in best.values() if s.is_active), key=lambda s: (s.order, s.code))


def standards_visible(*, user) -> QuerySet:
    return Standard.objects.visible_to(user).select_related("area")


def formula_for(*, community: AreaNode, year: int) -> BonusFormula | None:
    """The bonus formula valid on the year's last day for the community."""
    rows = _covering(BonusFormula.objects.select_related("area"), community).filter(valid_from__lte=dt.date(year, 12, 31))
    return max(rows, key=lambda f: (_depth(f), f.valid_from, f.pk), default=None)


def thresholds_for(*, node: AreaNode, year: int) -> list[StarThreshold]:
    """The star thresholds valid on the year's last day: the most specific area's set, then its latest start."""
    rows = list(_covering(StarThreshold.objects.select_related("area"), node).filter(valid_from__lte=dt.date(year, 12, 31)))
    if not rows:
        return []
    key = max((_depth(r), r.valid_from) for r in rows)
    return sorted([r for r in rows if (_depth(r), r.valid_from) == key], key=lambda r: r.stars)


def stars_for(points: int, thresholds: list[StarThreshold]) -> int:
    """The most stars whose threshold the points reach (0 below every threshold)."""
    return max((t.stars for t in thresholds if points >= t.min_points), default=0)
