"""The states of an assessment period and of a star rating round (run by `gongzhi.core.workflow`).

    period: draft ─open─▶ open (plans locked) ─close─▶ closed (results frozen)
    round:  proposed ─publish─▶ published
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from gongzhi.core.workflow import Transition, Workflow, bind

from .models import Period, PeriodState, RoundState, StarRound

P, R = PeriodState, RoundState

PERIOD_WORKFLOW = bind(
    Workflow(
        "targets.period",
        (
            Transition("open", pgettext_lazy("assessment period", "Start the period"), (P.DRAFT,), (P.OPEN,),
                       permission="targets.open"),
            Transition("close", pgettext_lazy("assessment period", "Close and freeze the results"), (P.OPEN,),
                       (P.CLOSED,), permission="targets.close"),
        ),
    ),
    Period,
)

ROUND_WORKFLOW = bind(
    Workflow(
        "targets.round",
        (
            Transition("publish", pgettext_lazy("star round", "Publish the star rating"), (R.PROPOSED,),
                       (R.PUBLISHED,), permission="targets.publish"),
        ),
    ),
    StarRound,
)
