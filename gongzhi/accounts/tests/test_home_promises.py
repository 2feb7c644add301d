"""The home page promises only work that has a page: the sentence under the user's name and the
tiles (from the navigation the gate allows) — never “监督居务公开” or “抽查网格工作” while those pages
do not exist; a unit's liaison and a party member, told to claim needs, find co-building among
their tiles."""

import pytest

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import UnitFactory, tree
from gongzhi.core.navigation import items_for

pytestmark = pytest.mark.django_db

PROMISES = ("监督居务公开", "抽查网格工作", "抽查")


def account(role, nodes):
    if role == Role.UNIT_LIAISON:
        return user(role, unit=UnitFactory(area=nodes["community"]))
    if role in (Role.SUPERVISION, Role.INSPECTOR):
        return user(role, nodes=[nodes["community"]])
    return user(role)


@pytest.mark.parametrize("role", [Role.SUPERVISION, Role.UNIT_LIAISON, Role.PARTY_MEMBER, Role.INSPECTOR])
def test_the_home_page_promises_nothing_without_a_page(client, role):
    nodes = tree()
    someone = account(role, nodes)
    client.force_login(someone)
    page = client.get("/").content.decode()
    assert not [p for p in PROMISES if p in page]
    # and every task tile on it is a page the gate lets them open
    for item in items_for(someone):
        assert f'href="{item["url"]}"' in page
        assert client.get(item["url"]).status_code in (200, 302)


@pytest.mark.parametrize("role", [Role.UNIT_LIAISON, Role.PARTY_MEMBER])
def test_who_is_told_to_claim_needs_finds_co_building_on_the_home_page(client, role):
    someone = account(role, tree())
    client.force_login(someone)
    page = client.get("/").content.decode()
    assert "认领" in page
    assert any(item["url"] == "/cobuilding/" for item in items_for(someone))
    assert client.get("/cobuilding/").status_code == 200
