"""Issue 12 item 4: a move-in of a known person is its own audited act that shows the receiving
area only what it may see, and the duplicate check never confirms that an ID number exists outside
the caller's scope (API, page, service and import)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.accounts.tests.factories import PASSWORD
from gongzhi.core.errors import InvalidInput
from gongzhi.core.models import AuditEvent
from gongzhi.residents import sample, services, xlsx
from gongzhi.residents.models import Move, Person, PersonStatus
from gongzhi.residents.tests.factories import id_number

pytestmark = pytest.mark.django_db

NOTE = "网格B走访：家中有矛盾纠纷"


def login(client, account):
    client.logout()
    assert client.login(username=account.username, password=PASSWORD)


def _left_grid_b(w) -> Person:
    """李四 of grid B, with a tag, a grid-B worker's visit note, then moved out."""
    li = w["person_b"]
    services.person_tag_add(actor=w["grid_worker_b"], person=li, kind="key_attention")
    services.visit_create(actor=w["grid_worker_b"], household=w["household_b"], people_met=[li], findings=NOTE)
    services.person_update(actor=w["grid_worker_b"], person=li, notes="网格B的备注")
    return services.person_move_out(actor=w["grid_worker_b"], person=li)


def _refusal(call) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        call()
    return caught.value.fields["id_number"]


def test_a_move_in_keeps_one_record_but_shows_the_new_area_nothing_from_before(client, w):
    # given 李四 moved out of grid B with a tag, a visit note and notes there
    li = _left_grid_b(w)
    # when grid A's worker registers 李四 by ID number in a household of grid A (API)
    login(client, w["grid_worker_a"])
    body = {"household_id": w["household_a"].pk, "name": "李四", "id_number": li.id_number}
    response = client.post("/api/residents/people", body, content_type="application/json")
    # then it is the same person, living in grid A, with a Move row and an audited move-in
    assert response.status_code == 201, response.content
    detail = response.json()
    assert detail["id"] == li.pk
    li.refresh_from_db()
    assert li.status == PersonStatus.LIVING and li.household == w["household_a"] and li.notes == ""
    move_in = Move.objects.filter(person=li, kind="move_in").latest("id")
    assert move_in.to_household == w["household_a"]
    event = AuditEvent.objects.filter(action="residents.person.move_in").latest("id")
    assert str(w["household_b"].pk) not in str(event.before) and "网格B" not in str(event.before)
    # and grid A sees no tag, no move and no household from grid B
    assert detail["tags"] == []
    assert [m["kind"] for m in detail["moves"]] == ["move_in"]
    assert detail["moves"][0]["from_household_id"] is None
    # and the person page shows no grid-B visit note
    page = client.get(f"/residents/people/{li.pk}/")
    assert page.status_code == 200 and NOTE not in page.content.decode()
    # while the community's staff, whose scope covers both grids, see the whole history
    login(client, w["community_staff"])
    full = client.get(f"/api/residents/people/{li.pk}").json()
    assert sorted(m["kind"] for m in full["moves"]) == ["move_in", "move_in", "move_out"]
    assert {t["kind"] for t in full["tags"]} == {"key_attention"}


def test_an_id_number_living_elsewhere_gets_a_neutral_refusal_not_already_registered(client, w):
    # given 李四 living in grid B
    li = w["person_b"]
    # when grid A's worker registers a person with 李四's ID number (API)
    login(client, w["grid_worker_a"])
    body = {"household_id": w["household_a"].pk, "name": "某人", "id_number": li.id_number}
    response = client.post("/api/residents/people", body, content_type="application/json")
    # then it is refused on the field without saying the number is registered
    assert response.status_code == 400
    message = response.json()["fields"]["id_number"][0]
    assert "已登记" not in message and "already registered" not in message
    assert li.id_number_masked not in message
    # and the answer is the same as a move-in with a number nobody holds
    unknown = _refusal(lambda: services.person_move_in(
        actor=w["grid_worker_a"], household=w["household_a"], name="某人", id_number=id_number()))
    assert [message] == unknown
    assert Person.objects.get(pk=li.pk).name == "李四"


def test_a_move_in_of_someone_still_living_elsewhere_is_refused_like_an_unknown_number(w):
    # given 李四 living in grid B, when grid A's worker records a move-in with the number, and with an unknown one
    living = _refusal(lambda: services.person_move_in(
        actor=w["grid_worker_a"], household=w["household_a"], name="李四", id_number=w["person_b"].id_number))
    unknown = _refusal(lambda: services.person_move_in(
        actor=w["grid_worker_a"], household=w["household_a"], name="李四", id_number=id_number()))
    # then both get the same answer
    assert living == unknown


def test_the_move_in_service_moves_a_person_who_moved_out(w):
    # given 李四 moved out of grid B
    li = _left_grid_b(w)
    # when grid A's worker records the move-in
    moved = services.person_move_in(actor=w["grid_worker_a"], household=w["household_a"], name="李四",
                                    id_number=li.id_number, relation="head")
    # then the one record lives in grid A, without grid B's notes
    assert moved.pk == li.pk and moved.household == w["household_a"] and moved.notes == ""
    assert moved.relation == "head"


def test_the_same_number_inside_scope_still_says_already_registered(client, w):
    # given 张三 living in grid A, when grid A's worker registers the number again on the page
    login(client, w["grid_worker_a"])
    data = {"name": "某人", "id_number": w["person_a"].id_number, "residence_type": "registered", "relation": "other"}
    page = client.post(f"/residents/households/{w['household_a'].pk}/people/new/", data)
    # then the field says it is already registered
    text = page.content.decode()
    assert "已登记" in text or "already registered" in text


def test_the_page_refuses_a_number_from_elsewhere_neutrally(client, w):
    # given 李四 living in grid B, when grid A's worker enters the number on the person form
    login(client, w["grid_worker_a"])
    data = {"name": "某人", "id_number": w["person_b"].id_number, "residence_type": "registered", "relation": "other"}
    page = client.post(f"/residents/households/{w['household_a'].pk}/people/new/", data)
    # then nothing says it is registered, and nobody is created
    text = page.content.decode()
    assert "已登记" not in text and "already registered" not in text
    assert Person.objects.filter(name="某人").count() == 0


def test_changing_a_number_to_one_from_elsewhere_is_refused_neutrally(w):
    # given 张三 in grid A, when grid A's worker changes the ID number to 李四's (grid B)
    message = _refusal(lambda: services.person_update(
        actor=w["grid_worker_a"], person=w["person_a"], id_number=w["person_b"].id_number))
    # then the refusal does not say the number is registered
    assert "已登记" not in message[0] and "already registered" not in message[0]


def test_the_import_refuses_a_number_living_elsewhere_without_saying_so(w):
    # given 李四 living in grid B, when grid A's worker imports a row with the number
    row = {"name": "某人", "id_number": w["person_b"].id_number, "phone": "", "residence_type": "户籍",
           "relation": "户主", "building": w["building_a"].code, "unit": "1单元", "room": "101", "tags": "", "party": "否"}
    upload = SimpleUploadedFile("p.xlsx", sample.write_xlsx([row]), content_type=xlsx.HEADERS[0])
    result = services.residents_import(actor=w["grid_worker_a"], file=upload)
    # then the row is refused, the person is not pulled, and nothing names another area
    assert not result.ok
    text = str(result.errors)
    assert "another area" not in text and "其他" not in text and "已登记" not in text
    assert Person.objects.get(pk=w["person_b"].pk).household == w["household_b"]
