"""Area scope is a security boundary: a grid worker of grid A gets nothing of grid B, by any road."""

import pytest

from gongzhi.accounts.tests.factories import PASSWORD, user
from gongzhi.areas.tests.factories import tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    t = tree()
    worker = user("grid_worker", nodes=[t["grid_a"]], username="wg_a")
    client.login(username="wg_a", password=PASSWORD)
    return t, worker, client


def test_the_area_pages_show_only_my_grid(world):
    t, _, client = world
    tree_page = client.get("/areas/").content.decode()
    assert t["grid_a"].code in tree_page
    assert t["grid_b"].code not in tree_page
    assert client.get(f"/areas/{t['grid_a'].pk}/").status_code == 200
    assert client.get(f"/areas/{t['household_b'].pk}/").status_code == 404
    # the community above me is not mine either
    assert client.get(f"/areas/{t['community'].pk}/").status_code == 404


def test_the_api_lists_searches_and_details_only_my_grid(world):
    t, _, client = world
    listed = client.get("/api/areas/nodes").json()
    assert {n["code"] for n in listed["items"]} == {
        t["grid_a"].code, t["building_a"].code, t["unit_a"].code, t["household_a"].code
    }
    searched = client.get("/api/areas/nodes", {"q": t["grid_b"].code}).json()
    assert searched["count"] == 0
    by_name = client.get("/api/areas/nodes", {"q": "B1号楼"}).json()
    assert by_name["count"] == 0
    detail = client.get(f"/api/areas/nodes/{t['grid_b'].pk}")
    assert detail.status_code == 404
    assert detail.json() == {"code": "not_found", "message": detail.json()["message"], "fields": {}}
    children = client.get(f"/api/areas/nodes/{t['community'].pk}/children")
    assert children.status_code == 404


def test_the_admin_shows_only_my_grid_and_404s_the_other(world):
    t, _, client = world
    changelist = client.get("/admin/areas/areanode/")
    assert changelist.status_code == 200
    body = changelist.content.decode()
    assert t["grid_a"].code in body and t["grid_b"].code not in body
    assert client.get(f"/admin/areas/areanode/{t['grid_b'].pk}/change/").status_code == 404
    search = client.get("/admin/areas/areanode/", {"q": t["household_b"].code})
    assert search.context["cl"].result_count == 0


def test_the_history_of_another_grids_node_is_not_found(world):
    t, _, client = world
    assert client.get(f"/history/areas/areanode/{t['grid_b'].pk}/").status_code == 404
    assert client.get(f"/history/areas/areanode/{t['grid_a'].pk}/").status_code == 200


def test_a_resident_sees_no_area_data(client):
    t = tree()
    user("resident", username="jm")
    client.login(username="jm", password=PASSWORD)
    assert client.get("/api/areas/nodes").json()["count"] == 0
    assert client.get(f"/areas/{t['grid_a'].pk}/").status_code == 404
    assert client.get("/admin/areas/areanode/").status_code in (302, 403)


def test_an_anonymous_caller_gets_401_from_the_api_and_a_login_redirect_from_pages(client):
    t = tree()
    assert client.get("/api/areas/nodes").status_code == 401
    response = client.get(f"/areas/{t['grid_a'].pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
