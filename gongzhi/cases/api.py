"""The case pipeline's JSON API (mounted at /api/cases/): the catalogue, intake, inboxes, a case
with its timeline, every action of the transition table, whistle calls and the figures. Thin:
parse, call a service or selector, return a schema. Errors are the API's one error body."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gongzhi.accounts.models import User
from gongzhi.areas.models import AreaNode, Department
from gongzhi.areas.selectors import area_node_get
from gongzhi.core import downloads, pii
from gongzhi.core.errors import Code, Day, Id, InvalidInput, NotFound, check_period, errors
from gongzhi.core.pagination import Pagination
from gongzhi.core.permissions import can, require
from gongzhi.residents.selectors import person_get

from . import permissions, routing, selectors, services, workflow
from .models import Case, Category, CategoryRevision, Dispute, MediatorKind, WhistleCall

router = Router(tags=["cases"])


# ---------------------------------------------------------------------------------------------
# Schemas


class QuestionOut(Schema):
    code: str
    label: str
    datatype: str
    required: bool
    order: int
    values: list[dict]


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    theme: str
    parent_code: str | None = None
    kind: str
    level: str
    authority: str
    lead_department_code: str
    lead_cost_share: Decimal
    co_departments: list[dict]
    response_hours: int
    handling_days: int
    warning_share: Decimal
    verification_required: bool
    version: int
    questions: list[QuestionOut]

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_co_departments(obj) -> list[dict]:
        return [{"code": c.department_code, "share": str(c.cost_share)} for c in obj.co_departments.all()]

    @staticmethod
    def resolve_questions(obj) -> list:
        return list(obj.questions.all())


class CaseIn(Schema):
    channel: str
    # The catalogue code; leave it out to let triage recognise the matter from the text (needs an
    # active triage model).
    category: str | None = None
    title: str
    description: str
    location_id: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    address: str = ""
    kind: str | None = None
    requester_id: int | None = None
    caller_name: str = ""
    caller_phone: str = ""
    anonymous: bool = False
    answers: dict = {}
    person_id: int | None = None


class CaseFields(Schema):
    id: int
    reference: str
    state: str
    state_label: str
    channel: str
    kind: str
    category: str
    theme: str
    title: str
    level: str
    area_id: int
    department: str | None = None
    assignee: str | None = None
    created_at: dt.datetime
    response_due: dt.datetime
    responded_at: dt.datetime | None = None
    handling_due: dt.datetime
    light: str
    result: str
    rating: str


def _reader(context):
    return getattr(context.get("request"), "auth", None) if context else None


class CaseOut(CaseFields):
    @staticmethod
    def resolve_title(obj, context) -> str:
        # numbers typed into the text are masked unless the reader is the requester
        return selectors.shown_text(user=_reader(context), case=obj, text=obj.title)

    @staticmethod
    def resolve_state_label(obj) -> str:
        return selectors.state_label(obj.state)

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.code

    @staticmethod
    def resolve_department(obj) -> str | None:
        return obj.department.code if obj.department_id else None

    @staticmethod
    def resolve_assignee(obj) -> str | None:
        return str(obj.assignee) if obj.assignee_id else None

    @staticmethod
    def resolve_light(obj) -> str:
        return selectors.light(obj)


class EventOut(Schema):
    id: int
    created_at: dt.datetime
    actor: str
    action: str
    from_state: str
    to_state: str
    note: str
    params: dict
    attachments: list[dict]

    @staticmethod
    def resolve_actor(obj) -> str:
        return str(obj.actor) if obj.actor_id else obj.actor_label

    @staticmethod
    def resolve_attachments(obj) -> list[dict]:
        # The scoped download, never the media URL (MEDIA_ROOT is not served).
        return [{"id": a.pk, "name": a.name, "content_type": a.content_type, "size": a.size,
                 "url": reverse("api:case_attachment", args=[a.pk])}
                for a in obj.attachments.all()]


class WhistleCallOut(Schema):
    id: int
    case_id: int
    department: str
    reason: str
    called_at: dt.datetime
    acknowledge_by: dt.datetime
    acknowledged_at: dt.datetime | None = None
    late: bool
    report: str
    reported_at: dt.datetime | None = None

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.code

    # A call's reason and report quote the case: numbers in them are masked, as in the case's text,
    # unless the case's text was revealed (`POST /api/cases/{case_id}/reveal`).
    @staticmethod
    def resolve_reason(obj) -> str:
        return obj.reason if getattr(obj, "text_revealed", False) else pii.redact(obj.reason)

    @staticmethod
    def resolve_report(obj) -> str:
        return obj.report if getattr(obj, "text_revealed", False) else pii.redact(obj.report)


class CaseFiledOut(CaseOut):
    """What filing answers with (201): the saved case as it stands, built from the object just
    written without reading it back — no timeline, whistle calls or rules (GET /api/cases/{id}
    has them)."""

    location_id: int
    handling_warn_at: dt.datetime
    rule_version: int
    auto_routed: bool
    triage: dict | None = None

    @staticmethod
    def resolve_rule_version(obj) -> int:
        return obj.rule.version

    @staticmethod
    def resolve_triage(obj, context) -> dict | None:
        # what triage suggested is for staff, as on the case page: the requester sees the matter only
        user = getattr(context.get("request"), "auth", None) if context else None
        if user is None or not can(user, "cases.view_internal"):
            return None
        return obj.triage

    # The calendar computes time limits in local time; a case read from the database has them in
    # UTC. Answer as every other endpoint does, so the same case reads the same everywhere.
    @staticmethod
    def resolve_response_due(obj) -> dt.datetime:
        return obj.response_due.astimezone(dt.UTC)

    @staticmethod
    def resolve_handling_due(obj) -> dt.datetime:
        return obj.handling_due.astimezone(dt.UTC)

    @staticmethod
    def resolve_handling_warn_at(obj) -> dt.datetime:
        return obj.handling_warn_at.astimezone(dt.UTC)

    @staticmethod
    def resolve_created_at(obj) -> dt.datetime:
        return obj.created_at.astimezone(dt.UTC)


class SupervisionOut(Schema):
    """A warning or supervision (督办) raised by the SLA sweep: who was told (level and node or
    department), about which deadline, when."""

    id: int
    kind: str
    level: str
    node: str | None = None
    department: str | None = None
    due: dt.datetime
    created_at: dt.datetime
    notified_at: dt.datetime | None = None

    @staticmethod
    def resolve_node(obj) -> str | None:
        return obj.node.name if obj.node_id else None

    @staticmethod
    def resolve_department(obj) -> str | None:
        return obj.department.code if obj.department_id else None


class CaseDetailOut(CaseFields):
    description: str
    answers: dict
    location_id: int
    address: str
    requester: str
    rule_version: int
    rules: dict
    handling_warn_at: dt.datetime
    extended: bool
    extension_days: int
    feedback: str
    rating_comment: str = ""
    master_id: int | None = None
    return_count: int
    actions: list[str]
    timeline: list[EventOut]
    whistle_calls: list[WhistleCallOut]
    auto_routed: bool = False
    triage: dict | None = None
    supervisions: list[SupervisionOut] = []


def _detail(request: HttpRequest, case: Case, *, revealed: bool = False) -> dict:
    """The case as the reader may see it: free text (title, description, address, result, rating
    comment, notes, whistle calls) with typed numbers masked unless the reader is the requester or
    has just revealed them (`revealed`, after the audited `case_reveal_text`)."""
    user = request.auth

    def shown(text: str) -> str:
        return text if revealed else selectors.shown_text(user=user, case=case, text=text)

    data = CaseOut.from_orm(case).dict()
    events = list(selectors.timeline(user=user, case=case))
    for event in events:  # a display copy: these rows are never saved
        event.note = shown(event.note)
    calls = list(selectors.whistle_calls(case=case))
    for call in calls:
        call.text_revealed = revealed
    data.update(
        title=shown(case.title),
        description=shown(case.description),
        answers=case.answers,
        location_id=case.location_id,
        address=shown(case.address),
        requester=selectors.requester_display(user=user, case=case),
        rule_version=case.rule.version,
        rules=case.rule.rules,
        handling_warn_at=case.handling_warn_at,
        extended=case.extended,
        extension_days=case.extension_days,
        feedback=shown(case.feedback),
        rating_comment=shown(case.rating_comment),
        master_id=case.master_id,
        return_count=case.return_count,
        actions=workflow.offered(user, case),
        timeline=events,
        whistle_calls=calls,
        auto_routed=case.auto_routed,
        # what triage suggested is for staff; a requester sees the matter only
        triage=case.triage if can(user, "cases.view_internal") else None,
        supervisions=list(selectors.supervisions(user=user, case=case)),
    )
    return data


class ReasonIn(Schema):
    reason: str


class NoteIn(Schema):
    note: str = ""


class MergeIn(Schema):
    # the case that handles the matter: its internal id, or its reference as printed (GZ…)
    master_id: int | None = None
    master_reference: str = ""
    note: str = ""


class DispatchIn(Schema):
    node_id: int | None = None
    department_code: str | None = None
    note: str = ""


class EscalateIn(Schema):
    reason: str
    department_code: str | None = None


class ContactIn(Schema):
    method: str
    note: str


class ExtensionIn(Schema):
    days: int
    reason: str


class DecisionIn(Schema):
    approve: bool
    note: str = ""


class ResolveIn(Schema):
    result: str
    feedback: str


class VerifyIn(Schema):
    passed: bool
    note: str = ""


class RateIn(Schema):
    rating: str
    solved: bool
    comment: str = ""
    callback: bool = False


class WhistleIn(Schema):
    department_codes: list[Code] = Field(..., min_length=1)
    reason: str
    acknowledge_by: dt.datetime | None = None
    hours: int | None = Field(None, ge=1, le=24 * 30)


class ReportIn(Schema):
    report: str


# ---------------------------------------------------------------------------------------------
# Catalogue and intake


@router.get("/catalogue", response={200: list[CategoryOut], **errors(400)}, summary="The catalogue of matters (事项目录)", auth=None)
def catalogue(request: HttpRequest):
    return list(
        Category.objects.filter(is_active=True)
        .select_related("parent")
        .prefetch_related("co_departments", "questions")
        .order_by("parent_id", "order", "code")
    )


def _case(request: HttpRequest, case_id: int) -> Case:
    return selectors.case_get(user=request.auth, pk=case_id)


def _department(case: Case, code: str | None) -> Department | None:
    if not code:
        return None
    return routing.department_for(case.location_path, code)


@router.post(
    "/", response={201: CaseFiledOut, **errors(400, 401, 403, 404, 409, 413, 422, 503)},
    summary="File a request (any channel)",
    description="Answers 201 with the filed case's record: id, reference, state, matter, holder, place, "
                "time limits and rule version. The full case with its timeline is `GET /api/cases/{case_id}`. "
                "Send an `Idempotency-Key` (e.g. a UUID) to retry safely: the same key again answers the case "
                "it filed (header `Idempotent-Replayed: true`) instead of filing a second one. 503 means the "
                "database was unreachable and nothing was saved: send the same request again.",
)
def submit(
    request: HttpRequest, payload: CaseIn, response: HttpResponse,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=64),  # noqa: B008
):
    user = request.auth
    # The matter and its current rules in one query (the service checks the pair belongs together).
    revision = category = None
    if payload.category is not None:
        revision = (
            CategoryRevision.objects.select_related("category")
            .filter(category__code=payload.category)
            .order_by("-version")
            .first()
        )
        category = revision.category if revision else Category.objects.filter(code=payload.category).first()
    if category is None and payload.category is not None:
        message = _("“%(code)s” is not in the catalogue.") % {"code": payload.category}
        raise InvalidInput(message, fields={"category": [message]})
    location = None
    if payload.location_id:
        location = AreaNode.objects.filter(pk=payload.location_id).first()
        if location is None:
            message = _("No such area node.")
            raise InvalidInput(message, fields={"location_id": [message]})
    requester = None
    if payload.requester_id is not None:
        requester = User.objects.filter(pk=payload.requester_id).first()
        if requester is None or not permissions.may_be_requester(requester):
            message = _("No resident's account has this id.")
            raise InvalidInput(message, fields={"requester_id": [message]})
    person = None
    if payload.person_id:
        person = person_get(user=user, pk=payload.person_id)
    case = services.case_submit(
        actor=user,
        person=person,
        channel=payload.channel,
        category=category,
        title=payload.title,
        description=payload.description,
        location=location,
        latitude=payload.latitude,
        longitude=payload.longitude,
        address=payload.address,
        kind=payload.kind,
        requester=requester,
        caller_name=payload.caller_name,
        caller_phone=payload.caller_phone,
        anonymous=payload.anonymous,
        answers=payload.answers,
        revision=revision,
        idempotency_key=idempotency_key or "",
    )
    if getattr(case, "replayed", False):
        response["Idempotent-Replayed"] = "true"
    return Status(201, case)


class CallerPersonOut(Schema):
    id: int
    name: str
    phone_masked: str
    household_id: int
    has_account: bool

    @staticmethod
    def resolve_has_account(obj) -> bool:
        return obj.user_id is not None


class CallerOut(Schema):
    people: list[CallerPersonOut]
    cases: list[CaseOut]


@router.get("/callers", response={200: CallerOut, **errors(400, 401, 403, 404, 422)}, summary="Hall / hotline: find the caller by phone")
def callers(request: HttpRequest, phone: str):
    return selectors.find_caller(user=request.auth, phone=phone)


@router.get("/", response={200: list[CaseOut], **errors(400, 401, 403, 404, 422)}, summary="An inbox: triage, to_claim, in_progress, due_soon, overdue, verify, mine")
@paginate(Pagination)
def inbox(request: HttpRequest, box: str = "to_claim", q: str = "", category: str = "", channel: str = "",
          level: str = "", light: str = "", since: str = "", until: str = "", sort: str = ""):
    """The page's filters: q (reference GZ…, words, requester, place), category (a matter's id,
    its sub-matters included), channel, level, light (green / yellow / red), since / until (filing
    dates, YYYY-MM-DD), sort (newest / deadline)."""
    if box not in selectors.BOXES or box == "whistle":
        message = _("Unknown inbox.")
        raise InvalidInput(message, fields={"box": [message]})
    if box != "mine" and box not in selectors.boxes_for(request.auth):
        raise NotFound()  # as the page: a tab the user does not work from does not exist for them
    filters, problems = selectors.parse_case_filters({
        "q": q, "category": category, "channel": channel, "level": level, "light": light, "since": since,
        "until": until, "sort": sort})
    if problems:
        raise InvalidInput(next(iter(problems.values()))[0], fields=problems)
    now = timezone.now()
    return selectors.filter_cases(selectors.inbox(user=request.auth, box=box, now=now), filters,
                                  user=request.auth, now=now)


class BulkIn(Schema):
    action: str = Field(..., description="claim, or dispatch (accept when needed, then dispatch along the catalogue's route)")
    case_ids: list[Id] = Field(..., max_length=100)


class BulkFailureOut(Schema):
    case: str
    reason: str


class BulkOut(Schema):
    done: list[str]
    failed: list[BulkFailureOut]


@router.post("/bulk", response={200: BulkOut, **errors(400, 401, 403, 404, 422)},
             summary="The same action on several cases (bulk claim / dispatch); failures reported per case")
def bulk(request: HttpRequest, payload: BulkIn):
    if payload.action not in services.BULK_ACTIONS:
        message = _("Choose what to do with the selected cases.")
        raise InvalidInput(message, fields={"action": [message]})
    require(request.auth, f"cases.{payload.action}")  # as the page: offered to the roles that claim / dispatch
    result = services.cases_bulk(actor=request.auth, action=payload.action, case_ids=payload.case_ids)
    return {"done": result.done, "failed": [{"case": ref, "reason": reason} for ref, reason in result.failed]}


@router.get("/whistle-calls", response={200: list[WhistleCallOut], **errors(400, 401, 403, 404, 422)}, summary="Whistle calls on my department")
@paginate(Pagination)
def whistle_inbox(request: HttpRequest, open_only: bool = True):
    return selectors.whistle_inbox(user=request.auth, open_only=open_only)


@router.get("/figures", response={200: dict, **errors(400, 401, 403, 404, 422)}, summary="三率, composite and closed-at-level shares for a node, period and category")
def figures(request: HttpRequest, node_id: int, start: Day, end: Day, category: str | None = None):
    check_period(start, end)
    node = area_node_get(user=request.auth, pk=node_id)
    cat = get_object_or_404(Category, code=category) if category else None
    since, until = selectors.day_span(start, end)
    data = selectors.figures(user=request.auth, node=node, start=since, end=until, category=cat)
    return _jsonable(data)


@router.get("/triage-outcomes", response={200: dict, **errors(400, 401, 403, 404, 422)}, summary="How triage did on closed cases: first guess right, within three, auto-routed kept")
def triage_outcomes(request: HttpRequest, node_id: int, start: Day, end: Day):
    check_period(start, end)
    node = area_node_get(user=request.auth, pk=node_id)
    since, until = selectors.day_span(start, end)
    data = selectors.triage_outcomes(user=request.auth, node=node, start=since, end=until)
    return _jsonable(data)


@router.get("/hot-issues", response={200: list[dict], **errors(400, 401, 403, 404, 422)}, summary="Hot issues (热点): matters reported again and again at one place")
def hot_issues(request: HttpRequest, node_id: int, days: int = 30, min_count: int = Query(3, le=100_000)):  # noqa: B008
    node = area_node_get(user=request.auth, pk=node_id)
    since = timezone.now() - dt.timedelta(days=max(1, min(days, 366)))
    return selectors.hot_issues(user=request.auth, node=node, since=since, min_count=max(2, min_count))


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


@router.get("/attachments/{attachment_id}", url_name="case_attachment", response={200: None, **errors(400, 401, 403, 404, 422)},
            summary="An attachment's bytes (photo inline, other files as a download); 404 outside scope")
def attachment(request: HttpRequest, attachment_id: int):
    found = selectors.attachment_get(user=request.auth, pk=attachment_id)
    return downloads.serve(found.file, content_type=found.content_type, name=found.name)


@router.get("/{case_id}", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 422)}, summary="A case with its whole timeline")
def detail(request: HttpRequest, case_id: int):
    return _detail(request, _case(request, case_id))


# ---------------------------------------------------------------------------------------------
# Actions


def _done(request: HttpRequest, case: Case) -> dict:
    return _detail(request, _case(request, case.pk))


class RevealTextIn(Schema):
    reason: str = ""


@router.post("/{case_id}/reveal", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)},
             summary="Reveal the numbers typed into the case's text (logged)",
             description="The case with its free text as typed, for those who handle it (to call back). "
                         "Each call is an audit event (who, why; never the text).")
def reveal_text(request: HttpRequest, case_id: int, payload: RevealTextIn):
    case = services.case_reveal_text(actor=request.auth, case=_case(request, case_id), reason=payload.reason)
    return _detail(request, case, revealed=True)


@router.post("/{case_id}/accept", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Accept (受理)")
def accept(request: HttpRequest, case_id: int, payload: NoteIn):
    return _done(request, services.case_accept(actor=request.auth, case=_case(request, case_id), note=payload.note))


@router.post("/{case_id}/reject", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Reject with a reason")
def reject(request: HttpRequest, case_id: int, payload: ReasonIn):
    return _done(request, services.case_reject(actor=request.auth, case=_case(request, case_id), reason=payload.reason))


class RecategoriseIn(Schema):
    category: str
    note: str = ""


@router.post("/{case_id}/recategorise", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Change the matter of a case in triage")
def recategorise(request: HttpRequest, case_id: int, payload: RecategoriseIn):
    category = Category.objects.filter(code=payload.category).first()
    if category is None:
        message = _("“%(code)s” is not in the catalogue.") % {"code": payload.category}
        raise InvalidInput(message, fields={"category": [message]})
    case = services.case_recategorise(actor=request.auth, case=_case(request, case_id), category=category,
                                      note=payload.note)
    return _done(request, case)


class SimilarOut(Schema):
    case: CaseOut
    similarity: float


@router.get("/{case_id}/similar", response={200: list[SimilarOut], **errors(400, 401, 403, 404, 422)},
            summary="Possible duplicates: open cases nearby with similar text, to merge")
def similar(request: HttpRequest, case_id: int):
    case = _case(request, case_id)
    if not can(request.auth, "cases.view_internal"):
        return []
    return selectors.similar_open_cases(user=request.auth, case=case)


@router.post("/{case_id}/merge", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Merge a duplicate into a master case")
def merge(request: HttpRequest, case_id: int, payload: MergeIn):
    if payload.master_id is not None:
        master = _case(request, payload.master_id)
    else:
        master = selectors.case_by_number(user=request.auth, value=payload.master_reference, field="master_reference")
    case = services.case_merge(
        actor=request.auth, case=_case(request, case_id), master=master, note=payload.note
    )
    return _done(request, case)


@router.post("/{case_id}/dispatch", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Dispatch (by the catalogue, or to a node or department)")
def dispatch(request: HttpRequest, case_id: int, payload: DispatchIn):
    case = _case(request, case_id)
    node = area_node_get(user=request.auth, pk=payload.node_id) if payload.node_id else None
    case = services.case_dispatch(
        actor=request.auth, case=case, node=node, department=_department(case, payload.department_code),
        note=payload.note,
    )
    return _done(request, case)


@router.post("/{case_id}/claim", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Claim")
def claim(request: HttpRequest, case_id: int):
    return _done(request, services.case_claim(actor=request.auth, case=_case(request, case_id)))


@router.post("/{case_id}/return", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Return to the dispatcher (退单)")
def return_(request: HttpRequest, case_id: int, payload: ReasonIn):
    return _done(request, services.case_return(actor=request.auth, case=_case(request, case_id), reason=payload.reason))


@router.post("/{case_id}/escalate", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Escalate to the next level (上报)")
def escalate(request: HttpRequest, case_id: int, payload: EscalateIn):
    case = _case(request, case_id)
    case = services.case_escalate(
        actor=request.auth, case=case, reason=payload.reason, department=_department(case, payload.department_code)
    )
    return _done(request, case)


@router.post("/{case_id}/contacts", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Record a contact with the requester")
def contact(request: HttpRequest, case_id: int, payload: ContactIn):
    case = services.case_record_contact(
        actor=request.auth, case=_case(request, case_id), method=payload.method, note=payload.note
    )
    return _done(request, case)


@router.post("/{case_id}/notes", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 413, 422, 503, 507)},
             summary="Add a note with photos (multipart)",
             description="507: the file storage is full; 503: it or the database is unreachable. Nothing was saved.")
def note(request: HttpRequest, case_id: int, files: list[UploadedFile] = File(default=None)):  # noqa: B008
    case = _case(request, case_id)
    services.case_add_note(
        actor=request.auth, case=case, note=request.POST.get("note", ""), attachments=files or [],
        internal=request.POST.get("internal") in ("1", "true", "on"),
    )
    return _done(request, case)


@router.post("/{case_id}/extension", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Ask for an extension")
def request_extension(request: HttpRequest, case_id: int, payload: ExtensionIn):
    case = services.case_request_extension(
        actor=request.auth, case=_case(request, case_id), days=payload.days, reason=payload.reason
    )
    return _done(request, case)


@router.post("/{case_id}/extension/decision", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Approve or refuse the extension")
def decide_extension(request: HttpRequest, case_id: int, payload: DecisionIn):
    case = services.case_decide_extension(
        actor=request.auth, case=_case(request, case_id), approve=payload.approve, note=payload.note
    )
    return _done(request, case)


@router.post("/{case_id}/resolve", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Resolve with a result and feedback")
def resolve(request: HttpRequest, case_id: int, payload: ResolveIn):
    case = services.case_resolve(
        actor=request.auth, case=_case(request, case_id), result=payload.result, feedback=payload.feedback
    )
    return _done(request, case)


@router.post("/{case_id}/verify", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Verify (核查): pass or fail with a reason")
def verify(request: HttpRequest, case_id: int, payload: VerifyIn):
    case = services.case_verify(actor=request.auth, case=_case(request, case_id), passed=payload.passed,
                                note=payload.note)
    return _done(request, case)


@router.post("/{case_id}/rate", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Rate the result (the requester; callback=true records a callback)")
def rate(request: HttpRequest, case_id: int, payload: RateIn):
    case = services.case_rate(
        actor=request.auth, case=_case(request, case_id), rating=payload.rating, solved=payload.solved,
        comment=payload.comment, callback=payload.callback,
    )
    return _done(request, case)


class RevealIn(Schema):
    reason: str = ""


class ContactOut(Schema):
    phone: str


@router.post("/{case_id}/requester-contact", response={200: ContactOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="The requester's phone, in full, for a handler (logged; refused when the requester asked to stay anonymous)")
def requester_contact(request: HttpRequest, case_id: int, payload: RevealIn):
    phone = services.case_reveal_contact(actor=request.auth, case=_case(request, case_id), reason=payload.reason)
    return {"phone": phone}


class CallbackIn(Schema):
    rating: str
    solved: bool
    comment: str = ""


@router.post("/{case_id}/callback", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Record a callback (回访): the rating the requester gave staff")
def callback(request: HttpRequest, case_id: int, payload: CallbackIn):
    case = services.record_callback(
        actor=request.auth, case=_case(request, case_id), rating=payload.rating, solved=payload.solved,
        comment=payload.comment,
    )
    return _done(request, case)


@router.post("/{case_id}/reopen", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Take a reopened case up again")
def reopen(request: HttpRequest, case_id: int, payload: NoteIn):
    return _done(request, services.case_reopen(actor=request.auth, case=_case(request, case_id), note=payload.note))


@router.post("/{case_id}/whistle", response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Call departments (吹哨)")
def whistle(request: HttpRequest, case_id: int, payload: WhistleIn):
    case = _case(request, case_id)
    departments = [_department(case, code) for code in payload.department_codes]
    services.case_whistle(
        actor=request.auth, case=case, departments=departments, reason=payload.reason,
        acknowledge_by=payload.acknowledge_by, hours=payload.hours,
    )
    return _done(request, case)


def _call(request: HttpRequest, call_id: int) -> WhistleCall:
    call = selectors.whistle_inbox(user=request.auth, open_only=False).filter(pk=call_id).first()
    if call is None:
        raise NotFound()
    return call


@router.post("/whistle-calls/{call_id}/acknowledge", response={200: WhistleCallOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Report in (报到)")
def acknowledge(request: HttpRequest, call_id: int, payload: NoteIn):
    return services.whistle_acknowledge(actor=request.auth, call=_call(request, call_id), note=payload.note)


@router.post("/whistle-calls/{call_id}/report", response={200: WhistleCallOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Report the department's part")
def report(request: HttpRequest, call_id: int, payload: ReportIn):
    return services.whistle_report(actor=request.auth, call=_call(request, call_id), report=payload.report)


# ---------------------------------------------------------------------------------------------
# Disputes (矛盾纠纷): parties, mediation sessions, escalation to collective mediation / judicial office


class DisputePartyOut(Schema):
    id: int
    role: str
    role_label: str
    name: str
    phone_masked: str
    household_id: int | None = None

    @staticmethod
    def resolve_role_label(obj) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_phone_masked(obj) -> str:
        return pii.mask_phone(obj.phone)


class MediatorOut(Schema):
    name: str
    kind: str
    kind_label: str
    user_id: int | None = None
    party_member_id: int | None = None


class MediationSessionOut(Schema):
    id: int
    stage: str
    held_at: dt.datetime
    place: str
    mediators: list[MediatorOut]
    summary: str
    outcome: str
    recorded_by: str | None = None

    @staticmethod
    def resolve_mediators(obj) -> list[dict]:
        return obj.mediator_list

    @staticmethod
    def resolve_recorded_by(obj) -> str | None:
        return str(obj.recorded_by) if obj.recorded_by_id else None


class DisputeOut(Schema):
    case_id: int
    stage: str
    stage_label: str
    outcome: str
    outcome_label: str
    agreement: str
    agreement_signed_at: dt.datetime | None = None
    parties: list[DisputePartyOut]
    sessions: list[MediationSessionOut]

    @staticmethod
    def resolve_stage_label(obj) -> str:
        return str(obj.get_stage_display())

    @staticmethod
    def resolve_outcome_label(obj) -> str:
        return str(obj.get_outcome_display())

    @staticmethod
    def resolve_parties(obj) -> list:
        return list(obj.parties.all()) if obj.pk else []

    @staticmethod
    def resolve_sessions(obj) -> list:
        return list(obj.sessions.select_related("recorded_by")) if obj.pk else []


class DisputePartyIn(Schema):
    role: str
    name: str
    phone: str = ""
    household_id: int | None = None


class MediatorIn(Schema):
    """Pick a person who exists by `user_id` or `party_member_id` (see GET …/dispute/mediators;
    name and kind come from the record), or name a volunteer, residents' representative or lawyer
    with `name` and `kind`."""

    user_id: int | None = None
    party_member_id: int | None = None
    name: str = ""
    kind: str = ""


class MediationSessionIn(Schema):
    held_at: dt.datetime
    mediators: list[MediatorIn]
    summary: str
    outcome: str
    place: str = ""
    agreement: str = ""


class DisputeEscalateIn(Schema):
    stage: str
    reason: str


class MediatorCandidateOut(Schema):
    user_id: int | None = None
    party_member_id: int | None = None
    name: str
    kind: str
    kind_label: str
    detail: str = ""


class MediatorCandidatesOut(Schema):
    people: list[MediatorCandidateOut]
    named_kinds: list[dict]


def _dispute_case(request: HttpRequest, case_id: int) -> Case:
    case = _case(request, case_id)
    if case.kind != "dispute":
        raise NotFound(_("This case is not a dispute."))
    return case


def _dispute(case: Case):
    return selectors.dispute_of(case=case) or Dispute(case=case)


@router.get("/{case_id}/dispute", response={200: DisputeOut, **errors(400, 401, 403, 404, 422)},
            summary="The dispute of a case: stage, outcome, agreement, parties (phones masked), sessions")
def dispute(request: HttpRequest, case_id: int):
    return _dispute(_dispute_case(request, case_id))


@router.get("/{case_id}/dispute/mediators", response={200: MediatorCandidatesOut, **errors(400, 401, 403, 404, 422)},
            summary="Who may be picked to mediate: grid workers and staff of the area, party members of the community")
def dispute_mediators(request: HttpRequest, case_id: int):
    case = _dispute_case(request, case_id)
    require(request.auth, "cases.mediate", case)
    found = selectors.mediator_candidates(user=request.auth, case=case)
    people = [{"user_id": u.pk, "name": str(u), "kind": kind.value, "kind_label": str(kind.label)}
              for u, kind in found["users"]]
    people += [{"party_member_id": m.pk, "name": m.name, "kind": MediatorKind.PARTY_MEMBER.value,
                "kind_label": str(MediatorKind.PARTY_MEMBER.label), "detail": m.organization.name}
               for m in found["members"]]
    named = [{"kind": k.value, "label": str(k.label)} for k in selectors.NAMED_MEDIATOR_KINDS]
    return {"people": people, "named_kinds": named}


@router.post("/{case_id}/dispute/parties", response={201: DisputeOut, **errors(400, 401, 403, 404, 409, 413, 422)}, summary="Add a party to the dispute")
def dispute_party(request: HttpRequest, case_id: int, payload: DisputePartyIn):
    case = _dispute_case(request, case_id)
    household = None
    if payload.household_id:
        household = AreaNode.objects.filter(pk=payload.household_id).first()
        if household is None:
            message = _("Choose a household.")
            raise InvalidInput(message, fields={"household_id": [message]})
    services.dispute_add_party(actor=request.auth, case=case, role=payload.role, name=payload.name,
                               phone=payload.phone, household=household)
    return Status(201, _dispute(case))


@router.post("/{case_id}/dispute/sessions", response={201: DisputeOut, **errors(400, 401, 403, 404, 409, 413, 422)},
             summary="Record a mediation session (held_at with a time zone, not in the future)")
def dispute_session(request: HttpRequest, case_id: int, payload: MediationSessionIn):
    case = _dispute_case(request, case_id)
    services.dispute_record_session(
        actor=request.auth, case=case, held_at=payload.held_at,
        mediators=[m.dict(exclude_defaults=True) for m in payload.mediators],
        summary=payload.summary, outcome=payload.outcome, place=payload.place, agreement=payload.agreement,
    )
    return Status(201, _dispute(case))


@router.post("/{case_id}/dispute/escalate", response={200: DisputeOut, **errors(400, 401, 403, 404, 409, 413, 422)},
             summary="Move the dispute on: to collective mediation (议事站, stage 'collective'), then the judicial office ('judicial')")
def dispute_escalate(request: HttpRequest, case_id: int, payload: DisputeEscalateIn):
    case = _dispute_case(request, case_id)
    services.dispute_escalate(actor=request.auth, case=case, stage=payload.stage, reason=payload.reason)
    return _dispute(case)
