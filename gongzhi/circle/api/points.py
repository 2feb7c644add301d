"""The service circle API: the directory and the walk.

- /api/circle/points (list, create), /points/{point_id} (get, change), /points/{point_id}/rate,
  /points/{point_id}/rooms (add a room), /points/{point_id}/offerings (offer a service);
- /api/circle/providers (list, create), /providers/{provider_id} (get, change),
  /providers/{provider_id}/reveal-phone (the contact's own phone, audited),
  /providers/{provider_id}/offerings (offer a service);
- /api/circle/offerings/{offering_id} (remove);
- /api/circle/themes (list, set the month's theme of an area);
- /api/circle/nearest?household=&building=&lat=&lng=&service=&minutes= — what serves within the walk;
- /api/circle/coverage?community=&service= — the community's buildings nothing reaches (the gaps).

A provider's own phone is never in an answer except the reveal's."""


import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.areas.models import AreaKind
from gongzhi.areas.selectors import area_node_get
from gongzhi.core.components import setting
from gongzhi.core.errors import Id, NotFound, errors
from gongzhi.core.pagination import Pagination
from gongzhi.core.permissions import require

from .. import geo
from ..models import Service
from ..selectors import nearest as nearest_selectors
from ..selectors import points as selectors
from ..services import points as services
from ..services.inputs import field_error

router = Router()
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(400, 401, 403, 404, 422)

Period = dict  # {"days": [0..6], "opens": "HH:MM", "closes": "HH:MM"}


class OfferingOut(Schema):
    id: int
    service: str
    service_name: str
    price: Decimal | None = None
    price_note: str
    free: bool

    @staticmethod
    def resolve_service(obj) -> str:
        return obj.service.code

    @staticmethod
    def resolve_service_name(obj) -> str:
        return obj.service.name


class RoomOut(Schema):
    id: int
    name: str
    kind: str
    capacity: int
    bookable: bool
    slot_minutes: int
    max_slots: int
    description: str


class PointOut(Schema):
    id: int
    name: str
    kind: str
    level: str
    area_id: int
    area_name: str
    address: str
    latitude: float | None = None
    longitude: float | None = None
    hours: list[dict]
    hours_text: str
    open_now: bool
    hotline: str
    contact_name: str
    description: str
    keeper_id: int | None = None
    active: bool

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_hours_text(obj) -> str:
        return geo.hours_text(obj.hours)

    @staticmethod
    def resolve_open_now(obj) -> bool:
        return geo.open_at(obj.hours)


class PointDetailOut(PointOut):
    rooms: list[RoomOut]
    offerings: list[OfferingOut]
    photos: list[str]
    stars: float | None = None
    rated: int

    @staticmethod
    def resolve_rooms(obj) -> list:
        return list(obj.rooms.all())

    @staticmethod
    def resolve_offerings(obj) -> list:
        return list(obj.offerings.all())

    @staticmethod
    def resolve_photos(obj) -> list[str]:
        return [p.image.url for p in obj.photos.all()]

    @staticmethod
    def resolve_stars(obj) -> float | None:
        return selectors.point_ratings(point=obj, limit=0)[0]["stars"]

    @staticmethod
    def resolve_rated(obj) -> int:
        return selectors.point_ratings(point=obj, limit=0)[0]["rated"]


class PointIn(Schema):
    name: str = Field(..., max_length=100)
    kind: str
    level: str
    area_id: Id
    address: str = Field("", max_length=200)
    latitude: float | None = None
    longitude: float | None = None
    hours: list[Period] = []
    hotline: str = Field("", max_length=20)
    contact_name: str = Field("", max_length=50)
    description: str = Field("", max_length=5000)
    keeper_id: Id | None = None
    slot_capacity: int = Field(2, ge=1, le=50)
    active: bool = True


class PointChangeIn(Schema):
    name: str | None = Field(None, max_length=100)
    kind: str | None = None
    level: str | None = None
    area_id: Id | None = None
    address: str | None = Field(None, max_length=200)
    latitude: float | None = None
    longitude: float | None = None
    hours: list[Period] | None = None
    hotline: str | None = Field(None, max_length=20)
    contact_name: str | None = Field(None, max_length=50)
    description: str | None = Field(None, max_length=5000)
    slot_capacity: int | None = Field(None, ge=1, le=50)
    active: bool | None = None


