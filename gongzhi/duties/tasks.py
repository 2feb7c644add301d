"""Background work of duties (enqueued by `gongzhi worker`, see apps.py): the nightly accountability
sync (idempotent by source: each outcome becomes one record, however often it runs)."""

from __future__ import annotations

from django_tasks import task

from gongzhi.core.actors import SystemActor


@task()
def sync_accountability() -> dict:
    from .services.records import accountability_sync

    return accountability_sync(actor=SystemActor(label="task:duties-accountability-sync"))
