"""Two overdue sweeps at once flag each decision once, and two secretaries recording decisions at
once give them different numbers. Needs PostgreSQL (SQLite serialises writers)."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from gongzhi.areas.tests.factories import tree
from gongzhi.core.models import AuditEvent
from gongzhi.meetings.models import Decision
from gongzhi.meetings.services import decisions
from gongzhi.meetings.tests import factories

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


def test_two_sweeps_at_once_flag_each_overdue_decision_once():
    meeting = factories.held(factories.meeting(factories.body_with_members(tree()["community"])))
    for text in ("修复单元门禁", "清运建筑垃圾", "更换路灯"):
        factories.decision(meeting, text=text, deadline=timezone.localdate() + dt.timedelta(days=1))
    later = timezone.localdate() + dt.timedelta(days=4)
    counts = at_once(2, lambda i: decisions.flag_overdue(actor=factories.ACTOR, today=later))
    assert sum(counts) == 3
    assert AuditEvent.objects.filter(action="meetings.decision.overdue").count() == 3


def test_two_recorders_at_once_number_their_decisions_apart():
    meeting = factories.held(factories.meeting(factories.body_with_members(tree()["community"])))
    made = at_once(2, lambda i: decisions.decision_record(
        actor=factories.ACTOR, meeting=meeting, text=f"第{i}件事", owners=["居委会"],
        deadline=timezone.localdate() + dt.timedelta(days=5)))
    assert sorted(d.number for d in made) == [1, 2]
    assert Decision.objects.filter(meeting=meeting).count() == 2
