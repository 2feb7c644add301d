"""Every write of the case pipeline: the catalogue, intake, and one function per action of the
transition table (`workflow.py`).

Each action: checks the role and the scope (a case the actor cannot see is NotFound), locks the
row, checks the transition against the table (an illegal one is a Conflict naming the state),
saves with `update_fields`, writes a `CaseEvent` and an audit event, and notifies after commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.areas.models import AreaKind, AreaNode, Department
from gongzhi.core import audit, notifications, pii, scope
from gongzhi.core.actors import Actor, SystemActor, actor_label, actor_user, is_system
from gongzhi.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    invalid_from_validation_error,
)

from . import conf, routing, workflow
from .models import (
    TERMINAL_STATES,
    Case,
    CaseAttachment,
    CaseEvent,
    Category,
    CategoryCoDepartment,
    CategoryQuestion,
    CategoryRevision,
    Channel,
    Dispute,
    DisputeOutcome,
    DisputeParty,
    DisputeStage,
    Kind,
    Level,
    MediationSession,
    MediatorKind,
    PartyRole,
    QuestionType,
    Rating,
    Result,
    State,
    WhistleCall,
)

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Catalogue

CATEGORY_FIELDS = [
    "parent", "code", "name", "description", "theme", "order", "is_active", "kind", "level", "authority",
    "lead_department_code", "lead_cost_share", "response_hours", "handling_days", "warning_share",
    "verification_required",
]
RULE_FIELDS = [
    "kind", "level", "authority", "lead_department_code", "lead_cost_share", "response_hours", "handling_days",
    "warning_share", "verification_required", "theme",
]


def _require_catalogue_admin(actor: Actor) -> None:
    if is_system(actor) or actor.is_superuser or actor.role == "district_admin":
        return
    raise Forbidden(_("Only a district administrator may change the catalogue."))


def rules_of(category: Category) -> dict:
    """The rules of a leaf as a plain dict: what a case is routed and timed by."""
    return {
        "category": category.code,
        "name": category.name,
        "theme": category.theme,
        "kind": category.kind,
        "level": category.level,
        "authority": category.authority,
        "lead": category.lead_department_code,
        "lead_share": str(category.lead_cost_share),
        "co": [
            {"code": c.department_code, "share": str(c.cost_share)}
            for c in category.co_departments.order_by("department_code")
        ],
        "response_hours": category.response_hours,
        "handling_days": category.handling_days,
        "warning_share": str(category.warning_share),
        "verification_required": category.verification_required,
        "questions": [
            {
                "code": q.code,
                "label": q.label,
                "datatype": q.datatype,
                "required": q.required,
                "order": q.order,
                "values": q.values,
            }
            for q in category.questions.order_by("order", "code")
        ],
    }


def _validate_category(category: Category, co: list[dict]) -> None:
    try:
        category.full_clean(exclude=["version"])
    except ValidationError as exc:
        raise invalid_from_validation_error(exc) from exc
    if category.parent_id is None:
        return
    if category.parent.parent_id is not None:
        message = _("The catalogue has two levels: the parent must be a top-level category.")
        raise InvalidInput(message, fields={"parent": [message]})
    missing = [f for f in ("level", "authority", "lead_department_code") if not getattr(category, f)]
    if missing:
        message = _("A matter needs a handling level, an authority type and a lead department.")
        raise InvalidInput(message, fields={f: [_("This field is required.")] for f in missing})
    if category.handling_days < 1 or category.response_hours < 1:
        message = _("Time limits must be at least one working hour and one working day.")
        raise InvalidInput(message, fields={"handling_days": [message]})
    total = Decimal(category.lead_cost_share) + sum(Decimal(str(c.get("share", 0))) for c in co)
    if total != Decimal("100"):
        message = _("The shares of cost add up to %(total)s%%; they must add up to 100%%.") % {"total": total}
        raise InvalidInput(message, fields={"lead_cost_share": [message]})
    codes = [c["code"] for c in co]
    if category.lead_department_code in codes or len(set(codes)) != len(codes):
        message = _("Each department may be listed once, and the lead not again as a co-department.")
        raise InvalidInput(message, fields={"co_departments": [message]})


def _validate_questions(questions: list[dict]) -> None:
    seen = set()
    for index, q in enumerate(questions):
        if not q.get("code") or not q.get("label") or q.get("datatype") not in QuestionType.values:
            message = _("Question %(n)d needs a code, a label and a valid type.") % {"n": index + 1}
            raise InvalidInput(message, fields={f"questions.{index}": [message]})
        if q["code"] in seen:
            message = _("The question code “%(code)s” appears twice.") % {"code": q["code"]}
            raise InvalidInput(message, fields={f"questions.{index}.code": [message]})
        seen.add(q["code"])
        if q["datatype"] in (QuestionType.SINGLE, QuestionType.MULTI) and not q.get("values"):
            message = _("The choice question “%(code)s” needs its choices.") % {"code": q["code"]}
            raise InvalidInput(message, fields={f"questions.{index}.values": [message]})


@transaction.atomic
def category_save(
    *,
    actor: Actor,
    category: Category | None = None,
    co_departments: list[dict] | None = None,
    questions: list[dict] | None = None,
    **values,
) -> Category:
    """Create or change a category. For a leaf whose rules changed, the version goes up and a new
    revision is written; cases already routed keep the revision they were routed by.

    `co_departments`: [{"code": "zj", "share": "20"}]; `questions`: [{"code", "label", "datatype",
    "required", "order", "values"}]. Either, when given, replaces the current list."""
    _require_catalogue_admin(actor)
    if category is not None and category.pk:
        category = Category.objects.select_for_update().get(pk=category.pk)
        before = audit.snapshot(category, CATEGORY_FIELDS)
        old_rules = rules_of(category) if category.parent_id else None
    else:
        category, before, old_rules = Category(), None, None
    for key, value in values.items():
        if key not in CATEGORY_FIELDS:
            raise InvalidInput(_("Unknown field “%(field)s”.") % {"field": key}, fields={key: [_("Unknown field.")]})
        setattr(category, key, value)
    co = (
        co_departments
        if co_departments is not None
        else [{"code": c.department_code, "share": c.cost_share} for c in category.co_departments.all()]
        if category.pk
        else []
    )
    _validate_category(category, co)
    if questions is not None:
        _validate_questions(questions)
    category.save()
    if co_departments is not None:
        category.co_departments.all().delete()
        CategoryCoDepartment.objects.bulk_create(
            [CategoryCoDepartment(category=category, department_code=c["code"], cost_share=Decimal(str(c["share"])))
             for c in co_departments]
        )
    if questions is not None:
        category.questions.all().delete()
        CategoryQuestion.objects.bulk_create(
            [
                CategoryQuestion(
                    category=category,
                    code=q["code"],
                    label=q["label"],
                    datatype=q["datatype"],
                    required=bool(q.get("required")),
                    order=q.get("order", i),
                    values=q.get("values") or [],
                )
                for i, q in enumerate(questions)
            ]
        )
    if category.parent_id:
        rules = rules_of(category)
        if old_rules is None or _without_name(rules) != _without_name(old_rules):
            category.version += 1
            Category.objects.filter(pk=category.pk).update(version=category.version)
            CategoryRevision.objects.create(category=category, version=category.version, rules=rules)
    b, a = audit.diff(before, audit.snapshot(category, CATEGORY_FIELDS)) if before else (None, audit.snapshot(category, CATEGORY_FIELDS))
    audit.record(actor=actor, action="cases.category.save", obj=category, before=b, after=a)
    return category


def _without_name(rules: dict) -> dict:
    return {k: v for k, v in rules.items() if k != "name"}


def current_revision(category: Category) -> CategoryRevision:
    revision = category.revisions.order_by("-version").first()
    if revision is None:
        raise InvalidInput(_("The matter has no rules yet."), fields={"category": [_("Choose another matter.")]})
    return revision


# ---------------------------------------------------------------------------------------------
# Helpers: roles, scope, locking, events

STAFF_CHANNELS = {
    Channel.HOTLINE, Channel.HALL, Channel.VISIT, Channel.PATROL, Channel.SUPERIOR, Channel.CAMERA,
    Channel.DELIBERATION, Channel.MAILBOX,
}
RESIDENT_CHANNELS = {Channel.ONLINE, Channel.MAILBOX}


def _role(actor: Actor) -> str:
    if is_system(actor):
        return workflow.SYSTEM
    return actor.role


def _unrestricted(actor: Actor) -> bool:
    return is_system(actor) or actor.is_superuser


def can_see(actor: Actor, case: Case) -> bool:
    """The rule of `selectors.cases_visible`, for one loaded case."""
    if _unrestricted(actor):
        return True
    if case.requester_id and case.requester_id == actor.pk:
        return True
    if actor.role == "department_staff" and actor.department_id:
        if case.department_id == actor.department_id:
            return True
        return case.whistle_calls.filter(department_id=actor.department_id).exists()
    paths = scope.scope_paths(actor) or []
    return any(case.area_path.startswith(p) or case.location_path.startswith(p) for p in paths)


def _holds(actor: Actor, case: Case) -> bool:
    """Whether the actor works where the case is held (or above it)."""
    if _unrestricted(actor):
        return True
    if case.level == Level.DEPARTMENT:
        if actor.role == "department_staff":
            return actor.department_id == case.department_id
        return actor.role in (workflow.STREET, workflow.ADMIN) and scope.covers_path(actor, case.area_path)
    if actor.role == "department_staff":
        return False
    return scope.covers_path(actor, case.area_path)


def _above(actor: Actor, case: Case) -> bool:
    """Whether the actor is bound strictly above the holder (for approvals)."""
    if _unrestricted(actor):
        return True
    paths = scope.scope_paths(actor) or []
    if case.level == Level.DEPARTMENT:
        return any(case.area_path.startswith(p) for p in paths)
    return any(case.area_path.startswith(p) and len(p) < len(case.area_path) for p in paths)


def _lock(actor: Actor, case: Case | int) -> Case:
    pk = case.pk if isinstance(case, Case) else case
    locked = Case.objects.select_for_update().filter(pk=pk).first()
    if locked is None or not can_see(actor, locked):
        raise NotFound(_("No such case."))
    return locked


def _label(action: str) -> str:
    return str(workflow.transition(action).label)


def _require_role(actor: Actor, action: str) -> workflow.Transition:
    t = workflow.transition(action)
    role = _role(actor)
    if role != workflow.SYSTEM and not actor.is_superuser and role not in t.roles:
        raise Forbidden(_("Your role may not do this: %(action)s.") % {"action": _label(action)})
    return t


def _check(actor: Actor, case: Case, action: str, *, allow_merged: bool = False) -> workflow.Transition:
    """Role, then state, against the table (scope is checked by the caller, which knows whose)."""
    t = _require_role(actor, action)
    if case.master_id and not allow_merged:
        raise Conflict(
            _("This case was merged into case %(ref)s; act on that case.") % {"ref": case.master.reference},
            code="merged",
        )
    if case.state not in t.sources:
        raise Conflict(
            _("“%(action)s” is not possible: the case is “%(state)s”.")
            % {"action": _label(action), "state": State(case.state).label},
            code="invalid_transition",
        )
    return t


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise Forbidden(message)


def _required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message, fields={field: [message]})
    return value


def _event(
    case: Case,
    actor: Actor,
    action: str,
    *,
    from_state: str,
    note: str = "",
    params: dict | None = None,
    internal: bool = False,
    attachments: Sequence[UploadedFile] = (),
) -> CaseEvent:
    event = CaseEvent.objects.create(
        case=case,
        actor=actor_user(actor),
        actor_label=actor_label(actor),
        action=action,
        from_state=from_state,
        to_state=case.state,
        note=note,
        params=audit._plain(params or {}),
        internal=internal,
    )
    _save_attachments(case, event, actor, attachments)
    return event


def _audit(actor: Actor, case: Case, action: str, before: dict, after: dict, note: str = "") -> None:
    audit.record(
        actor=actor, action=f"cases.case.{action}", obj=case, before=before, after=after, note=note,
        area_path=case.area_path,
    )


def _save(case: Case, fields: Iterable[str]) -> None:
    case.save(update_fields=[*set(fields), "updated_at"])


# Attachments

_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF", "application/pdf"),
    (b"ID3", "audio/mpeg"),
    (b"\xff\xfb", "audio/mpeg"),
)


def sniff(head: bytes) -> str:
    """The content type the first bytes show (never trust the name or the browser's claim)."""
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return "image/heic" if head[8:12] in (b"heic", b"heix", b"mif1") else "video/mp4"
    return "application/octet-stream"


def check_attachments(files: Sequence[UploadedFile]) -> None:
    allowed = conf.get("CASES_ATTACHMENT_TYPES")
    limit = conf.get("CASES_ATTACHMENT_MAX_BYTES")
    if len(files) > conf.get("CASES_ATTACHMENTS_PER_EVENT"):
        message = _("At most %(n)d files at a time.") % {"n": conf.get("CASES_ATTACHMENTS_PER_EVENT")}
        raise InvalidInput(message, fields={"attachments": [message]})
    for index, f in enumerate(files):
        if f.size > limit:
            message = _("“%(name)s” is larger than %(mb)d MB.") % {"name": f.name, "mb": limit // (1024 * 1024)}
            raise InvalidInput(message, fields={f"attachments.{index}": [message]})
        f.seek(0)
        kind = sniff(f.read(16))
        f.seek(0)
        if kind not in allowed:
            message = _("“%(name)s” is not an accepted kind of file (photos, PDF, audio or video).") % {"name": f.name}
            raise InvalidInput(message, fields={f"attachments.{index}": [message]})


def _save_attachments(case: Case, event: CaseEvent, actor: Actor, files: Sequence[UploadedFile]) -> None:
    for f in files:
        f.seek(0)
        kind = sniff(f.read(16))
        f.seek(0)
        extension = mimetypes.guess_extension(kind) or ""
        attachment = CaseAttachment(
            case=case, event=event, name=f.name[:200], content_type=kind, size=f.size, uploaded_by=actor_user(actor)
        )
        attachment.file.save(f"{event.pk}-{len(case.attachments.all()) + 1}{extension}", f, save=False)
        attachment.save()


# Notifications


def _case_url(case: Case) -> str:
    return f"/cases/{case.pk}/"


def _staff_at(node_ids: Iterable[int], roles: Iterable[str]) -> list[User]:
    return list(User.objects.filter(area_bindings__node_id__in=list(node_ids), role__in=list(roles), is_active=True))


def _department_staff(department_ids: Iterable[int]) -> list[User]:
    return list(User.objects.filter(department_id__in=list(department_ids), role="department_staff", is_active=True))


def _holders(case: Case) -> list[User]:
    if case.level == Level.DEPARTMENT:
        return _department_staff([case.department_id])
    roles = {
        Level.BUILDING: ["grid_worker"],
        Level.GRID: ["grid_worker"],
        Level.COMMUNITY: ["community_staff"],
        Level.STREET: ["street_staff"],
    }[case.level]
    return _staff_at([case.area_id], roles)


def _requesters(case: Case) -> list[User]:
    users = [case.requester] if case.requester_id else []
    users += [c.requester for c in case.children.select_related("requester") if c.requester_id]
    return users


def _notify_later(recipients_fn, title: str, body: str, case: Case, kind: str) -> None:
    """Write the inbox rows now (inside the transaction) — delivery runs after commit."""
    notifications.notify(
        recipients=recipients_fn(), title=title, body=body, url=_case_url(case), obj=case, kind=kind
    )


# ---------------------------------------------------------------------------------------------
# Intake


def _location(
    *, location: AreaNode | None, latitude, longitude
) -> tuple[AreaNode, Decimal | None, Decimal | None]:
    lat = lon = None
    if latitude is not None or longitude is not None:
        try:
            lat, lon = Decimal(str(latitude)), Decimal(str(longitude))
        except (InvalidOperation, TypeError) as exc:
            message = _("Give both latitude and longitude as numbers.")
            raise InvalidInput(message, fields={"latitude": [message]}) from exc
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            message = _("The coordinates are out of range.")
            raise InvalidInput(message, fields={"latitude": [message]})
    if location is None and lat is not None:
        location = routing.nearest_building(lat, lon)
        if location is None:
            message = _("No building is known near these coordinates; choose the building instead.")
            raise InvalidInput(message, fields={"location": [message]})
    if location is None:
        message = _("Say where it is: choose a building or give coordinates.")
        raise InvalidInput(message, fields={"location": [message]})
    if location.kind not in routing.LOCATION_KINDS:
        message = _("The location must be a grid, building, entrance unit or household.")
        raise InvalidInput(message, fields={"location": [message]})
    return location, lat, lon


def _answers(questions: list[dict], answers: dict) -> dict:
    answers = dict(answers or {})
    known = {q["code"] for q in questions}
    unknown = set(answers) - known
    if unknown:
        code = sorted(unknown)[0]
        message = _("“%(code)s” is not a question of this matter.") % {"code": code}
        raise InvalidInput(message, fields={f"answers.{code}": [message]})
    for q in questions:
        value = answers.get(q["code"])
        field = f"answers.{q['code']}"
        if value in (None, "", []):
            if q["required"]:
                message = _("Please answer: %(label)s") % {"label": q["label"]}
                raise InvalidInput(message, fields={field: [message]})
            answers.pop(q["code"], None)
            continue
        keys = {v["key"] for v in q.get("values") or []}
        if q["datatype"] == QuestionType.NUMBER:
            try:
                Decimal(str(value))
            except InvalidOperation as exc:
                message = _("“%(label)s” must be a number.") % {"label": q["label"]}
                raise InvalidInput(message, fields={field: [message]}) from exc
        elif q["datatype"] == QuestionType.SINGLE and value not in keys:
            message = _("Choose one of the offered answers for “%(label)s”.") % {"label": q["label"]}
            raise InvalidInput(message, fields={field: [message]})
        elif q["datatype"] == QuestionType.MULTI and (not isinstance(value, list) or set(value) - keys):
            message = _("Choose among the offered answers for “%(label)s”.") % {"label": q["label"]}
            raise InvalidInput(message, fields={field: [message]})
    return answers


@transaction.atomic
def case_submit(
    *,
    actor: Actor,
    channel: str,
    category: Category | None,
    title: str,
    description: str,
    location: AreaNode | None = None,
    latitude=None,
    longitude=None,
    address: str = "",
    kind: str | None = None,
    requester: User | None = None,
    caller_name: str = "",
    caller_phone: str = "",
    anonymous: bool = False,
    answers: dict | None = None,
    attachments: Sequence[UploadedFile] = (),
    person=None,
    now: dt.datetime | None = None,
    revision: CategoryRevision | None = None,
) -> Case:
    """File a request from any channel. A resident files their own (online or by mailbox); staff
    register on a caller's behalf (hall, hotline), their own findings (visit, patrol, camera) or a
    superior's assignment, within their area. The case waits at the location's community for
    triage; its time limits run from now by the matter's current rules.

    `person`: the registered resident (residents.Person) the hall or hotline found by the caller's
    phone — their name, phone, household and user account fill in what was not given.

    `revision`: the matter's current revision when the caller already read it (the API reads the
    matter and its latest revision in one query); it must be the latest of `category`."""
    role = _role(actor)
    if person is not None:
        caller_name = caller_name or person.name
        caller_phone = caller_phone or person.phone
        location = location or person.household
        requester = requester or person.user
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), fields={"channel": [_("Choose a valid channel.")]})
    if role == "resident":
        if channel not in RESIDENT_CHANNELS:
            raise Forbidden(_("Residents file requests online or by mailbox."))
        requester = actor
    elif role not in (workflow.SYSTEM,) and not actor.is_superuser:
        if role not in workflow.TRIAGE and role != "inspector":
            raise Forbidden(_("Your role may not register requests."))
        if channel not in STAFF_CHANNELS:
            raise InvalidInput(_("Staff register requests by hall, hotline, visit, patrol or assignment."),
                               fields={"channel": [_("Choose a staff channel.")]})
    if requester is not None and requester.role != "resident":
        message = _("The requester must be a resident's account.")
        raise InvalidInput(message, fields={"requester": [message]})
    suggestion = _triage_suggest(title, description)
    requested = category
    if category is None:
        # without a description there is nothing to recognise: say that, not "choose a matter"
        _required_text(description, "description", _("Describe the matter."))
        category = _suggested_category(suggestion)
    if not category.is_active or category.parent_id is None:
        message = _("Choose an active matter from the catalogue (not a group).")
        raise InvalidInput(message, fields={"category": [message]})
    if revision is None or revision.category_id != category.pk:
        revision = current_revision(category)
    rules = revision.rules
    kind = kind or rules["kind"]
    if kind not in Kind.values:
        raise InvalidInput(_("Unknown kind of request."), fields={"kind": [_("Choose a valid kind.")]})
    title = _required_text(title, "title", _("Give the request a short title."))[:200]
    description = _required_text(description, "description", _("Describe the matter."))
    location, lat, lon = _location(location=location, latitude=latitude, longitude=longitude)
    if role not in ("resident", workflow.SYSTEM) and not actor.is_superuser:
        if not scope.covers_path(actor, location.path):
            raise NotFound(_("The location lies outside your area."))
    answers = _answers(rules.get("questions", []), answers or {})
    caller_name = (caller_name or "").strip()[:50]
    caller_phone = pii.normalise_phone(caller_phone)
    if caller_phone and not 7 <= len(caller_phone) <= 12:
        message = _("The phone number is not valid.")
        raise InvalidInput(message, fields={"caller_phone": [message]})
    if channel in (Channel.HOTLINE, Channel.HALL) and requester is None and not caller_name:
        message = _("Record the caller's name (or choose the resident).")
        raise InvalidInput(message, fields={"caller_name": [message]})
    check_attachments(attachments)
    backdated = now is not None  # demo and benchmark data file cases in the past
    now = now or timezone.now()
    response_due, handling_due, warn_at = routing.deadlines(now, rules)
    triage = routing.node_at(location.path, Level.COMMUNITY)
    case = Case(
        state=State.SUBMITTED,
        channel=channel,
        kind=kind,
        category=category,
        rule=revision,
        theme=rules["theme"],
        title=title,
        description=description,
        answers=answers,
        location=location,
        location_path=location.path,
        latitude=lat,
        longitude=lon,
        address=(address or "")[:200],
        level=Level.COMMUNITY,
        area=triage,
        area_path=triage.path,
        requester=requester,
        caller_name=caller_name,
        caller_phone=caller_phone,
        caller_phone_index=pii.blind_index(pii.PHONE, caller_phone) if caller_phone else "",
        anonymous=bool(anonymous),
        created_by=actor_user(actor),
        response_due=response_due,
        handling_due=handling_due,
        handling_warn_at=warn_at,
        triage=_triage_record(suggestion, requested),
    )
    case.save()
    if backdated:
        Case.objects.filter(pk=case.pk).update(created_at=now)
        case.created_at = now
    params = {"channel": channel, "category": category.code, "rule_version": revision.version,
              "location": location.code, "response_due": response_due, "handling_due": handling_due}
    submitted = _event(case, actor, "submit", from_state="", params=params, attachments=attachments)
    if backdated:  # the timeline starts when the case does
        CaseEvent.objects.filter(pk=submitted.pk).update(created_at=now)
    if kind == Kind.DISPUTE:
        Dispute.objects.create(case=case)
    audit.record(
        actor=actor, action="cases.case.submit", obj=case, area_path=case.area_path,
        after={"state": case.state, "category": category.code, "channel": channel, "location": location.code},
    )
    if _may_auto_route(suggestion, requested, category):
        case = _auto_route(case, suggestion)
    if not case.auto_routed:
        _notify_later(
            lambda: _staff_at([triage.pk], ["community_staff"]),
            _("New request: %(title)s") % {"title": title}, description[:200], case, "cases.submitted",
        )
    return case


