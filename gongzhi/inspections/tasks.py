"""Background work of the spot checks (enqueued by `gongzhi worker`, see apps.py): every day, last
month's sample of each street with active inspectors that has none yet — so on the 1st of the month
for the month before, and the next day if the worker was stopped (idempotent)."""

from __future__ import annotations

from django_tasks import task

from gongzhi.core.actors import SystemActor


@task()
def draw_monthly_samples() -> int:
    from .services.samples import draw_due

    return len(draw_due(actor=SystemActor(label="task:inspections-samples")))
