"""The state of a finding (run by `gongzhi.core.workflow`).

    finding:  pending ─confirm─▶ confirmed (a deduction for the grid worker, read by the assessment)
              pending ─reject──▶ rejected  (with the street's reason)
    A finding of "no problem" is recorded as no_problem and waits for nobody.
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from gongzhi.core.workflow import Transition, Workflow, bind

from .models import Finding, FindingState

F = FindingState

FINDING_WORKFLOW = bind(
    Workflow(
        "inspections.finding",
        (
            Transition("confirm", pgettext_lazy("inspection finding", "Confirm the problem"), (F.PENDING,),
                       (F.CONFIRMED,), permission="inspections.review"),
            Transition("reject", pgettext_lazy("inspection finding", "Reject the finding"), (F.PENDING,),
                       (F.REJECTED,), permission="inspections.review"),
        ),
    ),
    Finding,
)
