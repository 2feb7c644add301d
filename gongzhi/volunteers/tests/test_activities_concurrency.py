"""Volunteers signing up at the same moment, each on its own database connection (PostgreSQL):
twenty for five places leave exactly five signed up and fifteen on the waiting list."""

import threading

import pytest
from django.db import connection, connections

from gongzhi.volunteers.models import Signup, SignupState
from gongzhi.volunteers.services import activities as services
from gongzhi.volunteers.tests import factories
from gongzhi.volunteers.tests.test_activities_services import world

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: real parallel connections"),
]


def test_twenty_sign_ups_at_once_for_five_places_leave_five_signed_up_and_fifteen_waiting():
    w = world(20)
    activity = factories.activity(w.nodes["community"], capacity=5)
    barrier = threading.Barrier(20)
    answers: list = []

    def run(account):
        try:
            barrier.wait(timeout=20)
            answers.append(services.signup_create(actor=account, activity=activity.pk).state)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            answers.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(u,)) for u in w.users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert sorted(answers) == sorted([SignupState.SIGNED_UP] * 5 + [SignupState.WAITLISTED] * 15)
    assert Signup.objects.filter(activity=activity, state=SignupState.SIGNED_UP).count() == 5
    assert Signup.objects.filter(activity=activity, state=SignupState.WAITLISTED).count() == 15
