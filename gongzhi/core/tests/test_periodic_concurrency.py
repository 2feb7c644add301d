"""Several workers looking at a periodic job at the same moment, each on its own database
connection, enqueue it once. Needs PostgreSQL (SQLite serialises writers)."""

import threading

import pytest
from django.db import connection, connections
from django_tasks_db.models import DBTaskResult

from gongzhi.core import periodic
from gongzhi.core.models import PeriodicSchedule
from gongzhi.core.tests.test_periodic import DB_TASKS, EVERY, JOB, T0, tick

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: real concurrent connections"),
]


@pytest.mark.parametrize("lease_exists", [False, True], ids=["first-ever-run", "later-run"])
def test_four_workers_at_once_enqueue_the_job_once(settings, lease_exists):
    settings.TASKS = DB_TASKS
    if lease_exists:
        PeriodicSchedule.objects.create(name=JOB.name, next_due_at=T0 - EVERY)
    barrier = threading.Barrier(4)
    enqueued: list[list[str]] = []

    def worker():
        try:
            barrier.wait(timeout=10)
            enqueued.append(periodic.schedule_due(now=T0, jobs=[JOB]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(enqueued) == [[], [], [], ["test.tick"]]
    assert DBTaskResult.objects.filter(task_path=tick.module_path).count() == 1
    assert PeriodicSchedule.objects.get(name=JOB.name).next_due_at == T0 + EVERY
