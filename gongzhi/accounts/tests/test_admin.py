import pytest

from gongzhi.accounts.models import User
from gongzhi.accounts.tests.factories import PASSWORD, user
from gongzhi.areas.tests.factories import tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def district_admin_client(client):
    t = tree()
    user("district_admin", nodes=[t["district"]], username="qa")
    client.login(username="qa", password=PASSWORD)
    return t, client


def test_a_district_admin_creates_a_grid_worker_bound_to_a_grid(district_admin_client):
    t, client = district_admin_client
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "new_wg", "password": "Gz-strong-pass-2026", "role": "grid_worker", "nodes": [t["grid_a"].pk],
         "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(username="new_wg")
    assert created.check_password("Gz-strong-pass-2026")
    assert list(created.area_bindings.values_list("node__code", flat=True)) == [t["grid_a"].code]


def test_a_grid_worker_without_a_node_is_refused_on_the_nodes_field(district_admin_client):
    _, client = district_admin_client
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "lost", "password": "Gz-strong-pass-2026", "role": "grid_worker", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "nodes" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="lost").exists()


def test_users_of_other_areas_are_invisible_to_a_community_admin_view(client):
    t = tree()
    from gongzhi.areas.tests.factories import child

    other_community = child(t["street"])
    outsider = user("community_staff", nodes=[other_community], username="outsider")
    user("district_admin", nodes=[t["district"]], username="qa")
    client.login(username="qa", password=PASSWORD)
    assert client.get(f"/admin/accounts/user/{outsider.pk}/change/").status_code == 200
    client.logout()
    staff = user("community_staff", nodes=[t["community"]], username="insider")
    client.force_login(staff)
    assert client.get(f"/admin/accounts/user/{outsider.pk}/change/").status_code in (403, 404)


def test_a_bad_mobile_in_the_admin_is_refused_on_the_phone_field_and_nothing_is_saved(district_admin_client):
    t, client = district_admin_client
    for bad in ("12345", "12012345678"):  # too short; 11 digits but no mainland mobile prefix (13–19)
        response = client.post(
            "/admin/accounts/user/add/",
            {"username": "new_wg", "password": "Gz-strong-pass-2026", "role": "grid_worker",
             "nodes": [t["grid_a"].pk], "is_active": "on", "phone_input": bad},
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["phone_input"] == ["请输入11位手机号码。"]
        assert not User.objects.filter(username="new_wg").exists()


def test_the_admin_sets_a_mobile_shows_it_masked_and_an_empty_field_keeps_it(district_admin_client):
    t, client = district_admin_client
    worker = user("grid_worker", nodes=[t["grid_a"]], username="wg")
    form = {"display_name": "王网格", "role": "grid_worker", "nodes": [t["grid_a"].pk], "is_active": "on"}
    response = client.post(f"/admin/accounts/user/{worker.pk}/change/", {**form, "phone_input": "+86 139 1234 5678"})
    assert response.status_code == 302, response.content.decode()[:2000]
    worker.refresh_from_db()
    assert worker.phone == "13912345678" and worker.phone_masked == "139****5678"
    page = client.get(f"/admin/accounts/user/{worker.pk}/change/").content.decode()
    assert "139****5678" in page and "13912345678" not in page
    assert client.post(f"/admin/accounts/user/{worker.pk}/change/", {**form, "phone_input": ""}).status_code == 302
    worker.refresh_from_db()
    assert worker.phone == "13912345678"
