"""Background work of care (enqueued by `gongzhi worker`, see apps.py): the sweep of missed turns
and of households not seen for longer than their plan allows, the reminders of tomorrow's turns and
of plans due for review. All idempotent: a turn or a household is told once."""

from __future__ import annotations

from django_tasks import task

from gongzhi.core.actors import SystemActor


@task()
def remind_turns() -> int:
    from .services.rosters import remind_tomorrow

    return remind_tomorrow(actor=SystemActor(label="task:care-turn-reminders"))


@task()
def remind_reviews() -> int:
    from .services.plans import remind_reviews_due

    return remind_reviews_due(actor=SystemActor(label="task:care-reviews-due"))


@task()
def sweep_missed() -> dict:
    from .services.sweep import sweep

    return sweep(actor=SystemActor(label="task:care-sweep"))
