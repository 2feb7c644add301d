"""Background work of the dashboard (enqueued by `gongzhi worker`, see apps.py): on the first working
day of the month, last month's report of every street and community that has none yet (idempotent:
running it twice, or later that day, makes each report once); and one report made on demand."""

from __future__ import annotations

from django_tasks import task

from gongzhi.core.actors import SystemActor


@task()
def monthly_reports() -> int:
    from .services import reports

    return len(reports.make_due_reports(actor=SystemActor(label="task:dashboard-reports")))


@task()
def make_report(node_id: int, month: str, label: str = "task:dashboard-report") -> int:
    from gongzhi.areas.models import AreaNode

    from .periods import parse_month
    from .services import reports

    node = AreaNode.objects.get(pk=node_id)
    return reports.make_report(actor=SystemActor(label=label), node=node, month=parse_month(month)).pk
