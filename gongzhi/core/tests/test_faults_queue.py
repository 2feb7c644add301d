"""The task queue backed up (issue 12, item 9): notifications written while no worker runs wait in
the database queue (django-tasks-db) and go out once when workers come back — two workers starting
at the same moment send nothing twice, even a notification named by two tasks; one whose delivery
task was lost is sent once by the periodic catch-up. PostgreSQL for the two workers at once
(SQLite serialises writers; the single-worker case runs on both)."""

import datetime as dt
import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from gongzhi.accounts.tests.factories import user
from gongzhi.core import notifications
from gongzhi.core.management.commands.worker import SchedulingWorker
from gongzhi.core.models import Notification
from gongzhi.core.tests.test_periodic import DB_TASKS

SENT: list[int] = []
_lock = threading.Lock()


class SlowChannel(notifications.Adapter):
    """An outside channel (SMS, WeChat) that takes a moment per message and records each send."""

    channel = "slow"

    def send(self, notification):
        time.sleep(0.01)
        with _lock:
            SENT.append(notification.pk)


@pytest.fixture
def queue(settings):
    settings.TASKS = DB_TASKS
    settings.NOTIFICATION_ADAPTERS = [f"{__name__}.SlowChannel"]
    notifications._adapter_classes.cache_clear()
    SENT.clear()
    yield
    notifications._adapter_classes.cache_clear()


def backlog(staff, *, batches=3) -> list[int]:
    """Notifications written while the workers are down: each batch enqueues its delivery task."""
    ids = []
    for b in range(batches):
        with transaction.atomic():
            rows = notifications.notify(recipients=staff, title=f"新诉求第{b + 1}批：楼道堆放杂物", kind="cases.submitted")
        ids += [r.pk for r in rows]
    assert DBTaskResult.objects.filter(status="READY", task_path=notifications.deliver.module_path).count() == batches
    return ids


def lost_delivery(staff) -> list[int]:
    """Rows committed whose delivery task never reached the queue (the process died in between)."""
    rows = Notification.objects.bulk_create([Notification(recipient=u, title="督办：诉求已超期", kind="cases.handling_overdue")
                                             for u in staff])
    Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
        created_at=timezone.now() - notifications.STRAGGLER_AFTER - dt.timedelta(minutes=1))
    return [r.pk for r in rows]


def run_worker(barrier: threading.Barrier | None = None) -> None:
    try:
        if barrier:
            barrier.wait(timeout=10)
        SchedulingWorker(queue_names=["notifications"], interval=0, batch=True, backend_name="default",
                         startup_delay=False, max_tasks=None, worker_id=f"w{threading.get_ident()}",
                         excluded_queue_names=[], schedule_every=0).run()
    finally:
        connections.close_all()


def assert_each_sent_once(ids):
    counts = Counter(SENT)
    assert sorted(counts) == sorted(ids), "some notifications were not sent"
    assert set(counts.values()) == {1}, f"sent twice: {[pk for pk, n in counts.items() if n > 1]}"
    assert not Notification.objects.filter(pk__in=ids, delivered_at=None).exists()


@pytest.mark.django_db(transaction=True)
def test_a_backed_up_queue_is_delivered_once_when_the_worker_comes_back(queue):
    # given 60 notifications queued while no worker ran, and 10 whose delivery task was lost
    staff = [user("resident") for _ in range(20)]  # whoever is told: the channel is what matters
    queued = backlog(staff)
    lost = lost_delivery(staff[:10])

    # when a worker comes back
    run_worker()

    # then each is sent once, and every task finished
    assert_each_sent_once(queued + lost)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}

    # and a second worker coming later finds nothing left to send
    SENT.clear()
    run_worker()
    assert SENT == []


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: two workers on their own connections")
@pytest.mark.django_db(transaction=True)
def test_two_workers_starting_at_once_send_each_notification_once(queue):
    # given a backed-up queue, one batch of it named by two tasks (a retried enqueue), and rows
    # whose delivery task was lost
    staff = [user("resident") for _ in range(20)]  # whoever is told: the channel is what matters
    queued = backlog(staff, batches=4)
    notifications.deliver.enqueue(queued[:20])
    lost = lost_delivery(staff)

    # when two workers start at the same moment
    barrier = threading.Barrier(2)
    workers = [threading.Thread(target=run_worker, args=(barrier,)) for _ in range(2)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=120)

    # then every notification went out exactly once, the tasks all finished, and the catch-up
    # job was enqueued once by the two of them
    assert_each_sent_once(queued + lost)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    catch_up = DBTaskResult.objects.filter(task_path=notifications.deliver_stragglers.module_path)
    assert catch_up.count() == 1