# ---------------------------------------------------------------------------------------------
# Triage at intake: the active model's suggestion, and routing without a dispatcher when it is sure

TRIAGE_ACTOR = SystemActor(label="triage")


def _triage_suggest(title: str, description: str):
    """The active triage model's suggestion (`triage.predictor.Suggestion`) for the text, or None when
    no model is active. Intake never waits on triage: a failing model is logged and skipped."""
    if not (description or "").strip():
        return None
    from gongzhi.triage import predictor

    try:
        return predictor.suggest(title, description)
    except predictor.NoActiveModel:
        return None
    except Exception:  # noqa: BLE001 — a broken model must not stop a resident's request
        logger.exception("triage suggestion failed; the request waits for a dispatcher")
        return None


def _suggested_category(suggestion) -> Category:
    """The most likely active catalogue matter among the suggestion's top three."""
    if suggestion is not None:
        codes = [label for label, _p in suggestion.top3]
        leaves = {c.code: c for c in Category.objects.filter(code__in=codes, is_active=True, parent__isnull=False)}
        for code in codes:
            if code in leaves:
                return leaves[code]
    message = _("Choose a matter: it could not be recognised from the text.")
    raise InvalidInput(message, fields={"category": [message]})


def _triage_record(suggestion, requested: Category | None) -> dict | None:
    if suggestion is None:
        return None
    record = suggestion.as_dict()
    record["requested"] = requested.code if requested is not None else ""
    return record