class PointRateIn(Schema):
    stars: int
    comment: str = ""


class RatingOut(Schema):
    point_id: int
    stars: int
    comment: str


class RoomIn(Schema):
    name: str = Field(..., max_length=100)
    kind: str
    capacity: int = Field(20, ge=1, le=10_000)
    bookable: bool = True
    slot_minutes: int = Field(30, ge=15, le=240)
    max_slots: int = Field(4, ge=1, le=24)
    description: str = Field("", max_length=300)


class ProviderOut(Schema):
    id: int
    name: str
    kind: str
    area_id: int
    area_name: str
    team_id: int | None = None
    unit_id: int | None = None
    address: str
    latitude: float | None = None
    longitude: float | None = None
    service_radius_m: int
    hours: list[dict]
    hours_text: str
    open_now: bool
    hotline: str
    contact_name: str
    contact_phone_masked: str
    user_id: int | None = None
    description: str
    active: bool
    offerings: list[OfferingOut]

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_hours_text(obj) -> str:
        return geo.hours_text(obj.hours)

    @staticmethod
    def resolve_open_now(obj) -> bool:
        return geo.open_at(obj.hours)

    @staticmethod
    def resolve_offerings(obj) -> list:
        return list(obj.offerings.all())


class ProviderIn(Schema):
    name: str = Field(..., max_length=100)
    kind: str
    area_id: Id
    team_id: Id | None = None
    unit_id: Id | None = None
    address: str = Field("", max_length=200)
    latitude: float | None = None
    longitude: float | None = None
    service_radius_m: int = Field(1500, ge=100, le=50_000)
    hours: list[Period] = []
    hotline: str = Field("", max_length=20)
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=20)
    user_id: Id | None = None
    description: str = Field("", max_length=5000)
    active: bool = True


class ProviderChangeIn(Schema):
    name: str | None = Field(None, max_length=100)
    kind: str | None = None
    area_id: Id | None = None
    address: str | None = Field(None, max_length=200)
    latitude: float | None = None
    longitude: float | None = None
    service_radius_m: int | None = Field(None, ge=100, le=50_000)
    hours: list[Period] | None = None
    hotline: str | None = Field(None, max_length=20)
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=20)
    description: str | None = Field(None, max_length=5000)
    active: bool | None = None


class ProviderRevealIn(Schema):
    reason: str = ""


class ProviderPhoneOut(Schema):
    provider_id: int
    contact_phone: str


class OfferingIn(Schema):
    service: str = Field(..., min_length=1, max_length=40)
    price: Decimal | None = Field(None, ge=0, lt=1_000_000)
    price_note: str = Field("", max_length=100)


class ThemeOut(Schema):
    id: int
    area_id: int
    area_name: str
    month: dt.date
    title: str
    services: list[str]

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_services(obj) -> list[str]:
        return [s.code for s in obj.services.all()]


class ThemeIn(Schema):
    area_id: Id
    month: str = Field(..., description="YYYY-MM", max_length=10)
    title: str = Field(..., max_length=100)
    services: list[str] = []


class FoundService(Schema):
    code: str
    name: str
    price: str | None = None
    free: bool


class FoundOut(Schema):
    kind: str
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
    services: list[FoundService]


class NearestOut(Schema):
    latitude: float
    longitude: float
    node_id: int | None = None
    minutes: float
    radius_m: int
    found: list[FoundOut]


class GapOut(Schema):
    id: int
    name: str
    latitude: float
    longitude: float
    households: int


class CoverageOut(Schema):
    community_id: int
    service: str
    buildings: int
    households: int
    covered: int
    not_covered: int
    share: float | None = None
    gaps: list[GapOut]


def _ids(data: dict, *names: str) -> dict:
    """The payload with `<name>_id` keys as the services name them."""
    for name in names:
        key = f"{name}_id"
        if key in data:
            data[name] = data.pop(key)
    return data


