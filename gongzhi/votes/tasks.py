"""Background work of the vote engine (enqueued by `gongzhi worker`, see apps.py): close the online
votes whose window has ended, count and seal them. Idempotent: a vote closed already is skipped."""

from __future__ import annotations

from django_tasks import task

from gongzhi.core.actors import SystemActor


@task()
def close_due_votes() -> int:
    from .services import close_due_votes as close

    return close(actor=SystemActor(label="task:votes-close"))