def _may_auto_route(suggestion, requested: Category | None, category: Category) -> bool:
    """Sure enough, and not against the requester's own choice of matter."""
    threshold = conf.get("CASES_TRIAGE_AUTO_ROUTE_CONFIDENCE")
    if suggestion is None or threshold is None or float(threshold) > 1:
        return False
    if suggestion.confidence < float(threshold) or suggestion.label != category.code:
        return False
    return requested is None or requested.code == suggestion.label


def _auto_route(case: Case, suggestion) -> Case:
    """Accept and dispatch by the catalogue as the `triage` system actor. When the route cannot be
    taken (e.g. the district lacks the lead department) the case stays in the triage inbox."""
    note = _("Routed by triage: %(matter)s (%(share)s%%)") % {
        "matter": case.category.name, "share": round(suggestion.confidence * 100),
    }
    try:
        with transaction.atomic():
            case_accept(actor=TRIAGE_ACTOR, case=case, note=note)
            case = case_dispatch(actor=TRIAGE_ACTOR, case=case, note=note)
            case.auto_routed = True
            _save(case, ["auto_routed"])
    except DomainError as exc:
        logger.info("case %s not routed by triage: %s", case.pk, exc)
        case.refresh_from_db()
    return case


@transaction.atomic
def case_recategorise(*, actor: Actor, case: Case, category: Category, note: str = "") -> Case:
    """Change the matter of a case still in triage — a dispatcher's correction of the requester or of
    triage. The case takes the matter's current rules, and its time limits are counted again from
    submission by them. The final matter of every closed case is what triage learns from."""
    case = _lock(actor, case)
    _check(actor, case, "recategorise")
    _require(_holds(actor, case), _("The case is held elsewhere; you may not change its matter."))
    if category is None or not category.is_active or category.parent_id is None:
        message = _("Choose an active matter from the catalogue (not a group).")
        raise InvalidInput(message, fields={"category": [message]})
    if category.pk == case.category_id:
        message = _("The case already has this matter.")
        raise InvalidInput(message, fields={"category": [message]})
    old = case.category
    old_kind = case.rule.rules.get("kind")
    revision = current_revision(category)
    rules = revision.rules
    before = {"category": old.code, "rule_version": case.rule.version, "kind": case.kind,
              "response_due": case.response_due, "handling_due": case.handling_due}
    case.category, case.rule, case.theme = category, revision, rules["theme"]
    if case.kind == old_kind:  # the kind followed the old matter; a kind chosen by hand stays
        case.kind = rules["kind"]
    case.response_due, case.handling_due, case.handling_warn_at = routing.deadlines(case.created_at, rules)
    _save(case, ["category", "rule", "theme", "kind", "response_due", "handling_due", "handling_warn_at"])
    if case.kind == Kind.DISPUTE:
        Dispute.objects.get_or_create(case=case)
    after = {"category": category.code, "rule_version": revision.version, "kind": case.kind,
             "response_due": case.response_due, "handling_due": case.handling_due}
    _event(case, actor, "recategorise", from_state=case.state, note=note,
           params={"from": old.code, "to": category.code, "rule_version": revision.version})
    _audit(actor, case, "recategorise", before, after, note=note)
    return case


