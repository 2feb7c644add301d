"""Two volunteers redeeming the last item at the same moment, each request on its own database
connection (PostgreSQL; SQLite serialises writers): exactly one order, stock 0, the other's points
untouched."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.volunteers.models import Goods, Order
from gongzhi.volunteers.selectors.accounts import volunteer_balance

from . import factories

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


def _redeem(u, goods_id: int):
    def job():
        client = Client()
        client.force_login(u)
        return client.post(f"/api/volunteers/store/goods/{goods_id}/redeem", {"quantity": 1},
                           content_type="application/json").status_code
    return job


def test_two_volunteers_redeeming_the_last_item_at_once_get_one_between_them():
    t = tree()
    users = [user("resident"), user("resident")]
    volunteers = [factories.volunteer(t["grid_a"], user=u) for u in users]
    for v in volunteers:
        factories.give_points(v, 50)
    towel = factories.goods(t["community"], name="毛巾", price=20, stock=1)
    answers = _run_at_once([_redeem(u, towel.pk) for u in users])
    assert sorted(answers) in ([201, 400], [201, 409]), answers
    assert Order.objects.count() == 1
    assert Goods.objects.get(pk=towel.pk).stock == 0
    winner = Order.objects.get().volunteer
    loser = next(v for v in volunteers if v.pk != winner.pk)
    assert volunteer_balance(volunteer=winner) == 30
    assert volunteer_balance(volunteer=loser) == 50
