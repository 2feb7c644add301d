"""Scale-out: two app server processes against one PostgreSQL never double-claim a case.

Given cases dispatched to a grid with two grid workers, when both claim every case at the same
moment — one through each server — then each case is claimed once (one claim event), the winner
holds it, and the loser is told clearly who claimed it first."""

import json
import threading
import urllib.error
import urllib.request

import pytest
from django.db import connection

from gongzhi.benchdata.bench import session_headers
from gongzhi.cases.models import Case, CaseEvent, State
from gongzhi.cases.tests import factories
from gongzhi.cases.tests.factories import world
from gongzhi.core.tests import servers as test_servers

CASES = 12

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="scale-out needs PostgreSQL: several server processes share one database (SQLite in memory is per process)",
    ),
]


@pytest.fixture
def servers():
    with test_servers.running(2, ready_path="/api/cases/catalogue") as ports:
        yield ports


@pytest.fixture
def dispatched():
    w = world()  # seeds the catalogue again: transactional tests flush it
    cases = [factories.dispatched(w) for _ in range(CASES)]
    assert all(c.state == State.DISPATCHED and c.level == "grid" for c in cases)
    workers = [w.worker_a, w.worker_a2]
    # Signed-in sessions (see bench.session_headers: a bearer-only POST is refused by the CSRF check).
    return [c.pk for c in cases], workers, [session_headers(u) for u in workers]


def _claim(port: int, headers: dict, case_id: int) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - loopback only
        f"http://127.0.0.1:{port}/api/cases/{case_id}/claim", data=b"", method="POST",
        headers={**headers, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_concurrent_claims_through_two_servers_never_double_claim(dispatched, servers):
    ids, workers, tokens = dispatched
    answers: dict[int, list] = {pk: [] for pk in ids}

    def claim_all(side: int) -> None:
        for pk in ids:
            barriers[pk].wait(timeout=20)
            answers[pk].append((side, *_claim(servers[side], tokens[side], pk)))

    barriers = {pk: threading.Barrier(2) for pk in ids}
    threads = [threading.Thread(target=claim_all, args=(side,)) for side in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    for pk in ids:
        statuses = sorted(status for _side, status, _body in answers[pk])
        assert statuses == [200, 409], (pk, answers[pk])
        winner = next(side for side, status, _body in answers[pk] if status == 200)
        loser_body = next(body for _side, status, body in answers[pk] if status == 409)
        assert loser_body["code"] == "already_claimed"
        assert str(workers[winner]) in loser_body["message"]
        case = Case.objects.get(pk=pk)
        assert case.state == State.IN_PROGRESS and case.assignee_id == workers[winner].pk
        assert CaseEvent.objects.filter(case_id=pk, action="claim").count() == 1