# ---------------------------------------------------------------------------------------------
# Triage: accept, reject, merge, dispatch


@transaction.atomic
def case_accept(*, actor: Actor, case: Case, note: str = "") -> Case:
    case = _lock(actor, case)
    _check(actor, case, "accept")
    _require(_holds(actor, case), _("The case is held elsewhere; you may not accept it."))
    before = case.state
    case.state = State.ACCEPTED
    _save(case, ["state"])
    _event(case, actor, "accept", from_state=before, note=note)
    _audit(actor, case, "accept", {"state": before}, {"state": case.state})
    return case


@transaction.atomic
def case_reject(*, actor: Actor, case: Case, reason: str) -> Case:
    case = _lock(actor, case)
    _check(actor, case, "reject")
    _require(_holds(actor, case), _("The case is held elsewhere; you may not reject it."))
    reason = _required_text(reason, "reason", _("Say why the request is rejected."))
    before = case.state
    case.state, case.closed_at = State.REJECTED, timezone.now()
    _save(case, ["state", "closed_at"])
    _event(case, actor, "reject", from_state=before, note=reason)
    _audit(actor, case, "reject", {"state": before}, {"state": case.state}, note=reason)
    _notify_later(lambda: _requesters(case), _("Your request was not accepted"), reason, case, "cases.rejected")
    return case


@transaction.atomic
def case_merge(*, actor: Actor, case: Case, master: Case, note: str = "") -> Case:
    """Merge a duplicate into a master case: it follows the master from now on, its requester is
    told and may rate the master's result."""
    case = _lock(actor, case)
    _check(actor, case, "merge")
    _require(_holds(actor, case), _("The case is held elsewhere; you may not merge it."))
    master = _lock(actor, master)
    if master.pk == case.pk or master.master_id or master.state in TERMINAL_STATES:
        message = _("Merge into an open case that is not itself merged.")
        raise InvalidInput(message, fields={"master": [message]})
    before = case.state
    case.state, case.master = State.MERGED, master
    _save(case, ["state", "master"])
    _event(case, actor, "merge", from_state=before, note=note, params={"master": master.pk})
    _event(master, actor, "merge_in", from_state=master.state, params={"child": case.pk}, note=note)
    _audit(actor, case, "merge", {"state": before}, {"state": case.state, "master": master.pk}, note=note)
    _notify_later(
        lambda: [case.requester] if case.requester_id else [],
        _("Your request is handled together with case %(ref)s") % {"ref": master.reference},
        _("Others reported the same matter; you will be told of the result and may rate it."),
        case, "cases.merged",
    )
    return case


def _resolve_target(
    case: Case, *, node: AreaNode | None, department: Department | None
) -> routing.Route:
    if node is None and department is None:
        return routing.route_for(location_path=case.location_path, rules=case.rule.rules)
    if department is not None:
        if department.district.path != routing.prefix(case.location_path, 1) or not department.is_active:
            message = _("Choose an active department of the case's district.")
            raise InvalidInput(message, fields={"department": [message]})
        return routing.Route(Level.DEPARTMENT, routing.node_at(case.location_path, Level.STREET), department)
    if node.kind not in (AreaKind.GRID, AreaKind.COMMUNITY, AreaKind.STREET, AreaKind.BUILDING):
        message = _("Dispatch to a building, grid, community or street.")
        raise InvalidInput(message, fields={"node": [message]})
    return routing.Route(routing.level_of(node), node)


