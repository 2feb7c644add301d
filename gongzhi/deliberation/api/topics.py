"""Topics in the deliberation API: the list (filters, counts), "my topics", a topic with its
timeline, proposing and co-signing (residents), raising (staff), opening, completing the current
step with what it must produce, sending back, dropping, documents, and the declared paths. The same
gate and selectors as the pages; outside scope is 404."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from gongzhi.areas.models import AreaNode, Estate, Unit
from gongzhi.cases.models import Case
from gongzhi.core import downloads
from gongzhi.core.errors import Id, InvalidInput, errors
from gongzhi.core.pagination import Pagination
from gongzhi.core.permissions import require
from gongzhi.meetings.models import Meeting
from gongzhi.votes.models import Vote

from .. import selectors
from ..models import Path, ScopeKind
from ..services import documents as document_services
from ..services import steps as step_services
from ..services import topics as topic_services

router = Router(tags=["deliberation"])


class TopicOut(Schema):
    id: int
    title: str
    state: str
    state_label: str
    scope_kind: str
    scope_label: str
    area_id: int
    area_name: str
    estate_id: int | None = None
    group: str
    group_label: str
    source: str
    source_label: str
    path_id: int
    path_name: str
    step_position: int
    signatures_needed: int
    signature_count: int
    collect_until: dt.date | None = None
    created_at: dt.datetime
    url: str

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_scope_label(obj) -> str:
        return str(obj.get_scope_kind_display())

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.estate.name if obj.estate_id else obj.area.name

    @staticmethod
    def resolve_group_label(obj) -> str:
        return str(obj.get_group_display())

    @staticmethod
    def resolve_source_label(obj) -> str:
        return str(obj.get_source_display())

    @staticmethod
    def resolve_path_name(obj) -> str:
        return obj.path.name

    @staticmethod
    def resolve_url(obj) -> str:
        return selectors.topic_url(obj.pk)


class StepOut(Schema):
    id: int
    position: int
    name: str
    state: str
    state_label: str
    output: str
    started_at: dt.datetime
    due_at: dt.datetime | None = None
    is_overdue: bool
    finished_at: dt.datetime | None = None
    finished_by: str
    outcome: str
    reason: str
    meeting_id: int | None = None
    vote_id: int | None = None
    households_consulted: int | None = None
    households_in_favour: int | None = None
    households_against: int | None = None

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_output(obj) -> str:
        return obj.path_step.output

    @staticmethod
    def resolve_finished_by(obj) -> str:
        return str(obj.finished_by) if obj.finished_by_id else ""


class PathStepOut(Schema):
    position: int
    name: str
    actor: str
    actor_label: str
    output: str
    output_label: str
    time_limit_days: int
    may_send_back: bool
    may_drop: bool

    @staticmethod
    def resolve_actor_label(obj) -> str:
        return str(obj.get_actor_display())

    @staticmethod
    def resolve_output_label(obj) -> str:
        return str(obj.get_output_display())


class DocumentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    created_at: dt.datetime
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("deliberation:topic-document", kwargs={"document_id": obj.pk})


class CaseLinkOut(Schema):
    id: int
    reference: str
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("cases:detail", kwargs={"pk": obj.pk})


class TopicDetailOut(TopicOut):
    description: str
    state_reason: str
    proposed_by: str
    timeline: list[StepOut]
    ahead: list[PathStepOut]
    documents: list[DocumentOut]
    cases: list[CaseLinkOut]
    actions: list[str]
    signed: bool

    @staticmethod
    def resolve_proposed_by(obj) -> str:
        return str(obj.proposed_by) if obj.proposed_by_id else ""

    @staticmethod
    def resolve_timeline(obj) -> list:
        return obj.page["timeline"]

    @staticmethod
    def resolve_ahead(obj) -> list:
        return obj.page["ahead"]

    @staticmethod
    def resolve_documents(obj) -> list:
        return obj.page["documents"]

    @staticmethod
    def resolve_cases(obj) -> list:
        return obj.page["cases"]

    @staticmethod
    def resolve_actions(obj) -> list[str]:
        return obj.page["offered"]

    @staticmethod
    def resolve_signed(obj) -> bool:
        return obj.page["signed"]


class PathOut(Schema):
    id: int
    district_id: int
    key: str
    name: str
    description: str
    scope_kinds: list[str]
    is_default: bool
    steps: list[PathStepOut]

    @staticmethod
    def resolve_scope_kinds(obj) -> list[str]:
        return [k for k in obj.scope_kinds.split(",") if k]

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.all())


class ScopeOut(Schema):
    value: str
    scope_kind: str
    label: str


class MineOut(Schema):
    proposed: list[TopicOut]
    signed: list[TopicOut]
    around: list[TopicOut]


class ProposalIn(Schema):
    title: str = Field(..., max_length=200)
    description: str = Field(..., max_length=5000)
    group: str
    scope: str = Field(..., description='Where the proposer lives: "building:<id>", "estate:<id>", "grid:<id>", '
                                         '"community:<id>" (see GET /topics/scopes)')


class RaiseIn(Schema):
    title: str = Field(..., max_length=200)
    description: str = Field(..., max_length=5000)
    group: str
    source: str
    scope_kind: str
    area_id: Id | None = None
    estate_id: Id | None = None
    path_id: Id | None = None
    case_ids: list[Id] = []
    meeting_id: Id | None = None
    unit_id: Id | None = None
    open_now: bool = True


class CompleteIn(Schema):
    outcome: str = Field("", max_length=5000)
    meeting_id: Id | None = None
    vote_id: Id | None = None
    households_consulted: int | None = Field(None, ge=0)
    households_in_favour: int | None = Field(None, ge=0)
    households_against: int | None = Field(None, ge=0)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


def _detail(user, pk: int):
    topic = selectors.topic_get(user=user, pk=pk)
    topic.page = selectors.topic_page(user=user, topic=topic)
    return topic


def _scoped(model, user, pk: int | None, field: str, message: str):
    if pk is None:
        return None
    found = model.objects.visible_to(user).filter(pk=pk).first()
    if found is None:
        raise InvalidInput(message, fields={field: [message]})
    return found


def parse_scope(user, value: str) -> dict:
    """A resident's "<kind>:<id>" among the scopes they live in; refused beside the field otherwise."""
    for option in selectors.resident_scopes(user=user):
        if option["value"] == value:
            return {"scope_kind": option["scope_kind"], "area": option["area"], "estate": option["estate"]}
    message = _("Choose your building, estate, grid or community.")
    raise InvalidInput(message, fields={"scope": [message]})


