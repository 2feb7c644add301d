"""Background work of the assessment (enqueued by `gongzhi worker`, see apps.py): the current
month's scores, recomputed every hour (idempotent; closed months untouched)."""

from __future__ import annotations

from django_tasks import task

from gongzhi.core.actors import SystemActor


@task()
def compute_current_month() -> dict:
    from gongzhi.core.components import setting

    from .services.scoring import current_month_compute

    if not setting("ASSESSMENT_COMPUTE_CURRENT_MONTH"):
        return {"skipped": True}

    result = current_month_compute(actor=SystemActor(label="task:assessment-compute"))
    return {"month": result.month.isoformat(), "workers": result.workers, "lines": result.lines,
            "removed": result.removed, "seconds": result.seconds}


@task()
def compute_month(month: str, node_id: int | None = None) -> dict:
    """One month (and area), e.g. after a rule change or on the street's request."""
    from gongzhi.areas.models import AreaNode

    from .services.scoring import month_compute

    node = AreaNode.objects.get(pk=node_id) if node_id else None
    result = month_compute(actor=SystemActor(label="task:assessment-compute"), month=month, node=node)
    return {"month": result.month.isoformat(), "workers": result.workers, "lines": result.lines,
            "removed": result.removed, "seconds": result.seconds}
