"""Intake: filing a request from any channel, with the suggestion of whatever plugs into the
extension point "cases.intake.suggest" (the triage app) and routing without a dispatcher when it
is sure; and filing a request from a household visit (the residents app finds this through its
extension point "residents.visit.raise_case")."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.areas.models import AreaNode
from gongzhi.core import audit, components, idempotency, pii, scope
from gongzhi.core.actors import Actor, SystemActor, actor_user, is_system
from gongzhi.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from gongzhi.core.permissions import can, require
from gongzhi.residents import selectors as resident_selectors
from gongzhi.residents import services as resident_services
from gongzhi.residents.models import Visit

from .. import conf, permissions, routing
from ..models import Case, Category, CategoryRevision, Channel, Dispute, Kind, Level, QuestionType
from . import notify
from .attachments import check_attachments
from .catalogue import current_revision
from .events import event, required_text
from .transitions import case_accept, case_dispatch

logger = logging.getLogger(__name__)

STAFF_CHANNELS = {
    Channel.HOTLINE, Channel.HALL, Channel.VISIT, Channel.PATROL, Channel.SUPERIOR, Channel.CAMERA,
    Channel.DELIBERATION, Channel.MAILBOX,
}
RESIDENT_CHANNELS = {Channel.ONLINE, Channel.MAILBOX}


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


def _resident_in_scope(actor, requester: User) -> bool:
    """Staff name as requester a resident whose account is linked to a person living in their area
    scope (the caller the hall or hotline lookup finds, `cases.selectors.find_caller`)."""
    return resident_selectors.people_visible(user=actor).filter(user=requester).exists()


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
    revision: CategoryRevision | None = None,
    idempotency_key: str = "",
) -> Case:
    """File a request from any channel. A resident files their own (online or by mailbox); staff
    register on a caller's behalf (hall, hotline), their own findings (visit, patrol, camera) or a
    superior's assignment, within their area. The case waits at the location's community for
    triage; its time limits run from now by the matter's current rules.

    `person`: the registered resident (residents.Person) the hall or hotline found by the caller's
    phone — their name, phone, household and user account fill in what was not given.

    `revision`: the matter's current revision when the caller already read it (the API reads the
    matter and its latest revision in one query); it must be the latest of `category`.

    `idempotency_key`: the client's name for this submission (the API's Idempotency-Key header, the
    form's submit token). Sent again after the first one committed, it returns that case (marked
    `replayed`) and files nothing; if the first was lost (the database went away), it files."""
    claim = idempotency.begin(actor=actor, scope="cases.case_submit", key=idempotency_key)
    if claim.done:
        earlier = Case.objects.get(pk=claim.done)
        earlier.replayed = True
        return earlier
    unrestricted = is_system(actor) or actor.is_superuser
    own = not unrestricted and can(actor, "cases.file_own")
    if person is not None:
        caller_name = caller_name or person.name
        caller_phone = caller_phone or person.phone
        location = location or person.household
        requester = requester or person.user
        found_caller = person.user
    else:
        found_caller = None
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), fields={"channel": [_("Choose a valid channel.")]})
    if own:
        if channel not in RESIDENT_CHANNELS:
            raise Forbidden(_("Residents file requests online or by mailbox."))
        requester = actor
    elif not unrestricted:
        require(actor, "cases.register")
        if channel not in STAFF_CHANNELS:
            raise InvalidInput(_("Staff register requests by hall, hotline, visit, patrol or assignment."),
                               fields={"channel": [_("Choose a staff channel.")]})
    if requester is not None and not permissions.may_be_requester(requester):
        message = _("The requester must be a resident's account.")
        raise InvalidInput(message, fields={"requester": [message]})
    if (requester is not None and not own and not unrestricted and requester != found_caller
            and not _resident_in_scope(actor, requester)):
        # the same answer as for an unknown id: no confirmation that an account outside scope exists
        message = _("No resident's account has this id.")
        raise InvalidInput(message, fields={"requester_id": [message]})
    problems = text_problems(title, description)
    if problems:
        raise InvalidInput(next(iter(problems.values()))[0], fields=problems)
    suggestion = _suggest(title, description)
    requested = category
    if category is None:
        # without a description there is nothing to recognise: say that, not "choose a matter"
        required_text(description, "description", _("Describe the matter."))
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
    title = required_text(title, "title", _("Give the request a short title."))
    description = required_text(description, "description", _("Describe the matter."))
    location, lat, lon = _location(location=location, latitude=latitude, longitude=longitude)
    if not own and not scope.covers_path(actor, location.path):
        raise NotFound(_("The location lies outside your area."))
    answers = _answers(rules.get("questions", []), answers or {})
    caller_name = (caller_name or "").strip()[:50]
    caller_phone = pii.normalise_phone(caller_phone)
    if caller_phone and not pii.is_phone(caller_phone):
        message = _("The phone number is not valid.")
        raise InvalidInput(message, fields={"caller_phone": [message]})
    if channel in (Channel.HOTLINE, Channel.HALL) and requester is None and not caller_name:
        message = _("Record the caller's name (or choose the resident).")
        raise InvalidInput(message, fields={"caller_name": [message]})
    check_attachments(attachments)
    now = timezone.now()
    response_due, handling_due, warn_at = routing.deadlines(now, rules)
    triage = routing.node_at(location.path, Level.COMMUNITY)
    case = Case(  # in its initial state (the model's default, submitted): only the engine moves it
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
    claim.finish(case)
    params = {"channel": channel, "category": category.code, "rule_version": revision.version,
              "location": location.code, "response_due": response_due, "handling_due": handling_due}
    event(case, actor, "submit", from_state="", params=params, attachments=attachments)
    if kind == Kind.DISPUTE:
        Dispute.objects.create(case=case)
    audit.record(
        actor=actor, action="cases.case.submit", obj=case, area_path=case.area_path,
        after={"state": case.state, "category": category.code, "channel": channel, "location": location.code},
    )
    if _may_auto_route(suggestion, requested, category):
        case = _auto_route(case, suggestion)
    if not case.auto_routed:
        notify.notify_later(lambda: notify.triage_staff(triage.pk), _("New request: %(title)s") % {"title": title},
                            description[:200], case, "cases.submitted")
    return case


# ---------------------------------------------------------------------------------------------
# Suggestions at intake (the extension point "cases.intake.suggest") and routing without a
# dispatcher when the suggestion is sure

TRIAGE_ACTOR = SystemActor(label="triage")


TITLE_MAX = Case._meta.get_field("title").max_length


def text_problems(title: str, description: str) -> dict[str, list[str]]:
    """What is wrong with a request's title and description, every problem at once (a form shows
    each beside its field): missing, or a title longer than the column (never cut silently)."""
    problems: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        problems["title"] = [_("Give the request a short title.")]
    elif len(title) > TITLE_MAX:
        problems["title"] = [
            _("The title may have at most %(max)s characters; this one has %(n)s. Put the details in the "
              "description.") % {"max": TITLE_MAX, "n": len(title)}]
    if not (description or "").strip():
        problems["description"] = [_("Describe the matter.")]
    return problems


def _suggest(title: str, description: str):
    """The first suggestion (`.label`, `.confidence`, `.top3`, `.as_dict()`) a registered suggester
    makes for the text, or None. Intake never waits on a suggester: a failing one is logged and
    skipped."""
    if not (description or "").strip():
        return None
    for suggest in components.extensions("cases.intake.suggest"):
        try:
            suggestion = suggest(title, description)
        except Exception:  # noqa: BLE001 — a broken model must not stop a resident's request
            logger.exception("triage suggestion failed; the request waits for a dispatcher")
            continue
        if suggestion is not None:
            return suggestion
    return None


def suggestions_available() -> bool:
    """Whether a suggester can recognise the matter from the text now (the extension point
    "cases.intake.available"): the filing page then offers to leave the matter to it."""
    return any(available() for available in components.extensions("cases.intake.available"))


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
            case.save(update_fields=["auto_routed", "updated_at"])
    except DomainError as exc:
        logger.info("case %s not routed by triage: %s", case.pk, exc)
        case.refresh_from_db()
    return case


# ---------------------------------------------------------------------------------------------
# What the residents app finds through its extension points (it sits below cases)


def case_from_visit(*, actor: Actor, visit, category_id: int, title: str = "", description: str = "") -> Case:
    """Turn a visit's findings into a request ("residents.visit.raise_case"): channel `visit`,
    located at the household, the first person met as the resident concerned, and its reference
    noted on the visit. One transaction: the case and the link are written together."""
    category = Category.objects.filter(pk=category_id, is_active=True, parent__isnull=False).first()
    if category is None:
        message = _("Choose the matter of the request.")
        raise InvalidInput(message, fields={"category": [message]})
    with transaction.atomic():
        visits = Visit.objects.select_for_update()
        visits = visits.visible_to(actor)
        locked = visits.filter(pk=getattr(visit, "pk", visit)).first()
        if locked is None:
            raise NotFound()
        if locked.case_ref:
            message = _("This visit was already turned into request %(ref)s.") % {"ref": locked.case_ref}
            raise InvalidInput(message, fields={"case_ref": [message]})
        household = AreaNode.objects.get(pk=locked.household_id)
        met = locked.people_met.order_by("pk").first()
        findings = (description or locked.findings).strip()
        case = case_submit(
            actor=actor,
            channel=Channel.VISIT,
            category=category,
            title=(title or findings.splitlines()[0] if findings else "").strip()[:60],
            description=findings,
            location=household,
            person=met,
        )
        resident_services.visit_link_case(actor=actor, visit=locked, case_ref=case.reference)
    return case
