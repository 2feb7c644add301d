"""The states of care plans, rosters, turns, swaps and emergencies (run by `gongzhi.core.workflow`).

    plan:      active ─review (stays)─▶ active ─close─▶ closed       (moved, passed away, not needed)
    roster:    draft ─publish─▶ published ─withdraw─▶ withdrawn; draft ─withdraw─▶ withdrawn
    turn:      planned ─visit─▶ done; planned ─miss─▶ missed (the sweep; a late visit still makes
               it done); planned ─cancel─▶ cancelled (its plan closed, its roster withdrawn)
    swap:      requested ─approve─▶ approved | ─refuse─▶ refused | ─withdraw─▶ withdrawn
    emergency: open ─handle─▶ handled
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.workflow import SAME, Transition, Workflow, bind

from .models import (
                     CarePlan,
                     Emergency,
                     EmergencyState,
                     PlanState,
                     Roster,
                     RosterState,
                     SwapRequest,
                     SwapState,
                     Turn,
                     TurnState,
)

P, R, T, S, E = PlanState, RosterState, TurnState, SwapState, EmergencyState

PLAN_WORKFLOW = bind(
    Workflow(
        "care.plan",
        (
            Transition("update", pgettext_lazy("care plan", "Change"), (P.ACTIVE,), (SAME,), permission="care.keep_plans"),
            Transition("review", pgettext_lazy("care plan", "Record the review"), (P.ACTIVE,), (SAME,), permission="care.keep_plans"),
            Transition("close", pgettext_lazy("care plan", "Close the plan"), (P.ACTIVE,), (P.CLOSED,), permission="care.keep_plans"),
        ),
    ),
    CarePlan,
)

ROSTER_WORKFLOW = bind(
    Workflow(
        "care.roster",
        (
            Transition("publish", pgettext_lazy("roster", "Publish"), (R.DRAFT,), (R.PUBLISHED,), permission="care.run_roster"),
            Transition("withdraw", pgettext_lazy("roster", "Withdraw"), (R.DRAFT, R.PUBLISHED), (R.WITHDRAWN,),
                       permission="care.run_roster"),
        ),
    ),
    Roster,
)

TURN_WORKFLOW = bind(
    Workflow(
        "care.turn",
        (
            Transition("visit", _("Record the visit"), (T.PLANNED, T.MISSED), (T.DONE,), permission="care.visit"),
            Transition("miss", pgettext_lazy("turn", "Mark missed"), (T.PLANNED,), (T.MISSED,), permission="care.run_roster"),
            Transition("cancel", pgettext_lazy("turn", "Cancel"), (T.PLANNED,), (T.CANCELLED,), permission="care.run_roster"),
        ),
    ),
    Turn,
)

SWAP_WORKFLOW = bind(
    Workflow(
        "care.swap",
        (
            Transition("approve", pgettext_lazy("swap", "Approve"), (S.REQUESTED,), (S.APPROVED,), permission="care.run_roster"),
            Transition("refuse", pgettext_lazy("swap", "Refuse"), (S.REQUESTED,), (S.REFUSED,), permission="care.run_roster"),
            Transition("withdraw", pgettext_lazy("swap", "Withdraw"), (S.REQUESTED,), (S.WITHDRAWN,), permission="care.ask_swap"),
        ),
    ),
    SwapRequest,
)

EMERGENCY_WORKFLOW = bind(
    Workflow(
        "care.emergency",
        (Transition("handle", pgettext_lazy("emergency", "Mark handled"), (E.OPEN,), (E.HANDLED,),
                    permission="care.handle_emergency"),),
    ),
    Emergency,
)
