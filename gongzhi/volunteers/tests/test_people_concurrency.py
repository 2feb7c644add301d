"""Registrations at the same moment, each on its own database connection (PostgreSQL): volunteer
numbers stay unique, and one ID number registered twice at once registers once."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from gongzhi.accounts.roles import Role
from gongzhi.residents.tests import factories as residents
from gongzhi.volunteers.models import Volunteer

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: real parallel connections"),
]
JSON = "application/json"


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


def _register(user, grid, name: str, id_number: str):
    def job():
        client = Client()
        client.force_login(user)
        return client.post("/api/volunteers/people", {"area_id": grid.pk, "name": name, "phone": residents.phone(),
                                                      "id_number": id_number, "consent": True},
                           content_type=JSON).status_code
    return job


def test_parallel_registrations_get_distinct_numbers():
    nodes = residents.tree()
    staff = residents.user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    answers = _run_at_once([_register(staff, nodes["grid_a"], f"志愿者{i}", residents.id_number()) for i in range(6)])
    assert answers == [201] * 6
    numbers = list(Volunteer.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 6


def test_one_id_number_twice_at_once_registers_once():
    nodes = residents.tree()
    staff = residents.user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    number = residents.id_number()
    answers = _run_at_once([_register(staff, nodes["grid_a"], "同一人", number) for _ in range(3)])
    assert sorted(answers) == [201, 400, 400]
    assert Volunteer.objects.count() == 1
