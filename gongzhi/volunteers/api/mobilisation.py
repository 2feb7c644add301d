"""The volunteers API: mobilisation (吹哨报到) — calls of one's scope, a new whistle, a call with its
answers, answering (报到 / cannot come / arrived), checking someone in, closing, the whistles that
reach me, and the four-level evaluation. Same services and selectors as the pages; outside is 404."""


import datetime as dt

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from gongzhi.areas.models import AreaNode
from gongzhi.core.errors import Id, InvalidInput, NotFound, errors
from gongzhi.core.permissions import require

from ..models import Mobilisation
from ..selectors import mobilisation as selectors
from ..services import mobilisation as service

router = Router(tags=["volunteers"])
User = get_user_model()


class MobilisationOut(Schema):
    id: int
    title: str
    detail: str
    area_id: int
    area_name: str
    level: str
    place: str
    needed: int
    state: str
    called_at: dt.datetime
    closed_at: dt.datetime | None = None
    reached: int

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_level(obj) -> str:
        return obj.area.kind


class MobilisationAnswerOut(Schema):
    user_id: int
    name: str
    volunteer_id: int | None = None
    state: str
    answered_at: dt.datetime
    arrived_at: dt.datetime | None = None
    level: str

    @staticmethod
    def resolve_name(obj) -> str:
        if obj.volunteer_id:
            return obj.volunteer.name
        return obj.user.display_name or obj.user.username


class MobilisationDetailOut(MobilisationOut):
    answers: list[MobilisationAnswerOut]

    @staticmethod
    def resolve_answers(obj) -> list:
        return list(obj.responses.select_related("user", "volunteer"))


class MyWhistleOut(MobilisationOut):
    my_state: str | None = None

    @staticmethod
    def resolve_my_state(obj) -> str | None:
        return obj.mine.state if getattr(obj, "mine", None) else None


class MobilisationIn(Schema):
    node_id: Id
    title: str
    place: str
    needed: int = 1
    detail: str = ""


class MobilisationReplyIn(Schema):
    answer: str


class MobilisationCheckInIn(Schema):
    user_id: Id


class MobilisationCloseIn(Schema):
    note: str = ""


class EvaluationNodeOut(Schema):
    node_id: int
    name: str
    rank: int
    calls: int
    reached: int
    answered: int
    arrived: int
    answer_rate: float | None = None
    median_answer_minutes: float | None = None
    median_arrive_minutes: float | None = None


class EvaluationLevelOut(Schema):
    level: str
    label: str
    nodes: list[EvaluationNodeOut]


class EvaluationOut(Schema):
    start: dt.date
    end: dt.date
    levels: list[EvaluationLevelOut]


@router.get("/mobilisations", response={200: list[MobilisationOut], **errors(400, 401, 403, 422)},
            summary="The calls of my scope (newest first)")
def list_mobilisations(request: HttpRequest, state: str = ""):
    require(request.auth, "volunteers.view_list")
    return list(selectors.mobilisations_visible(user=request.auth, state=state)[:200])


@router.post("/mobilisations", response={201: MobilisationDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Whistle for a community, grid, building or entrance unit")
def call(request: HttpRequest, payload: MobilisationIn):
    user = request.auth
    require(user, "volunteers.mobilise")
    node = AreaNode.objects.visible_to(user).filter(pk=payload.node_id).first()
    if node is None:
        message = _("Choose an area of your scope.")
        raise InvalidInput(message, fields={"node_id": [message]})
    made = service.mobilisation_call(actor=user, node=node, title=payload.title, place=payload.place,
                                     needed=payload.needed, detail=payload.detail)
    return Status(201, Mobilisation.objects.select_related("area").get(pk=made.pk))


@router.get("/mobilisations/mine", response={200: list[MyWhistleOut], **errors(400, 401, 403, 422)},
            summary="The whistles that reach me, with my answer")
def mine(request: HttpRequest):
    return selectors.whistles_for(user=request.auth)


@router.get("/mobilisations/evaluation", response={200: EvaluationOut, **errors(400, 401, 403, 422)},
            summary="The four-level evaluation (社区/网格/楼栋/单元) over a period")
def evaluation(request: HttpRequest, start: dt.date | None = None, end: dt.date | None = None):
    require(request.auth, "volunteers.view_list")
    start, end = selectors.period_of(start, end)
    if start > end:
        message = _("The end of the period lies before its start.")
        raise InvalidInput(message, fields={"end": [message]})
    levels = selectors.evaluation(user=request.auth, start=start, end=end)
    return {"start": start, "end": end, "levels": [
        {"level": lv.level, "label": lv.label, "nodes": [
            {"node_id": f.node_id, "name": f.name, "rank": f.rank, "calls": f.calls, "reached": f.reached,
             "answered": f.answered, "arrived": f.arrived, "answer_rate": f.answer_rate,
             "median_answer_minutes": f.median_answer_minutes, "median_arrive_minutes": f.median_arrive_minutes}
            for f in lv.nodes]} for lv in levels]}


@router.get("/mobilisations/{mobilisation_id}", response={200: MobilisationDetailOut, **errors(400, 401, 403, 404, 422)},
            summary="A call with its answers (staff of the area, or someone it reached)")
def get_mobilisation(request: HttpRequest, mobilisation_id: int):
    return selectors.mobilisation_get(user=request.auth, pk=mobilisation_id)


@router.post("/mobilisations/{mobilisation_id}/answer", response={200: MobilisationAnswerOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Answer a whistle that reached me: reported (报到), declined or arrived")
def answer(request: HttpRequest, mobilisation_id: int, payload: MobilisationReplyIn):
    return service.mobilisation_answer(actor=request.auth, mobilisation=mobilisation_id, answer=payload.answer)


@router.post("/mobilisations/{mobilisation_id}/check-in", response={200: MobilisationAnswerOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Check in someone the call reached (the caller)")
def check_in(request: HttpRequest, mobilisation_id: int, payload: MobilisationCheckInIn):
    user = User.objects.filter(pk=payload.user_id).first()
    return service.mobilisation_check_in(actor=request.auth, mobilisation=mobilisation_id, user=user)


@router.post("/mobilisations/{mobilisation_id}/close", response={200: MobilisationOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Close the call, with a note")
def close(request: HttpRequest, mobilisation_id: int, payload: MobilisationCloseIn):
    service.mobilisation_close(actor=request.auth, mobilisation=mobilisation_id, note=payload.note)
    found = Mobilisation.objects.select_related("area").filter(pk=mobilisation_id).first()
    if found is None:
        raise NotFound()
    return found