def _changes(payload: Schema) -> dict:
    return payload.dict(exclude_unset=True)


def _service_of(code: str) -> Service | None:
    if not code:
        return None
    found = Service.objects.filter(code=code, active=True).first()
    if found is None:
        raise field_error("service", _("Choose a service of the menu."))
    return found


# --- points -------------------------------------------------------------------------------------


@router.get("/points", response={200: list[PointOut], **READ_ERRORS}, summary="Service points I see")
@paginate(Pagination)
def circle_points(request: HttpRequest, q: str = "", kind: str = "",
                  area_id: Id | None = None):
    area = area_node_get(user=request.auth, pk=area_id) if area_id is not None else None
    return selectors.points_visible(user=request.auth, q=q, kind=kind, area=area)


@router.post("/points", response={201: PointDetailOut, **WRITE_ERRORS}, summary="Add a service point")
def circle_point_create(request: HttpRequest, payload: PointIn):
    row = services.point_save(actor=request.auth, **_ids(payload.dict(), "area", "keeper"))
    return Status(201, selectors.point_get(user=request.auth, pk=row.pk))


@router.get("/points/{point_id}", response={200: PointDetailOut, **READ_ERRORS},
            summary="A service point with its rooms, services, photos and stars")
def circle_point_get(request: HttpRequest, point_id: int):
    return selectors.point_get(user=request.auth, pk=point_id)


@router.patch("/points/{point_id}", response={200: PointDetailOut, **WRITE_ERRORS}, summary="Change a service point")
def circle_point_update(request: HttpRequest, point_id: int, payload: PointChangeIn):
    services.point_save(actor=request.auth, point=point_id, **_ids(_changes(payload), "area"))
    return selectors.point_get(user=request.auth, pk=point_id)


@router.post("/points/{point_id}/rate", response={200: RatingOut, **WRITE_ERRORS},
             summary="Rate a service point (1–5 stars; a second rating replaces the first)")
def circle_point_rate(request: HttpRequest, point_id: int, payload: PointRateIn):
    rating = services.point_rate(actor=request.auth, point=point_id, stars=payload.stars, comment=payload.comment)
    return {"point_id": rating.point_id, "stars": rating.stars, "comment": rating.comment}


@router.post("/points/{point_id}/rooms", response={201: RoomOut, **WRITE_ERRORS}, summary="Add a room to book")
def circle_point_room(request: HttpRequest, point_id: int, payload: RoomIn):
    return Status(201, services.room_save(actor=request.auth, point=point_id, **payload.dict()))


@router.put("/points/{point_id}/offerings", response={200: OfferingOut, **WRITE_ERRORS},
            summary="Offer a service at a point (price empty: free)")
def circle_point_offering(request: HttpRequest, point_id: int, payload: OfferingIn):
    return services.offering_set(actor=request.auth, point=point_id, **payload.dict())


# --- providers ----------------------------------------------------------------------------------


@router.get("/providers", response={200: list[ProviderOut], **READ_ERRORS}, summary="Providers I see")
@paginate(Pagination)
def circle_providers(request: HttpRequest, q: str = "", service: str = "",
                     area_id: Id | None = None):
    area = area_node_get(user=request.auth, pk=area_id) if area_id is not None else None
    return selectors.providers_visible(user=request.auth, q=q, service=service, area=area)


@router.post("/providers", response={201: ProviderOut, **WRITE_ERRORS}, summary="Add a provider")
def circle_provider_create(request: HttpRequest, payload: ProviderIn):
    row = services.provider_save(actor=request.auth, **_ids(payload.dict(), "area", "team", "unit", "user"))
    return Status(201, selectors.provider_get(user=request.auth, pk=row.pk))


@router.get("/providers/{provider_id}", response={200: ProviderOut, **READ_ERRORS},
            summary="A provider with its services (the contact's own phone masked)")
def circle_provider_get(request: HttpRequest, provider_id: int):
    return selectors.provider_get(user=request.auth, pk=provider_id)


