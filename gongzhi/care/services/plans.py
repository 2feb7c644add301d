"""Care plans (一户一策): a household's people and needs, how often someone must come, the branch
responsible and the carers on its rota (the paired members, 包保, marked), its emergency contacts;
reviewed on a schedule and closed with a reason. Started by staff, or from the registry's tags
(独居/空巢/残疾/低保/特困 …) of the household's people.

Health notes are personal data: encrypted at rest, masked on every page; `plan_reveal_health`
returns them to the plan's people and the community, and every reveal is an audit event.
State changes go through `PLAN_WORKFLOW` on the locked row."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit, scope
from gongzhi.core.actors import Actor
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.models import Notification
from gongzhi.core.notifications import notify
from gongzhi.core.permissions import require
from gongzhi.core.pii import PHONE, is_phone, mask, normalise_phone
from gongzhi.core.workflow import apply_transition, lock_visible
from gongzhi.residents.models import Person, PersonTag, TagKind

from ..models import (
    CareBranch,
    CareNeed,
    CarePlan,
    Carer,
    CloseReason,
    EmergencyContact,
    PlanCarer,
    PlanState,
    Turn,
    TurnState,
)
from ..workflow import PLAN_WORKFLOW
from .inputs import field_error, object_id

# The registry's tags that start a care plan.
CARE_TAGS = (TagKind.ELDERLY_ALONE, TagKind.EMPTY_NEST, TagKind.DISABLED, TagKind.SUBSISTENCE,
             TagKind.EXTREME_POVERTY)
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no 0/O, 1/I, 2/Z, 5/S, 8/B
CODE_LENGTH = 6
HEALTH_MAX = 2000
NOTE_MAX = 300


def _ids(values) -> list[int]:
    if values in (None, ""):
        return []
    if isinstance(values, (str, int)) or hasattr(values, "pk"):
        values = [values]
    found = []
    for v in values:
        i = object_id(v)
        if i is None:
            raise InvalidInput(_("Invalid choice."))
        found.append(i)
    return found


def _bounded(value, field: str, low: int, high: int) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise field_error(field, _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}) from None
    if n < low or n > high:
        raise field_error(field, _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high})
    return n


def _needs(values) -> list[str]:
    if values in (None, ""):
        return []
    if isinstance(values, str):
        values = [values]
    allowed = set(CareNeed.values)
    chosen = []
    for v in values:
        if v not in allowed:
            raise field_error("needs", _("Choose needs from the list."))
        if v not in chosen:
            chosen.append(v)
    return chosen


def _text(value, field: str, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise field_error(field, _("At most %(count)d characters.") % {"count": limit})
    return text


def new_code() -> str:
    """A short check-in code no plan has yet (the household's card carries it)."""
    for _attempt in range(50):
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if not CarePlan.objects.filter(checkin_code=code).exists():
            return code
    raise RuntimeError("no free check-in code")  # pragma: no cover


def open_tags(people) -> list[str]:
    """The care tags (kinds) open today on these people, in the order of CARE_TAGS."""
    today = timezone.localdate()
    kinds = set(PersonTag.objects.filter(person__in=people, kind__in=CARE_TAGS, start_on__lte=today)
                .filter(Q(end_on__isnull=True) | Q(end_on__gte=today)).values_list("kind", flat=True))
    return [str(k) for k in CARE_TAGS if k in kinds]


def _household(actor: Actor, household) -> AreaNode:
    node = AreaNode.objects.filter(pk=object_id(household)).first()
    if node is None or not scope.covers_path(actor, node.path):
        raise field_error("household", _("Choose a household of your area."))
    if getattr(node, "kind", "household") != "household":
        raise field_error("household", _("Choose a household."))
    return node


def _branch(actor: Actor, branch, household: AreaNode) -> CareBranch:
    row = CareBranch.objects.visible_to(actor).select_related("area").filter(pk=object_id(branch)).first()
    if row is None:
        raise field_error("branch", _("Choose a care branch of your area."))
    if not household.path.startswith(row.area.path):
        raise field_error("branch", _("The branch's area does not hold this household."))
    return row


def _people(household: AreaNode, people) -> list[Person]:
    ids = _ids(people) if people not in (None, "") else []
    rows = list(Person.objects.filter(household=household, pk__in=ids)) if ids else []
    if len(rows) != len(set(ids)):
        raise field_error("people", _("Choose people registered in this household."))
    return rows


def _rota(branch: CareBranch, carers, paired) -> list[tuple[Carer, bool]]:
    ids = _ids(carers)
    paired_ids = set(_ids(paired))
    rows = {c.pk: c for c in Carer.objects.filter(branch=branch, active=True, pk__in=ids)}
    if len(rows) != len(set(ids)):
        raise field_error("carers", _("Choose active carers of the branch."))
    if not paired_ids <= set(ids):
        raise field_error("paired", _("Only carers on the rota are paired with the household."))
    seen, rota = set(), []
    for i in ids:
        if i not in seen:
            seen.add(i)
            rota.append((rows[i], i in paired_ids))
    return rota


def _write_rota(plan: CarePlan, rota: list[tuple[Carer, bool]]) -> None:
    PlanCarer.objects.filter(plan=plan).delete()
    PlanCarer.objects.bulk_create([PlanCarer(plan=plan, carer=c, paired=p) for c, p in rota])


def _snapshot(plan: CarePlan) -> dict:
    """What the audit keeps of a plan (never the health notes)."""
    return {"household": plan.household_id, "branch": plan.branch_id, "needs": list(plan.needs),
            "needs_note": plan.needs_note, "every_days": plan.every_days, "skip_holidays": plan.skip_holidays,
            "review_every_days": plan.review_every_days, "next_review_on": plan.next_review_on,
            "health_notes_changed": False, "state": plan.state}


@transaction.atomic
def plan_create(*, actor: Actor, household, branch, people=(), needs=(), needs_note: str = "",
                health_notes: str = "", every_days=7, skip_holidays: bool = False, review_every_days=90,
                carers=(), paired=(), source_tags=None) -> CarePlan:
    """A care plan for a household of the actor's area (one active plan per household)."""
    node = _household(actor, household)
    require(actor, "care.keep_plans", node)
    row_branch = _branch(actor, branch, node)
    persons = _people(node, people)
    chosen_needs = _needs(needs)
    note = _text(needs_note, "needs_note", 2000)
    health = _text(health_notes, "health_notes", HEALTH_MAX)
    every = _bounded(every_days, "every_days", 1, 90)
    review = _bounded(review_every_days, "review_every_days", 7, 366)
    rota = _rota(row_branch, carers, paired)
    if CarePlan.objects.filter(household=node, state=PlanState.ACTIVE).exists():
        raise field_error("household", _("This household already has an active care plan."))
    tags = open_tags(persons) if source_tags is None else [t for t in source_tags if t in TagKind.values]
    today = timezone.localdate()
    try:
        with transaction.atomic():
            plan = CarePlan.objects.create(
                household=node, branch=row_branch, source_tags=tags, needs=chosen_needs, needs_note=note,
                health_notes=health, every_days=every, skip_holidays=bool(skip_holidays),
                review_every_days=review, next_review_on=today + dt.timedelta(days=review),
                checkin_code=new_code(), created_by=actor if getattr(actor, "pk", None) else None)
    except IntegrityError:
        raise field_error("household", _("This household already has an active care plan.")) from None
    plan.people.set(persons)
    _write_rota(plan, rota)
    after = _snapshot(plan)
    after.update(people=[p.pk for p in persons], carers=[c.pk for c, _p in rota],
                 paired=[c.pk for c, p in rota if p], source_tags=tags, health_notes_changed=bool(health))
    audit.record(actor=actor, action="care.plan.create", obj=plan, after=after)
    return plan


def tagged_households(actor: Actor, *, limit: int = 200) -> list[dict]:
    """Households of the actor's area with living people carrying a care tag and no active plan:
    [{"household": node, "people": [...], "tags": [...]}], in tree order."""
    today = timezone.localdate()
    tags = (PersonTag.objects.filter(kind__in=CARE_TAGS, start_on__lte=today)
            .filter(Q(end_on__isnull=True) | Q(end_on__gte=today)))
    people = (Person.objects.visible_to(actor).filter(tags__in=tags).exclude(
        household__care_plans__state=PlanState.ACTIVE).select_related("household").distinct()
        .order_by("household__path", "pk"))
    found: dict[int, dict] = {}
    for person in people[: limit * 5]:
        entry = found.setdefault(person.household_id, {"household": person.household, "people": [], "tags": []})
        entry["people"].append(person)
    if not found:
        return []
    kinds = {}
    for household_id, kind in tags.filter(person__household_id__in=list(found)).values_list(
            "person__household_id", "kind"):
        kinds.setdefault(household_id, set()).add(kind)
    for household_id, entry in found.items():
        entry["tags"] = [str(k) for k in CARE_TAGS if k in kinds.get(household_id, set())]
    return list(found.values())[:limit]


def default_branch(actor: Actor, household: AreaNode) -> CareBranch | None:
    """The care branch whose area holds the household (the nearest one)."""
    branches = [b for b in CareBranch.objects.visible_to(actor).select_related("area")
                if household.path.startswith(b.area.path)]
    return max(branches, key=lambda b: len(b.area.path), default=None)


def _needs_for(tags: list[str]) -> list[str]:
    needs = [CareNeed.COMPANY]
    if TagKind.ELDERLY_ALONE in tags or TagKind.EMPTY_NEST in tags or TagKind.DISABLED in tags:
        needs += [CareNeed.GROCERIES, CareNeed.CLEANING]
    return [str(n) for n in needs]


@transaction.atomic
def plan_from_tags(*, actor: Actor, household, branch=None) -> CarePlan:
    """Start a plan for a household from its tagged people: the people with an open care tag, the
    tags as `source_tags`, the branch whose area holds the household (or `branch`), weekly visits."""
    node = _household(actor, household)
    require(actor, "care.keep_plans", node)
    today = timezone.localdate()
    people = list(Person.objects.filter(household=node, tags__kind__in=CARE_TAGS, tags__start_on__lte=today)
                  .filter(Q(tags__end_on__isnull=True) | Q(tags__end_on__gte=today)).distinct().order_by("pk"))
    if not people:
        raise field_error("household", _("No one in this household carries a care tag."))
    chosen = branch if branch not in (None, "") else default_branch(actor, node)
    if chosen is None:
        raise field_error("branch", _("No care branch holds this household: set one up first."))
    tags = open_tags(people)
    return plan_create(actor=actor, household=node, branch=chosen, people=people, needs=_needs_for(tags),
                       source_tags=tags)


def _locked_plan(actor: Actor, plan) -> CarePlan:
    return lock_visible(CarePlan, actor=actor, pk=object_id(plan))


@transaction.atomic
def plan_update(*, actor: Actor, plan, people=None, needs=None, needs_note=None, health_notes=None,
                every_days=None, skip_holidays=None, review_every_days=None) -> CarePlan:
    """Change an active plan (None: unchanged). The audit row (the workflow's) never holds the
    health notes, only that they changed."""
    row = _locked_plan(actor, plan)
    changes: dict = {}
    persons = _people(row.household, people) if people is not None else None
    if needs is not None:
        changes["needs"] = _needs(needs)
    if needs_note is not None:
        changes["needs_note"] = _text(needs_note, "needs_note", 2000)
    health = _text(health_notes, "health_notes", HEALTH_MAX) if health_notes is not None else None
    if every_days is not None:
        changes["every_days"] = _bounded(every_days, "every_days", 1, 90)
    if skip_holidays is not None:
        changes["skip_holidays"] = bool(skip_holidays)
    if review_every_days is not None:
        changes["review_every_days"] = _bounded(review_every_days, "review_every_days", 7, 366)
    notes = []
    if persons is not None:
        notes.append("people: " + ",".join(str(p.pk) for p in persons))
    if health is not None and health != row.health_notes:
        notes.append("health notes changed")

    def update(obj: CarePlan):
        fields = ["updated_at"]
        for name, value in changes.items():
            setattr(obj, name, value)
            fields.append(name)
        if persons is not None:
            obj.people.set(persons)
        obj.updated_at = timezone.now()
        return fields

    row = apply_transition(PLAN_WORKFLOW, actor=actor, obj=row, action="update", update=update, locked=True,
                           note="; ".join(notes)[:200])
    if health is not None:
        CarePlan.objects.filter(pk=row.pk).update(health_notes=health)
        row.health_notes = health
    return row


@transaction.atomic
def plan_set_rota(*, actor: Actor, plan, carers, paired=()) -> CarePlan:
    """The plan's rota: carers of its branch, the paired ones (包保) marked."""
    row = _locked_plan(actor, plan)
    rota = _rota(row.branch, carers, paired)
    before = list(PlanCarer.objects.filter(plan=row).values_list("carer_id", "paired"))

    def update(obj: CarePlan):
        _write_rota(obj, rota)
        obj.updated_at = timezone.now()
        return ["updated_at"]

    note = "rota: " + ",".join(f"{c.pk}{'*' if p else ''}" for c, p in rota)
    return apply_transition(PLAN_WORKFLOW, actor=actor, obj=row, action="update", update=update, locked=True,
                            note=f"{note} (before: {','.join(f'{c}{chr(42) if p else chr(32)}'.strip() for c, p in before)})"[:200])


@transaction.atomic
def plan_review(*, actor: Actor, plan, note: str = "", on=None) -> CarePlan:
    """Record the plan's review: reviewed today, next review after `review_every_days`."""
    row = _locked_plan(actor, plan)
    text = _text(note, "note", NOTE_MAX)
    day = on or timezone.localdate()

    def update(obj: CarePlan):
        obj.reviewed_on = day
        obj.next_review_on = day + dt.timedelta(days=obj.review_every_days)
        obj.updated_at = timezone.now()
        return ["reviewed_on", "next_review_on", "updated_at"]

    return apply_transition(PLAN_WORKFLOW, actor=actor, obj=row, action="review", update=update, locked=True,
                            note=text)


@transaction.atomic
def plan_close(*, actor: Actor, plan, reason: str, note: str = "") -> CarePlan:
    """Close the plan (moved away, passed away, no longer needed): its future planned turns are cancelled."""
    row = _locked_plan(actor, plan)
    if reason not in CloseReason.values:
        raise field_error("reason", _("Choose why the plan is closed."))
    text = _text(note, "note", NOTE_MAX)
    today = timezone.localdate()

    def update(obj: CarePlan):
        Turn.objects.filter(plan=obj, state=TurnState.PLANNED, date__gte=today).update(state=TurnState.CANCELLED)
        obj.close_reason, obj.close_note, obj.closed_on = reason, text, today
        obj.updated_at = timezone.now()
        return ["close_reason", "close_note", "closed_on", "updated_at"]

    return apply_transition(PLAN_WORKFLOW, actor=actor, obj=row, action="close", update=update, locked=True,
                            note=f"{reason}: {text}"[:200])


def visible_plan(actor: Actor, plan) -> CarePlan:
    row = CarePlan.objects.visible_to(actor).select_related("household", "branch__organization").filter(
        pk=object_id(plan)).first()
    if row is None:
        raise NotFound()
    return row


@transaction.atomic
def plan_reveal_health(*, actor: Actor, plan, reason: str = "") -> str:
    """The plan's health notes in full, for the plan's people and the community; every reveal is audited."""
    row = visible_plan(actor, plan)
    require(actor, "care.reveal_health", row)
    audit.record(actor=actor, action="care.plan.reveal_health", obj=row, after={"fields": ["health_notes"]},
                 note=(reason or "")[:500])
    return row.health_notes


# --- emergency contacts ---------------------------------------------------------------------------


@transaction.atomic
def contact_add(*, actor: Actor, plan, name: str, relation: str, phone: str, user=None) -> EmergencyContact:
    row = visible_plan(actor, plan)
    require(actor, "care.keep_plans", row)
    who = _text(name, "name", 50)
    if not who:
        raise field_error("name", _("Enter the contact's name."))
    rel = _text(relation, "relation", 30)
    if not rel:
        raise field_error("relation", _("Enter how the contact is related (e.g. 儿子, 邻居)."))
    number = normalise_phone(phone or "")
    if not number or not is_phone(number):
        raise field_error("phone", _("Enter a valid phone number."))
    account = None
    if user not in (None, ""):
        from django.contrib.auth import get_user_model

        account = get_user_model().objects.filter(pk=object_id(user), is_active=True).first()
        if account is None:
            raise field_error("user", _("Choose an active user account."))
    contact = EmergencyContact.objects.create(plan=row, name=who, relation=rel, phone=number, user=account)
    audit.record(actor=actor, action="care.contact.add", obj=contact,
                 after={"plan": row.pk, "name": who, "relation": rel, "phone": mask(PHONE, number),
                        "user": account.pk if account else None})
    return contact


@transaction.atomic
def contact_remove(*, actor: Actor, contact) -> None:
    row = EmergencyContact.objects.visible_to(actor).select_related("plan__household").filter(pk=object_id(contact)).first()
    if row is None:
        raise NotFound()
    require(actor, "care.keep_plans", row.plan)
    audit.record(actor=actor, action="care.contact.remove", obj=row.plan,
                 before={"contact": row.pk, "name": row.name, "relation": row.relation, "phone": row.phone_masked})
    row.delete()


# --- reviews due ----------------------------------------------------------------------------------


def remind_reviews_due(*, actor: Actor) -> int:
    """Tell each branch secretary of their active plans whose review has come, once per plan and
    review date (running again tells no one twice). Returns the number of plans reminded."""
    require(actor, "care.keep_plans")
    from django.contrib.contenttypes.models import ContentType

    today = timezone.localdate()
    content_type = ContentType.objects.get_for_model(CarePlan)
    told = 0
    plans = (CarePlan.objects.filter(state=PlanState.ACTIVE, next_review_on__lte=today,
                                     branch__secretary__isnull=False, branch__secretary__is_active=True)
             .select_related("household", "branch__secretary").order_by("pk"))
    for plan in plans.iterator(chunk_size=500):
        since = dt.datetime.combine(plan.next_review_on, dt.time.min, tzinfo=timezone.get_current_timezone())
        if Notification.objects.filter(kind="care.review_due", content_type=content_type, object_id=str(plan.pk),
                                       created_at__gte=since).exists():
            continue
        with transaction.atomic():
            notify(recipients=[plan.branch.secretary], kind="care.review_due", obj=plan,
                   url=reverse("care:plan-detail", args=[plan.pk]),
                   title=_("The care plan of %(household)s is due for review") % {"household": plan.household.name})
        told += 1
    return told


# --- household care cards -------------------------------------------------------------------------


def _cards_pdf(plans: list[CarePlan], names: dict, contacts: dict) -> bytes:
    import io

    from reportlab.lib.pagesizes import A6
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer

    from gongzhi.core.pdf import paragraph
    from gongzhi.core.pdf import styles as pdf_styles

    s = pdf_styles(size=10, leading=14, title=15)
    code_style = pdf_styles(size=28, leading=34, title=28)["title"]
    story: list = []
    for i, plan in enumerate(plans):
        if i:
            story.append(PageBreak())
        story += [
            paragraph(_("Care card"), s["title"]),
            paragraph(names.get(plan.household_id) or plan.household.name, s["h2"]),
            paragraph(str(plan.branch), s["body"]),
            Spacer(1, 4 * mm),
            paragraph(_("Check-in code"), s["body"]),
            paragraph(plan.checkin_code, code_style),
            Spacer(1, 3 * mm),
            paragraph(_("The visitor enters this code when they come, to show the visit was made at the door."),
                      s["body"]),
        ]
        for c in contacts.get(plan.pk, []):
            story.append(paragraph(f"{c.name}（{c.relation}）{c.phone_masked}", s["body"]))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A6, leftMargin=8 * mm, rightMargin=8 * mm, topMargin=8 * mm,
                            bottomMargin=8 * mm, title=str(_("Care cards")))
    doc.build(story or [paragraph(_("No active care plans."), s["body"])])
    return buffer.getvalue()


@transaction.atomic
def cards_print(*, actor: Actor, branch) -> bytes:
    """The care cards (one A6 page per active plan of the branch, with its check-in code) as PDF
    bytes; each printing is audited."""
    from gongzhi.areas.selectors import addresses

    row = CareBranch.objects.visible_to(actor).select_related("organization", "area").filter(pk=object_id(branch)).first()
    if row is None:
        raise NotFound()
    require(actor, "care.keep_plans", row)
    plans = list(CarePlan.objects.filter(branch=row, state=PlanState.ACTIVE).select_related("household", "branch__organization")
                 .order_by("household__path", "pk"))
    contacts: dict = {}
    for c in EmergencyContact.objects.filter(plan__in=plans).order_by("pk"):
        contacts.setdefault(c.plan_id, []).append(c)
    data = _cards_pdf(plans, addresses([p.household for p in plans]), contacts)
    audit.record(actor=actor, action="care.card.print", obj=row, after={"plans": [p.pk for p in plans]})
    return data
