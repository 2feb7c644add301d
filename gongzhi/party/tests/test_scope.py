"""Scope is a security boundary: staff of grid A or of another community get nothing of a
community's organisations or members — by list, detail, API or admin."""

import pytest

from gongzhi.core.errors import NotFound
from gongzhi.party import selectors, services
from gongzhi.party.models import AllianceLevel

from .factories import ACTOR


def _names(qs):
    return {o.name for o in qs}


def test_grid_worker_sees_only_their_grids_branch(pt, users):
    visible = _names(selectors.organizations_visible(user=users["grid_a"]))
    assert visible == {"第A网格党支部", "第A网格第一党小组"}
    assert _names(selectors.members_visible(user=users["grid_a"])) == {"张甲"}
    with pytest.raises(NotFound):
        selectors.organization_get(user=users["grid_a"], pk=pt["branch_b"].pk)
    with pytest.raises(NotFound):
        selectors.organization_get(user=users["grid_a"], pk=pt["committee"].pk)


def test_other_community_staff_get_nothing_of_this_community(pt, users):
    u = users["other_community"]
    visible = _names(selectors.organizations_visible(user=u))
    assert visible == {"建西东路社区党委", "第C网格党支部", "第C网格第一党小组"}
    assert _names(selectors.members_visible(user=u)) == {"王丙"}
    for key in ("committee", "branch_a", "group_b"):
        with pytest.raises(NotFound):
            selectors.organization_get(user=u, pk=pt[key].pk)
    with pytest.raises(NotFound):
        selectors.member_get(user=u, pk=pt["member_a"].pk)
    with pytest.raises(NotFound):
        selectors.organizations_visible(user=u, parent_id=pt["committee"].pk)
    with pytest.raises(NotFound):
        selectors.organizations_visible(user=u, area_id=pt["community"].pk)


def test_tops_of_the_tree_per_user(pt, users):
    assert [o.name for o in selectors.organization_roots_for(user=users["community"])] == ["瓜州路社区党委"]
    assert [o.name for o in selectors.organization_roots_for(user=users["district"])] == ["七里河区委"]
    assert selectors.organization_roots_for(user=users["resident"]) == []


def _api_get(client, u, url):
    client.force_login(u)
    return client.get(url)


def test_api_lists_only_in_scope_and_404s_outside(client, pt, users):
    u = users["other_community"]
    body = _api_get(client, u, "/api/party/organizations").json()
    assert body["count"] == 3
    assert {i["name"] for i in body["items"]} == {"建西东路社区党委", "第C网格党支部", "第C网格第一党小组"}
    for url in (
        f"/api/party/organizations/{pt['committee'].pk}",
        f"/api/party/organizations/{pt['group_a'].pk}/members",
        f"/api/party/organizations/{pt['committee'].pk}/children",
        f"/api/party/members/{pt['member_a'].pk}",
        f"/api/party/organizations?parent={pt['committee'].pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    members = client.get("/api/party/members").json()
    assert [m["name"] for m in members["items"]] == ["王丙"]


def test_api_alliances_are_scoped(client, pt, users):
    alliance = services.alliance_create(
        actor=ACTOR, level=AllianceLevel.COMMUNITY, name="瓜州路社区大党委", area=pt["community"],
        leading_organization=pt["committee"],
    )
    client.force_login(users["other_community"])
    assert client.get("/api/party/alliances").json()["count"] == 0
    assert client.get(f"/api/party/alliances/{alliance.pk}").status_code == 404
    assert client.get(f"/api/party/alliances/{alliance.pk}/members").status_code == 404
    client.force_login(users["community"])
    assert client.get("/api/party/alliances").json()["items"][0]["name"] == "瓜州路社区大党委"


def test_pages_404_outside_scope(client, pt, users):
    client.force_login(users["grid_a"])
    assert client.get(f"/party/{pt['branch_a'].pk}/").status_code == 200
    assert client.get(f"/party/{pt['branch_b'].pk}/").status_code == 404
    assert client.get(f"/party/{pt['committee'].pk}/").status_code == 404
    tree = client.get("/party/").content.decode()
    assert "第A网格党支部" in tree and "第B网格党支部" not in tree and "王丙" not in tree
    client.force_login(users["other_community"])
    assert client.get(f"/party/{pt['group_a'].pk}/").status_code == 404


def test_admin_404s_outside_scope_and_403s_grid_workers(client, pt, users):
    client.force_login(users["other_community"])
    assert client.get(f"/admin/party/partyorganization/{pt['branch_a'].pk}/change/").status_code == 404
    assert client.get(f"/admin/party/partyorganization/{pt['branch_a'].pk}/delete/").status_code == 404
    assert client.get(f"/admin/party/partymember/{pt['member_a'].pk}/change/").status_code == 404
    listing = client.get("/admin/party/partyorganization/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "第C网格党支部" in page and "第A网格党支部" not in page
    members = client.get("/admin/party/partymember/").content.decode()
    assert "王丙" in members and "张甲" not in members
    # a grid worker may not use the party admin at all
    client.force_login(users["grid_a"])
    assert client.get("/admin/party/partyorganization/").status_code == 403
    assert client.get(f"/admin/party/partyorganization/{pt['branch_a'].pk}/change/").status_code == 403
