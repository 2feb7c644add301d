"""The request form names the place the way people do (the picker of areas/places), offers the
resident's own home first, files with the readable address, and opens only for those who file."""

import pytest
from django.urls import reverse

from gongzhi.accounts.tests.factories import user
from gongzhi.cases.models import Case
from gongzhi.cases.tests.factories import category, world
from gongzhi.residents import services as resident_services
from gongzhi.residents.tests.factories import person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["cg", "inspector"])
def test_the_form_does_not_open_for_roles_that_cannot_file(client, who):
    w = world()
    client.force_login(w.users[who])
    assert client.get(reverse("cases:new")).status_code == 403


@pytest.mark.parametrize("role", ["supervision", "unit_liaison", "party_member"])
def test_roles_without_filing_get_403_and_no_menu_entry(client, role):
    w = world()
    extra = {"nodes": [w.nodes["community"]]} if role == "supervision" else {}
    if role == "unit_liaison":
        from gongzhi.areas.tests.factories import UnitFactory

        extra = {"unit": UnitFactory(area=w.nodes["community"])}
    client.force_login(user(role, **extra))
    assert client.get(reverse("cases:new")).status_code == 403
    assert reverse("cases:new") not in client.get("/").content.decode()


def test_a_resident_with_a_linked_record_sees_their_home_first_and_files_with_a_readable_address(client):
    # given a resident whose account is linked to their record in household A
    w = world()
    record = person(w.nodes["household_a"], name="王芳", relation="head")
    resident_services.person_link_account(actor=resident_services_actor(), person=record, user=w.resident)
    client.force_login(w.resident)
    # when they open the form, their home is offered with its address
    page = client.get(reverse("cases:new")).content.decode()
    home = w.nodes["household_a"]
    assert f'data-place-id="{home.pk}"' in page and home.full_name in page
    assert "<select name=\"location\"" not in page  # no list of codes to choose from
    # and they file at their unit, without coordinates
    response = client.post(reverse("cases:new"), {
        "channel": "online", "category": category("shared-bikes").pk, "title": "单车堵门",
        "description": "单元门口堆满共享单车", "location": w.nodes["unit_a"].pk})
    case = Case.objects.get()
    assert response.status_code == 302 and case.location == w.nodes["unit_a"]
    # then the case page shows the address people say, not a code
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert w.nodes["unit_a"].full_name in page


def test_a_place_outside_staff_scope_is_refused_beside_the_field(client):
    w = world()
    client.force_login(w.users["worker_a"])
    response = client.post(reverse("cases:new"), {
        "channel": "patrol", "category": category("shared-bikes").pk, "title": "单车堵门",
        "description": "单元门口堆满共享单车", "location": w.nodes["building_b"].pk})
    assert response.status_code == 400 and not Case.objects.exists()
    assert response.context["errors"].get("location")


def resident_services_actor():
    from gongzhi.core.actors import SystemActor

    return SystemActor(label="test")
