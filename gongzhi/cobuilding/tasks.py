"""Background work of co-building (enqueued by `gongzhi worker`, see apps.py): the quarterly
reports back to the employers (双报告), drafted once a quarter has ended; the units' problems whose
deadline has passed, flagged and told once. Both idempotent."""

from __future__ import annotations

from django_tasks import task

from gongzhi.core.actors import SystemActor


@task()
def draft_quarter_reports() -> int:
    from .services.reports import draft_quarter_reports as draft

    return draft(actor=SystemActor(label="task:cobuilding-quarter-reports"))


@task()
def flag_overdue_problems() -> int:
    from .services.problems import flag_overdue

    return flag_overdue(actor=SystemActor(label="task:cobuilding-problems-overdue"))
