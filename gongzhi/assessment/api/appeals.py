"""The assessment API: appeals and corrections —

    GET  /api/assessment/appeals?state=              appeals one sees (one's own; the area's for staff)
    POST /api/assessment/lines/{line_id}/appeal      appeal a line of one's own month (a reason)
    GET  /api/assessment/appeals/{appeal_id}
    POST /api/assessment/appeals/{appeal_id}/uphold  (a reason; a new line reverses the appealed one)
    POST /api/assessment/appeals/{appeal_id}/dismiss (a reason)
    POST /api/assessment/appeals/{appeal_id}/withdraw
    GET  /api/assessment/corrections?state=
    POST /api/assessment/corrections                 ask for a correction of a worker's month
    GET  /api/assessment/corrections/{correction_id}
    POST /api/assessment/corrections/{correction_id}/approve | /reject   (a second person)

Someone else's line, an appeal or correction outside one's scope: 404; a missing reason: 400
beside `reason`."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.core.errors import Id, errors
from gongzhi.core.pagination import Pagination

from ..selectors import appeals as selectors
from ..services import appeals as services
from ..services import corrections as correction_services

router = Router()
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 403, 404, 422)


class AssessmentLineBrief(Schema):
    id: int
    kind: str
    points: int
    source: str
    summary: str
    occurred_at: dt.datetime
    origin: str
    worker_month_id: int
    month: str

    @staticmethod
    def resolve_month(obj) -> str:
        return f"{obj.worker_month.month:%Y-%m}"


class AssessmentAppealOut(Schema):
    id: int
    line: AssessmentLineBrief
    worker_id: int
    worker_name: str
    reason: str
    state: str
    state_label: str
    area_id: int
    created_at: dt.datetime
    decided_by_id: int | None = None
    decided_at: dt.datetime | None = None
    decision_reason: str = ""

    @staticmethod
    def resolve_worker_name(obj) -> str:
        return str(obj.worker)

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class AssessmentAppealIn(Schema):
    reason: str = Field("", max_length=1000)


class AssessmentDecisionIn(Schema):
    reason: str = Field("", max_length=1000)


class AssessmentCorrectionIn(Schema):
    worker_month_id: Id
    points: int = Field(..., ge=-100, le=100)
    reason: str = Field("", max_length=1000)
    corrects_id: Id | None = None


class AssessmentCorrectionDecisionIn(Schema):
    note: str = Field("", max_length=1000)


class AssessmentCorrectionOut(Schema):
    id: int
    worker_month_id: int
    worker_id: int
    month: str
    points: int
    reason: str
    corrects_id: int | None = None
    requested_by_id: int
    state: str
    state_label: str
    decided_by_id: int | None = None
    decided_at: dt.datetime | None = None
    decision_note: str = ""
    line_id: int | None = None
    created_at: dt.datetime

    @staticmethod
    def resolve_worker_id(obj) -> int:
        return obj.worker_month.worker_id

    @staticmethod
    def resolve_month(obj) -> str:
        return f"{obj.worker_month.month:%Y-%m}"

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


@router.get("/appeals", response={200: list[AssessmentAppealOut], **READ_ERRORS},
            summary="Appeals of score lines one sees (one's own; the area's for staff), newest first")
@paginate(Pagination)
def assessment_appeals(request: HttpRequest, state: str = ""):
    return selectors.appeals_list(user=request.auth, state=state)


@router.post("/lines/{line_id}/appeal", response={201: AssessmentAppealOut, **WRITE_ERRORS},
             summary="Appeal a line of one's own month, with a reason (one pending appeal per line)")
def assessment_line_appeal(request: HttpRequest, line_id: int, payload: AssessmentAppealIn):
    appeal = services.appeal_file(actor=request.auth, line=line_id, reason=payload.reason)
    return Status(201, selectors.appeal_get(user=request.auth, pk=appeal.pk))


@router.get("/appeals/{appeal_id}", response={200: AssessmentAppealOut, **READ_ERRORS}, summary="An appeal")
def assessment_appeal(request: HttpRequest, appeal_id: int):
    return selectors.appeal_get(user=request.auth, pk=appeal_id)


@router.post("/appeals/{appeal_id}/uphold", response={200: AssessmentAppealOut, **WRITE_ERRORS},
             summary="Uphold an appeal (the street, with a reason): a new line reverses the appealed line's points")
def assessment_appeal_uphold(request: HttpRequest, appeal_id: int, payload: AssessmentDecisionIn):
    services.appeal_uphold(actor=request.auth, appeal=appeal_id, reason=payload.reason)
    return selectors.appeal_get(user=request.auth, pk=appeal_id)


@router.post("/appeals/{appeal_id}/dismiss", response={200: AssessmentAppealOut, **WRITE_ERRORS},
             summary="Dismiss an appeal (the street, with a reason): the line stands")
def assessment_appeal_dismiss(request: HttpRequest, appeal_id: int, payload: AssessmentDecisionIn):
    services.appeal_dismiss(actor=request.auth, appeal=appeal_id, reason=payload.reason)
    return selectors.appeal_get(user=request.auth, pk=appeal_id)


@router.post("/appeals/{appeal_id}/withdraw", response={200: AssessmentAppealOut, **WRITE_ERRORS},
             summary="Withdraw one's own pending appeal")
def assessment_appeal_withdraw(request: HttpRequest, appeal_id: int):
    services.appeal_withdraw(actor=request.auth, appeal=appeal_id)
    return selectors.appeal_get(user=request.auth, pk=appeal_id)


@router.get("/corrections", response={200: list[AssessmentCorrectionOut], **READ_ERRORS},
            summary="Corrections one sees (of one's months; the area's for staff), newest first")
@paginate(Pagination)
def assessment_corrections(request: HttpRequest, state: str = ""):
    return selectors.corrections_list(user=request.auth, state=state)


@router.post("/corrections", response={201: AssessmentCorrectionOut, **WRITE_ERRORS},
             summary="Ask for a correction of a worker's month (points + or −, a reason); a second person approves")
def assessment_correction_request(request: HttpRequest, payload: AssessmentCorrectionIn):
    row = correction_services.correction_request(
        actor=request.auth, worker_month=payload.worker_month_id, points=payload.points, reason=payload.reason,
        corrects=payload.corrects_id)
    return Status(201, selectors.correction_get(user=request.auth, pk=row.pk))


@router.get("/corrections/{correction_id}", response={200: AssessmentCorrectionOut, **READ_ERRORS},
            summary="A correction")
def assessment_correction(request: HttpRequest, correction_id: int):
    return selectors.correction_get(user=request.auth, pk=correction_id)


@router.post("/corrections/{correction_id}/approve", response={200: AssessmentCorrectionOut, **WRITE_ERRORS},
             summary="Approve a correction (a second person of the street): a new line of the month")
def assessment_correction_approve(request: HttpRequest, correction_id: int, payload: AssessmentCorrectionDecisionIn):
    correction_services.correction_approve(actor=request.auth, correction=correction_id, note=payload.note)
    return selectors.correction_get(user=request.auth, pk=correction_id)


@router.post("/corrections/{correction_id}/reject", response={200: AssessmentCorrectionOut, **WRITE_ERRORS},
             summary="Reject a correction (a second person of the street, saying why)")
def assessment_correction_reject(request: HttpRequest, correction_id: int, payload: AssessmentCorrectionDecisionIn):
    correction_services.correction_reject(actor=request.auth, correction=correction_id, note=payload.note)
    return selectors.correction_get(user=request.auth, pk=correction_id)
