"""The care API: visits and emergencies — /api/care/visits/my-turns (the signed-in carer's turns),
/visits/plans/{plan_id} (record a visit: the household's code, or a reason), /visits/{visit_id}
(detail), /visits/{visit_id}/case and /need (one tap: a case in the pipeline, a co-building need);
/emergencies (list), /emergencies/plans/{plan_id} (raise: contacts, grid worker and community told,
an urgent case opened), /emergencies/{emergency_id}/handle. Photos are uploaded on the page."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.core.errors import Id, errors
from gongzhi.core.pagination import Pagination

from ..selectors import visits as selectors
from ..services import emergencies as emergency_services
from ..services import visits as services

router = Router()
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 403, 404, 422)


class CareMyTurnOut(Schema):
    id: int
    date: dt.date
    plan_id: int
    address: str
    state: str
    state_label: str

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class CareVisitIn(Schema):
    turn_id: Id | None = None
    check_in_code: str = ""
    check_in_reason: str = ""
    done: list[str] = []
    notes: str = ""
    condition: str = "as_before"


class CareVisitOut(Schema):
    id: int
    plan_id: int
    turn_id: int | None = None
    visitor_id: int
    visited_at: dt.datetime
    check_in: str
    check_in_reason: str
    done: list[str]
    notes: str
    condition: str
    case_id: int | None = None
    need_id: int | None = None


class CareVisitCaseIn(Schema):
    category_id: Id
    title: str = ""
    description: str = ""


class CareLinkOut(Schema):
    id: int
    reference: str = ""


class CareEmergencyIn(Schema):
    description: str
    visit_id: Id | None = None


class CareEmergencyOut(Schema):
    id: int
    plan_id: int
    visit_id: int | None = None
    description: str
    raised_at: dt.datetime
    case_id: int | None = None
    state: str
    handled_at: dt.datetime | None = None
    handled_note: str = ""


class CareNoteIn(Schema):
    note: str = ""


@router.get("/visits/my-turns", response={200: list[CareMyTurnOut], **READ_ERRORS},
            summary="My turns, two weeks back to a month ahead")
def care_my_turns(request: HttpRequest):
    return selectors.my_turns(user=request.auth)


@router.post("/visits/plans/{plan_id}", response={201: CareVisitOut, **WRITE_ERRORS},
             summary="Record a visit at the household (its code, or a reason)")
def care_visit_record(request: HttpRequest, plan_id: int, payload: CareVisitIn):
    return Status(201, services.visit_record(
        actor=request.auth, plan=plan_id, turn=payload.turn_id, check_in_code=payload.check_in_code,
        check_in_reason=payload.check_in_reason, done=payload.done, notes=payload.notes, condition=payload.condition))


@router.get("/visits/{visit_id}", response={200: CareVisitOut, **READ_ERRORS}, summary="A visit")
def care_visit_get(request: HttpRequest, visit_id: int):
    return selectors.visit_get(user=request.auth, pk=visit_id)


@router.post("/visits/{visit_id}/case", response={201: CareLinkOut, **WRITE_ERRORS},
             summary="Open a case in the pipeline from the visit")
def care_visit_case(request: HttpRequest, visit_id: int, payload: CareVisitCaseIn):
    case = services.visit_to_case(actor=request.auth, visit=visit_id, category=payload.category_id,
                                  title=payload.title, description=payload.description)
    return Status(201, {"id": case.pk, "reference": case.reference})


@router.post("/visits/{visit_id}/need", response={201: CareLinkOut, **WRITE_ERRORS},
             summary="Add a co-building need from the visit")
def care_visit_need(request: HttpRequest, visit_id: int, payload: CareVisitCaseIn):
    need = services.visit_to_need(actor=request.auth, visit=visit_id, category=payload.category_id,
                                  title=payload.title, description=payload.description)
    return Status(201, {"id": need.pk, "reference": ""})


@router.get("/emergencies", response={200: list[CareEmergencyOut], **READ_ERRORS}, summary="Emergencies I see")
@paginate(Pagination)
def care_emergencies(request: HttpRequest, state: str = ""):
    return selectors.emergencies_list(user=request.auth, state=state)


@router.post("/emergencies/plans/{plan_id}", response={201: CareEmergencyOut, **WRITE_ERRORS},
             summary="Raise an emergency at the household")
def care_emergency_raise(request: HttpRequest, plan_id: int, payload: CareEmergencyIn):
    return Status(201, emergency_services.emergency_raise(actor=request.auth, plan=plan_id,
                                                          description=payload.description, visit=payload.visit_id))


@router.post("/emergencies/{emergency_id}/handle", response={200: CareEmergencyOut, **WRITE_ERRORS},
             summary="Mark an emergency handled")
def care_emergency_handle(request: HttpRequest, emergency_id: int, payload: CareNoteIn):
    return emergency_services.emergency_handle(actor=request.auth, emergency=emergency_id, note=payload.note)
