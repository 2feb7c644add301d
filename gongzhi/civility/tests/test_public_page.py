"""The public building page: no login, each household's points and standing, a name only where the
household agreed."""

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.civility.services.checks import checks_record
from gongzhi.civility.services.consent import consent_record, consent_revoke
from gongzhi.core.errors import Forbidden

from . import factories


@pytest.fixture
def page(world):
    standard = factories.only_standards(world["community"], ("门前三包", 3, 5))[0]
    checks_record(actor=world["grid_worker"], household=world["household_a"], results={standard.pk: True})
    world["building_a"].refresh_from_db()
    return reverse("civility:public-building", kwargs={"building_code": world["building_a"].code})


def test_names_are_hidden_without_consent(world, page):
    # given a household that has not agreed to be named
    response = Client().get(page)
    text = response.content.decode()
    # then anyone sees its points and standing, shown as 某户 with the room masked
    assert response.status_code == 200
    assert "某户" in text or "A household" in text
    assert "101室" not in text and "102室" not in text
    assert "1*1室" not in text  # the mask keeps one end only for a short name
    assert ">3<" in text


def test_a_consenting_household_is_named_until_it_revokes(world, page):
    consent_record(actor=world["community_staff"], household=world["household_a"], display_name="王家")
    assert "王家" in Client().get(page).content.decode()
    consent_revoke(actor=world["community_staff"], household=world["household_a"])
    assert "王家" not in Client().get(page).content.decode()


def test_a_grid_worker_does_not_record_consent(world):
    with pytest.raises(Forbidden):
        consent_record(actor=world["grid_worker"], household=world["household_a"], display_name="王家")


def test_an_unknown_building_or_another_kind_of_node_is_not_found(world):
    for code in ("999999999999999999", world["community"].code, "abc"):
        assert Client().get(reverse("civility:public-building", kwargs={"building_code": code})).status_code == 404