@router.get("/topics", response={200: list[TopicOut], **errors(400, 401, 403, 404, 422)},
            summary="Topics of my area (filters: state, group, scope, source, overdue, q, area_id)")
@paginate(Pagination)
def list_topics(request: HttpRequest, state: str = "", group: str = "", scope: str = "", source: str = "",
                overdue: bool = False, q: str = "", area_id: int | None = None):
    require(request.auth, "deliberation.view_topics")
    return selectors.topics_list(user=request.auth, state=state, group=group, scope_kind=scope, source=source,
                                 overdue=overdue, q=q, area_id=area_id).select_related("path")


@router.get("/topics/mine", response={200: MineOut, **errors(401, 403)},
            summary="My topics: proposed, co-signed, of my building and community")
def mine(request: HttpRequest):
    require(request.auth, "deliberation.propose")
    return selectors.my_topics(user=request.auth)


@router.get("/topics/scopes", response={200: list[ScopeOut], **errors(401, 403)},
            summary="Where I may propose: the building, estate, grid and community I live in")
def scopes(request: HttpRequest):
    require(request.auth, "deliberation.propose")
    return selectors.resident_scopes(user=request.auth)


@router.post("/topics/proposals", response={201: TopicDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Propose a topic for where I live (it collects co-signatures)")
def propose(request: HttpRequest, payload: ProposalIn):
    user = request.auth
    require(user, "deliberation.propose")
    where = parse_scope(user, payload.scope)
    topic = topic_services.proposal_create(actor=user, title=payload.title, description=payload.description,
                                           group=payload.group, **where)
    return Status(201, _detail(user, topic.pk))


@router.post("/topics", response={201: TopicDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Raise a topic (from cases, a consultation group, a meeting or a unit)")
def raise_topic(request: HttpRequest, payload: RaiseIn):
    user = request.auth
    area = _scoped(AreaNode, user, payload.area_id, "area_id", _("Choose an area of yours."))
    estate = _scoped(Estate, user, payload.estate_id, "estate_id", _("Choose an estate of yours."))
    path = _scoped(Path, user, payload.path_id, "path_id", _("Choose a path of your district."))
    meeting = _scoped(Meeting, user, payload.meeting_id, "meeting_id", _("Choose a meeting you can see."))
    unit = _scoped(Unit, user, payload.unit_id, "unit_id", _("Choose a unit you can see."))
    cases = list(Case.objects.visible_to(user).filter(pk__in=payload.case_ids))
    if len(cases) != len(set(payload.case_ids)):
        message = _("One of the cases is not in your area.")
        raise InvalidInput(message, fields={"case_ids": [message]})
    if payload.scope_kind not in ScopeKind.values:
        message = _("Choose building, estate, grid or community.")
        raise InvalidInput(message, fields={"scope_kind": [message]})
    topic = topic_services.topic_raise(
        actor=user, title=payload.title, description=payload.description, scope_kind=payload.scope_kind,
        group=payload.group, source=payload.source, area=area, estate=estate, path=path, cases=cases,
        meeting=meeting, unit=unit, open_now=payload.open_now,
    )
    return Status(201, _detail(user, topic.pk))


@router.get("/topics/{topic_id}", response={200: TopicDetailOut, **errors(401, 403, 404)},
            summary="A topic: its timeline, the path ahead, documents, cases, what I may do")
def get_topic(request: HttpRequest, topic_id: int):
    return _detail(request.auth, topic_id)


@router.post("/topics/{topic_id}/sign", response={200: TopicDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Co-sign a proposal (residents of its scope, once)")
def sign(request: HttpRequest, topic_id: int):
    topic = selectors.topic_get(user=request.auth, pk=topic_id)
    topic_services.proposal_sign(actor=request.auth, topic=topic)
    return _detail(request.auth, topic_id)


@router.post("/topics/{topic_id}/open", response={200: TopicDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Put a proposal on its path now")
def open_topic(request: HttpRequest, topic_id: int):
    topic = selectors.topic_get(user=request.auth, pk=topic_id)
    step_services.topic_open(actor=request.auth, topic=topic)
    return _detail(request.auth, topic_id)


@router.post("/topics/{topic_id}/complete", response={200: TopicDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Complete the current step with what it must produce")
def complete(request: HttpRequest, topic_id: int, payload: CompleteIn):
    user = request.auth
    topic = selectors.topic_get(user=user, pk=topic_id)
    meeting = _scoped(Meeting, user, payload.meeting_id, "meeting", _("Choose a meeting you can see."))
    vote = _scoped(Vote, user, payload.vote_id, "vote", _("Choose a vote you can see."))
    given = step_services.StepOutcome(
        outcome=payload.outcome, meeting=meeting, vote=vote, households_consulted=payload.households_consulted,
        households_in_favour=payload.households_in_favour, households_against=payload.households_against,
    )
    step_services.step_complete(actor=user, topic=topic, given=given)
    return _detail(user, topic_id)


@router.post("/topics/{topic_id}/send-back", response={200: TopicDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Send the topic back to the step before, with the reason")
def send_back(request: HttpRequest, topic_id: int, payload: ReasonIn):
    topic = selectors.topic_get(user=request.auth, pk=topic_id)
    step_services.step_send_back(actor=request.auth, topic=topic, reason=payload.reason)
    return _detail(request.auth, topic_id)


@router.post("/topics/{topic_id}/drop", response={200: TopicDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Drop the topic, with the reason")
def drop(request: HttpRequest, topic_id: int, payload: ReasonIn):
    topic = selectors.topic_get(user=request.auth, pk=topic_id)
    step_services.topic_drop(actor=request.auth, topic=topic, reason=payload.reason)
    return _detail(request.auth, topic_id)


@router.post("/topics/{topic_id}/documents", response={201: list[DocumentOut], **errors(400, 401, 403, 404, 409, 413, 422)},
             summary="Add documents or photos to the topic (PDF, Word, Excel, PowerPoint, JPEG, PNG)")
def add_documents(request: HttpRequest, topic_id: int, documents: File[list[UploadedFile]], public: Form[bool] = False):
    topic = selectors.topic_get(user=request.auth, pk=topic_id)
    made = document_services.documents_add(actor=request.auth, topic=topic, files=documents, public=public)
    return Status(201, made)


@router.get("/topic-documents/{document_id}", response={200: None, **errors(401, 404)},
            summary="Download a document of a topic")
def get_document(request: HttpRequest, document_id: int):
    document = selectors.document_get(user=request.auth, pk=document_id)
    return downloads.serve(document.file, content_type=document.content_type, name=document.name)


@router.get("/paths", response={200: list[PathOut], **errors(401)}, summary="The declared paths of my district")
def list_paths(request: HttpRequest):
    return list(selectors.paths_visible(user=request.auth))


@router.get("/paths/{path_id}", response={200: PathOut, **errors(401, 404)}, summary="A declared path with its steps")
def get_path(request: HttpRequest, path_id: int):
    return selectors.path_get(user=request.auth, pk=path_id)