@transaction.atomic
def case_dispatch(
    *,
    actor: Actor,
    case: Case,
    node: AreaNode | None = None,
    department: Department | None = None,
    note: str = "",
) -> Case:
    """Send the case to whoever handles it: by default the catalogue's level at the location (or
    its lead department); or by hand to another node or department (re-dispatch)."""
    case = _lock(actor, case)
    _check(actor, case, "dispatch")
    _require(_holds(actor, case), _("The case is held elsewhere; you may not dispatch it."))
    route = _resolve_target(case, node=node, department=department)
    if node is not None and not (_unrestricted(actor) or scope.covers_path(actor, route.node.path)):
        raise Forbidden(_("You may dispatch only within your area."))
    before = {"state": case.state, "level": case.level, "area": case.area_id, "department": case.department_id}
    if case.state == State.ACCEPTED:
        case.dispatcher_node_id = case.area_id
    case.state, case.level = State.DISPATCHED, route.level
    case.area, case.area_path, case.department, case.assignee = route.node, route.node.path, route.department, None
    _save(case, ["state", "level", "area", "area_path", "department", "assignee", "dispatcher_node"])
    params = {"level": route.level, "node": route.node.code,
              "department": route.department.code if route.department else None, "manual": bool(node or department)}
    _event(case, actor, "dispatch", from_state=before["state"], note=note, params=params)
    _audit(actor, case, "dispatch", before,
           {"state": case.state, "level": case.level, "area": case.area_id, "department": case.department_id})
    _notify_later(lambda: _holders(case), _("Case to claim: %(title)s") % {"title": case.title}, note, case,
                  "cases.dispatched")
    return case


# ---------------------------------------------------------------------------------------------
# Handling: claim, return, escalate, contact, note, extension, resolve


@transaction.atomic
def case_claim(*, actor: Actor, case: Case) -> Case:
    """Take the case on. Two people claiming at once: the row lock makes one wait, and it then
    finds the case already claimed."""
    case = _lock(actor, case)
    _require_role(actor, "claim")
    if case.state == State.IN_PROGRESS and case.assignee_id:
        if case.assignee_id == getattr(actor, "pk", None):
            raise Conflict(_("You have already claimed this case."), code="already_claimed")
        raise Conflict(
            _("%(name)s has already claimed this case.") % {"name": case.assignee}, code="already_claimed"
        )
    _check(actor, case, "claim")
    _require(_holds(actor, case), _("The case is held elsewhere; you may not claim it."))
    before = case.state
    case.state, case.assignee = State.IN_PROGRESS, actor_user(actor)
    _save(case, ["state", "assignee"])
    _event(case, actor, "claim", from_state=before)
    _audit(actor, case, "claim", {"state": before}, {"state": case.state, "assignee": case.assignee_id})
    return case


@transaction.atomic
def case_return(*, actor: Actor, case: Case, reason: str) -> Case:
    """退单: the case goes back to the dispatcher with a reason. After CASES_MAX_RETURNS returns
    the street decides who handles it."""
    case = _lock(actor, case)
    _check(actor, case, "return")
    _require(_holds(actor, case), _("The case is held elsewhere; you may not return it."))
    reason = _required_text(reason, "reason", _("Say why you return the case."))
    before = {"state": case.state, "level": case.level, "area": case.area_id}
    case.return_count += 1
    if case.return_count >= conf.get("CASES_MAX_RETURNS") or case.dispatcher_node_id is None:
        target = routing.node_at(case.location_path, Level.STREET)
        to_street = True
    else:
        target = case.dispatcher_node
        to_street = False
    case.state, case.level, case.assignee, case.department = State.ACCEPTED, routing.level_of(target), None, None
    case.area, case.area_path = target, target.path
    _save(case, ["state", "level", "assignee", "department", "area", "area_path", "return_count"])
    _event(case, actor, "return", from_state=before["state"], note=reason,
           params={"to": target.code, "returns": case.return_count, "street_decides": to_street})
    _audit(actor, case, "return", before, {"state": case.state, "level": case.level, "area": case.area_id},
           note=reason)
    _notify_later(lambda: _holders(case), _("Case returned: %(title)s") % {"title": case.title}, reason, case,
                  "cases.returned")
    return case


@transaction.atomic
def case_escalate(*, actor: Actor, case: Case, reason: str, department: Department | None = None) -> Case:
    """上报: to the next rung of building → grid → community → street → department, with a reason."""
    case = _lock(actor, case)
    _check(actor, case, "escalate")
    _require(_holds(actor, case), _("The case is held elsewhere; you may not escalate it."))
    reason = _required_text(reason, "reason", _("Say why the case needs the next level."))
    nxt = routing.next_level(case.level)
    while nxt and nxt != Level.DEPARTMENT and routing.node_at(case.location_path, nxt) is None:
        nxt = routing.next_level(nxt)
    if nxt is None:
        raise Conflict(_("The case is already at the top of the ladder."), code="top_of_ladder")
    if nxt == Level.DEPARTMENT:
        department = department or routing.department_for(case.location_path, case.rule.rules["lead"])
        route = _resolve_target(case, node=None, department=department)
    else:
        route = routing.Route(nxt, routing.node_at(case.location_path, nxt))
    before = {"state": case.state, "level": case.level, "area": case.area_id}
    case.dispatcher_node_id = case.area_id
    case.state, case.level, case.assignee = State.DISPATCHED, route.level, None
    case.area, case.area_path, case.department = route.node, route.node.path, route.department
    _save(case, ["state", "level", "assignee", "area", "area_path", "department", "dispatcher_node"])
    _event(case, actor, "escalate", from_state=before["state"], note=reason,
           params={"from_level": before["level"], "to_level": route.level, "node": route.node.code,
                   "department": route.department.code if route.department else None})
    _audit(actor, case, "escalate", before, {"state": case.state, "level": case.level, "area": case.area_id},
           note=reason)
    _notify_later(lambda: _holders(case), _("Case escalated to you: %(title)s") % {"title": case.title}, reason,
                  case, "cases.escalated")
    return case


@transaction.atomic
def case_record_contact(
    *, actor: Actor, case: Case, method: str, note: str, at: dt.datetime | None = None
) -> Case:
    """A contact with the requester (phone call, visit, message); the first one is the response."""
    case = _lock(actor, case)
    _check(actor, case, "contact")
    _require(_holds(actor, case), _("The case is held elsewhere; you may not act on it."))
    note = _required_text(note, "note", _("Note what was said."))
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise InvalidInput(_("The time must carry a time zone."), fields={"at": [_("Invalid time.")]})
    first = case.responded_at is None
    if first:
        case.responded_at = at
        _save(case, ["responded_at"])
    _event(case, actor, "contact", from_state=case.state, note=note,
           params={"method": method, "at": at, "first": first, "in_time": first and at <= case.response_due})
    if first:
        _audit(actor, case, "respond", {"responded_at": None}, {"responded_at": at})
    return case


@transaction.atomic
def case_add_note(
    *, actor: Actor, case: Case, note: str, attachments: Sequence[UploadedFile] = (), internal: bool = False
) -> CaseEvent:
    case = _lock(actor, case)
    _check(actor, case, "note")
    inspector = _role(actor) == workflow.INSPECTOR
    _require(_holds(actor, case) or inspector, _("The case is held elsewhere; you may not act on it."))
    note = (note or "").strip()
    if not note and not attachments:
        raise InvalidInput(_("Write a note or attach a file."), fields={"note": [_("This field is required.")]})
    check_attachments(attachments)
    event = _event(case, actor, "note", from_state=case.state, note=note, internal=internal, attachments=attachments)
    _audit(actor, case, "note", {}, {"event": event.pk, "attachments": len(attachments)})
    return event


