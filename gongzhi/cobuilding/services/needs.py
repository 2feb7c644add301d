"""The needs list (需求清单) and its claims (认领).

A need is raised by staff and grid workers (also from a case, a hot issue or a door visit), or
by a resident as a wish (微心愿) for their own household. A member reported in to the need's
community, or a unit reported in there (its liaison), claims it, optionally with one of their
resources and an amount (capacity taken by a conditional UPDATE); the claim runs on the locked
row through the declared workflow, so two claims at once give one claimant. The claimant reports
it done, the beneficiary (or staff on their behalf when they have no account) confirms or says
it is not met yet."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.cases.models import Case
from gongzhi.core import audit, scope
from gongzhi.core.actors import Actor
from gongzhi.core.errors import Forbidden, InvalidInput, NotFound
from gongzhi.core.notifications import notify
from gongzhi.core.permissions import can, require
from gongzhi.core.workflow import apply_transition, lock_visible
from gongzhi.residents.models import Person, Visit
from gongzhi.residents.selectors import own_households

from ..models import (
    Category,
    MemberReport,
    Need,
    NeedSource,
    NeedState,
    ReportInState,
    Resource,
    UnitReport,
    UnitReportState,
    Urgency,
)
from ..workflow_needs import NEED_WORKFLOW
from .resources import give_back_capacity, take_capacity

TITLE_MAX = Need._meta.get_field("title").max_length
NOTE_MAX = 300
NEED_KINDS = (AreaKind.COMMUNITY, AreaKind.GRID, AreaKind.BUILDING, AreaKind.UNIT, AreaKind.HOUSEHOLD)
MAX_BENEFICIARIES = 100_000


def _field_error(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _id(value) -> int | None:
    if value in (None, ""):
        return None
    if hasattr(value, "pk"):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def community_of(node: AreaNode) -> AreaNode | None:
    if node.kind == AreaKind.COMMUNITY:
        return node
    steplen = AreaNode.steplen
    return AreaNode.objects.filter(kind=AreaKind.COMMUNITY,
                                   path__in=[node.path[: d * steplen] for d in range(1, node.depth)]).first()


def _need_fields(*, area, category, title, description, urgency, beneficiaries, beneficiary_count) -> dict:
    problems: dict[str, list[str]] = {}
    node = AreaNode.objects.filter(pk=_id(area), is_active=True).first()
    community = community_of(node) if node is not None and node.kind in NEED_KINDS else None
    if community is None:
        problems["area"] = [_("Choose the community, grid, building or household the need is for.")]
    cat = Category.objects.filter(pk=_id(category), is_active=True).first()
    if cat is None:
        problems["category"] = [_("Choose a category.")]
    title = (title or "").strip()
    if not title:
        problems["title"] = [_("Say in a few words what is needed.")]
    elif len(title) > TITLE_MAX:
        problems["title"] = [_("At most %(count)d characters.") % {"count": TITLE_MAX}]
    if urgency not in Urgency.values:
        problems["urgency"] = [_("Choose how urgent it is.")]
    count = beneficiary_count
    if isinstance(count, (bool, float)):
        count = None
    try:
        count = int(str(count).strip()) if count not in (None, "") else 1
    except ValueError:
        count = None
    if count is None or count < 1 or count > MAX_BENEFICIARIES:
        problems["beneficiary_count"] = [_("A whole number, at least 1.")]
    if problems:
        raise InvalidInput(next(iter(problems.values()))[0], fields=problems)
    return {"area": node, "community_path": community.path, "category": cat, "title": title,
            "description": (description or "").strip()[:4000], "urgency": urgency,
            "beneficiaries": (beneficiaries or "").strip()[:200], "beneficiary_count": count,
            "latitude": node.latitude, "longitude": node.longitude}


def _record_raise(actor: Actor, need: Need) -> None:
    audit.record(actor=actor, action="cobuilding.need.raise", obj=need,
                 after={"title": need.title, "area": need.area_id, "category": need.category_id, "source": need.source,
                        "urgency": need.urgency, "case": need.case_id, "visit": need.visit_id})


@transaction.atomic
def need_raise(*, actor: Actor, area, category, title: str, description: str = "", urgency: str = Urgency.NORMAL,
               beneficiaries: str = "", beneficiary_count=1, beneficiary_person=None, case=None,
               visit=None) -> Need:
    """Raise a need for an area of one's scope (staff and grid workers), from scratch, from a case
    (or a hot issue's case) or from a door visit."""
    values = _need_fields(area=area, category=category, title=title, description=description, urgency=urgency,
                          beneficiaries=beneficiaries, beneficiary_count=beneficiary_count)
    node = values["area"]
    if not scope.covers_path(actor, node.path):
        raise _field_error("area", _("Choose an area of your own."))
    require(actor, "cobuilding.raise_need", node)
    source = NeedSource.STAFF
    extra: dict = {}
    if _id(case) is not None:
        row = Case.objects.visible_to(actor).filter(pk=_id(case)).first()
        if row is None:
            raise _field_error("case", _("No such case."))
        extra["case"], source = row, NeedSource.CASE
    if _id(visit) is not None:
        row = Visit.objects.visible_to(actor).filter(pk=_id(visit)).first()
        if row is None:
            raise _field_error("visit", _("No such door visit."))
        extra["visit"], source = row, NeedSource.VISIT
    if _id(beneficiary_person) is not None:
        person = Person.objects.visible_to(actor).filter(pk=_id(beneficiary_person)).first()
        if person is None:
            raise _field_error("beneficiary_person", _("No such resident."))
        extra["beneficiary_person"] = person
        if person.user_id:
            extra["beneficiary_user"] = person.user
    need = Need.objects.create(source=source, raised_by=actor if getattr(actor, "pk", None) else None, **values, **extra)
    _record_raise(actor, need)
    return need


def may_change(actor: Actor, need: Need) -> bool:
    """Staff of its area, or whoever raised it, while it is open."""
    if need.state != NeedState.OPEN:
        return False
    return need.raised_by_id == getattr(actor, "pk", None) or can(actor, "cobuilding.raise_need", need)


@transaction.atomic
def need_update(*, actor: Actor, need: Need | int, area, category, title: str, description: str = "",
                urgency: str = Urgency.NORMAL, beneficiaries: str = "", beneficiary_count=1) -> Need:
    """Correct an open need (staff of its area or whoever raised it); once claimed it stays as claimed."""
    row = lock_visible(Need, actor=actor, pk=_id(need))
    if row.state != NeedState.OPEN:
        raise _field_error("title", _("Only an open need is changed; this one is “%(state)s”.")
                           % {"state": row.get_state_display()})
    if not may_change(actor, row):
        raise Forbidden(_("Only the area's staff or whoever raised it change a need."))
    values = _need_fields(area=area, category=category, title=title, description=description, urgency=urgency,
                          beneficiaries=beneficiaries, beneficiary_count=beneficiary_count)
    node = values["area"]
    if node.pk != row.area_id:
        # staff move it within its community and their scope; whoever raised a wish keeps its place
        if not (can(actor, "cobuilding.raise_need", node) and scope.covers_path(actor, node.path)
                and values["community_path"] == row.community_path):
            raise _field_error("area", _("Choose an area of your own in the same community."))
    before = audit.snapshot(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.save(update_fields=sorted(values))
    old, new = audit.diff(before, audit.snapshot(row))
    audit.record(actor=actor, action="cobuilding.need.update", obj=row, before=old, after=new)
    return row


@transaction.atomic
def wish_raise(*, actor: Actor, household, category, title: str, description: str = "",
               urgency: str = Urgency.NORMAL) -> Need:
    """A resident's wish (微心愿) for their own household: they benefit and confirm it."""
    require(actor, "cobuilding.wish")
    own = {h.pk: h for h in own_households(user=actor)}
    chosen = _id(household) if household not in (None, "") else (next(iter(own)) if len(own) == 1 else None)
    if chosen not in own:
        raise _field_error("household", _("Choose your own household."))
    values = _need_fields(area=chosen, category=category, title=title, description=description, urgency=urgency,
                          beneficiaries="", beneficiary_count=1)
    person = Person.objects.filter(user=actor, household_id=chosen).first()
    values["beneficiaries"] = person.name if person else ""
    need = Need.objects.create(source=NeedSource.WISH, raised_by=actor, beneficiary_user=actor,
                               beneficiary_person=person, **values)
    _record_raise(actor, need)
    return need


# --- claims ---------------------------------------------------------------------------------------


def claimant_options(*, user, need: Need) -> dict:
    """The registrations `user` may claim `need` with: their active member report of its community,
    their unit's active report there."""
    member = MemberReport.objects.filter(member__user=user, state=ReportInState.ACTIVE,
                                         community__path=need.community_path).first() if getattr(user, "pk", None) else None
    unit = None
    if getattr(user, "unit_id", None):
        unit = UnitReport.objects.filter(unit_id=user.unit_id, state=UnitReportState.ACTIVE,
                                         community__path=need.community_path).first()
    return {"member": member, "unit": unit}


def _is_keeper(actor: Actor, need: Need) -> bool:
    return can(actor, "cobuilding.keep_registrations", need.area)


def is_claimant(actor: Actor, need: Need) -> bool:
    if need.claimed_member_id:
        return need.claimed_member.member.user_id == getattr(actor, "pk", None)
    if need.claimed_unit_id:
        return bool(getattr(actor, "unit_id", None)) and need.claimed_unit.unit_id == actor.unit_id
    return False


def confirms_on_behalf(need: Need) -> bool:
    """No beneficiary account: the community's staff confirm for the beneficiary."""
    return need.beneficiary_user_id is None


def _users_of(need: Need) -> list:
    User = get_user_model()
    if need.claimed_member_id:
        return [need.claimed_member.member.user] if need.claimed_member.member.user_id else []
    if need.claimed_unit_id:
        return list(User.objects.filter(unit_id=need.claimed_unit.unit_id, is_active=True))
    return []


def _tell(kind: str, title: str, recipients_of):
    def send(need: Need) -> None:
        notify(recipients=recipients_of(need), title=title % {"title": need.title},
               url=reverse("cobuilding:need-detail", kwargs={"need_id": need.pk}), obj=need, kind=kind)
    return send


def _raiser_and_beneficiary(need: Need) -> list:
    return [u for u in (need.beneficiary_user, need.raised_by) if u is not None]


@transaction.atomic
def need_claim(*, actor: Actor, need: Need | int, resource: Resource | int | None = None, amount=None,
               as_unit: bool = False) -> Need:
    """Claim an open need: a member reported in to its community, or a unit's liaison for their
    unit reported in there (`as_unit`, or when they are not a reported member themselves),
    optionally with one of their resources and an amount of it. The community's staff may claim
    for the provider of a resource ("use this resource"). Refused beside the field: a resource not
    theirs, more than is left; a need already claimed is a conflict."""
    row = Need.objects.select_for_update().filter(pk=_id(need)).first()
    if row is None:
        raise NotFound()
    options = claimant_options(user=actor, need=row)
    # A need claimed by someone else is out of sight, but one reported in to its community is told
    # it is taken (409), not that it does not exist.
    if not (options["member"] or options["unit"]) and not Need.objects.visible_to(actor).filter(pk=row.pk).exists():
        raise NotFound()
    require(actor, "cobuilding.claim")
    res = None
    if _id(resource) is not None:
        res = Resource.objects.select_related("unit_report", "member_report").filter(
            pk=_id(resource), is_active=True, community__path=row.community_path).first()
        if res is None:
            raise _field_error("resource", _("Choose a resource offered in the need's community."))
    claim = {"claimed_member": None, "claimed_unit": None}
    if res is not None and _is_keeper(actor, row) and not (options["member"] or options["unit"]):
        claim = {"claimed_member": res.member_report, "claimed_unit": res.unit_report}
    elif options["unit"] is not None and (as_unit or options["member"] is None):
        claim["claimed_unit"] = options["unit"]
    elif options["member"] is not None:
        claim["claimed_member"] = options["member"]
    else:
        raise Forbidden(_("Only a member or a unit reported in to the need's community claims it."))
    if res is not None and not ((claim["claimed_unit"] and res.unit_report_id == claim["claimed_unit"].pk)
                                or (claim["claimed_member"] and res.member_report_id == claim["claimed_member"].pk)):
        raise _field_error("resource", _("Choose one of your own resources."))
    used = 0
    if res is not None:
        try:
            used = int(str(amount).strip()) if amount not in (None, "") else 1
        except ValueError:
            used = 0
        if isinstance(amount, (bool, float)) or used < 1:
            raise _field_error("amount", _("A whole number, at least 1."))
    elif amount not in (None, "", 0):
        raise _field_error("resource", _("Choose the resource the amount is taken from."))

    def update(obj: Need):
        if res is not None and not take_capacity(res, used):
            res.refresh_from_db(fields=["capacity", "used"])
            raise _field_error("amount", _("Only %(left)d %(unit)s left.") % {"left": res.remaining,
                                                                                 "unit": res.capacity_unit})
        obj.claimed_member, obj.claimed_unit = claim["claimed_member"], claim["claimed_unit"]
        obj.resource, obj.resource_amount = res, used
        obj.claimed_at = timezone.now()
        return ["claimed_member", "claimed_unit", "resource", "resource_amount", "claimed_at"]

    return apply_transition(NEED_WORKFLOW, actor=actor, obj=row, action="claim", update=update, locked=True,
                            notify=_tell("cobuilding.need_claimed", _("Your need “%(title)s” was claimed"),
                                         _raiser_and_beneficiary))


def _locked(actor: Actor, need) -> Need:
    return lock_visible(Need, actor=actor, pk=_id(need))


@transaction.atomic
def need_release(*, actor: Actor, need: Need | int, note: str = "") -> Need:
    """The claimant (or staff) gives the need back: open again, the resource's capacity back."""
    row = _locked(actor, need)
    if not (is_claimant(actor, row) or _is_keeper(actor, row)):
        raise Forbidden(_("Only the claimant or the community's staff give a need back."))

    def update(obj: Need):
        if obj.resource_id:
            give_back_capacity(obj.resource_id, obj.resource_amount)
        obj.claimed_member = obj.claimed_unit = obj.resource = None
        obj.resource_amount, obj.claimed_at = 0, None
        return ["claimed_member", "claimed_unit", "resource", "resource_amount", "claimed_at"]

    return apply_transition(NEED_WORKFLOW, actor=actor, obj=row, action="release", update=update, locked=True,
                            note=(note or "")[:200])


@transaction.atomic
def need_complete(*, actor: Actor, need: Need | int, note: str = "") -> Need:
    """The claimant reports it done: the beneficiary is asked to confirm."""
    row = _locked(actor, need)
    if not (is_claimant(actor, row) or _is_keeper(actor, row)):
        raise Forbidden(_("Only the claimant reports the need done."))
    text = (note or "").strip()
    if len(text) > NOTE_MAX:
        raise _field_error("note", _("At most %(count)d characters.") % {"count": NOTE_MAX})

    def update(obj: Need):
        obj.done_at, obj.done_note = timezone.now(), text
        return ["done_at", "done_note"]

    return apply_transition(NEED_WORKFLOW, actor=actor, obj=row, action="complete", update=update, locked=True,
                            notify=_tell("cobuilding.need_done", _("“%(title)s” is done: please confirm"),
                                         _raiser_and_beneficiary))


def may_confirm(actor: Actor, need: Need) -> bool:
    if need.beneficiary_user_id:
        return need.beneficiary_user_id == getattr(actor, "pk", None)
    return _is_keeper(actor, need)


def _judge(actor: Actor, need, action: str, note: str) -> Need:
    row = _locked(actor, need)
    if not may_confirm(actor, row):
        raise Forbidden(_("Only the beneficiary (or the community's staff on their behalf) confirms a need."))
    text = (note or "").strip()
    if len(text) > NOTE_MAX:
        raise _field_error("note", _("At most %(count)d characters.") % {"count": NOTE_MAX})

    def update(obj: Need):
        obj.confirmation_note = text
        if action == "confirm":
            obj.confirmed_at = timezone.now()
            return ["confirmation_note", "confirmed_at"]
        obj.done_at = None
        return ["confirmation_note", "done_at"]

    return apply_transition(NEED_WORKFLOW, actor=actor, obj=row, action=action, update=update, locked=True,
                            note=text[:200],
                            notify=_tell("cobuilding.need_confirmed" if action == "confirm" else "cobuilding.need_done",
                                         _("“%(title)s” was confirmed as met") if action == "confirm"
                                         else _("“%(title)s” is not met yet"), _users_of))


def need_confirm(*, actor: Actor, need: Need | int, note: str = "") -> Need:
    """The beneficiary confirms it was met (or staff for a beneficiary without an account)."""
    with transaction.atomic():
        return _judge(actor, need, "confirm", note)


def need_dispute(*, actor: Actor, need: Need | int, note: str = "") -> Need:
    """The beneficiary says it is not met yet: back to the claimant."""
    with transaction.atomic():
        return _judge(actor, need, "dispute", note)


@transaction.atomic
def need_withdraw(*, actor: Actor, need: Need | int, note: str = "") -> Need:
    """Whoever raised it, or the area's staff, withdraw an open need."""
    row = _locked(actor, need)
    if not (row.raised_by_id == getattr(actor, "pk", None) or can(actor, "cobuilding.raise_need", row.area)):
        raise Forbidden(_("Only whoever raised the need or the area's staff withdraw it."))
    return apply_transition(NEED_WORKFLOW, actor=actor, obj=row, action="withdraw", locked=True,
                            note=(note or "")[:200])


def need_for_claim(*, actor: Actor, pk) -> Need:
    """The need as the claim page and API see it: visible to the actor, or of a community they are
    reported in to (a need someone else claimed answers "already claimed", not 404)."""
    need = Need.objects.select_related("area", "category").filter(pk=_id(pk)).first()
    if need is None:
        raise NotFound()
    options = claimant_options(user=actor, need=need)
    if not (options["member"] or options["unit"]) and not Need.objects.visible_to(actor).filter(pk=need.pk).exists():
        raise NotFound()
    return need
