"""Background work of the volunteers' activities (enqueued by `gongzhi worker`, see apps.py):
reminders the day before and two hours before (each once), and closing the activities whose end
has passed (check-outs at the end, no-shows). Both are idempotent."""

from __future__ import annotations

from django_tasks import task

from gongzhi.core.actors import SystemActor


@task()
def remind_upcoming() -> int:
    from .services.activities import remind_upcoming as remind

    return remind(actor=SystemActor(label="task:volunteers-remind"))


@task()
def close_finished() -> int:
    from .services.activities import close_finished as close

    return close(actor=SystemActor(label="task:volunteers-close"))
