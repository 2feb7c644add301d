"""The nearest help within a walk (issue 21 item 2), without a spatial database.

`nearest()` reads only the grid cells (`cell_x`, `cell_y`, indexed; models.CELL_DEGREES) that a walk
of CIRCLE_WALK_MINUTES can reach, then measures each candidate exactly (haversine) and keeps those
whose walking time — straight line × CIRCLE_WALK_FACTOR over CIRCLE_WALK_METRES_PER_MINUTE — is within
the walk. A provider also has to reach the origin from its own place (its service radius). Results
come open-now first, then by walking time.

`coverage()` answers, for a community and one service, which of its buildings nothing reaches
within the walk (the gaps the community should fill) and how many households that leaves out.

When a city outgrows the grid index (hundreds of thousands of places, or polygons of service areas),
the path is PostGIS: a geography column with a GiST index and ST_DWithin in place of the cell ranges.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.residents.models import Person, PersonStatus

from .. import geo
from ..models import CELL_DEGREES, Offering, Provider, Service, ServicePoint
from ..services.inputs import field_error


@dataclass
class Found:
    """A point or provider within the walk."""

    kind: str  # "point" | "provider"
    id: int
    name: str
    kind_label: str
    metres: int
    minutes: float
    open_now: bool
    hours: str
    address: str
    phone: str
    latitude: float
    longitude: float
    services: list[dict] = field(default_factory=list)  # {"code", "name", "price", "free"}

    def as_data(self) -> dict:
        return {"kind": self.kind, "id": self.id, "name": self.name, "kind_label": self.kind_label,
                "metres": self.metres, "minutes": self.minutes, "open_now": self.open_now, "hours": self.hours,
                "address": self.address, "phone": self.phone, "latitude": self.latitude,
                "longitude": self.longitude, "services": self.services}


def _cells(latitude: float, longitude: float, metres: float) -> tuple[range, range]:
    """The cell ranges (x over longitude, y over latitude) a circle of `metres` around the origin touches."""
    dlat = metres / 111_320
    dlng = metres / (111_320 * max(math.cos(math.radians(latitude)), 0.01))
    xs = range(math.floor((longitude - dlng) / CELL_DEGREES), math.floor((longitude + dlng) / CELL_DEGREES) + 1)
    ys = range(math.floor((latitude - dlat) / CELL_DEGREES), math.floor((latitude + dlat) / CELL_DEGREES) + 1)
    return xs, ys


def _in_cells(queryset: QuerySet, xs: range, ys: range) -> QuerySet:
    return queryset.filter(cell_x__gte=xs.start, cell_x__lt=xs.stop, cell_y__gte=ys.start, cell_y__lt=ys.stop)


def nearest(*, user, latitude, longitude, service: Service | None = None, minutes: float | None = None,
            at: dt.datetime | None = None, limit: int = 50) -> list[Found]:
    """The active points and providers the user may see that offer `service` (or anything) within a
    walk of `minutes` (default CIRCLE_WALK_MINUTES) of the origin, open-now first, then nearest."""
    lat, lng = float(latitude), float(longitude)
    minutes = float(minutes) if minutes is not None else None
    reach = geo.walk_radius_m(minutes)
    xs, ys = _cells(lat, lng, reach)
    moment = at or timezone.now()
    points = _in_cells(ServicePoint.objects.visible_to(user).filter(active=True), xs, ys)
    providers = _in_cells(Provider.objects.visible_to(user).filter(active=True), xs, ys)
    if service is not None:
        points = points.filter(offerings__service=service)
        providers = providers.filter(offerings__service=service)
    found: list[Found] = []
    for p in points.only("pk", "name", "kind", "latitude", "longitude", "hours", "address", "hotline"):
        metres = geo.metres_between(lat, lng, p.latitude, p.longitude)
        if metres <= reach:
            found.append(Found("point", p.pk, p.name, p.get_kind_display(), round(metres),
                               round(geo.walking_minutes(metres), 1), geo.open_at(p.hours, moment),
                               geo.hours_text(p.hours), p.address, p.hotline, float(p.latitude), float(p.longitude)))
    for p in providers.only("pk", "name", "kind", "latitude", "longitude", "hours", "address", "hotline",
                            "service_radius_m"):
        metres = geo.metres_between(lat, lng, p.latitude, p.longitude)
        if metres <= reach and metres <= p.service_radius_m:
            found.append(Found("provider", p.pk, p.name, p.get_kind_display(), round(metres),
                               round(geo.walking_minutes(metres), 1), geo.open_at(p.hours, moment),
                               geo.hours_text(p.hours), p.address, p.hotline, float(p.latitude),
                               float(p.longitude)))
    found.sort(key=lambda f: (not f.open_now, f.minutes, f.name))
    found = found[:limit]
    _attach_services(found)
    return found


def _attach_services(found: list[Found]) -> None:
    point_ids = [f.id for f in found if f.kind == "point"]
    provider_ids = [f.id for f in found if f.kind == "provider"]
    if not found:
        return
    offers: dict[tuple[str, int], list[dict]] = {}
    for o in (Offering.objects.filter(Q(point_id__in=point_ids) | Q(provider_id__in=provider_ids))
              .select_related("service").order_by("service__sort", "service__code")):
        key = ("point", o.point_id) if o.point_id else ("provider", o.provider_id)
        offers.setdefault(key, []).append({"code": o.service.code, "name": o.service.name,
                                           "price": str(o.price) if o.price is not None else None,
                                           "free": o.free})
    for f in found:
        f.services = offers.get((f.kind, f.id), [])


# --- where the walk starts ---------------------------------------------------------------------


def located(node: AreaNode) -> AreaNode | None:
    """The node itself when it has coordinates, else its nearest ancestor that has them."""
    if node.latitude is not None and node.longitude is not None:
        return node
    return (AreaNode.objects.filter(path__in=[node.path[:i] for i in range(AreaNode.steplen, len(node.path), AreaNode.steplen)],
                                    latitude__isnull=False, longitude__isnull=False)
            .order_by("-depth").first())


def home_of(user) -> AreaNode | None:
    """The household of the resident's own registry record (the account linked to it), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    record = (Person.objects.filter(user=user, status=PersonStatus.LIVING).select_related("household")
              .order_by("pk").first())
    return record.household if record is not None else None


