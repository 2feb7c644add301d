"""A resident's account linked to their registration: by the staff on the person's page, or by the
resident with their name and ID number — the registration the topics and votes of where they live
rely on."""

import datetime as dt

import pytest

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.core.models import AuditEvent
from gongzhi.residents.models import Person
from gongzhi.residents.tests.factories import id_number, person, world

pytestmark = pytest.mark.django_db

BORN = dt.date(1968, 3, 9)


@pytest.fixture
def w():
    nodes = world()
    nodes["number"] = id_number(born=BORN)
    nodes["wang"] = person(nodes["household_a"], name="王秀英", birth_date=BORN, id_number=nodes["number"])
    return nodes


def test_staff_link_a_residents_account_on_the_person_page_and_it_is_audited(client, w):
    # Given a resident's account and the community staff
    account = user(Role.RESIDENT, username="wangxiuying")
    client.force_login(w["community_staff"])
    # When the staff link it by user name
    response = client.post(f"/residents/people/{w['wang'].pk}/account/", {"username": "wangxiuying"})
    # Then the person's page shows the account, and the change is audited
    assert response.status_code == 302
    w["wang"].refresh_from_db()
    assert w["wang"].user == account
    assert "wangxiuying" in client.get(f"/residents/people/{w['wang'].pk}/").content.decode()
    assert AuditEvent.objects.filter(action="residents.person.account_link", object_id=str(w["wang"].pk)).exists()


def test_only_a_residents_account_and_only_one_resident_per_account(client, w):
    client.force_login(w["community_staff"])
    user(Role.GRID_WORKER, nodes=[w["grid_a"]], username="gridworker9")
    page = client.post(f"/residents/people/{w['wang'].pk}/account/", {"username": "gridworker9"})
    assert page.status_code == 400 and "只有居民的账号" in page.content.decode()
    account = user(Role.RESIDENT, username="zhangsan1")
    client.post(f"/residents/people/{w['person_a'].pk}/account/", {"username": "zhangsan1"})
    page = client.post(f"/residents/people/{w['wang'].pk}/account/", {"username": "zhangsan1"})
    assert page.status_code == 400 and "已属于另一位登记的居民" in page.content.decode()
    assert Person.objects.get(pk=w["wang"].pk).user is None
    assert Person.objects.get(pk=w["person_a"].pk).user == account


def test_staff_of_another_community_cannot_link_anyone_here(client, w):
    other = world()
    user(Role.RESIDENT, username="lisi2")
    client.force_login(other["community_staff"])
    assert client.post(f"/residents/people/{w['wang'].pk}/account/", {"username": "lisi2"}).status_code == 404
    assert client.post(f"/api/residents/people/{w['wang'].pk}/account", {"username": "lisi2"},
                       content_type="application/json").status_code == 404


def test_a_resident_verifies_with_name_and_id_number_and_sees_where_they_live(client, w):
    # Given a resident account not yet linked
    me = user(Role.RESIDENT)
    client.force_login(me)
    # When she gives her name and ID number as registered
    response = client.post("/residents/me/", {"name": "王秀英", "id_number": w["number"].lower()})
    # Then her account is linked and the page shows her address, her number masked
    assert response.status_code == 302
    page = client.get("/residents/me/").content.decode()
    assert "101室" in page and w["number"] not in page and w["wang"].id_number_masked in page
    assert client.get("/api/residents/me").json()[0]["person_id"] == w["wang"].pk


def test_a_wrong_number_a_taken_record_and_too_many_tries_all_get_a_plain_refusal(client, w):
    # Given someone already linked to the record, and a second account trying to claim it
    first = user(Role.RESIDENT)
    client.force_login(first)
    client.post("/api/residents/me/verify", {"name": "王秀英", "id_number": w["number"]}, content_type="application/json")
    second = user(Role.RESIDENT)
    client.force_login(second)
    taken = client.post("/api/residents/me/verify", {"name": "王秀英", "id_number": w["number"]},
                        content_type="application/json")
    wrong = client.post("/api/residents/me/verify", {"name": "王秀英", "id_number": "620103196803090000"},
                        content_type="application/json")
    # Then both answers are the same (nothing tells whether the number is registered), on the field
    assert taken.status_code == wrong.status_code == 400
    assert taken.json()["fields"]["id_number"] == wrong.json()["fields"]["id_number"]
    # And after five failed tries in a day the sixth is refused outright
    for _ in range(3):
        client.post("/api/residents/me/verify", {"name": "王", "id_number": "1"}, content_type="application/json")
    assert client.post("/api/residents/me/verify", {"name": "王秀英", "id_number": w["number"]},
                       content_type="application/json").status_code == 403
    assert Person.objects.get(pk=w["wang"].pk).user == first
    assert AuditEvent.objects.filter(action="residents.person.self_verify_failed").count() == 5


def test_staff_do_not_verify_themselves_as_residents(client, w):
    client.force_login(w["community_staff"])
    assert client.get("/residents/me/").status_code == 403
