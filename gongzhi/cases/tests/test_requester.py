"""Issue 12 item 5: staff name as requester only a resident they may name — the caller the hall or
hotline lookup finds, or a resident whose account is linked to a person living in their area scope.
Anything else is refused on `requester_id` with the same message as an unknown id."""

import pytest

from gongzhi.accounts.tests.factories import PASSWORD
from gongzhi.cases.models import Case
from gongzhi.residents.models import Person
from gongzhi.residents.tests.factories import person

pytestmark = pytest.mark.django_db

FILING = {
    "channel": "hotline", "category": "shared-bikes", "title": "单车堆积", "description": "门口堆满单车",
    "caller_name": "张先生", "caller_phone": "13900001111", "answers": {"brand": "meituan"},
}


def login(client, account):
    client.logout()
    assert client.login(username=account.username, password=PASSWORD)


def _linked(account, household):
    """A registered person in `household` whose resident account is `account`."""
    p = person(household)
    Person.objects.filter(pk=p.pk).update(user=account)
    p.refresh_from_db()
    return p


def _file(client, w, **extra):
    body = {**FILING, "location_id": w.building_a.pk, **extra}
    return client.post("/api/cases/", body, content_type="application/json")


def test_a_resident_living_in_scope_can_be_named_and_sees_the_request(client, w):
    # given a resident whose account is linked to a person living in grid A
    _linked(w.resident, w.household_a)
    # when grid A's worker files a hotline call naming that resident
    login(client, w.worker_a)
    response = _file(client, w, requester_id=w.resident.pk)
    # then the case is filed for the resident, and shows in their requests
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["id"])
    assert case.requester_id == w.resident.pk
    login(client, w.resident)
    assert client.get(f"/api/cases/{case.pk}").status_code == 200


def test_a_resident_outside_scope_is_refused_like_an_unknown_id(client, w):
    # given a resident living in grid B, and an account linked to no person at all
    _linked(w.resident, w.household_b)
    # when grid A's worker names either of them, or an id that does not exist
    login(client, w.worker_a)
    answers = [_file(client, w, requester_id=pk) for pk in (w.resident.pk, w.resident_2.pk, 987654)]
    # then each is refused on requester_id with the same message: nothing says the account exists
    assert [r.status_code for r in answers] == [400, 400, 400]
    messages = [r.json()["fields"]["requester_id"] for r in answers]
    assert messages[0] == messages[1] == messages[2]
    assert not Case.objects.filter(requester__in=[w.resident, w.resident_2]).exists()


def test_a_staff_account_is_refused_as_requester(client, w):
    # given grid A's worker, when they name a colleague as requester, then it is refused on the field
    login(client, w.worker_a)
    response = _file(client, w, requester_id=w.worker_a2.pk)
    assert response.status_code == 400 and "requester_id" in response.json()["fields"]


def test_the_caller_found_by_the_hotline_lookup_becomes_the_requester(client, w):
    # given a caller registered in grid A with a resident account
    caller = _linked(w.resident, w.household_a)
    # when grid A's worker files on the caller's behalf from the lookup (person_id)
    login(client, w.worker_a)
    response = _file(client, w, person_id=caller.pk)
    # then the caller is the requester
    assert response.status_code == 201, response.content
    assert Case.objects.get(pk=response.json()["id"]).requester_id == w.resident.pk


def test_community_staff_may_name_a_resident_anywhere_in_their_community(client, w):
    # given a resident in grid B, when the community's staff name them, then the case is theirs
    _linked(w.resident, w.household_b)
    login(client, w.cstaff)
    response = _file(client, w, requester_id=w.resident.pk)
    assert response.status_code == 201, response.content


def test_a_resident_who_moved_out_of_scope_can_no_longer_be_named(client, w):
    # given a resident who lived in grid A and moved out
    from gongzhi.residents import services as residents

    p = _linked(w.resident, w.household_a)
    residents.person_move_out(actor=w.worker_a, person=p)
    # when grid A's worker names them, then it is refused on the field
    login(client, w.worker_a)
    response = _file(client, w, requester_id=w.resident.pk)
    assert response.status_code == 400 and "requester_id" in response.json()["fields"]
