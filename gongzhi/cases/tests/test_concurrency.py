"""Two staff claim the same case at the same moment, each on their own database connection:
one wins, the other is told who has it. Needs PostgreSQL (SQLite serialises writers)."""

import threading

import pytest
from django.db import connection, connections

from gongzhi.cases import services
from gongzhi.cases.models import Case, CaseEvent, State
from gongzhi.cases.tests.factories import dispatched, world
from gongzhi.core.errors import Conflict

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: two real connections"),
]


def test_two_staff_claiming_at_once_one_wins_and_the_other_gets_a_clear_message():
    w = world()
    case = dispatched(w)
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def claim(name, user):
        try:
            barrier.wait(timeout=10)
            services.case_claim(actor=user, case=case.pk)
            outcome[name] = "won"
        except Conflict as exc:
            outcome[name] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(n, u)) for n, u in (("a", w.worker_a), ("b", w.worker_a2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(type(v).__name__ if v != "won" else "won" for v in outcome.values()) == ["Conflict", "won"]
    loser = next(v for v in outcome.values() if v != "won")
    winner = w.worker_a if outcome["a"] == "won" else w.worker_a2
    assert loser.code == "already_claimed" and str(winner) in loser.message
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.IN_PROGRESS and case.assignee == winner
    assert CaseEvent.objects.filter(case=case, action="claim").count() == 1
