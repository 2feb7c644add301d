"""The states of a co-building project and of a unit's problem (run by `gongzhi.core.workflow`).

    project:  planned ─start─▶ active ─complete─▶ completed
              planned, active, completed ─close─▶ closed          (renewal makes a new project)
    problem:  open ─take_up─▶ taken_up ─solve─▶ solved ─reopen─▶ taken_up
              open ─withdraw─▶ withdrawn                           (the unit)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core.workflow import Transition, Workflow, bind

from .models import Problem, ProblemState, Project, ProjectState

P = ProjectState
B = ProblemState

PROJECT_WORKFLOW = bind(
    Workflow(
        "cobuilding.project",
        (
            Transition("start", _("Start"), (P.PLANNED,), (P.ACTIVE,), permission="cobuilding.keep_projects"),
            Transition("complete", _("Mark completed"), (P.ACTIVE,), (P.COMPLETED,), permission="cobuilding.keep_projects"),
            Transition("close", _("Close"), (P.PLANNED, P.ACTIVE, P.COMPLETED), (P.CLOSED,),
                       permission="cobuilding.keep_projects"),
        ),
    ),
    Project,
)

PROBLEM_WORKFLOW = bind(
    Workflow(
        "cobuilding.problem",
        (
            Transition("take_up", _("Take it up"), (B.OPEN,), (B.TAKEN_UP,), permission="cobuilding.handle_problem"),
            Transition("solve", _("Mark solved"), (B.TAKEN_UP,), (B.SOLVED,), permission="cobuilding.handle_problem"),
            Transition("reopen", _("Reopen"), (B.SOLVED,), (B.TAKEN_UP,), permission="cobuilding.handle_problem"),
            Transition("withdraw", _("Withdraw"), (B.OPEN,), (B.WITHDRAWN,), permission="cobuilding.raise_problem"),
        ),
    ),
    Problem,
)
