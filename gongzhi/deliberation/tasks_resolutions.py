"""Background work of the resolution side (the lead wires them in apps.py `periodic`, daily):
flag overdue milestones and late rectifications. Idempotent: each is flagged and told once."""

from __future__ import annotations

from django_tasks import task

from gongzhi.core.actors import SystemActor


@task()
def flag_overdue_milestones() -> int:
    from .services import resolutions

    return resolutions.milestones_flag_overdue(actor=SystemActor(label="task:deliberation-overdue"))


@task()
def flag_late_rectifications() -> int:
    from .services import supervision

    return supervision.rectifications_flag_late(actor=SystemActor(label="task:deliberation-overdue"))
