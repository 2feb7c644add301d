"""Donations recorded at the same moment, each on its own connection (PostgreSQL; SQLite serialises
writers): every one gets its own receipt number, in sequence, across campaigns; and one volunteer
answering a whistle twice at once has one answer."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.volunteers.models import CampaignKind, Donation, MobilisationResponse
from gongzhi.volunteers.services import donations as service
from gongzhi.volunteers.services import mobilisation
from gongzhi.volunteers.tests import factories

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


def _post(who, url, body):
    def job():
        client = Client()
        client.force_login(who)
        return client.post(url, body, content_type=JSON).status_code
    return job


def test_donations_at_once_in_two_campaigns_get_distinct_receipt_numbers():
    nodes = tree()
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    campaigns = [service.campaign_create(actor=staff, area=nodes["community"], name=name, kind=CampaignKind.OTHER,
                                         starts_on=timezone.localdate()) for name in ("每天一元", "慈心一日捐")]
    jobs = [_post(staff, f"/api/volunteers/campaigns/{campaigns[i % 2].pk}/donations", {"amount": "10", "donor": f"捐赠人{i}"})
            for i in range(6)]
    assert _run_at_once(jobs) == [201] * 6
    numbers = sorted(Donation.objects.values_list("receipt_number", flat=True))
    year = timezone.localdate().year
    assert numbers == [f"JZ{year}{n:06d}" for n in range(1, 7)]


def test_one_volunteer_answering_twice_at_once_has_one_answer():
    nodes = tree()
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    me = user(Role.RESIDENT)
    factories.volunteer(nodes["household_a"], user=me)
    call = mobilisation.mobilisation_call(actor=staff, node=nodes["grid_a"], title="清雪", place="A1号楼", needed=3)
    url = f"/api/volunteers/mobilisations/{call.pk}/answer"
    assert _run_at_once([_post(me, url, {"answer": "reported"}), _post(me, url, {"answer": "reported"})]) == [200, 200]
    assert MobilisationResponse.objects.filter(mobilisation=call).count() == 1
