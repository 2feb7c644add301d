"""Background work of the deliberation programme (enqueued by `gongzhi worker`, see apps.py), daily:
lapse proposals that gathered too few co-signatures in time, flag steps past their time limit,
milestones past their date and rectifications past their deadline. Idempotent: each is flagged and
told once."""

from __future__ import annotations

from django_tasks import task

from gongzhi.core.actors import SystemActor


@task()
def lapse_proposals() -> int:
    from .services import topics

    return topics.proposals_lapse(actor=SystemActor(label="task:deliberation-lapse"))


@task()
def flag_overdue_steps() -> int:
    from .services import steps

    return steps.steps_flag_overdue(actor=SystemActor(label="task:deliberation-overdue"))


@task()
def flag_overdue_milestones() -> int:
    from .services import resolutions

    return resolutions.milestones_flag_overdue(actor=SystemActor(label="task:deliberation-overdue"))


@task()
def flag_late_rectifications() -> int:
    from .services import supervision

    return supervision.rectifications_flag_late(actor=SystemActor(label="task:deliberation-overdue"))
