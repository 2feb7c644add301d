"""Two claims of one need at the same moment, each on its own database connection (PostgreSQL;
SQLite serialises writers): one claimant, the resource used once."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from gongzhi.cobuilding.models import Need, NeedState, Resource

from . import factories
from .factories_needs import world

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: real parallel connections"),
]


def _run_at_once(jobs) -> list:
    barrier = threading.Barrier(len(jobs))
    answers: list = []

    def run(job):
        try:
            barrier.wait(timeout=20)
            answers.append(job())
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            answers.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    return answers


def _claim(user, need_id: int, body: dict):
    def job():
        client = Client()
        client.force_login(user)
        return client.post(f"/api/cobuilding/needs/{need_id}/claim", body, content_type="application/json").status_code
    return job


def test_two_claims_of_one_need_at_once_give_one_claimant():
    w = world()
    need = factories.need(w.community, cat=w.meals)
    answers = _run_at_once([_claim(w.member_user, need.pk, {}), _claim(w.liaison, need.pk, {})])
    assert sorted(answers) == [200, 409], answers
    need = Need.objects.get(pk=need.pk)
    assert need.state == NeedState.CLAIMED
    assert (need.claimed_member_id is None) != (need.claimed_unit_id is None)


def test_two_needs_claimed_with_the_last_place_of_a_resource_at_once_use_it_once():
    w = world()
    res = factories.resource(w.unit_report, cat=w.meals, capacity=1)
    needs = [factories.need(w.community, cat=w.meals, title=f"助餐{i}") for i in range(2)]
    answers = _run_at_once([_claim(w.liaison, n.pk, {"resource_id": res.pk, "amount": 1}) for n in needs])
    assert sorted(answers) in ([200, 400], [200, 422]), answers
    assert Resource.objects.get(pk=res.pk).used == 1
    assert Need.objects.filter(state=NeedState.CLAIMED).count() == 1
