"""Background work of the open books (enqueued by `gongzhi worker`, see apps.py): plan the regular
business slots ahead, remind owners of what is due, flag late rectifications and unanswered
questions. Each job works from stored state and is idempotent."""

from __future__ import annotations

from django_tasks import task

from gongzhi.core.actors import SystemActor


@task()
def plan_schedules() -> int:
    from .services import items

    return items.schedule_plan(actor=SystemActor(label="task:disclosure-plan"))


@task()
def remind_due() -> int:
    from .services import reminders

    return reminders.remind_due(actor=SystemActor(label="task:disclosure-remind"))


@task()
def flag_late() -> dict:
    from .services import committee, questions

    actor = SystemActor(label="task:disclosure-flag")
    return {"rectifications": committee.flag_late_rectifications(actor=actor),
            "questions": questions.flag_unanswered(actor=actor)}
