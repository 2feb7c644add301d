"""The care API: plans — /api/care/plans (list, create), /plans/from-tags (households to start,
start one), /plans/{plan_id} (get, change), /rota, /review, /close, /reveal-health (audited),
/plans/{plan_id}/contacts (add) and /plans/{plan_id}/contacts/{contact_id} (remove). Health notes
and phones are never in an answer except the reveal's."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.core.errors import Id, errors
from gongzhi.core.pagination import Pagination

from ..selectors import plans as selectors
from ..services import plans as services

router = Router()
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 403, 404, 422)


class CarePlanRotaOut(Schema):
    carer_id: int
    name: str
    kind: str
    paired: bool

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.carer.name

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.carer.kind


class CarePlanOut(Schema):
    id: int
    household_id: int
    household_name: str
    branch_id: int
    branch_name: str
    people: list[int]
    source_tags: list[str]
    needs: list[str]
    needs_note: str
    has_health_notes: bool
    every_days: int
    skip_holidays: bool
    review_every_days: int
    next_review_on: dt.date
    reviewed_on: dt.date | None = None
    checkin_code: str
    state: str
    close_reason: str
    closed_on: dt.date | None = None
    last_visit_at: dt.datetime | None = None
    rota: list[CarePlanRotaOut]

    @staticmethod
    def resolve_household_name(obj) -> str:
        return obj.household.name

    @staticmethod
    def resolve_branch_name(obj) -> str:
        return str(obj.branch)

    @staticmethod
    def resolve_people(obj) -> list[int]:
        return [p.pk for p in obj.people.all()]

    @staticmethod
    def resolve_has_health_notes(obj) -> bool:
        return bool(obj.health_notes)

    @staticmethod
    def resolve_rota(obj) -> list:
        return list(obj.rota.all())


class CarePlanIn(Schema):
    household_id: Id
    branch_id: Id
    people: list[Id] = []
    needs: list[str] = []
    needs_note: str = ""
    health_notes: str = ""
    every_days: int = 7
    skip_holidays: bool = False
    review_every_days: int = 90
    carers: list[Id] = []
    paired: list[Id] = []


class CarePlanChangeIn(Schema):
    people: list[Id] | None = None
    needs: list[str] | None = None
    needs_note: str | None = None
    health_notes: str | None = None
    every_days: int | None = None
    skip_holidays: bool | None = None
    review_every_days: int | None = None


class CarePlanRotaIn(Schema):
    carers: list[Id]
    paired: list[Id] = []


class CarePlanNoteIn(Schema):
    note: str = ""


class CarePlanCloseIn(Schema):
    reason: str
    note: str = ""


class CarePlanRevealIn(Schema):
    reason: str = ""


class CarePlanHealthOut(Schema):
    plan_id: int
    health_notes: str


class CarePlanFromTagsIn(Schema):
    household_id: Id
    branch_id: Id | None = None


class CareTaggedOut(Schema):
    household_id: int
    household_name: str
    people: list[str]
    tags: list[str]


class CareContactIn(Schema):
    name: str
    relation: str
    phone: str
    user_id: Id | None = None


class CareContactOut(Schema):
    id: int
    plan_id: int
    name: str
    relation: str
    phone_masked: str


@router.get("/plans", response={200: list[CarePlanOut], **READ_ERRORS}, summary="Care plans I see")
@paginate(Pagination)
def care_plans(request: HttpRequest, branch_id: Id | None = None, state: str = "", due: bool = False):
    return selectors.plans_list(user=request.auth, branch=branch_id, state=state, due=due)


@router.post("/plans", response={201: CarePlanOut, **WRITE_ERRORS}, summary="Make a household's care plan")
def care_plan_create(request: HttpRequest, payload: CarePlanIn):
    data = payload.dict()
    household, branch = data.pop("household_id"), data.pop("branch_id")
    return Status(201, services.plan_create(actor=request.auth, household=household, branch=branch, **data))


@router.get("/plans/from-tags", response={200: list[CareTaggedOut], **READ_ERRORS},
            summary="Households with tagged people and no care plan")
def care_plans_tagged(request: HttpRequest):
    return [{"household_id": r["household"].pk, "household_name": r["household"].name,
             "people": [p.name for p in r["people"]], "tags": r["tags"]}
            for r in services.tagged_households(request.auth)]


@router.post("/plans/from-tags", response={201: CarePlanOut, **WRITE_ERRORS},
             summary="Start a household's care plan from its tagged people")
def care_plan_from_tags(request: HttpRequest, payload: CarePlanFromTagsIn):
    return Status(201, services.plan_from_tags(actor=request.auth, household=payload.household_id,
                                               branch=payload.branch_id))


@router.get("/plans/{plan_id}", response={200: CarePlanOut, **READ_ERRORS}, summary="A care plan")
def care_plan_get(request: HttpRequest, plan_id: int):
    return selectors.plan_get(user=request.auth, pk=plan_id)


@router.patch("/plans/{plan_id}", response={200: CarePlanOut, **WRITE_ERRORS}, summary="Change a care plan")
def care_plan_update(request: HttpRequest, plan_id: int, payload: CarePlanChangeIn):
    return services.plan_update(actor=request.auth, plan=plan_id, **payload.dict())


@router.put("/plans/{plan_id}/rota", response={200: CarePlanOut, **WRITE_ERRORS},
            summary="Set a plan's rota (the paired members marked)")
def care_plan_rota(request: HttpRequest, plan_id: int, payload: CarePlanRotaIn):
    return services.plan_set_rota(actor=request.auth, plan=plan_id, carers=payload.carers, paired=payload.paired)


@router.post("/plans/{plan_id}/review", response={200: CarePlanOut, **WRITE_ERRORS}, summary="Record a plan's review")
def care_plan_review(request: HttpRequest, plan_id: int, payload: CarePlanNoteIn):
    return services.plan_review(actor=request.auth, plan=plan_id, note=payload.note)


@router.post("/plans/{plan_id}/close", response={200: CarePlanOut, **WRITE_ERRORS},
             summary="Close a plan with a reason (its future turns are cancelled)")
def care_plan_close(request: HttpRequest, plan_id: int, payload: CarePlanCloseIn):
    return services.plan_close(actor=request.auth, plan=plan_id, reason=payload.reason, note=payload.note)


@router.post("/plans/{plan_id}/reveal-health", response={200: CarePlanHealthOut, **WRITE_ERRORS},
             summary="Read a plan's health notes (recorded in the audit log)")
def care_plan_reveal(request: HttpRequest, plan_id: int, payload: CarePlanRevealIn):
    text = services.plan_reveal_health(actor=request.auth, plan=plan_id, reason=payload.reason)
    return {"plan_id": plan_id, "health_notes": text}


@router.get("/plans/{plan_id}/contacts", response={200: list[CareContactOut], **READ_ERRORS},
            summary="A plan's emergency contacts (phones masked)")
def care_plan_contacts(request: HttpRequest, plan_id: int):
    return list(selectors.plan_get(user=request.auth, pk=plan_id).contacts.all())


@router.post("/plans/{plan_id}/contacts", response={201: CareContactOut, **WRITE_ERRORS},
             summary="Add an emergency contact")
def care_contact_add(request: HttpRequest, plan_id: int, payload: CareContactIn):
    return Status(201, services.contact_add(actor=request.auth, plan=plan_id, name=payload.name,
                                            relation=payload.relation, phone=payload.phone, user=payload.user_id))


@router.delete("/plans/{plan_id}/contacts/{contact_id}", response={204: None, **WRITE_ERRORS},
               summary="Remove an emergency contact")
def care_contact_remove(request: HttpRequest, plan_id: int, contact_id: int):
    plan = selectors.plan_get(user=request.auth, pk=plan_id)
    services.contact_remove(actor=request.auth, contact=plan.contacts.filter(pk=contact_id).first() or 0)
    return Status(204, None)
