"""Mobilisation (吹哨报到): staff or a grid worker whistle for a community, grid, building or entrance
unit; the call reaches — once per user account — the active volunteers serving there and the party
members living there, in the inbox and through the notification adapters. Those reached answer
"报到" (on the way) or "cannot come" from their phone, and arrive (by themselves at the place, or
checked in by the caller); an arrival earns the "mobilisation" earning rule's points once. A closed
call takes no more answers.

Who was reached is worked out from the registry when the call is made (the count is kept on the
call) and again, for one person, when they answer: a call reaches whoever serves or lives there."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import audit, permissions
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, InvalidInput, NotFound
from gongzhi.core.notifications import notify
from gongzhi.core.workflow import apply_transition, lock_visible
from gongzhi.party.models import PartyMember
from gongzhi.points import services as points
from gongzhi.residents.models import Person, PersonStatus

from ..models import (
    Mobilisation,
    MobilisationResponse,
    MobilisationState,
    ResponseState,
    Volunteer,
    VolunteerStatus,
)
from ..workflow_mobilisation import MOBILISATION_WORKFLOW
from .accounts import volunteer_account

User = get_user_model()

CALLED_KINDS = (AreaKind.COMMUNITY, AreaKind.GRID, AreaKind.BUILDING, AreaKind.UNIT)
EARNING_KEY = "mobilisation"
ANSWERS = (ResponseState.REPORTED, ResponseState.DECLINED, ResponseState.ARRIVED)


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("This field is required."), fields={field: [_("This field is required.")]})
    if len(value) > limit:
        message = _("At most %(n)d characters.") % {"n": limit}
        raise InvalidInput(message, fields={field: [message]})
    return value


def _volunteers_q(node: AreaNode) -> Q:
    return Q(status=VolunteerStatus.ACTIVE, user__isnull=False, user__is_active=True, area__path__startswith=node.path)


def audience(node: AreaNode) -> dict[int, Volunteer | None]:
    """The user accounts a call to `node` reaches, each once: user id → their volunteer (None for a
    party member who does not volunteer)."""
    reached: dict[int, Volunteer | None] = {}
    for v in Volunteer.objects.filter(_volunteers_q(node)).select_related("area"):
        reached[v.user_id] = v
    living = Person.objects.filter(status=PersonStatus.LIVING, household__path__startswith=node.path).filter(
        Q(is_party_member=True) | Q(party_member__isnull=False))
    ids = set(living.filter(user__isnull=False, user__is_active=True).values_list("user_id", flat=True))
    ids |= set(living.filter(party_member__user__isnull=False, party_member__user__is_active=True)
               .values_list("party_member__user_id", flat=True))
    if node.kind == AreaKind.COMMUNITY:
        ids |= set(PartyMember.objects.filter(home_community=node, user__isnull=False, user__is_active=True)
                   .values_list("user_id", flat=True))
    by_user = {v.user_id: v for v in Volunteer.objects.filter(user_id__in=ids - set(reached),
                                                              status=VolunteerStatus.ACTIVE)}
    for user_id in ids:
        reached.setdefault(user_id, by_user.get(user_id))
    return reached


def reaches(mobilisation: Mobilisation, user) -> bool:
    """Whether the call reaches this user account (volunteer serving there, party member living there)."""
    if not getattr(user, "is_authenticated", False):
        return False
    node = mobilisation.area
    if Volunteer.objects.filter(_volunteers_q(node), user=user).exists():
        return True
    living = Person.objects.filter(status=PersonStatus.LIVING, household__path__startswith=node.path).filter(
        Q(is_party_member=True) | Q(party_member__isnull=False))
    if living.filter(Q(user=user) | Q(party_member__user=user)).exists():
        return True
    return node.kind == AreaKind.COMMUNITY and PartyMember.objects.filter(home_community=node, user=user).exists()


def _url(mobilisation: Mobilisation) -> str:
    return reverse("volunteers:whistle", kwargs={"mobilisation_id": mobilisation.pk})


@transaction.atomic
def mobilisation_call(*, actor: Actor, node: AreaNode, title: str, place: str, needed: int, detail: str = "") -> Mobilisation:
    """Whistle for `node` (a community, grid, building or entrance unit): what is needed, where to
    come, how many. Everyone it reaches is told after commit; the count is kept on the call."""
    permissions.require(actor, "volunteers.mobilise", node)
    if node.kind not in CALLED_KINDS:
        message = _("Whistle for a community, a grid, a building or an entrance unit.")
        raise InvalidInput(message, fields={"node": [message]})
    title = _text(title, "title", 100)
    place = _text(place, "place", 200)
    detail = _text(detail, "detail", 2000, required=False)
    if isinstance(needed, bool) or not isinstance(needed, int) or needed < 1 or needed > 10000:
        message = _("Between 1 and 10000 people.")
        raise InvalidInput(message, fields={"needed": [message]})
    reached = audience(node)
    mobilisation = Mobilisation.objects.create(title=title, detail=detail, area=node, place=place, needed=needed,
                                               called_by=actor_user(actor), reached=len(reached))
    audit.record(actor=actor, action="volunteers.mobilisation.call", obj=mobilisation,
                 after={"title": title, "area": node.pk, "level": node.kind, "place": place, "needed": needed,
                        "reached": len(reached)})
    user_ids = sorted(reached)

    def tell() -> None:
        notify(recipients=User.objects.filter(pk__in=user_ids, is_active=True), kind="volunteers.whistle",
               obj=mobilisation, url=_url(mobilisation),
               title=_("Whistle: %(title)s") % {"title": title},
               body=_("Come to %(place)s; %(needed)d people needed. Answer on the page.") % {"place": place,
                                                                                          "needed": needed})

    transaction.on_commit(tell)
    return mobilisation


def _lock_reached(actor: Actor, pk: Any) -> Mobilisation:
    """The call locked, if it reached the actor or the actor sees it by scope; else NotFound."""
    locked = Mobilisation.objects.select_for_update().filter(pk=pk).select_related("area").first()
    if locked is None:
        raise NotFound()
    if reaches(locked, actor) or Mobilisation.objects.visible_to(actor).filter(pk=pk).exists():
        return locked
    raise NotFound()


def _earn(*, actor: Actor, mobilisation: Mobilisation, volunteer: Volunteer | None) -> None:
    if volunteer is None:
        return
    account = volunteer_account(actor=actor, volunteer=volunteer)
    points.earn(actor=actor, account=account, key=EARNING_KEY,
                source=f"mobilisation:{mobilisation.pk}:volunteer:{volunteer.pk}",
                reason=(_("Arrived at a whistle: %(title)s") % {"title": mobilisation.title})[:150],
                on=timezone.localdate(mobilisation.called_at))


def _respond(*, actor: Actor, mobilisation: Mobilisation, user, answer: str) -> MobilisationResponse:
    if mobilisation.state != MobilisationState.OPEN:
        raise Conflict(_("This call is closed: it takes no more answers."), code="mobilisation_closed")
    now = timezone.now()
    volunteer = Volunteer.objects.filter(user=user).first()
    row = MobilisationResponse.objects.select_for_update().filter(mobilisation=mobilisation, user=user).first()
    before = {"state": row.state, "arrived_at": row.arrived_at} if row else {}
    if row is None:
        row = MobilisationResponse(mobilisation=mobilisation, user=user, volunteer=volunteer, answered_at=now,
                                   level=mobilisation.area.kind)
    row.state = answer
    if answer == ResponseState.ARRIVED and row.arrived_at is None:
        row.arrived_at = now
    if answer != ResponseState.ARRIVED:
        row.arrived_at = None
    row.save()
    action = "volunteers.mobilisation.arrive" if answer == ResponseState.ARRIVED else "volunteers.mobilisation.answer"
    audit.record(actor=actor, action=action, obj=mobilisation, before=before,
                 after={"user": user.pk, "state": answer, "level": row.level})
    if answer == ResponseState.ARRIVED:
        _earn(actor=actor, mobilisation=mobilisation, volunteer=row.volunteer or volunteer)
    return row


@transaction.atomic
def mobilisation_answer(*, actor: Actor, mobilisation: Mobilisation | int, answer: str) -> MobilisationResponse:
    """One's own answer to a call that reached one: "reported" (报到, on the way), "declined", or
    "arrived" at the place. Answering again changes the answer; a closed call refuses."""
    permissions.require(actor, "volunteers.answer")
    if answer not in ANSWERS:
        message = _("Answer on the way, cannot come or arrived.")
        raise InvalidInput(message, fields={"answer": [message]})
    pk = mobilisation.pk if isinstance(mobilisation, Mobilisation) else mobilisation
    locked = _lock_reached(actor, pk)
    if not reaches(locked, actor):
        raise Conflict(_("This call did not reach you."), code="mobilisation_not_reached")
    return _respond(actor=actor, mobilisation=locked, user=actor_user(actor), answer=answer)


@transaction.atomic
def mobilisation_check_in(*, actor: Actor, mobilisation: Mobilisation | int, user) -> MobilisationResponse:
    """The caller (staff of the area) checks in someone the call reached who has arrived."""
    pk = mobilisation.pk if isinstance(mobilisation, Mobilisation) else mobilisation
    locked = lock_visible(Mobilisation, actor=actor, pk=pk)
    permissions.require(actor, "volunteers.mobilise", locked)
    if user is None or not reaches(locked, user):
        message = _("Check in someone this call reached.")
        raise InvalidInput(message, fields={"user": [message]})
    return _respond(actor=actor, mobilisation=locked, user=user, answer=ResponseState.ARRIVED)


def mobilisation_close(*, actor: Actor, mobilisation: Mobilisation | int, note: str = "") -> Mobilisation:
    """Close the call (with a note: how it ended); no answers after."""
    note = _text(note, "note", 500, required=False)

    def update(row: Mobilisation) -> list[str]:
        row.closed_at = timezone.now()
        return ["closed_at"]

    return apply_transition(MOBILISATION_WORKFLOW, actor=actor, obj=mobilisation, action="close", update=update,
                            note=note)