def origin_of(*, user, node_id: int | None = None, household=None, building=None, latitude=None,
              longitude=None) -> tuple[float, float, AreaNode | None]:
    """(latitude, longitude, node) where the walk starts: a point given by its coordinates, a
    household or building the user may see (404 otherwise; the node's own coordinates, else its
    nearest ancestor's), or the user's own household. A place without coordinates (nor an ancestor
    with them) is an error beside the field."""
    if latitude not in (None, "") or longitude not in (None, ""):
        try:
            lat, lng = float(latitude), float(longitude)
        except (TypeError, ValueError):
            raise field_error("latitude", _("Give the latitude and longitude as numbers.")) from None
        if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
            raise field_error("latitude", _("The point lies outside the earth's latitudes and longitudes."))
        return lat, lng, None
    field_name, kinds = "household", None
    if household not in (None, ""):
        node_id, kinds = _node_pk(household), {AreaKind.HOUSEHOLD}
    elif building not in (None, ""):
        node_id, kinds, field_name = _node_pk(building), {AreaKind.BUILDING}, "building"
    if node_id is not None:
        node = AreaNode.objects.visible_to(user).filter(pk=node_id).first()
        if node is None:
            raise NotFound()
        if kinds is not None and node.kind not in kinds:
            raise field_error(field_name, _("Choose a household or a building."))
    else:
        node = home_of(user)
        if node is None:
            raise field_error("household", _("Choose a household or a building: no home of yours is on record."))
    spot = located(node)
    if spot is None:
        raise field_error(field_name, _("This place is not on the map yet: choose another one."))
    return float(spot.latitude), float(spot.longitude), node


def _node_pk(value) -> int:
    pk = getattr(value, "pk", value)
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None


# --- coverage and gaps ------------------------------------------------------------------------


@dataclass
class Gap:
    id: int
    name: str
    latitude: float
    longitude: float
    households: int


@dataclass
class CoverageResult:
    community: AreaNode
    service: Service
    buildings: int = 0
    households: int = 0
    covered: int = 0
    gaps: list[Gap] = field(default_factory=list)
    reached: list[dict] = field(default_factory=list)  # the buildings reached: {"id", "name", "latitude", "longitude"}

    @property
    def share(self) -> float | None:
        return round(self.covered / self.households, 4) if self.households else None