@transaction.atomic
def case_request_extension(*, actor: Actor, case: Case, days: int, reason: str) -> Case:
    case = _lock(actor, case)
    _check(actor, case, "request_extension")
    _require(_holds(actor, case), _("The case is held elsewhere; you may not act on it."))
    if case.extended or case.extension_days:
        raise Conflict(_("A case gets one extension, and it has been asked for already."), code="extension_used")
    limit = conf.get("CASES_MAX_EXTENSION_DAYS")
    if not isinstance(days, int) or not 1 <= days <= limit:
        message = _("Ask for 1 to %(n)d working days.") % {"n": limit}
        raise InvalidInput(message, fields={"days": [message]})
    reason = _required_text(reason, "reason", _("Say why more time is needed."))
    case.extension_days, case.extension_reason = days, reason
    _save(case, ["extension_days", "extension_reason"])
    _event(case, actor, "request_extension", from_state=case.state, note=reason, params={"days": days})
    _audit(actor, case, "request_extension", {}, {"extension_days": days}, note=reason)
    parent_path = case.area_path if case.level == Level.DEPARTMENT else case.area_path[: -AreaNode.steplen]
    _notify_later(
        lambda: _staff_at(AreaNode.objects.filter(path=parent_path).values_list("pk", flat=True),
                          ["community_staff", "street_staff", "district_admin"]),
        _("Extension asked for: %(title)s") % {"title": case.title}, reason, case, "cases.extension_requested",
    )
    return case


@transaction.atomic
def case_decide_extension(*, actor: Actor, case: Case, approve: bool, note: str = "") -> Case:
    """The level above the holder approves (the handling deadline moves by the days asked, in
    working days) or refuses. Only one extension per case."""
    case = _lock(actor, case)
    _check(actor, case, "approve_extension")
    _require(_above(actor, case), _("Only the level above the handler decides on an extension."))
    if not case.extension_days or case.extended:
        raise Conflict(_("No extension is waiting for a decision."), code="no_extension")
    before = {"handling_due": case.handling_due, "extension_days": case.extension_days}
    days = case.extension_days
    if approve:
        from gongzhi.core import calendar

        start = case.created_at
        case.handling_due = calendar.add_working_days(case.handling_due, days)
        case.handling_warn_at = routing.warning_at(start, case.handling_due, Decimal(case.rule.rules["warning_share"]))
        case.extended = True
    else:
        case.extension_days = 0
        case.extended = True  # refused: no second request either
    _save(case, ["handling_due", "handling_warn_at", "extended", "extension_days"])
    _event(case, actor, "approve_extension" if approve else "refuse_extension", from_state=case.state, note=note,
           params={"days": days, "handling_due": case.handling_due, "approved": approve})
    _audit(actor, case, "extension", before, {"handling_due": case.handling_due, "approved": approve}, note=note)
    return case


@transaction.atomic
def case_resolve(
    *, actor: Actor, case: Case, result: str, feedback: str, attachments: Sequence[UploadedFile] = ()
) -> Case:
    """The handler's result and the feedback the requester reads. Goes to verification when the
    matter requires it, else straight to the requester for rating."""
    case = _lock(actor, case)
    _check(actor, case, "resolve")
    _require(_holds(actor, case), _("The case is held elsewhere; you may not resolve it."))
    if result not in Result.values:
        message = _("Choose the result: solved, partly solved or explained.")
        raise InvalidInput(message, fields={"result": [message]})
    feedback = _required_text(feedback, "feedback", _("Write the feedback the requester will read."))
    check_attachments(attachments)
    open_calls = case.whistle_calls.filter(acknowledged_at=None).count()
    if open_calls:
        message = _("%(n)d called department(s) have not reported in yet.") % {"n": open_calls}
        raise Conflict(message, code="whistle_open")
    before = case.state
    verify = bool(case.rule.rules.get("verification_required"))
    now = timezone.now()
    case.state = workflow.target("resolve", before, State.VERIFYING if verify else State.AWAITING_RATING)
    case.result, case.feedback, case.resolved_at, case.resolved_level = result, feedback, now, case.level
    _save(case, ["state", "result", "feedback", "resolved_at", "resolved_level"])
    _event(case, actor, "resolve", from_state=before, note=feedback, params={"result": result},
           attachments=attachments)
    _audit(actor, case, "resolve", {"state": before}, {"state": case.state, "result": result})
    if case.state == State.AWAITING_RATING:
        _ask_for_rating(case)
    else:
        _notify_later(
            lambda: _staff_at([case.dispatcher_node_id or case.area_id], ["community_staff", "street_staff"]),
            _("Case to verify: %(title)s") % {"title": case.title}, feedback[:200], case, "cases.verify",
        )
    return case


def _ask_for_rating(case: Case) -> None:
    _notify_later(
        lambda: _requesters(case),
        _("Your request has a result: please rate it"),
        case.feedback[:300],
        case,
        "cases.rate",
    )


def _may_verify(actor: Actor, case: Case) -> bool:
    if _unrestricted(actor):
        return True
    if actor.role == workflow.INSPECTOR:
        return scope.covers_path(actor, case.location_path)
    dispatcher = case.dispatcher_node.path if case.dispatcher_node_id else case.area_path
    return scope.covers_path(actor, dispatcher) and (actor.pk != case.assignee_id)


@transaction.atomic
def case_verify(*, actor: Actor, case: Case, passed: bool, note: str = "") -> Case:
    """核查 by the dispatching level or an inspector: passed → the requester rates; failed → back
    to the handler with a reason."""
    case = _lock(actor, case)
    action = "verify_pass" if passed else "verify_fail"
    _check(actor, case, action)
    _require(_may_verify(actor, case), _("Only the dispatching level or an inspector verifies this case."))
    if not passed:
        note = _required_text(note, "note", _("Say what is wrong with the result."))
    before = case.state
    case.state = workflow.target(action, before)
    fields = ["state"]
    if not passed:
        case.resolved_at, case.resolved_level = None, ""
        fields += ["resolved_at", "resolved_level"]
    _save(case, fields)
    _event(case, actor, action, from_state=before, note=note)
    _audit(actor, case, action, {"state": before}, {"state": case.state}, note=note)
    if passed:
        _ask_for_rating(case)
    else:
        _notify_later(lambda: [case.assignee] if case.assignee_id else _holders(case),
                      _("Verification failed: %(title)s") % {"title": case.title}, note, case, "cases.verify_failed")
    return case


# ---------------------------------------------------------------------------------------------
# Rating, reopening, closing


def _may_rate(actor: Actor, case: Case) -> bool:
    if _unrestricted(actor):
        return True
    if actor.role == "resident":
        return case.requester_id == actor.pk
    # A callback (回访) recorded by staff of the case's place.
    return scope.covers_path(actor, case.location_path)


@transaction.atomic
def case_rate(
    *, actor: Actor, case: Case, rating: str, solved: bool, comment: str = "", callback: bool = False
) -> Case:
    """The requester's rating (or a staff callback's record of it). Not satisfied → the case is
    reopened once; otherwise, or the second time, it closes. A merged request rates its master's
    result on its own record."""
    case = _lock(actor, case)
    if rating not in Rating.values:
        message = _("Choose satisfied, basically satisfied or not satisfied.")
        raise InvalidInput(message, fields={"rating": [message]})
    if solved is None:
        message = _("Say whether the matter was solved.")
        raise InvalidInput(message, fields={"solved": [message]})
    if case.master_id:
        return _rate_merged(actor, case, rating=rating, solved=solved, comment=comment, callback=callback)
    _check(actor, case, "rate")
    _require(_may_rate(actor, case), _("Only the requester, or staff on a callback, may rate."))
    before = case.state
    now = timezone.now()
    reopen = rating == Rating.UNSATISFIED and not case.reopened
    case.state = workflow.target("rate", before, State.REOPENED if reopen else State.CLOSED)
    params = {"rating": rating, "solved": solved, "callback": callback}
    if reopen:
        case.reopened = True
        _save(case, ["state", "reopened"])
    else:
        case.rating, case.rating_solved, case.rating_comment, case.rated_at, case.closed_at = (
            rating, bool(solved), comment, now, now,
        )
        _save(case, ["state", "rating", "rating_solved", "rating_comment", "rated_at", "closed_at"])
        Case.objects.filter(master=case).update(closed_at=now)
    _event(case, actor, "rate", from_state=before, note=comment, params=params)
    _audit(actor, case, "rate", {"state": before}, {"state": case.state, **params}, note=comment)
    if reopen:
        _notify_later(lambda: [case.assignee] if case.assignee_id else _holders(case),
                      _("Requester not satisfied, case reopened: %(title)s") % {"title": case.title}, comment, case,
                      "cases.reopened")
    return case


