"""The states of a manual award or deduction (run by `gongzhi.core.workflow`).

    pending ─approve─▶ approved (the entry is written)
    pending ─reject──▶ rejected
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core.workflow import Transition, Workflow, bind

from .models import Adjustment, AdjustmentState

S = AdjustmentState

ADJUSTMENT_WORKFLOW = bind(
    Workflow(
        "points.adjustment",
        (
            Transition("approve", _("Approve"), (S.PENDING,), (S.APPROVED,), permission="points.approve"),
            Transition("reject", _("Reject"), (S.PENDING,), (S.REJECTED,), permission="points.approve"),
        ),
    ),
    Adjustment,
)
