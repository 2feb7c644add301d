"""Disputes (矛盾纠纷): the parties, mediation sessions and the dispute's stages (mediation →
collective mediation at the 议事站 → the judicial office, `workflow.DISPUTE_WORKFLOW`), by whoever
holds the case (the gate's "cases.mediate"). Audited on the case, under "cases.dispute.*"."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import audit, pii, scope
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, InvalidInput
from gongzhi.core.permissions import require

from .. import permissions, selectors
from ..models import (
    TERMINAL_STATES,
    Case,
    Dispute,
    DisputeOutcome,
    DisputeParty,
    DisputeStage,
    Kind,
    MediationSession,
    MediatorKind,
    PartyRole,
)
from ..workflow import DISPUTE_STAGES, DISPUTE_WORKFLOW
from .events import event, lock, required_text


def _lock_dispute(actor: Actor, case: Case) -> tuple[Case, Dispute]:
    case = lock(actor, case)
    if case.kind != Kind.DISPUTE:
        raise InvalidInput(_("This case is not a dispute."), fields={"kind": [_("Not a dispute.")]})
    require(actor, "cases.mediate", case)
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
            entry = {"name": str(person), "kind": permissions.mediator_kind(person), "user_id": person.pk}
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
    name = required_text(name, "name", _("Give the party's name."))[:50]
    phone = pii.normalise_phone(phone)
    if phone and not pii.is_phone(phone):
        message = _("The phone number is not valid.")
        raise InvalidInput(message, fields={"phone": [message]})
    if household is not None and (household.kind != AreaKind.HOUSEHOLD or not scope.covers_path(actor, household.path)):
        message = _("Choose a household.")
        raise InvalidInput(message, fields={"household_id": [message]})
    party = DisputeParty.objects.create(dispute=dispute, role=role, name=name, phone=phone, household=household)
    event(case, actor, "dispute_party", from_state=case.state, params={"role": role, "name": pii.mask_name(name)})
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
    summary = required_text(summary, "summary", _("Summarise the session."))
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
    event(case, actor, "mediation", from_state=case.state, note=summary,
          params={"stage": dispute.stage, "outcome": outcome, "mediators": len(mediators)})
    audit.record(actor=actor, action="cases.dispute.session", obj=case, area_path=case.area_path,
                 after={"stage": dispute.stage, "outcome": outcome})
    return session


@transaction.atomic
def dispute_escalate(*, actor: Actor, case: Case, stage: str, reason: str) -> Dispute:
    """What the grid cannot settle goes to collective mediation at the 议事站, then to the judicial
    office: the stage moves by the table of `DISPUTE_WORKFLOW`, never back."""
    case, dispute = _lock_dispute(actor, case)
    if stage not in DisputeStage.values or DISPUTE_STAGES.index(stage) <= DISPUTE_STAGES.index(dispute.stage):
        message = _("A dispute moves on to collective mediation, then to the judicial office.")
        raise InvalidInput(message, fields={"stage": [message]})
    reason = required_text(reason, "reason", _("Say why the dispute moves on."))
    before = dispute.stage
    dispute.stage = DISPUTE_WORKFLOW.target("escalate", before, stage)
    dispute.outcome = DisputeOutcome.PENDING
    dispute.save(update_fields=["stage", "outcome"])
    event(case, actor, "dispute_escalate", from_state=case.state, note=reason, params={"from": before, "to": stage})
    audit.record(actor=actor, action="cases.dispute.escalate", obj=case, area_path=case.area_path,
                 before={"stage": before}, after={"stage": stage}, note=reason)
    return dispute
