"""Spending recorded by several people at once adds up to the fen; two sweeps at once flag each
overdue milestone once. Needs PostgreSQL (SQLite serialises writers)."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from gongzhi.core.actors import SystemActor
from gongzhi.core.models import AuditEvent
from gongzhi.deliberation.models import Milestone
from gongzhi.deliberation.services import resolutions
from gongzhi.deliberation.tests import factories as f

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: real concurrent connections"),
]


def at_once(count, work):
    barrier = threading.Barrier(count)
    results, failures = [], []

    def run(i):
        try:
            barrier.wait(timeout=10)
            results.append(work(i))
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not failures, failures
    return results


def test_spending_recorded_at_once_adds_up_exactly():
    # given a resolution, when six spendings are recorded at the same moment
    w = f.world()
    resolution = f.resolved_topic(w).resolution
    at_once(6, lambda i: resolutions.spending_record(actor=w.cstaff, resolution=resolution.pk,
                                                     amount_fen=10_001 + i, spent_on=None, purpose=f"第{i}笔"))
    # then the total is the exact sum of them all
    resolution.refresh_from_db()
    assert resolution.spendings.count() == 6
    assert resolution.spent_fen == sum(10_001 + i for i in range(6))


def test_two_sweeps_at_once_flag_each_overdue_milestone_once():
    w = f.world()
    resolution = f.resolved_topic(w).resolution
    for title in ("采购空调", "安装空调", "验收"):
        resolutions.milestone_add(actor=w.cstaff, resolution=resolution, title=title, due_on=timezone.localdate())
    Milestone.objects.update(due_on=timezone.localdate() - dt.timedelta(days=2))
    counts = at_once(2, lambda i: resolutions.milestones_flag_overdue(actor=SystemActor(label="test")))
    assert sum(counts) == 3
    assert AuditEvent.objects.filter(action="deliberation.milestone.overdue").count() == 3
