"""Background work of the meetings app (enqueued by `gongzhi worker`, see apps.py): plan the
meetings each body owes for the coming periods and flag the periods missed, send the notices that
are due, flag overdue decisions. Each job works from stored state and is idempotent: running it
twice, or after downtime, does each thing once."""

from __future__ import annotations

from django_tasks import task

from gongzhi.core.actors import SystemActor


@task()
def plan_periods() -> dict:
    from .services import schedule

    return schedule.plan_periods(actor=SystemActor(label="task:meetings-plan"))


@task()
def send_due_notices() -> int:
    from .services import sessions

    return sessions.send_due_notices(actor=SystemActor(label="task:meetings-notices"))


@task()
def flag_overdue() -> int:
    from .services import decisions

    return decisions.flag_overdue(actor=SystemActor(label="task:meetings-overdue"))
