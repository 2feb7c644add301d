"""Scoped read endpoints for the area tree and its registries."""

from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from gongzhi.core.errors import errors
from gongzhi.core.pagination import Pagination

from . import selectors, services

router = Router(tags=["areas"])


class AreaNodeOut(Schema):
    id: int
    kind: str
    code: str
    name: str
    depth: int
    parent_id: int | None = None
    children_count: int
    estate_id: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    is_active: bool

    @staticmethod
    def resolve_parent_id(obj) -> int | None:
        return getattr(obj, "parent_pk", None)

    @staticmethod
    def resolve_children_count(obj) -> int:
        return obj.numchild


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    area_id: int
    address: str
    contact_phone_masked: str  # the stored masked copy; the number itself never leaves through the API
    is_active: bool


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    district_id: int


@router.get("/nodes", response={200: list[AreaNodeOut], **errors(400, 401, 403, 404, 422)}, summary="List area nodes in my scope")
@paginate(Pagination)
def list_nodes(request: HttpRequest, kind: str | None = None, parent: int | None = None, q: str = ""):
    return selectors.area_nodes_visible(user=request.auth, kind=kind, parent_id=parent, search=q)


@router.get("/nodes/{node_id}", response={200: AreaNodeOut, **errors(400, 401, 403, 404, 422)}, summary="One area node")
def get_node(request: HttpRequest, node_id: int):
    return selectors.area_node_get(user=request.auth, pk=node_id)


@router.get("/nodes/{node_id}/children", response={200: list[AreaNodeOut], **errors(400, 401, 403, 404, 422)}, summary="Children of an area node")
@paginate(Pagination)
def node_children(request: HttpRequest, node_id: int):
    node = selectors.area_node_get(user=request.auth, pk=node_id)
    return selectors.area_children(user=request.auth, node=node)


@router.get("/units", response={200: list[UnitOut], **errors(400, 401, 403, 422)}, summary="Resident units (驻区单位) in my scope")
@paginate(Pagination)
def list_units(request: HttpRequest):
    return selectors.units_visible(user=request.auth)


@router.get("/departments", response={200: list[DepartmentOut], **errors(400, 401, 403, 422)}, summary="District departments")
@paginate(Pagination)
def list_departments(request: HttpRequest):
    return selectors.departments_visible(user=request.auth)


# --- Audited reveals of the registries' contact numbers (the admin pages have the same) ---------


class ContactRevealIn(Schema):
    reason: str = ""


class UnitContactOut(Schema):
    id: int
    contact_phone: str


class EstateContactOut(Schema):
    id: int
    owners_committee_phone: str


@router.post("/units/{unit_id}/reveal", response={200: UnitContactOut, **errors(400, 401, 403, 404, 409, 413, 422)},
             summary="Reveal a unit contact's full phone (logged)")
def reveal_unit_contact(request: HttpRequest, unit_id: int, payload: ContactRevealIn):
    unit = selectors.unit_get(user=request.auth, pk=unit_id)
    return {"id": unit.pk, **services.contact_reveal(actor=request.auth, instance=unit, reason=payload.reason)}


@router.post("/estates/{estate_id}/reveal",
             response={200: EstateContactOut, **errors(400, 401, 403, 404, 409, 413, 422)},
             summary="Reveal an estate owners' committee's full phone (logged)")
def reveal_estate_contact(request: HttpRequest, estate_id: int, payload: ContactRevealIn):
    estate = selectors.estate_get(user=request.auth, pk=estate_id)
    return {"id": estate.pk, **services.contact_reveal(actor=request.auth, instance=estate, reason=payload.reason)}


class PlaceOut(Schema):
    id: int
    kind: str  # estate, grid, building, unit, household
    label: str  # what the picker shows: 铁建丽苑 3号楼, 2单元, 301室
    address: str  # the readable address: 西站街道 瓜州路社区 第1网格 铁建丽苑 3号楼2单元
    latitude: float | None = None
    longitude: float | None = None
    children: int = 0


@router.get("/places", response={200: list[PlaceOut], **errors(400, 401, 403, 404, 422)}, url_name="area_places",
            summary="Places to name a matter by (search, or the next level of the picker)")
def places(request: HttpRequest, q: str = "", parent: int | None = None, estate: int | None = None):
    """`q`: estates, buildings and grids by name or pinyin initials (“tjly”, “铁建 3”); `estate`:
    that estate's buildings; `parent`: the units of a building, the flats of a unit. Scoped: a
    node or estate outside the user's places is 404."""
    if estate is not None:
        return selectors.place_children(user=request.auth, estate_id=estate)
    if parent is not None:
        return selectors.place_children(user=request.auth, parent=selectors.place_get(user=request.auth, pk=parent))
    return selectors.places_search(user=request.auth, q=q[:60])


@router.get("/map", response={200: dict, **errors(400, 401, 403, 404, 422)}, url_name="area_map",
            summary="A community's grids, estates and buildings, for the offline map")
def place_map(request: HttpRequest, node: int | None = None):
    found = selectors.place_get(user=request.auth, pk=node) if node is not None else None
    return selectors.place_map(user=request.auth, node=found)
