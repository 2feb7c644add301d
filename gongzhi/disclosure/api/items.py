"""Items in the API: list, compose, edit, attach, publish, correct (a new version), the committee's
review, residents' questions and answers, schedules of regular business. Same gate and selectors as
the pages; outside scope is 404."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from gongzhi.core.errors import InvalidInput, errors
from gongzhi.core.pagination import Pagination
from gongzhi.core.permissions import can, require

from .. import selectors
from ..models import Item
from ..services import committee, items, questions
from .schemas import DisclosureAttachmentOut, DisclosureQuestionOut, ItemDetailOut, ItemOut, ReviewOut

router = Router(tags=["disclosure"])


class ItemIn(Schema):
    community_id: int
    kind: str
    timing: str
    title: str
    body: str = ""
    trigger_at: dt.datetime | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    owner_id: int | None = None


class ItemEditIn(Schema):
    title: str
    body: str = ""


class PublishIn(Schema):
    allowed_names: list[str] = []


class CorrectIn(Schema):
    title: str
    body: str = ""
    reason: str
    allowed_names: list[str] = []


class ReviewIn(Schema):
    verdict: str
    comment: str = ""
    owner_id: int | None = None
    deadline: dt.date | None = None


class QuestionIn(Schema):
    text: str


class AnswerIn(Schema):
    answer: str


class ScheduleIn(Schema):
    community_id: int
    kind: str
    title: str
    cadence: str
    starts_on: dt.date | None = None
    owner_id: int | None = None


class ScheduleOut(Schema):
    id: int
    community_id: int
    kind: str
    title: str
    cadence: str
    starts_on: dt.date
    is_active: bool
    owner_id: int | None = None


def user_in(pk: int | None, field: str):
    """An account named by id (the services check that it may act in the community)."""
    if pk is None:
        return None
    found = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if found is None:
        message = InvalidInput.default_message
        raise InvalidInput(message, fields={field: [str(message)]})
    return found


def detail(user, item: Item) -> Item:
    item.version_list = selectors.item_versions(item) if item.is_public else [item]
    item.review_list = list(item.reviews.all()) if can(user, "disclosure.view", item) else []
    item.question_list = list(selectors.item_questions(user=user, item=item))
    item.actions = selectors.item_actions(user=user, item=item)
    return item


@router.get("/items", response={200: list[ItemOut], **errors(400, 401, 403, 404, 422)},
            summary="Items the caller sees (staff: drafts and planned slots of their scope), filtered")
@paginate(Pagination)
def item_list(request: HttpRequest, node_id: int | None = None, state: str = "", kind: str = "", timing: str = "",
              search: str = ""):
    require(request.auth, "disclosure.view")
    return selectors.items_visible(user=request.auth, node_id=node_id, state=state, kind=kind, timing=timing,
                                   search=search)


@router.post("/items", response={201: ItemDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Compose a draft item; its due time follows from its timing rule")
def item_create(request: HttpRequest, payload: ItemIn):
    item = items.item_create(actor=request.auth, community=payload.community_id, kind=payload.kind,
                             timing_type=payload.timing, title=payload.title, body=payload.body,
                             trigger_at=payload.trigger_at, period_start=payload.period_start,
                             period_end=payload.period_end, owner=user_in(payload.owner_id, "owner_id"))
    return Status(201, detail(request.auth, item))


@router.get("/items/{item_id}", response={200: ItemDetailOut, **errors(401, 403, 404)},
            summary="One item with its versions, reviews, questions and the actions offered")
def item_get(request: HttpRequest, item_id: int):
    return detail(request.auth, selectors.item_get(user=request.auth, pk=item_id))


@router.patch("/items/{item_id}", response={200: ItemDetailOut, **errors(400, 401, 403, 404, 409, 422)},
              summary="Write a planned slot or change a draft (never a published item)")
def item_edit(request: HttpRequest, item_id: int, payload: ItemEditIn):
    selectors.item_get(user=request.auth, pk=item_id)
    return detail(request.auth, items.item_edit(actor=request.auth, item=item_id, title=payload.title,
                                                body=payload.body))


@router.post("/items/{item_id}/attachments", response={201: list[DisclosureAttachmentOut], **errors(400, 401, 403, 404, 409, 422)},
             summary="Attach documents or images (checked by their first bytes) to a draft")
def item_attach(request: HttpRequest, item_id: int, files: list[UploadedFile] = File(default=None)):  # noqa: B008
    selectors.item_get(user=request.auth, pk=item_id)
    return Status(201, items.item_attach(actor=request.auth, item=item_id, files=files or []))


@router.post("/items/{item_id}/publish", response={200: ItemDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Publish a draft (refused while it holds an ID number, a mobile number or a resident's name)")
def item_publish(request: HttpRequest, item_id: int, payload: PublishIn):
    selectors.item_get(user=request.auth, pk=item_id)
    return detail(request.auth, items.item_publish(actor=request.auth, item=item_id,
                                                   allowed_names=payload.allowed_names))


@router.post("/items/{item_id}/correct", response={201: ItemDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Correct a published item: a new version with the reason; the old one stays, superseded")
def item_correct(request: HttpRequest, item_id: int, payload: CorrectIn):
    selectors.item_get(user=request.auth, pk=item_id)
    new = items.item_correct(actor=request.auth, item=item_id, title=payload.title, body=payload.body,
                             reason=payload.reason, allowed_names=payload.allowed_names)
    return Status(201, detail(request.auth, new))


@router.post("/items/{item_id}/reviews", response={201: ReviewOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="The supervision committee reviews an item: approve, question, or demand correction "
                     "(a rectification with owner and deadline)")
def item_review(request: HttpRequest, item_id: int, payload: ReviewIn):
    selectors.item_get(user=request.auth, pk=item_id)
    review = committee.review_item(actor=request.auth, item=item_id, verdict=payload.verdict, comment=payload.comment,
                                   owner=user_in(payload.owner_id, "owner_id"), deadline=payload.deadline)
    return Status(201, review)


@router.post("/items/{item_id}/questions", response={201: DisclosureQuestionOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="A signed-in resident asks about a published item (answered in public)")
def item_ask(request: HttpRequest, item_id: int, payload: QuestionIn):
    selectors.item_get(user=request.auth, pk=item_id)
    return Status(201, questions.question_ask(actor=request.auth, item=item_id, text=payload.text))


@router.post("/questions/{question_id}/answer", response={200: DisclosureQuestionOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="The item's owner answers a resident's question in public")
def question_answer(request: HttpRequest, question_id: int, payload: AnswerIn):
    selectors.question_get(user=request.auth, pk=question_id)
    return questions.question_answer(actor=request.auth, question=question_id, answer=payload.answer)


@router.get("/schedules", response={200: list[ScheduleOut], **errors(400, 401, 403, 422)},
            summary="The regular business the communities of the caller's scope publish on a schedule")
@paginate(Pagination)
def schedule_list(request: HttpRequest):
    require(request.auth, "disclosure.view")
    return selectors.schedules_visible(user=request.auth).order_by("community_id", "kind", "title")


@router.post("/schedules", response={201: ScheduleOut, **errors(400, 401, 403, 404, 422)},
             summary="Schedule regular business (monthly, quarterly …); the planner creates its slots ahead")
def schedule_create(request: HttpRequest, payload: ScheduleIn):
    return Status(201, items.schedule_create(actor=request.auth, community=payload.community_id, kind=payload.kind,
                                      title=payload.title, cadence=payload.cadence, starts_on=payload.starts_on,
                                      owner=user_in(payload.owner_id, "owner_id")))