def _rate_merged(actor: Actor, case: Case, *, rating: str, solved: bool, comment: str, callback: bool) -> Case:
    master = case.master
    if master.state not in (State.AWAITING_RATING, State.CLOSED) or case.rated_at:
        raise Conflict(_("There is no result to rate yet, or it was rated already."), code="invalid_transition")
    _require(_may_rate(actor, case), _("Only the requester, or staff on a callback, may rate."))
    now = timezone.now()
    case.rating, case.rating_solved, case.rating_comment, case.rated_at = rating, bool(solved), comment, now
    _save(case, ["rating", "rating_solved", "rating_comment", "rated_at"])
    params = {"rating": rating, "solved": solved, "callback": callback, "master": master.pk}
    _event(case, actor, "rate", from_state=case.state, note=comment, params=params)
    _audit(actor, case, "rate", {}, params, note=comment)
    return case


@transaction.atomic
def case_reopen(*, actor: Actor, case: Case, note: str = "") -> Case:
    """The holder takes a reopened case up again; its handling time starts anew."""
    case = _lock(actor, case)
    _check(actor, case, "reopen")
    _require(_holds(actor, case), _("The case is held elsewhere; you may not act on it."))
    before = case.state
    now = timezone.now()
    rules = case.rule.rules
    _response_due, case.handling_due, case.handling_warn_at = routing.deadlines(now, rules)
    case.state, case.assignee = State.IN_PROGRESS, actor_user(actor) or case.assignee
    case.resolved_at, case.resolved_level, case.result = None, "", ""
    _save(case, ["state", "assignee", "handling_due", "handling_warn_at", "resolved_at", "resolved_level", "result"])
    _event(case, actor, "reopen", from_state=before, note=note, params={"handling_due": case.handling_due})
    _audit(actor, case, "reopen", {"state": before}, {"state": case.state})
    return case


@transaction.atomic
def case_auto_close(*, actor: Actor, case: Case | int, now: dt.datetime | None = None) -> Case | None:
    """Close a case whose requester did not rate within CASES_AUTO_CLOSE_DAYS (the sweep calls
    this). Returns None when the case no longer qualifies (rated meanwhile)."""
    case = _lock(actor, case)
    now = now or timezone.now()
    if case.state != State.AWAITING_RATING or case.resolved_at is None:
        return None
    if now - case.resolved_at < dt.timedelta(days=conf.get("CASES_AUTO_CLOSE_DAYS")):
        return None
    _check(actor, case, "auto_close")
    before = case.state
    case.state, case.closed_at = State.CLOSED, now
    _save(case, ["state", "closed_at"])
    Case.objects.filter(master=case).update(closed_at=now)
    _event(case, actor, "auto_close", from_state=before)
    _audit(actor, case, "auto_close", {"state": before}, {"state": case.state})
    return case


# ---------------------------------------------------------------------------------------------
# Whistle (吹哨报到)


@transaction.atomic
def case_whistle(
    *,
    actor: Actor,
    case: Case,
    departments: Sequence[Department],
    reason: str,
    acknowledge_by: dt.datetime | None = None,
    hours: int | None = None,
) -> list[WhistleCall]:
    """A street calls departments on a case it handles: each must report in by the deadline and
    report its part; the case stays with its lead."""
    case = _lock(actor, case)
    _check(actor, case, "whistle")
    _require(_holds(actor, case) and case.level in (Level.STREET, Level.COMMUNITY, Level.GRID, Level.BUILDING),
             _("Only the street handling the case may call departments."))
    reason = _required_text(reason, "reason", _("Say what the departments are called for."))
    if not departments:
        message = _("Choose at least one department.")
        raise InvalidInput(message, fields={"departments": [message]})
    district = routing.prefix(case.location_path, 1)
    for d in departments:
        if d.district.path != district or not d.is_active:
            message = _("“%(name)s” is not an active department of this district.") % {"name": d}
            raise InvalidInput(message, fields={"departments": [message]})
    if acknowledge_by is None:
        from gongzhi.core import calendar

        acknowledge_by = calendar.add_working_hours(timezone.now(), hours or 2)
    if timezone.is_naive(acknowledge_by):
        raise InvalidInput(_("The time must carry a time zone."), fields={"acknowledge_by": [_("Invalid time.")]})
    if acknowledge_by <= timezone.now():
        message = _("The deadline to report in must be in the future.")
        raise InvalidInput(message, fields={"acknowledge_by": [message]})
    taken = set(case.whistle_calls.filter(reported_at=None, department__in=departments).values_list(
        "department__short_name", flat=True))
    if taken:
        message = _("Already called and not yet reported: %(names)s") % {"names": "、".join(sorted(taken))}
        raise Conflict(message, code="already_called")
    calls = [
        WhistleCall.objects.create(
            case=case, department=d, called_by=actor_user(actor), reason=reason, acknowledge_by=acknowledge_by
        )
        for d in departments
    ]
    _event(case, actor, "whistle", from_state=case.state, note=reason,
           params={"departments": [d.code for d in departments], "acknowledge_by": acknowledge_by})
    _audit(actor, case, "whistle", {}, {"departments": [d.code for d in departments]}, note=reason)
    _notify_later(lambda: _department_staff([d.pk for d in departments]),
                  _("Whistle call: report in on %(title)s") % {"title": case.title}, reason, case, "cases.whistle")
    return calls


def _lock_call(actor: Actor, call: WhistleCall | int) -> tuple[WhistleCall, Case]:
    pk = call.pk if isinstance(call, WhistleCall) else call
    locked = WhistleCall.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise NotFound(_("No such call."))
    case = _lock(actor, locked.case_id)
    if not _unrestricted(actor) and getattr(actor, "department_id", None) != locked.department_id:
        raise NotFound(_("No such call."))
    return locked, case


@transaction.atomic
def whistle_acknowledge(*, actor: Actor, call: WhistleCall | int, note: str = "") -> WhistleCall:
    """报到: the department answers the call (late if after the deadline)."""
    call, case = _lock_call(actor, call)
    _check(actor, case, "acknowledge")
    if call.acknowledged_at:
        raise Conflict(_("The department has already reported in."), code="already_acknowledged")
    now = timezone.now()
    call.acknowledged_at, call.acknowledged_by, call.late = now, actor_user(actor), now > call.acknowledge_by
    call.save(update_fields=["acknowledged_at", "acknowledged_by", "late"])
    _event(case, actor, "acknowledge", from_state=case.state, note=note,
           params={"call": call.pk, "department": call.department.code, "late": call.late})
    _audit(actor, case, "acknowledge", {}, {"call": call.pk, "late": call.late}, note=note)
    return call


@transaction.atomic
def whistle_report(
    *, actor: Actor, call: WhistleCall | int, report: str, attachments: Sequence[UploadedFile] = ()
) -> WhistleCall:
    """The department's report on its part (reporting in first if it had not)."""
    call, case = _lock_call(actor, call)
    _check(actor, case, "report_part")
    if call.reported_at:
        raise Conflict(_("The department has already reported its part."), code="already_reported")
    report = _required_text(report, "report", _("Describe what the department did."))
    check_attachments(attachments)
    now = timezone.now()
    fields = ["report", "reported_at"]
    if not call.acknowledged_at:
        call.acknowledged_at, call.acknowledged_by, call.late = now, actor_user(actor), now > call.acknowledge_by
        fields += ["acknowledged_at", "acknowledged_by", "late"]
    call.report, call.reported_at = report, now
    call.save(update_fields=fields)
    _event(case, actor, "report_part", from_state=case.state, note=report,
           params={"call": call.pk, "department": call.department.code}, attachments=attachments)
    _audit(actor, case, "report_part", {}, {"call": call.pk})
    _notify_later(lambda: [case.assignee] if case.assignee_id else _holders(case),
                  _("%(dept)s reported on: %(title)s") % {"dept": call.department, "title": case.title}, report,
                  case, "cases.whistle_report")
    return call


