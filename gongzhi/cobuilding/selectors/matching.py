"""Matching a need against the district's resources (资源清单 × 需求清单).

`rank_resources` ranks the active resources of the need's district that have capacity left and
are still offered: the same category first, then nearness on the area tree (how many levels of
path the resource's place shares with the need's: same household, building, grid, community,
street), then straight-line nearness when both have coordinates, then the most capacity left.
All of it is computed by the database; the same-category resources are asked first (an indexed
category filter), the others only if fewer than `limit` matched."""

from __future__ import annotations

from django.db.models import Case, ExpressionWrapper, F, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from gongzhi.areas.models import AreaNode

from ..models import Need, Resource


def _prefixes(path: str) -> list[str]:
    steplen = AreaNode.steplen
    return [path[:n] for n in range(steplen, len(path) + 1, steplen)]


def _nearness(need: Need) -> Case:
    """The number of path steps the resource's place (its location, else its community) shares
    with the need's area: higher is nearer."""
    place = Coalesce(F("location__path"), F("community__path"))
    whens = [When(**{"place_path__startswith": prefix}, then=Value(len(prefix) // AreaNode.steplen))
             for prefix in reversed(_prefixes(need.area.path))]
    return place, Case(*whens, default=Value(0), output_field=IntegerField())


def _geo(need: Need):
    if need.latitude is None or need.longitude is None:
        return Value(None, output_field=FloatField())
    lat, lng = float(need.latitude), float(need.longitude)
    return Case(
        When(latitude__isnull=False, longitude__isnull=False,
             then=ExpressionWrapper((F("latitude") - lat) * (F("latitude") - lat)
                                    + (F("longitude") - lng) * (F("longitude") - lng), output_field=FloatField())),
        default=Value(None, output_field=FloatField()), output_field=FloatField())


def candidates(need: Need):
    """Active resources of the need's district with capacity left, offered today."""
    district = need.community_path[: AreaNode.steplen]
    today = timezone.localdate()
    return (Resource.objects.filter(is_active=True, used__lt=F("capacity"), community__path__startswith=district)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today)))


def _ranked(rows, need: Need):
    place, nearness = _nearness(need)
    return (rows.annotate(place_path=place).annotate(nearness=nearness, distance=_geo(need),
                                                     left=F("capacity") - F("used"))
            .select_related("category", "community", "location", "unit_report__unit", "member_report__member")
            .order_by("-nearness", F("distance").asc(nulls_last=True), "-left", "id"))


def rank_resources(*, need: Need, limit: int = 10) -> list[Resource]:
    """The best `limit` resources for `need`, best first (each with `.same_category`, `.nearness`)."""
    base = candidates(need)
    found = list(_ranked(base.filter(category_id=need.category_id), need)[:limit])
    for row in found:
        row.same_category = True
    if len(found) < limit:
        others = list(_ranked(base.exclude(category_id=need.category_id), need)[: limit - len(found)])
        for row in others:
            row.same_category = False
        found += others
    return found
