"""The states of appeals and corrections (run by `gongzhi.core.workflow`).

    appeal:     pending ─uphold (a reason)─▶ upheld      (a new line reverses the appealed one)
                pending ─dismiss (a reason)─▶ dismissed  (the deduction is confirmed)
                pending ─withdraw─▶ dismissed             (the worker withdraws it)
    correction: pending ─approve─▶ approved               (a second person; a new line)
                pending ─reject─▶ rejected
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from gongzhi.core.workflow import Transition, Workflow, bind

from .models import Appeal, AppealState, Correction, CorrectionState

P, C = AppealState, CorrectionState

APPEAL_WORKFLOW = bind(
    Workflow(
        "assessment.appeal",
        (
            Transition("uphold", pgettext_lazy("appeal", "Uphold"), (P.PENDING,), (P.UPHELD,),
                       permission="assessment.decide_appeal"),
            Transition("dismiss", pgettext_lazy("appeal", "Dismiss"), (P.PENDING,), (P.DISMISSED,),
                       permission="assessment.decide_appeal"),
            Transition("withdraw", pgettext_lazy("appeal", "Withdraw"), (P.PENDING,), (P.DISMISSED,),
                       permission="assessment.withdraw_appeal"),
        ),
    ),
    Appeal,
)

CORRECTION_WORKFLOW = bind(
    Workflow(
        "assessment.correction",
        (
            Transition("approve", pgettext_lazy("correction", "Approve"), (C.PENDING,), (C.APPROVED,),
                       permission="assessment.approve_correction"),
            Transition("reject", pgettext_lazy("correction", "Reject"), (C.PENDING,), (C.REJECTED,),
                       permission="assessment.approve_correction"),
        ),
    ),
    Correction,
)
