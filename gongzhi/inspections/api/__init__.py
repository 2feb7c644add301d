"""The spot checks API (/api/inspections/…): the register of inspectors, the monthly samples, the
inspector's records and findings, the street's decisions and the figures. Photos of a check are
uploaded on the page."""

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.areas.selectors import area_node_get
from gongzhi.core.errors import Day, Id, check_period, errors
from gongzhi.core.pagination import Pagination
from gongzhi.core.permissions import require

from ..selectors import figures as figure_selectors
from ..selectors import samples as selectors
from ..services import findings as finding_services
from ..services import inspectors as inspector_services
from ..services import samples as sample_services

router = Router(tags=["inspections"])
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 403, 404, 422)
Month = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", examples=["2026-11"])]
Size = Annotated[int, Field(ge=1, le=200)]


class InspectionInspectorOut(Schema):
    id: int
    user_id: int
    name: str
    street_id: int
    street: str
    appointed_on: dt.date
    selection: str
    active: bool
    retired_on: dt.date | None = None

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_street(obj) -> str:
        return obj.street.name


class InspectionInspectorIn(Schema):
    street_id: Id
    user_id: Id
    appointed_on: Day | None = None
    selection: Annotated[str, Field(max_length=300)]


class InspectionRetireIn(Schema):
    reason: Annotated[str, Field(max_length=300)] = ""


class InspectionSampleIn(Schema):
    street_id: Id
    month: Month
    size: Size | None = None


class InspectionSampleOut(Schema):
    id: int
    street_id: int
    street: str
    month: dt.date
    seed: int
    size: int
    candidates: int
    weights: dict
    drawn_at: dt.datetime

    @staticmethod
    def resolve_street(obj) -> str:
        return obj.street.name


class InspectionFindingOut(Schema):
    id: int
    item_id: int
    method: str
    outcome: str
    problem_kind: str
    note: str
    state: str
    recorded_at: dt.datetime
    decided_at: dt.datetime | None = None
    decision_reason: str
    photos: int

    @staticmethod
    def resolve_photos(obj) -> int:
        return obj.photos.count()


class InspectionItemOut(Schema):
    id: int
    sample_id: int
    month: dt.date
    street: str
    position: int
    kind: str
    worker_id: int
    worker: str
    happened_at: dt.datetime
    weight: int
    risks: list[str]
    summary: dict
    inspector_id: int | None = None
    finding: InspectionFindingOut | None = None

    @staticmethod
    def resolve_month(obj) -> dt.date:
        return obj.sample.month

    @staticmethod
    def resolve_street(obj) -> str:
        return obj.sample.street.name

    @staticmethod
    def resolve_worker(obj) -> str:
        return str(obj.worker)

    @staticmethod
    def resolve_finding(obj):
        return selectors.finding_of(obj)


class InspectionSampleDetailOut(InspectionSampleOut):
    items: list[InspectionItemOut]

    @staticmethod
    def resolve_items(obj):
        return obj.items_list


class InspectionFindingIn(Schema):
    method: Annotated[str, Field(max_length=20)]
    outcome: Annotated[str, Field(max_length=20)]
    problem_kind: Annotated[str, Field(max_length=20)] = ""
    note: Annotated[str, Field(max_length=4000)] = ""


class InspectionDecisionIn(Schema):
    reason: Annotated[str, Field(max_length=2000)] = ""


class InspectionFigureOut(Schema):
    key: str
    label: str
    value: float


@router.get("/inspectors", response={200: list[InspectionInspectorOut], **READ_ERRORS},
            summary="The inspectors of the streets I see")
@paginate(Pagination)
def inspections_inspectors(request: HttpRequest, street_id: Id | None = None, active: bool | None = None):
    require(request.auth, "inspections.view")
    return selectors.inspectors_list(user=request.auth, street=street_id, active=active)


@router.post("/inspectors", response={201: InspectionInspectorOut, **WRITE_ERRORS},
             summary="Add a publicly selected inspector to a street's register")
def inspections_inspector_add(request: HttpRequest, payload: InspectionInspectorIn):
    return Status(201, inspector_services.inspector_add(
        actor=request.auth, street=payload.street_id, user=payload.user_id, appointed_on=payload.appointed_on,
        selection=payload.selection))


