"""The last seat of a hearing goes to one person: residents registering at the same moment, each on
their own database connection, through the API. Needs PostgreSQL (SQLite serialises writers)."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from gongzhi.deliberation.models import HearingRegistration
from gongzhi.deliberation.services import hearings
from gongzhi.deliberation.tests import factories
from gongzhi.deliberation.tests.test_hearings_services import call

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: real parallel connections"),
]


def _at_once(jobs) -> list:
    barrier = threading.Barrier(len(jobs))
    answers: list = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait(timeout=10)
            answers[i] = job()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            answers[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return answers


def _register(resident, hearing_id):
    def job():
        client = Client()
        client.force_login(resident)
        return client.post(f"/api/deliberation/hearings/{hearing_id}/registrations", {"wants_to_speak": True},
                           content_type="application/json")
    return job


def test_the_last_seat_goes_to_one_of_the_residents_asking_for_it_at_once():
    # given a hearing with two seats, one already taken
    w = factories.world(households=6)
    hearing = call(w, factories.topic(w), seats=2, speakers=1)
    hearings.hearing_register(actor=w.resident_b, hearing=hearing)
    # when five residents ask for the last seat at the same moment
    answers = _at_once([_register(r, hearing.pk) for r in w.residents[:5]])
    # then exactly one gets it; the others are told there is no seat left
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201, 409, 409, 409, 409], answers
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"no_seats"}
    assert HearingRegistration.objects.filter(hearing=hearing, cancelled_at__isnull=True).count() == 2


def test_one_account_registering_twice_at_once_holds_one_seat():
    w = factories.world()
    hearing = call(w, factories.topic(w), seats=10)
    resident = w.residents[0]
    answers = _at_once([_register(resident, hearing.pk) for _ in range(3)])
    assert sorted(a.status_code for a in answers) == [201, 409, 409], answers
    assert HearingRegistration.objects.filter(hearing=hearing, user=resident).count() == 1
    # and the speakers' list has them once, first
    assert [r.user_id for r in hearings.active_registrations(hearing).filter(wants_to_speak=True)] == [resident.pk]
