"""Reads of civility points, scoped to the user: buildings and households to check, a household's
checks, the year's points per household (what the year's checks moved in the ledger), standings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet, Sum

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import scope
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require

from ..models import BonusRun, Check, CheckPhoto, HouseholdStar, NameConsent

BUILDING_DEPTH = 5
COMMUNITY_DEPTH = 3


def node_of_kind(*, user, pk, kind: str) -> AreaNode:
    """An active node of `kind` the user may see (else NotFound: outside the scope looks absent)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    node = AreaNode.objects.visible_to(user).filter(pk=pk, kind=kind, is_active=True).first()
    if node is None:
        raise NotFound()
    return node


def household_get(*, user, pk) -> AreaNode:
    require(user, "civility.view")
    return node_of_kind(user=user, pk=pk, kind=AreaKind.HOUSEHOLD)


def building_get(*, user, pk) -> AreaNode:
    require(user, "civility.view")
    return node_of_kind(user=user, pk=pk, kind=AreaKind.BUILDING)


def community_get(*, user, pk) -> AreaNode:
    require(user, "civility.view")
    return node_of_kind(user=user, pk=pk, kind=AreaKind.COMMUNITY)


def community_of(node: AreaNode) -> AreaNode | None:
    if node.depth < COMMUNITY_DEPTH:
        return None
    return AreaNode.objects.filter(path=node.path[: COMMUNITY_DEPTH * AreaNode.steplen]).first()


def building_of(node: AreaNode) -> AreaNode | None:
    if node.depth < BUILDING_DEPTH:
        return None
    return AreaNode.objects.filter(path=node.path[: BUILDING_DEPTH * AreaNode.steplen]).first()


def buildings_visible(*, user) -> QuerySet:
    """The buildings of the user's scope, with their number of households."""
    require(user, "civility.view")
    return AreaNode.objects.visible_to(user).filter(kind=AreaKind.BUILDING, is_active=True).order_by("path")


def households_in(node: AreaNode) -> QuerySet:
    """The active households under a node (a building, a community), in the order of the tree."""
    return AreaNode.objects.filter(kind=AreaKind.HOUSEHOLD, is_active=True, path__startswith=node.path).order_by("path")


def communities_visible(*, user) -> QuerySet:
    require(user, "civility.view")
    paths = scope.scope_paths(user)
    qs = AreaNode.objects.filter(kind=AreaKind.COMMUNITY, is_active=True)
    if paths is None:
        return qs.order_by("path")
    # a community inside the scope, or the community a grid worker's grid lies in
    prefixes = {p[: COMMUNITY_DEPTH * AreaNode.steplen] for p in paths if len(p) >= COMMUNITY_DEPTH * AreaNode.steplen}
    return (qs.visible_to(user) | qs.filter(path__in=prefixes)).distinct().order_by("path")


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def year_points(*, node: AreaNode, year: int) -> dict[int, int]:
    """Household id → the points the year's checks moved in the ledger, under `node` (one query)."""
    start, end = year_bounds(year)
    rows = (Check.objects.filter(household__path__startswith=node.path, checked_on__gte=start, checked_on__lte=end)
            .values("household_id").annotate(total=Sum("applied")).order_by())
    return {row["household_id"]: row["total"] or 0 for row in rows}


def checks_of(*, user, household: AreaNode, limit: int = 200) -> list[Check]:
    return list(Check.objects.visible_to(user).filter(household=household)
                .select_related("standard", "checker").prefetch_related("photos")[:limit])


def check_get(*, user, pk) -> Check:
    require(user, "civility.view")
    row = Check.objects.visible_to(user).select_related("household", "standard", "checker", "entry").filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def photo_get(*, user, pk) -> CheckPhoto:
    require(user, "civility.view")
    row = CheckPhoto.objects.visible_to(user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def checked_today(*, household: AreaNode, on: dt.date) -> set[str]:
    """The codes of the standards already checked at the household on `on`."""
    return set(Check.objects.filter(household=household, checked_on=on).values_list("code", flat=True))


def consent_of(household: AreaNode) -> NameConsent | None:
    return NameConsent.objects.filter(household=household, revoked_at__isnull=True).first()


def consents_history(*, household: AreaNode) -> list[NameConsent]:
    return list(NameConsent.objects.filter(household=household).select_related("recorded_by", "revoked_by"))


@dataclass
class Standing:
    household: AreaNode
    points: int
    rank: int
    checks: int
    stars: int | None


def building_standings(*, building: AreaNode, year: int) -> list[Standing]:
    """Each household of the building with its points of the year, its rank in the building (equal
    points share a rank), the number of checks and its final stars of the year (None before review)."""
    households = list(households_in(building))
    points = year_points(node=building, year=year)
    start, end = year_bounds(year)
    counts = dict(Check.objects.filter(household__path__startswith=building.path, checked_on__gte=start,
                                       checked_on__lte=end).values("household_id").annotate(n=Count("id"))
                  .values_list("household_id", "n").order_by())
    stars = dict(HouseholdStar.objects.filter(household__path__startswith=building.path, year=year,
                                              final__isnull=False).values_list("household_id", "final"))
    ordered = sorted({points.get(h.pk, 0) for h in households}, reverse=True)
    rank = {value: index + 1 for index, value in enumerate(ordered)}
    return [Standing(household=h, points=points.get(h.pk, 0), rank=rank[points.get(h.pk, 0)],
                     checks=counts.get(h.pk, 0), stars=stars.get(h.pk)) for h in households]


def node_visible(*, user, pk) -> AreaNode:
    require(user, "civility.view")
    node = AreaNode.objects.visible_to(user).filter(pk=pk).first()
    if node is None:
        raise NotFound()
    return node


def bonus_runs(*, user) -> QuerySet:
    require(user, "civility.view")
    return BonusRun.objects.visible_to(user).select_related("community", "formula", "approved_by")


def bonus_get(*, user, pk) -> BonusRun:
    row = bonus_runs(user=user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def stars_of(*, user, community: AreaNode, year: int) -> list[HouseholdStar]:
    require(user, "civility.view")
    return list(HouseholdStar.objects.visible_to(user).filter(household__path__startswith=community.path, year=year)
                .select_related("household", "reviewed_by").order_by("household__path"))


def star_get(*, user, pk) -> HouseholdStar:
    require(user, "civility.view")
    row = HouseholdStar.objects.visible_to(user).select_related("household").filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row
