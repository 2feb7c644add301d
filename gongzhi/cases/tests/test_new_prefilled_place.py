"""A household's contact card (民情联系卡) carries a QR code of the request form with the household
named: `/cases/new/?location=<household>` opens the form with that place already chosen, when the
user may name it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_given_the_cards_link_when_the_grid_worker_opens_the_form_then_the_household_is_chosen(client, w):
    household = w.nodes["household_a"]
    client.force_login(w.users["worker_a"])
    page = client.get(reverse("cases:new") + f"?location={household.pk}").content.decode()
    assert f'name="location" id="location" value="{household.pk}"' in page
    assert household.full_name in page


def test_given_a_place_outside_the_users_scope_when_the_form_opens_then_no_place_is_chosen(client, w):
    client.force_login(w.users["worker_b"])
    page = client.get(reverse("cases:new") + f"?location={w.nodes['household_a'].pk}").content.decode()
    assert 'name="location" id="location" value=""' in page
    assert w.nodes["household_a"].full_name not in page


def test_given_a_location_that_is_not_a_number_when_the_form_opens_then_it_opens_without_a_place(client, w):
    client.force_login(w.users["worker_a"])
    response = client.get(reverse("cases:new") + "?location=abc")
    assert response.status_code == 200
    assert 'name="location" id="location" value=""' in response.content.decode()