@router.post("/inspectors/{inspector_id}/retire", response={200: InspectionInspectorOut, **WRITE_ERRORS},
             summary="Retire an inspector (their unchecked records go to the street's other inspectors)")
def inspections_inspector_retire(request: HttpRequest, inspector_id: int, payload: InspectionRetireIn):
    return inspector_services.inspector_retire(actor=request.auth, inspector=inspector_id, reason=payload.reason)


@router.get("/samples", response={200: list[InspectionSampleOut], **READ_ERRORS},
            summary="The monthly samples of the streets I see")
@paginate(Pagination)
def inspections_samples(request: HttpRequest, street_id: Id | None = None):
    require(request.auth, "inspections.view")
    return selectors.samples_list(user=request.auth, street=street_id)


@router.post("/samples", response={201: InspectionSampleDetailOut, **WRITE_ERRORS},
             summary="Draw a street's sample of a past month (random, weighted for risk; the seed is kept)")
def inspections_sample_draw(request: HttpRequest, payload: InspectionSampleIn):
    sample = sample_services.sample_draw(actor=request.auth, street=payload.street_id, month=payload.month,
                                         size=payload.size)
    return Status(201, _detail(request, sample))


def _detail(request, sample):
    sample.items_list = list(selectors.sample_items(user=request.auth, sample=sample))
    return sample


@router.get("/samples/{sample_id}", response={200: InspectionSampleDetailOut, **READ_ERRORS},
            summary="A sample and its records")
def inspections_sample(request: HttpRequest, sample_id: int):
    return _detail(request, selectors.sample_get(user=request.auth, pk=sample_id))


@router.get("/items/mine", response={200: list[InspectionItemOut], **READ_ERRORS},
            summary="The records assigned to me to check")
@paginate(Pagination)
def inspections_items_mine(request: HttpRequest):
    require(request.auth, "inspections.view")
    return selectors.items_mine(user=request.auth)


@router.get("/items/{item_id}", response={200: InspectionItemOut, **READ_ERRORS},
            summary="A sampled record (personal data masked) and its finding")
def inspections_item(request: HttpRequest, item_id: int):
    return selectors.item_get(user=request.auth, pk=item_id)


@router.post("/items/{item_id}/finding", response={201: InspectionFindingOut, **WRITE_ERRORS},
             summary="Record the check of a sampled record: how, and the finding")
def inspections_finding_record(request: HttpRequest, item_id: int, payload: InspectionFindingIn):
    return Status(201, finding_services.finding_record(
        actor=request.auth, item=item_id, method=payload.method, outcome=payload.outcome,
        problem_kind=payload.problem_kind, note=payload.note))


@router.get("/findings/pending", response={200: list[InspectionFindingOut], **READ_ERRORS},
            summary="Problems waiting for the street's decision")
@paginate(Pagination)
def inspections_findings_pending(request: HttpRequest):
    require(request.auth, "inspections.view")
    return selectors.findings_to_review(user=request.auth)


@router.post("/findings/{finding_id}/confirm", response={200: InspectionFindingOut, **WRITE_ERRORS},
             summary="Confirm a problem (a deduction in the grid worker's assessment)")
def inspections_finding_confirm(request: HttpRequest, finding_id: int, payload: InspectionDecisionIn):
    return finding_services.finding_confirm(actor=request.auth, finding=finding_id, reason=payload.reason)


@router.post("/findings/{finding_id}/reject", response={200: InspectionFindingOut, **WRITE_ERRORS},
             summary="Reject a finding, with the reason")
def inspections_finding_reject(request: HttpRequest, finding_id: int, payload: InspectionDecisionIn):
    return finding_services.finding_reject(actor=request.auth, finding=finding_id, reason=payload.reason)


@router.get("/figures", response={200: list[InspectionFigureOut], **errors(400, 401, 403, 404, 422)},
            summary="Spot-check figures: records sampled, checked, problems confirmed, share checked")
def inspections_figures(request: HttpRequest, node_id: Id | None = None, start: Day | None = None,
                        end: Day | None = None):
    require(request.auth, "inspections.view")
    node = area_node_get(user=request.auth, pk=node_id) if node_id is not None else None
    if start is not None and end is not None:
        check_period(start, end)
    return figure_selectors.dashboard_figures(user=request.auth, node=node, start=start, end=end)
