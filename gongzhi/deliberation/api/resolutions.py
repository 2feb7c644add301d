"""The resolution side of the deliberation API (/api/deliberation/…): the area's resolutions with
filters, my resolutions, one resolution with owners, milestones, spending, progress and
rectifications, and every write of the pages (owners, plan, milestones, spending, progress with
photos, done, reopen, sign-off, the topic carried out; rectifications raised, answered, accepted,
sent back). Amounts are whole fen. Same gate and selectors as the pages; outside scope is 404."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from gongzhi.areas.models import Department, Unit
from gongzhi.core.errors import Id, InvalidInput, errors
from gongzhi.core.pagination import Pagination
from gongzhi.core.permissions import require

from .. import selectors_resolutions as selectors
from ..services import resolutions as service
from ..services import supervision
from ..services.publication import vote_figures

router = Router(tags=["deliberation"])


class ResolutionOut(Schema):
    id: int
    topic_id: int
    topic_title: str
    text: str
    state: str
    state_label: str
    progress: int
    budget_fen: int
    spent_fen: int
    deadline: dt.date | None = None
    published_at: dt.datetime | None = None
    signed_off_at: dt.datetime | None = None
    overdue_milestones: int = 0
    open_rectifications: int = 0

    @staticmethod
    def resolve_topic_title(obj) -> str:
        return obj.topic.title

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_overdue_milestones(obj) -> int:
        return getattr(obj, "overdue_count", 0)

    @staticmethod
    def resolve_open_rectifications(obj) -> int:
        return getattr(obj, "open_rectifications", 0)


class ResolutionOwnerOut(Schema):
    id: int
    name: str
    user_id: int | None = None
    unit_id: int | None = None
    department_id: int | None = None


class MilestoneOut(Schema):
    id: int
    position: int
    title: str
    due_on: dt.date
    done_on: dt.date | None = None
    note: str
    is_overdue: bool
    overdue_flagged_at: dt.datetime | None = None


class SpendingOut(Schema):
    id: int
    amount_fen: int
    spent_on: dt.date
    purpose: str


class ResolutionPhotoOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("deliberation:resolution-photo", kwargs={"photo_id": obj.pk})


class ResolutionUpdateOut(Schema):
    id: int
    text: str
    progress: int
    created_at: dt.datetime
    photos: list[ResolutionPhotoOut]

    @staticmethod
    def resolve_photos(obj) -> list:
        return list(obj.photos.all())


class ResolutionRectificationOut(Schema):
    id: int
    resolution_id: int
    problem: str
    owner_name: str
    deadline: dt.date
    state: str
    state_label: str
    response: str
    is_late: bool
    raised_at: dt.datetime
    closed_at: dt.datetime | None = None

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class VoteFiguresOut(Schema):
    method: str
    yes: int
    no: int
    abstain: int
    attending: int
    electorate: int
    result: str
    result_code: str
    sealed_hash: str
    closed_at: dt.datetime | None = None


class ResolutionDetailOut(ResolutionOut):
    sign_off_note: str
    vote: VoteFiguresOut | None = None
    owners: list[ResolutionOwnerOut]
    milestones: list[MilestoneOut]
    spendings: list[SpendingOut]
    updates: list[ResolutionUpdateOut]
    rectifications: list[ResolutionRectificationOut]
    actions: list[str]
    notice_url: str

    @staticmethod
    def resolve_vote(obj):
        return vote_figures(obj)

    @staticmethod
    def resolve_owners(obj) -> list:
        return list(obj.owners.all())

    @staticmethod
    def resolve_milestones(obj) -> list:
        return list(obj.milestones.all())

    @staticmethod
    def resolve_spendings(obj) -> list:
        return list(obj.spendings.all())

    @staticmethod
    def resolve_updates(obj) -> list:
        return list(obj.updates.all())

    @staticmethod
    def resolve_rectifications(obj) -> list:
        return list(obj.rectifications.all())

    @staticmethod
    def resolve_notice_url(obj) -> str:
        return reverse("deliberation:resolution-notice", kwargs={"resolution_id": obj.pk})


class OwnerIn(Schema):
    user_id: Id | None = None
    unit_id: Id | None = None
    department_id: Id | None = None
    name: str = ""


class PlanIn(Schema):
    budget_fen: int
    deadline: dt.date | None = None


class MilestoneIn(Schema):
    title: str
    due_on: dt.date | None = None


class MilestoneDoneIn(Schema):
    done_on: dt.date | None = None
    note: str = ""


class SpendingIn(Schema):
    amount_fen: int
    spent_on: dt.date | None = None
    purpose: str


class NoteIn(Schema):
    note: str = ""


class ReasonIn(Schema):
    reason: str


class OpinionIn(Schema):
    opinion: str


class RectificationIn(Schema):
    problem: str
    owner_id: Id | None = None
    deadline: dt.date | None = None


class ResponseIn(Schema):
    response: str


class RejectIn(Schema):
    reason: str
    deadline: dt.date | None = None


def _detail(user, pk: int):
    resolution = selectors.resolution_get(user=user, pk=pk)
    resolution.actions = sorted(k for k, v in selectors.offered(user=user, resolution=resolution).items() if v)
    return resolution


@router.get("/resolutions", response={200: list[ResolutionOut], **errors(400, 401, 403, 422)},
            summary="The resolutions of my area (filters: state, overdue, open_rectifications)")
@paginate(Pagination)
def list_resolutions(request: HttpRequest, state: str = "", overdue: bool = False, open_rectifications: bool = False):
    require(request.auth, "deliberation.view_topics")
    return selectors.resolutions_list(user=request.auth, state=state, overdue=overdue,
                                      open_rectifications=open_rectifications)


@router.get("/mine/resolutions", response={200: list[ResolutionOut], **errors(400, 401, 403, 422)},
            summary="The resolutions I, my unit or my department carry out")
@paginate(Pagination)
def my_resolutions(request: HttpRequest, state: str = "implementing"):
    require(request.auth, "deliberation.carry_out")
    return selectors.my_resolutions(user=request.auth, state=state)


@router.get("/rectifications", response={200: list[ResolutionRectificationOut], **errors(400, 401, 403, 422)},
            summary="Rectifications of the resolutions I see (unsettled by default)")
@paginate(Pagination)
def list_rectifications(request: HttpRequest, state: str = "unsettled"):
    require(request.auth, "deliberation.view_topics")
    return selectors.committee_rectifications(user=request.auth, state=state)


@router.get("/resolutions/{resolution_id}", response={200: ResolutionDetailOut, **errors(400, 401, 403, 404, 422)},
            summary="A resolution: owners, milestones, spending, progress, rectifications, the vote's figures")
def get_resolution(request: HttpRequest, resolution_id: int):
    return _detail(request.auth, resolution_id)


@router.post("/resolutions/{resolution_id}/owners", response={201: ResolutionDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Name an owner: an account, a unit, a department or an organisation by name")
def add_owner(request: HttpRequest, resolution_id: int, payload: OwnerIn):
    user = request.auth
    resolution = selectors.resolution_get(user=user, pk=resolution_id)
    message = _("Choose owners among the people, units and departments you can see.")
    owner: object = payload.name
    if payload.user_id is not None:
        owner = get_user_model().objects.visible_to(user).filter(pk=payload.user_id).first()
    elif payload.unit_id is not None:
        owner = Unit.objects.filter(pk=payload.unit_id).first()
    elif payload.department_id is not None:
        owner = Department.objects.filter(pk=payload.department_id).first()
    if owner is None:
        raise InvalidInput(message, fields={"owner": [message]})
    service.owner_add(actor=user, resolution=resolution, owner=owner)
    return Status(201, _detail(user, resolution_id))


@router.delete("/resolutions/{resolution_id}/owners/{owner_id}",
               response={200: ResolutionDetailOut, **errors(400, 401, 403, 404, 409, 422)}, summary="Remove an owner")
def remove_owner(request: HttpRequest, resolution_id: int, owner_id: int):
    resolution = selectors.resolution_get(user=request.auth, pk=resolution_id)
    service.owner_remove(actor=request.auth, resolution=resolution, owner_id=owner_id)
    return _detail(request.auth, resolution_id)


@router.post("/resolutions/{resolution_id}/plan", response={200: ResolutionDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Set the budget (fen) and the deadline")
def set_plan(request: HttpRequest, resolution_id: int, payload: PlanIn):
    resolution = selectors.resolution_get(user=request.auth, pk=resolution_id)
    service.resolution_plan(actor=request.auth, resolution=resolution, budget_fen=payload.budget_fen,
                            deadline=payload.deadline)
    return _detail(request.auth, resolution_id)


@router.post("/resolutions/{resolution_id}/milestones",
             response={201: ResolutionDetailOut, **errors(400, 401, 403, 404, 409, 422)}, summary="Add a milestone")
def add_milestone(request: HttpRequest, resolution_id: int, payload: MilestoneIn):
    resolution = selectors.resolution_get(user=request.auth, pk=resolution_id)
    service.milestone_add(actor=request.auth, resolution=resolution, title=payload.title, due_on=payload.due_on)
    return Status(201, _detail(request.auth, resolution_id))


@router.post("/milestones/{milestone_id}/done", response={200: ResolutionDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="A milestone is reached")
def milestone_done(request: HttpRequest, milestone_id: int, payload: MilestoneDoneIn):
    milestone = selectors.milestone_get(user=request.auth, pk=milestone_id)
    service.milestone_done(actor=request.auth, milestone=milestone, done_on=payload.done_on, note=payload.note)
    return _detail(request.auth, milestone.resolution_id)


@router.post("/resolutions/{resolution_id}/spendings",
             response={201: ResolutionDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Record money spent (fen)")
def add_spending(request: HttpRequest, resolution_id: int, payload: SpendingIn):
    resolution = selectors.resolution_get(user=request.auth, pk=resolution_id)
    service.spending_record(actor=request.auth, resolution=resolution, amount_fen=payload.amount_fen,
                            spent_on=payload.spent_on, purpose=payload.purpose)
    return Status(201, _detail(request.auth, resolution_id))


@router.post("/resolutions/{resolution_id}/report",
             response={200: ResolutionDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)},
             summary="Report progress (%), with photos")
def report(request: HttpRequest, resolution_id: int, text: Form[str], progress: Form[int],
           photos: File[list[UploadedFile]] = None):
    resolution = selectors.resolution_get(user=request.auth, pk=resolution_id)
    service.progress_report(actor=request.auth, resolution=resolution, text=text, progress=progress,
                            photos=photos or [])
    return _detail(request.auth, resolution_id)


@router.post("/resolutions/{resolution_id}/complete",
             response={200: ResolutionDetailOut, **errors(400, 401, 403, 404, 409, 422)}, summary="Mark as carried out")
def complete(request: HttpRequest, resolution_id: int, payload: NoteIn):
    resolution = selectors.resolution_get(user=request.auth, pk=resolution_id)
    service.resolution_complete(actor=request.auth, resolution=resolution, note=payload.note)
    return _detail(request.auth, resolution_id)


@router.post("/resolutions/{resolution_id}/reopen",
             response={200: ResolutionDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="The committee reopens a resolution not carried out")
def reopen(request: HttpRequest, resolution_id: int, payload: ReasonIn):
    resolution = selectors.resolution_get(user=request.auth, pk=resolution_id)
    supervision.resolution_reopen(actor=request.auth, resolution=resolution, reason=payload.reason)
    return _detail(request.auth, resolution_id)


@router.post("/resolutions/{resolution_id}/sign-off",
             response={200: ResolutionDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="The committee signs a carried-out resolution off")
def sign_off(request: HttpRequest, resolution_id: int, payload: OpinionIn):
    resolution = selectors.resolution_get(user=request.auth, pk=resolution_id)
    supervision.resolution_sign_off(actor=request.auth, resolution=resolution, opinion=payload.opinion)
    return _detail(request.auth, resolution_id)


@router.post("/resolutions/{resolution_id}/carried-out",
             response={200: ResolutionDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Close the topic as carried out (after the sign-off)")
def carried_out(request: HttpRequest, resolution_id: int, payload: NoteIn):
    resolution = selectors.resolution_get(user=request.auth, pk=resolution_id)
    supervision.topic_carried_out(actor=request.auth, resolution=resolution, note=payload.note)
    return _detail(request.auth, resolution_id)


@router.post("/resolutions/{resolution_id}/rectifications",
             response={201: ResolutionRectificationOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="The committee raises a rectification with an owner and a deadline")
def raise_rectification(request: HttpRequest, resolution_id: int, payload: RectificationIn):
    resolution = selectors.resolution_get(user=request.auth, pk=resolution_id)
    made = supervision.rectification_raise(actor=request.auth, resolution=resolution, problem=payload.problem,
                                           owner=payload.owner_id, deadline=payload.deadline)
    return Status(201, made)


@router.post("/rectifications/{rectification_id}/respond",
             response={200: ResolutionRectificationOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="The owner reports it rectified")
def respond(request: HttpRequest, rectification_id: int, payload: ResponseIn):
    found = selectors.rectification_get(user=request.auth, pk=rectification_id)
    return supervision.rectification_respond(actor=request.auth, rectification=found, response=payload.response)


@router.post("/rectifications/{rectification_id}/accept",
             response={200: ResolutionRectificationOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="The committee accepts the rectification")
def accept(request: HttpRequest, rectification_id: int, payload: NoteIn):
    found = selectors.rectification_get(user=request.auth, pk=rectification_id)
    return supervision.rectification_accept(actor=request.auth, rectification=found, note=payload.note)


@router.post("/rectifications/{rectification_id}/reject",
             response={200: ResolutionRectificationOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="The committee says it is not yet rectified")
def reject(request: HttpRequest, rectification_id: int, payload: RejectIn):
    found = selectors.rectification_get(user=request.auth, pk=rectification_id)
    return supervision.rectification_reject(actor=request.auth, rectification=found, reason=payload.reason,
                                            deadline=payload.deadline)