@router.patch("/providers/{provider_id}", response={200: ProviderOut, **WRITE_ERRORS}, summary="Change a provider")
def circle_provider_update(request: HttpRequest, provider_id: int, payload: ProviderChangeIn):
    services.provider_save(actor=request.auth, provider=provider_id, **_ids(_changes(payload), "area"))
    return selectors.provider_get(user=request.auth, pk=provider_id)


@router.post("/providers/{provider_id}/reveal-phone", response={200: ProviderPhoneOut, **WRITE_ERRORS},
             summary="Read the contact's own phone (recorded in the audit log)")
def circle_provider_reveal(request: HttpRequest, provider_id: int, payload: ProviderRevealIn):
    phone = services.provider_reveal_phone(actor=request.auth, provider=provider_id, reason=payload.reason)
    return {"provider_id": provider_id, "contact_phone": phone}


@router.put("/providers/{provider_id}/offerings", response={200: OfferingOut, **WRITE_ERRORS},
            summary="Offer a service by a provider, with its price (empty: free)")
def circle_provider_offering(request: HttpRequest, provider_id: int, payload: OfferingIn):
    return services.offering_set(actor=request.auth, provider=provider_id, **payload.dict())


@router.delete("/offerings/{offering_id}", response={204: None, **WRITE_ERRORS}, summary="Stop offering a service")
def circle_offering_remove(request: HttpRequest, offering_id: int):
    services.offering_remove(actor=request.auth, offering=offering_id)
    return Status(204, None)


# --- themes -------------------------------------------------------------------------------------


@router.get("/themes", response={200: list[ThemeOut], **READ_ERRORS}, summary="Monthly themes of my areas")
@paginate(Pagination)
def circle_themes(request: HttpRequest):
    require(request.auth, "circle.keep")
    return selectors.themes_visible(user=request.auth)


@router.put("/themes", response={200: ThemeOut, **WRITE_ERRORS},
            summary="Set the month's theme of an area and the services it puts first")
def circle_theme_set(request: HttpRequest, payload: ThemeIn):
    return services.theme_set(actor=request.auth, area=payload.area_id, month=payload.month, title=payload.title,
                              services=payload.services)


# --- the walk -----------------------------------------------------------------------------------


@router.get("/nearest", response={200: NearestOut, **READ_ERRORS},
            summary="Points and providers within the walk of a household, a building, a point or my home; "
                    "open now first, then by walking time")
def circle_nearest(request: HttpRequest, household: Id | None = None, building: Id | None = None,
                   lat: float | None = None, lng: float | None = None, service: str = "", minutes: float | None = None):
    item = _service_of(service[:40])
    minutes = nearest_selectors.minutes_value(minutes)
    latitude, longitude, node = nearest_selectors.origin_of(user=request.auth, household=household, building=building,
                                                            latitude=lat, longitude=lng)
    found = nearest_selectors.nearest(user=request.auth, latitude=latitude, longitude=longitude, service=item,
                                      minutes=minutes)
    walk = minutes if minutes is not None else float(setting("CIRCLE_WALK_MINUTES"))
    return {"latitude": latitude, "longitude": longitude, "node_id": node.pk if node is not None else None,
            "minutes": walk, "radius_m": round(geo.walk_radius_m(minutes)), "found": [f.as_data() for f in found]}


@router.get("/coverage", response={200: CoverageOut, **READ_ERRORS},
            summary="A community's buildings no point or provider offering the service reaches within the walk")
def circle_coverage(request: HttpRequest, community: Id, service: str):
    require(request.auth, "circle.view_list")
    node = area_node_get(user=request.auth, pk=community)
    if node.kind != AreaKind.COMMUNITY:
        raise NotFound()
    item = _service_of(service[:40])
    if item is None:
        raise field_error("service", _("Choose a service of the menu."))
    result = nearest_selectors.coverage(user=request.auth, community=node, service=item)
    return {"community_id": node.pk, "service": item.code, "buildings": result.buildings,
            "households": result.households, "covered": result.covered,
            "not_covered": result.households - result.covered, "share": result.share,
            "gaps": [{"id": g.id, "name": g.name, "latitude": g.latitude, "longitude": g.longitude,
                      "households": g.households} for g in result.gaps]}
