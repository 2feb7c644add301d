"""Co-building API for units' 双报到, the resources list and the needs list: /api/cobuilding/units/…,
/resources/…, /needs/… (raise, wish, claim, release, complete, confirm, dispute, withdraw) and
/needs/{need_id}/matches (the ranked resources, for staff)."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.core.errors import Id, errors
from gongzhi.core.pagination import Pagination
from gongzhi.core.permissions import require

from ..selectors import matching
from ..selectors import needs as selectors
from ..selectors import units as unit_selectors
from ..services import needs as need_services
from ..services import resources as resource_services
from ..services import units as unit_services

router = Router()
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 403, 404, 422)


class CobUnitReportOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    community_id: int
    community_name: str
    state: str
    state_label: str
    liaison_name: str
    liaison_phone: str
    commitment: str
    registered_at: dt.datetime
    ended_on: dt.date | None = None

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_community_name(obj) -> str:
        return obj.community.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_liaison_phone(obj) -> str:
        return obj.liaison_phone_masked


class CobUnitReportIn(Schema):
    community_id: Id
    unit_id: Id | None = None
    liaison_name: str
    liaison_phone: str
    commitment: str = ""


class CobUnitReportUpdateIn(Schema):
    liaison_name: str
    liaison_phone: str
    commitment: str = ""


class CobNoteIn(Schema):
    note: str = ""


class CobRevealIn(Schema):
    reason: str = ""


class CobPhoneOut(Schema):
    phone: str


class CobResourceOut(Schema):
    id: int
    community_id: int
    unit_report_id: int | None = None
    member_report_id: int | None = None
    provider_name: str
    kind: str
    category_id: int
    category_name: str
    title: str
    description: str
    capacity: int
    capacity_unit: str
    used: int
    remaining: int
    availability: str
    conditions: str
    location_id: int | None = None
    valid_until: dt.date | None = None
    is_active: bool

    @staticmethod
    def resolve_category_name(obj) -> str:
        return obj.category.name


class CobMatchOut(CobResourceOut):
    same_category: bool
    nearness: int


class CobResourceIn(Schema):
    unit_report_id: Id | None = None
    member_report_id: Id | None = None
    kind: str
    category_id: Id
    title: str
    description: str = ""
    capacity: int
    capacity_unit: str = "次"
    availability: str = ""
    conditions: str = ""
    location_id: Id | None = None
    valid_until: dt.date | None = None


class CobNeedOut(Schema):
    id: int
    area_id: int
    area_name: str
    category_id: int
    category_name: str
    title: str
    description: str
    urgency: str
    beneficiaries: str
    beneficiary_count: int
    source: str
    state: str
    state_label: str
    case_id: int | None = None
    visit_id: int | None = None
    claimant_name: str
    claimed_member_id: int | None = None
    claimed_unit_id: int | None = None
    resource_id: int | None = None
    resource_amount: int
    claimed_at: dt.datetime | None = None
    done_at: dt.datetime | None = None
    done_note: str
    confirmed_at: dt.datetime | None = None
    confirmation_note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_category_name(obj) -> str:
        return obj.category.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class CobNeedIn(Schema):
    area_id: Id
    category_id: Id
    title: str
    description: str = ""
    urgency: str = "normal"
    beneficiaries: str = ""
    beneficiary_count: int = 1
    beneficiary_person_id: Id | None = None
    case_id: Id | None = None
    visit_id: Id | None = None


class CobWishIn(Schema):
    household_id: Id | None = None
    category_id: Id
    title: str
    description: str = ""
    urgency: str = "normal"


class CobClaimIn(Schema):
    resource_id: Id | None = None
    amount: int | None = None
    as_unit: bool = False


# --- units -----------------------------------------------------------------------------------------


@router.get("/units", response={200: list[CobUnitReportOut], **READ_ERRORS}, summary="Units' registrations in scope")
@paginate(Pagination)
def cob_units(request: HttpRequest, state: str = "", q: str = ""):
    require(request.auth, "cobuilding.view_list")
    return unit_selectors.unit_reports(user=request.auth, state=state, q=q)


@router.get("/units/mine", response={200: list[CobUnitReportOut], **READ_ERRORS}, summary="My unit's registrations")
def cob_units_mine(request: HttpRequest):
    return list(unit_selectors.my_unit_reports(user=request.auth))


@router.post("/units", response={201: CobUnitReportOut, **WRITE_ERRORS}, summary="Register a unit with a community")
def cob_unit_register(request: HttpRequest, payload: CobUnitReportIn):
    data = payload.dict()
    return Status(201, unit_services.unit_register(actor=request.auth, community=data.pop("community_id"),
                                                   unit=data.pop("unit_id"), **data))


@router.get("/units/{unit_report_id}", response={200: CobUnitReportOut, **READ_ERRORS}, summary="A unit's registration")
def cob_unit_get(request: HttpRequest, unit_report_id: int):
    return unit_selectors.unit_report_get(user=request.auth, pk=unit_report_id)


@router.put("/units/{unit_report_id}", response={200: CobUnitReportOut, **WRITE_ERRORS},
            summary="Change the liaison or the commitments")
def cob_unit_update(request: HttpRequest, unit_report_id: int, payload: CobUnitReportUpdateIn):
    report = unit_selectors.unit_report_get(user=request.auth, pk=unit_report_id)
    return unit_services.unit_report_update(actor=request.auth, report=report, **payload.dict())


@router.post("/units/{unit_report_id}/end", response={200: CobUnitReportOut, **WRITE_ERRORS},
             summary="End a unit's registration")
def cob_unit_end(request: HttpRequest, unit_report_id: int, payload: CobNoteIn):
    report = unit_selectors.unit_report_get(user=request.auth, pk=unit_report_id)
    return unit_services.unit_report_end(actor=request.auth, report=report, note=payload.note)


@router.post("/units/{unit_report_id}/reveal", response={200: CobPhoneOut, **WRITE_ERRORS},
             summary="The liaison's full phone (recorded)")
def cob_unit_reveal(request: HttpRequest, unit_report_id: int, payload: CobRevealIn):
    report = unit_selectors.unit_report_get(user=request.auth, pk=unit_report_id)
    return {"phone": unit_services.liaison_reveal(actor=request.auth, report=report, reason=payload.reason)}


# --- resources -------------------------------------------------------------------------------------


@router.get("/resources", response={200: list[CobResourceOut], **READ_ERRORS}, summary="The resources list")
@paginate(Pagination)
def cob_resources(request: HttpRequest, category_id: Id | None = None, kind: str = "", community_id: Id | None = None,
                  mine: bool = False):
    if mine:
        return selectors.my_resources(user=request.auth)
    require(request.auth, "cobuilding.view_list")
    community = unit_selectors.communities_for(user=request.auth).filter(pk=community_id).first() if community_id \
        else None
    return selectors.resources_list(user=request.auth, category=category_id, kind=kind, community=community)


@router.post("/resources", response={201: CobResourceOut, **WRITE_ERRORS}, summary="Publish a resource")
def cob_resource_new(request: HttpRequest, payload: CobResourceIn):
    data = payload.dict()
    return Status(201, resource_services.resource_create(
        actor=request.auth, unit_report=data.pop("unit_report_id"), member_report=data.pop("member_report_id"),
        category=data.pop("category_id"), location=data.pop("location_id"), **data))


@router.get("/resources/{resource_id}", response={200: CobResourceOut, **READ_ERRORS}, summary="A resource")
def cob_resource_get(request: HttpRequest, resource_id: int):
    return selectors.resource_get(user=request.auth, pk=resource_id)


@router.post("/resources/{resource_id}/withdraw", response={200: CobResourceOut, **WRITE_ERRORS},
             summary="Withdraw a resource")
def cob_resource_withdraw(request: HttpRequest, resource_id: int, payload: CobNoteIn):
    row = selectors.resource_get(user=request.auth, pk=resource_id)
    return resource_services.resource_withdraw(actor=request.auth, resource=row, note=payload.note)


# --- needs -----------------------------------------------------------------------------------------


@router.get("/needs", response={200: list[CobNeedOut], **READ_ERRORS}, summary="The needs list")
@paginate(Pagination)
def cob_needs(request: HttpRequest, state: str = "", category_id: Id | None = None, urgency: str = "", q: str = ""):
    require(request.auth, "cobuilding.view_list")
    return selectors.needs_list(user=request.auth, state=state, category=category_id, urgency=urgency, q=q)


@router.get("/needs/claimable", response={200: list[CobNeedOut], **READ_ERRORS},
            summary="Open needs of my communities")
@paginate(Pagination)
def cob_needs_claimable(request: HttpRequest, category_id: Id | None = None):
    return selectors.claimable(user=request.auth, category=category_id)


@router.get("/needs/mine", response={200: list[CobNeedOut], **READ_ERRORS}, summary="My wishes and my claims")
@paginate(Pagination)
def cob_needs_mine(request: HttpRequest):
    return (selectors.my_wishes(user=request.auth) | selectors.my_claims(user=request.auth)).distinct()


@router.post("/needs", response={201: CobNeedOut, **WRITE_ERRORS}, summary="Raise a need")
def cob_need_raise(request: HttpRequest, payload: CobNeedIn):
    data = payload.dict()
    return Status(201, need_services.need_raise(
        actor=request.auth, area=data.pop("area_id"), category=data.pop("category_id"),
        beneficiary_person=data.pop("beneficiary_person_id"), case=data.pop("case_id"), visit=data.pop("visit_id"),
        **data))


@router.post("/needs/wish", response={201: CobNeedOut, **WRITE_ERRORS}, summary="A resident's wish (微心愿)")
def cob_need_wish(request: HttpRequest, payload: CobWishIn):
    data = payload.dict()
    return Status(201, need_services.wish_raise(actor=request.auth, household=data.pop("household_id"),
                                                category=data.pop("category_id"), **data))


@router.get("/needs/{need_id}", response={200: CobNeedOut, **READ_ERRORS}, summary="A need")
def cob_need_get(request: HttpRequest, need_id: int):
    return selectors.need_get(user=request.auth, pk=need_id)


@router.get("/needs/{need_id}/matches", response={200: list[CobMatchOut], **READ_ERRORS},
            summary="Resources ranked for a need")
def cob_need_matches(request: HttpRequest, need_id: int, limit: int = 10):
    need = selectors.need_get(user=request.auth, pk=need_id)
    require(request.auth, "cobuilding.view_list", need)
    return matching.rank_resources(need=need, limit=max(1, min(limit, 50)))


@router.post("/needs/{need_id}/claim", response={200: CobNeedOut, **WRITE_ERRORS}, summary="Claim a need")
def cob_need_claim(request: HttpRequest, need_id: int, payload: CobClaimIn):
    need = need_services.need_for_claim(actor=request.auth, pk=need_id)
    return need_services.need_claim(actor=request.auth, need=need, resource=payload.resource_id, amount=payload.amount,
                                    as_unit=payload.as_unit)


def _action(name: str, service, summary: str):
    def operation(request: HttpRequest, need_id: int, payload: CobNoteIn):
        need = selectors.need_get(user=request.auth, pk=need_id)
        return service(actor=request.auth, need=need, note=payload.note)

    operation.__name__ = f"cob_need_{name}"
    router.post(f"/needs/{{need_id}}/{name}", response={200: CobNeedOut, **WRITE_ERRORS}, summary=summary)(operation)


_action("release", need_services.need_release, "Give a claimed need back")
_action("complete", need_services.need_complete, "Report a need done")
_action("confirm", need_services.need_confirm, "Confirm a need was met (the beneficiary)")
_action("dispute", need_services.need_dispute, "Say a need is not met yet (the beneficiary)")
_action("withdraw", need_services.need_withdraw, "Withdraw an open need")