def coverage(*, user, community: AreaNode, service: Service, minutes: float | None = None) -> CoverageResult:
    """Which buildings of `community` (with coordinates) no active point or provider offering
    `service` reaches within the walk, and the households under them. One pass over the places near
    the community; per building, not per household."""
    result = CoverageResult(community=community, service=service)
    buildings = list(AreaNode.objects.filter(path__startswith=community.path, kind=AreaKind.BUILDING,
                                             latitude__isnull=False, longitude__isnull=False)
                     .values("pk", "path", "depth", "name", "estate__name", "latitude", "longitude"))
    if not buildings:
        return result
    per_building: dict[str, int] = {}
    for depth in {b["depth"] for b in buildings}:
        width = depth * AreaNode.steplen
        for r in (AreaNode.objects.filter(path__startswith=community.path, kind=AreaKind.HOUSEHOLD)
                  .annotate(at=Substr("path", 1, width)).values("at").annotate(n=Count("pk"))):
            per_building[r["at"]] = per_building.get(r["at"], 0) + r["n"]
    reach = geo.walk_radius_m(minutes)
    lats = [float(b["latitude"]) for b in buildings]
    lngs = [float(b["longitude"]) for b in buildings]
    mid_lat = (min(lats) + max(lats)) / 2
    span = geo.metres_between(min(lats), min(lngs), max(lats), max(lngs)) / 2 + reach
    xs, ys = _cells(mid_lat, (min(lngs) + max(lngs)) / 2, span)
    places = [(float(p.latitude), float(p.longitude), reach)
              for p in _in_cells(ServicePoint.objects.visible_to(user).filter(active=True, offerings__service=service),
                                 xs, ys).only("latitude", "longitude")]
    places += [(float(p.latitude), float(p.longitude), min(reach, p.service_radius_m))
               for p in _in_cells(Provider.objects.visible_to(user).filter(active=True, offerings__service=service),
                                  xs, ys).only("latitude", "longitude", "service_radius_m")]
    for b in buildings:
        lat, lng = float(b["latitude"]), float(b["longitude"])
        households = per_building.get(b["path"], 0)
        result.buildings += 1
        result.households += households
        name = f"{b['estate__name'] or ''} {b['name']}".strip()
        if any(geo.metres_between(lat, lng, plat, plng) <= limit for plat, plng, limit in places):
            result.covered += households
            result.reached.append({"id": b["pk"], "name": name, "latitude": lat, "longitude": lng})
        else:
            result.gaps.append(Gap(b["pk"], name, lat, lng, households))
    return result


def nearest_in(*, user, community: AreaNode, service: Service) -> list[dict]:
    """The active points and providers offering `service` that could reach a building of the
    community (within the walk of its buildings' extent), for the map's markers."""
    buildings = AreaNode.objects.filter(path__startswith=community.path, kind=AreaKind.BUILDING,
                                        latitude__isnull=False, longitude__isnull=False)
    extent = [(float(b.latitude), float(b.longitude)) for b in buildings.only("latitude", "longitude")]
    if not extent:
        return []
    lats, lngs = [e[0] for e in extent], [e[1] for e in extent]
    reach = geo.walk_radius_m()
    span = geo.metres_between(min(lats), min(lngs), max(lats), max(lngs)) / 2 + reach
    xs, ys = _cells((min(lats) + max(lats)) / 2, (min(lngs) + max(lngs)) / 2, span)
    found = [{"kind": "point", "id": p.pk, "name": p.name, "latitude": float(p.latitude), "longitude": float(p.longitude)}
             for p in _in_cells(ServicePoint.objects.visible_to(user).filter(active=True, offerings__service=service),
                                xs, ys)]
    found += [{"kind": "provider", "id": p.pk, "name": p.name, "latitude": float(p.latitude),
               "longitude": float(p.longitude), "radius": p.service_radius_m}
              for p in _in_cells(Provider.objects.visible_to(user).filter(active=True, offerings__service=service),
                                 xs, ys)]
    return found


def minutes_value(value) -> float | None:
    """The walk asked for (1–60 minutes), or None for the setting; anything else names the field."""
    if value in (None, ""):
        return None
    try:
        minutes = float(value)
    except (TypeError, ValueError):
        minutes = -1
    if not 1 <= minutes <= 60:
        raise InvalidInput(_("A walk is 1 to 60 minutes."), fields={"minutes": [_("A walk is 1 to 60 minutes.")]})
    return minutes