# ---------------------------------------------------------------------------------------------
# Disputes (矛盾纠纷)


def _lock_dispute(actor: Actor, case: Case) -> tuple[Case, Dispute]:
    case = _lock(actor, case)
    if case.kind != Kind.DISPUTE:
        raise InvalidInput(_("This case is not a dispute."), fields={"kind": [_("Not a dispute.")]})
    _require(_holds(actor, case), _("The case is held elsewhere; you may not act on it."))
    if case.state in TERMINAL_STATES:
        raise Conflict(_("The case is closed."), code="invalid_transition")
    dispute, _created = Dispute.objects.select_for_update().get_or_create(case=case)
    return case, dispute


def _mediators(actor: Actor, case: Case, mediators: list[dict]) -> list[dict]:
    """The mediators as stored on a session. A person who exists is picked by `user_id` (a grid
    worker or community/street staff of the case's location) or `party_member_id` (a party member of
    its community) among those `selectors.mediator_candidates` offers the actor, and takes name and
    kind from the record; anyone else — volunteers, residents' representatives, lawyers, who have no
    registry — is named with that kind. Repeats are dropped."""
    from . import selectors

    def refuse(message: str):
        raise InvalidInput(message, fields={"mediators": [message]})

    if not isinstance(mediators, list | tuple) or not mediators:
        refuse(_("Name at least one mediator."))
    stored: list[dict] = []
    for item in mediators:
        if not isinstance(item, dict):
            refuse(_("Name each mediator and what they are (grid worker, party member, volunteer …)."))
        user_id, member_id = item.get("user_id"), item.get("party_member_id")
        try:
            user_id = int(user_id) if user_id not in (None, "") else None
            member_id = int(member_id) if member_id not in (None, "") else None
        except (TypeError, ValueError):
            refuse(_("Pick the mediator from the list."))
        if user_id is not None:
            person = selectors.mediator_users(user=actor, case=case).filter(pk=user_id).first()
            if person is None:
                refuse(_("Pick mediators from the grid workers and staff of the dispute's area."))
            entry = {"name": str(person), "kind": selectors.MEDIATOR_ROLE_KINDS[person.role], "user_id": person.pk}
        elif member_id is not None:
            member = selectors.mediator_members(user=actor, case=case).filter(pk=member_id).first()
            if member is None:
                refuse(_("Pick party members from those of the dispute's community."))
            entry = {"name": member.name, "kind": MediatorKind.PARTY_MEMBER, "party_member_id": member.pk}
        else:
            name, kind = str(item.get("name") or "").strip()[:50], item.get("kind")
            if not name or kind not in selectors.NAMED_MEDIATOR_KINDS:
                refuse(_("Pick grid workers, staff and party members from the list; name a volunteer, "
                         "residents' representative or lawyer with what they are."))
            entry = {"name": name, "kind": str(kind)}
        if entry not in stored:
            stored.append(entry)
    return stored


@transaction.atomic
def dispute_add_party(
    *, actor: Actor, case: Case, role: str, name: str, phone: str = "", household: AreaNode | None = None
) -> DisputeParty:
    case, dispute = _lock_dispute(actor, case)
    if role not in PartyRole.values:
        raise InvalidInput(_("Choose the party's role."), fields={"role": [_("Choose a valid role.")]})
    name = _required_text(name, "name", _("Give the party's name."))[:50]
    phone = pii.normalise_phone(phone)
    if phone and not 7 <= len(phone) <= 12:
        message = _("The phone number is not valid.")
        raise InvalidInput(message, fields={"phone": [message]})
    if household is not None and (
        household.kind != AreaKind.HOUSEHOLD or not (_unrestricted(actor) or scope.covers_path(actor, household.path))
    ):
        message = _("Choose a household.")
        raise InvalidInput(message, fields={"household_id": [message]})
    party = DisputeParty.objects.create(dispute=dispute, role=role, name=name, phone=phone, household=household)
    _event(case, actor, "dispute_party", from_state=case.state, params={"role": role, "name": pii.mask_name(name)})
    audit.record(actor=actor, action="cases.dispute.party", obj=case, area_path=case.area_path,
                 after={"role": role, "name": pii.mask_name(name)})
    return party


@transaction.atomic
def dispute_record_session(
    *,
    actor: Actor,
    case: Case,
    held_at: dt.datetime,
    mediators: list[dict],
    summary: str,
    outcome: str,
    place: str = "",
    agreement: str = "",
) -> MediationSession:
    """One mediation session, held at `held_at` (aware, not in the future), with its mediators (see
    `_mediators`: picked grid workers, staff and party members, or named volunteers, residents'
    representatives, lawyers). An agreed outcome with its text records the mediation agreement."""
    case, dispute = _lock_dispute(actor, case)
    if not isinstance(held_at, dt.datetime) or timezone.is_naive(held_at):
        raise InvalidInput(_("The time must carry a time zone."), fields={"held_at": [_("Invalid time.")]})
    if held_at > timezone.now():
        message = _("A mediation session is recorded once it has been held: the time lies in the future.")
        raise InvalidInput(message, fields={"held_at": [message]})
    mediators = _mediators(actor, case, mediators)
    if outcome not in DisputeOutcome.values:
        raise InvalidInput(_("Choose the outcome."), fields={"outcome": [_("Choose a valid outcome.")]})
    summary = _required_text(summary, "summary", _("Summarise the session."))
    if outcome == DisputeOutcome.AGREED and not agreement.strip():
        message = _("Record the text of the agreement.")
        raise InvalidInput(message, fields={"agreement": [message]})
    session = MediationSession.objects.create(
        dispute=dispute, stage=dispute.stage, held_at=held_at, place=place[:100], mediators=mediators,
        summary=summary, outcome=outcome, recorded_by=actor_user(actor),
    )
    dispute.outcome = outcome
    fields = ["outcome"]
    if outcome == DisputeOutcome.AGREED:
        dispute.agreement, dispute.agreement_signed_at = agreement.strip(), held_at
        fields += ["agreement", "agreement_signed_at"]
    dispute.save(update_fields=fields)
    _event(case, actor, "mediation", from_state=case.state, note=summary,
           params={"stage": dispute.stage, "outcome": outcome, "mediators": len(mediators)})
    audit.record(actor=actor, action="cases.dispute.session", obj=case, area_path=case.area_path,
                 after={"stage": dispute.stage, "outcome": outcome})
    return session


@transaction.atomic
def dispute_escalate(*, actor: Actor, case: Case, stage: str, reason: str) -> Dispute:
    """What the grid cannot settle goes to collective mediation at the 议事站, then to the judicial office."""
    case, dispute = _lock_dispute(actor, case)
    order = [DisputeStage.MEDIATION, DisputeStage.COLLECTIVE, DisputeStage.JUDICIAL]
    if stage not in DisputeStage.values or order.index(stage) <= order.index(dispute.stage):
        message = _("A dispute moves on to collective mediation, then to the judicial office.")
        raise InvalidInput(message, fields={"stage": [message]})
    reason = _required_text(reason, "reason", _("Say why the dispute moves on."))
    before = dispute.stage
    dispute.stage, dispute.outcome = stage, DisputeOutcome.PENDING
    dispute.save(update_fields=["stage", "outcome"])
    _event(case, actor, "dispute_escalate", from_state=case.state, note=reason, params={"from": before, "to": stage})
    audit.record(actor=actor, action="cases.dispute.escalate", obj=case, area_path=case.area_path,
                 before={"stage": before}, after={"stage": stage}, note=reason)
    return dispute
