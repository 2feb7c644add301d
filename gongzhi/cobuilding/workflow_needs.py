"""The states of a need (run by `gongzhi.core.workflow`).

    open ─claim──▶ claimed ─complete─▶ done ─confirm─▶ confirmed   (the beneficiary confirms)
         claimed ─release─▶ open                                     (the claimant gives it back)
         done ─dispute─▶ claimed                                     (the beneficiary: not yet)
    open, claimed ─to_project─▶ project                              (staff: it needs a project)
    open ─withdraw─▶ withdrawn                                       (whoever raised it, or staff)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.workflow import Transition, Workflow, bind

from .models import Need, NeedState

S = NeedState

NEED_WORKFLOW = bind(
    Workflow(
        "cobuilding.need",
        (
            Transition("claim", pgettext_lazy("need", "Claim"), (S.OPEN,), (S.CLAIMED,), permission="cobuilding.claim"),
            Transition("release", _("Give it back"), (S.CLAIMED,), (S.OPEN,), permission="cobuilding.claim"),
            Transition("complete", pgettext_lazy("need", "Report it done"), (S.CLAIMED,), (S.DONE,), permission="cobuilding.claim"),
            Transition("confirm", _("Confirm it was met"), (S.DONE,), (S.CONFIRMED,), permission="cobuilding.claim"),
            Transition("dispute", _("Not met yet"), (S.DONE,), (S.CLAIMED,), permission="cobuilding.claim"),
            Transition("to_project", _("Make it a project"), (S.OPEN, S.CLAIMED), (S.PROJECT,),
                       permission="cobuilding.keep_projects"),
            Transition("withdraw", _("Withdraw"), (S.OPEN,), (S.WITHDRAWN,), permission="cobuilding.wish"),
        ),
    ),
    Need,
)
