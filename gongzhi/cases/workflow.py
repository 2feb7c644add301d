"""The state machine of the case pipeline (DESIGN §4), declared once and pure: which action leads
from which state to which. Who may take each action is the gate's (`permissions.py`, action
"cases.<action>"); `gongzhi.core.workflow.apply_transition` is the only code that moves a case.
The tests walk the table. Nothing in this module touches the database.

    submitted ─accept─▶ accepted ─dispatch─▶ dispatched ─claim─▶ in_progress ─resolve─▶ verifying | awaiting_rating
    verifying ─verify_pass─▶ awaiting_rating ─rate─▶ closed | reopened ─reopen─▶ in_progress (once)
    verifying ─verify_fail─▶ in_progress; dispatched/in_progress ─return─▶ accepted (the dispatcher)
    dispatched/in_progress ─escalate─▶ dispatched (the next level); submitted/accepted ─reject/merge─▶ rejected/merged

Disputes (矛盾纠纷) move through their own stages: mediation ─▶ collective mediation (议事站) ─▶
the judicial office (`DISPUTE_WORKFLOW`).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core.permissions import can, rule
from gongzhi.core.workflow import SAME, Transition, Workflow, bind

from .models import Case, Dispute, DisputeStage, State

S = State
OPEN_WORK = (S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.REOPENED)

TRANSITIONS: tuple[Transition, ...] = (
    Transition("accept", _("Accept"), (S.SUBMITTED,), (S.ACCEPTED,)),
    Transition("reject", _("Reject"), (S.SUBMITTED, S.ACCEPTED), (S.REJECTED,)),
    Transition("merge", _("Merge into another case"), (S.SUBMITTED, S.ACCEPTED), (S.MERGED,)),
    Transition("recategorise", _("Change the matter"), (S.SUBMITTED, S.ACCEPTED), (SAME,)),
    Transition("dispatch", _("Dispatch"), (S.ACCEPTED, S.DISPATCHED), (S.DISPATCHED,)),
    Transition("claim", _("Claim"), (S.DISPATCHED,), (S.IN_PROGRESS,)),
    Transition("return", _("Return to the dispatcher"), (S.DISPATCHED, S.IN_PROGRESS), (S.ACCEPTED,)),
    Transition("escalate", _("Escalate"), (S.DISPATCHED, S.IN_PROGRESS), (S.DISPATCHED,)),
    Transition("whistle", _("Call departments (whistle)"), (S.IN_PROGRESS,), (SAME,)),
    Transition("acknowledge", _("Report in"), (S.IN_PROGRESS, S.VERIFYING), (SAME,)),
    Transition("report_part", _("Report on the department's part"), (S.IN_PROGRESS,), (SAME,)),
    Transition("contact", _("Record contact with the requester"), OPEN_WORK, (SAME,)),
    Transition("note", _("Add a note"), (S.SUBMITTED, *OPEN_WORK, S.VERIFYING, S.AWAITING_RATING), (SAME,)),
    Transition("request_extension", _("Ask for more time"), (S.IN_PROGRESS,), (SAME,)),
    Transition("approve_extension", _("Approve more time"), (S.IN_PROGRESS,), (SAME,)),
    Transition("resolve", _("Resolve"), (S.IN_PROGRESS,), (S.VERIFYING, S.AWAITING_RATING)),
    Transition("verify_pass", _("Verification passed"), (S.VERIFYING,), (S.AWAITING_RATING,)),
    Transition("verify_fail", _("Verification failed"), (S.VERIFYING,), (S.IN_PROGRESS,)),
    Transition("rate", _("Rate"), (S.AWAITING_RATING,), (S.CLOSED, S.REOPENED)),
    # Staff call the requester back (回访) and record the rating they give on the phone or at the door.
    Transition("callback", _("Record a callback"), (S.AWAITING_RATING,), (S.CLOSED, S.REOPENED),
               permission="cases.record_callback"),
    Transition("reopen", _("Take up again"), (S.REOPENED,), (S.IN_PROGRESS,)),
    Transition("auto_close", _("Closed without a rating"), (S.AWAITING_RATING,), (S.CLOSED,)),
)

CASE_WORKFLOW = bind(Workflow(name="cases.case", transitions=TRANSITIONS), Case)

BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
STATES: frozenset[str] = frozenset(State.values)

DISPUTE_WORKFLOW = bind(
    Workflow(
        name="cases.dispute",
        state_field="stage",
        transitions=(
            Transition("escalate", _("Move the dispute on"),
                       (DisputeStage.MEDIATION, DisputeStage.COLLECTIVE),
                       (DisputeStage.COLLECTIVE, DisputeStage.JUDICIAL), permission="cases.mediate"),
        ),
    ),
    Dispute,
)
# The order a dispute moves in (it never moves back).
DISPUTE_STAGES = (DisputeStage.MEDIATION, DisputeStage.COLLECTIVE, DisputeStage.JUDICIAL)


def transition(action: str) -> Transition:
    return CASE_WORKFLOW.transition(action)


def permission(action: str) -> str:
    return CASE_WORKFLOW.permission(action)


def allowed(action: str, state: str) -> bool:
    return CASE_WORKFLOW.allowed(action, state)


def target(action: str, state: str, choice: str | None = None) -> str:
    """The state after `action` from `state` (`choice` picks among several targets)."""
    return CASE_WORKFLOW.target(action, state, choice)


def actions_from(state: str, role: str | None = None) -> list[str]:
    """Actions possible from `state` (for a user of `role`, by the gate's rules, if given)."""
    return [a for a in CASE_WORKFLOW.actions_from(state) if role is None or role in rule(permission(a)).roles]


def reachable(start: str = S.SUBMITTED) -> set[str]:
    return CASE_WORKFLOW.reachable(start)


def offered(user, case) -> list[str]:
    """The actions `user` may take on `case` now — what the case page and the API both offer. A
    request merged into another is rated on its own record once its master has a result."""
    if case.master_id:
        ready = case.master.state in (S.AWAITING_RATING, S.CLOSED) and not case.rated_at
        return [a for a in ("rate", "callback") if ready and can(user, permission(a), case)]
    return [t.action for t in CASE_WORKFLOW.offered(user, case)]
