"""Periodic jobs. django-tasks 0.12 and django-tasks-db 0.13 run queued tasks but schedule nothing,
so `gongzhi worker` enqueues the periodic ones itself (`schedule_due`, every few seconds).

A component declares its jobs: `Component(periodic=(Periodic("cases.sla-sweep",
"gongzhi.cases.tasks.sla_sweep", every=...),))`, `every` a callable returning the period (read
each time, so a setting can change it).

Several workers are safe: each job has one `PeriodicSchedule` row (its lease: when it is next
due, and the id of the run it enqueued last); a worker locks it, decides, enqueues and moves the
due time on in one transaction, so each period enqueues once. The last run still waiting in the
queue or running (django-tasks-db) holds the next one back, so runs never pile up behind a slow
sweep or a stopped queue. After downtime the job is overdue and runs once at the next check (the
jobs catch up by themselves: the SLA sweep works from the stored deadlines), then every period
from then on.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .components import Periodic, periodic_jobs

__all__ = ["Periodic", "registered", "schedule_due"]

logger = logging.getLogger(__name__)


def registered() -> list[Periodic]:
    """Every periodic job declared by an installed component (`Component.periodic`)."""
    return periodic_jobs()


def is_due(*, now: dt.datetime, next_due_at: dt.datetime | None, pending: bool) -> bool:
    """The decision: due when its time has come (or it never ran) and no run of it is queued or
    running."""
    if pending:
        return False
    return next_due_at is None or now >= next_due_at


def stale_after(every: dt.timedelta) -> dt.timedelta:
    """A run marked running for longer than this belongs to a worker that died."""
    return max(dt.timedelta(hours=1), 10 * every)


def pending(result_id: str, *, now: dt.datetime, every: dt.timedelta) -> bool:
    """Whether the run enqueued last (its id is kept on the lease) still waits in the database
    queue or is running (django-tasks-db). Looked up by primary key: the task result table keeps
    every run of every task (notification deliveries too) and has no index on the task path, so a
    search by task would scan it all on every look."""
    if not result_id or not apps.is_installed("django_tasks_db"):
        return False
    try:
        uuid.UUID(result_id)
    except ValueError:  # enqueued through another backend (e.g. the immediate one): nothing waits
        return False
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(pk=result_id).filter(
        Q(status=TaskResultStatus.READY)
        | Q(status=TaskResultStatus.RUNNING, started_at__gte=now - stale_after(every))
    ).exists()


def schedule_one(job: Periodic, *, now: dt.datetime) -> bool:
    """Enqueue `job` if it is due; True if this call enqueued it."""
    from .models import PeriodicSchedule  # not at import time: AppConfigs import this module

    task = job.get_task()
    every = job.every()
    PeriodicSchedule.objects.get_or_create(name=job.name)
    with transaction.atomic():
        lease = PeriodicSchedule.objects.select_for_update().get(name=job.name)
        waiting = pending(lease.last_result_id, now=now, every=every)
        if not is_due(now=now, next_due_at=lease.next_due_at, pending=waiting):
            return False
        late = lease.next_due_at is not None and now - lease.next_due_at > every
        lease.next_due_at = now + every
        lease.last_enqueued_at = now
        result = task.enqueue()
        lease.last_result_id = str(result.id)[:64]
        lease.save(update_fields=["next_due_at", "last_enqueued_at", "last_result_id"])
    logger.info("periodic %s enqueued%s (next due %s)", job.name, " after downtime" if late else "",
                lease.next_due_at.isoformat())
    return True


def schedule_due(
    *, now: dt.datetime | None = None, queues: Iterable[str] | None = None, jobs: Iterable[Periodic] | None = None
) -> list[str]:
    """Enqueue every periodic job that is due (only those whose queue is in `queues`, when given:
    a worker schedules what it runs). Returns the names enqueued."""
    now = now or timezone.now()
    wanted = None if queues is None or "*" in queues else set(queues)
    enqueued = []
    for job in registered() if jobs is None else jobs:
        if wanted is not None and job.get_task().queue_name not in wanted:
            continue
        try:
            if schedule_one(job, now=now):
                enqueued.append(job.name)
        except Exception:  # a broken job must not stop the worker from running the queue
            logger.exception("periodic %s could not be scheduled", job.name)
    return enqueued
