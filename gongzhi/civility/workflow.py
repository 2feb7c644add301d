"""The states of a community's yearly bonus (run by `gongzhi.core.workflow`).

    draft ─approve─▶ approved (frozen: never recomputed)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core.workflow import Transition, Workflow, bind

from .models import BonusRun, BonusState

S = BonusState

BONUS_WORKFLOW = bind(
    Workflow(
        "civility.bonus",
        (Transition("approve", _("Approve"), (S.DRAFT,), (S.APPROVED,), permission="civility.decide"),),
    ),
    BonusRun,
)
