"""The state machine of the case pipeline (DESIGN §4), declared once and pure: which action leads
from which state to which, and which roles may perform it. Services look transitions up here; the
tests walk the table. Nothing in this module touches the database.

    submitted ─accept─▶ accepted ─dispatch─▶ dispatched ─claim─▶ in_progress ─resolve─▶ verifying | awaiting_rating
    verifying ─verify_pass─▶ awaiting_rating ─rate─▶ closed | reopened ─reopen─▶ in_progress (once)
    verifying ─verify_fail─▶ in_progress; dispatched/in_progress ─return─▶ accepted (the dispatcher)
    dispatched/in_progress ─escalate─▶ dispatched (the next level); submitted/accepted ─reject/merge─▶ rejected/merged
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import State

S = State

GRID = "grid_worker"
COMMUNITY = "community_staff"
STREET = "street_staff"
DEPARTMENT = "department_staff"
INSPECTOR = "inspector"
ADMIN = "district_admin"
RESIDENT = "resident"
SYSTEM = "system"

HANDLERS = frozenset({GRID, COMMUNITY, STREET, DEPARTMENT, ADMIN})
TRIAGE = frozenset({GRID, COMMUNITY, STREET, ADMIN})
SUPERIORS = frozenset({COMMUNITY, STREET, ADMIN})
OPEN_WORK = (S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.REOPENED)


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]  # one target, or the possible ones the service chooses among
    roles: frozenset[str]
    # Records that leave the state as it is (notes, contacts, whistle calls) have targets == ("=",).

    @property
    def keeps_state(self) -> bool:
        return self.targets == (SAME,)


SAME = "="

TRANSITIONS: tuple[Transition, ...] = (
    Transition("accept", _("Accept"), (S.SUBMITTED,), (S.ACCEPTED,), TRIAGE),
    Transition("reject", _("Reject"), (S.SUBMITTED, S.ACCEPTED), (S.REJECTED,), TRIAGE),
    Transition("merge", _("Merge into another case"), (S.SUBMITTED, S.ACCEPTED), (S.MERGED,), TRIAGE),
    Transition("recategorise", _("Change the matter"), (S.SUBMITTED, S.ACCEPTED), (SAME,), TRIAGE),
    Transition("dispatch", _("Dispatch"), (S.ACCEPTED, S.DISPATCHED), (S.DISPATCHED,), TRIAGE),
    Transition("claim", _("Claim"), (S.DISPATCHED,), (S.IN_PROGRESS,), HANDLERS),
    Transition("return", _("Return to the dispatcher"), (S.DISPATCHED, S.IN_PROGRESS), (S.ACCEPTED,), HANDLERS),
    Transition("escalate", _("Escalate"), (S.DISPATCHED, S.IN_PROGRESS), (S.DISPATCHED,), HANDLERS),
    Transition("whistle", _("Call departments (whistle)"), (S.IN_PROGRESS,), (SAME,), frozenset({STREET, ADMIN})),
    Transition("acknowledge", _("Report in"), (S.IN_PROGRESS,) + (S.VERIFYING,), (SAME,), frozenset({DEPARTMENT})),
    Transition("report_part", _("Report on the department's part"), (S.IN_PROGRESS,), (SAME,), frozenset({DEPARTMENT})),
    Transition("contact", _("Record contact with the requester"), OPEN_WORK, (SAME,), HANDLERS),
    Transition(
        "note", _("Add a note"), (S.SUBMITTED, *OPEN_WORK, S.VERIFYING, S.AWAITING_RATING), (SAME,),
        HANDLERS | {INSPECTOR},
    ),
    Transition("request_extension", _("Ask for more time"), (S.IN_PROGRESS,), (SAME,), HANDLERS),
    Transition("approve_extension", _("Approve more time"), (S.IN_PROGRESS,), (SAME,), SUPERIORS),
    Transition("resolve", _("Resolve"), (S.IN_PROGRESS,), (S.VERIFYING, S.AWAITING_RATING), HANDLERS),
    Transition("verify_pass", _("Verification passed"), (S.VERIFYING,), (S.AWAITING_RATING,), SUPERIORS | {INSPECTOR}),
    Transition("verify_fail", _("Verification failed"), (S.VERIFYING,), (S.IN_PROGRESS,), SUPERIORS | {INSPECTOR}),
    Transition("rate", _("Rate"), (S.AWAITING_RATING,), (S.CLOSED, S.REOPENED), frozenset({RESIDENT}) | TRIAGE),
    Transition("reopen", _("Take up again"), (S.REOPENED,), (S.IN_PROGRESS,), HANDLERS),
    Transition("auto_close", _("Closed without a rating"), (S.AWAITING_RATING,), (S.CLOSED,), frozenset({SYSTEM})),
)

BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
STATES: frozenset[str] = frozenset(State.values)


def transition(action: str) -> Transition:
    return BY_ACTION[action]


def allowed(action: str, state: str) -> bool:
    return state in BY_ACTION[action].sources


def target(action: str, state: str, choice: str | None = None) -> str:
    """The state after `action` from `state` (`choice` picks among several targets)."""
    t = BY_ACTION[action]
    if state not in t.sources:
        raise ValueError(f"{action} is not allowed from {state}")
    if t.keeps_state:
        return state
    if len(t.targets) == 1:
        return t.targets[0]
    if choice not in t.targets:
        raise ValueError(f"{action} needs one of {t.targets}")
    return choice


def actions_from(state: str, role: str | None = None) -> list[str]:
    """Actions possible from `state` (for `role`, if given) — what a page offers."""
    return [t.action for t in TRANSITIONS if state in t.sources and (role is None or role in t.roles)]


def reachable(start: str = S.SUBMITTED) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        state = todo.pop()
        for t in TRANSITIONS:
            if state in t.sources:
                for nxt in t.targets:
                    nxt = state if nxt == SAME else nxt
                    if nxt not in seen:
                        seen.add(nxt)
                        todo.append(nxt)
    return seen
