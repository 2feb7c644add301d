import pytest

from gongzhi.accounts.tests.factories import PASSWORD, user
from gongzhi.areas.models import AreaNode
from gongzhi.areas.tests.factories import tree
from gongzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_community_staff_add_a_grid_in_the_admin_through_the_service(client):
    t = tree()
    user("community_staff", nodes=[t["community"]], username="sq")
    client.login(username="sq", password=PASSWORD)
    code = t["community"].code + "005"
    response = client.post(
        "/admin/areas/areanode/add/",
        {"parent": t["community"].pk, "kind": "grid", "code": code, "name": "第5网格", "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    grid = AreaNode.objects.get(code=code)
    assert AreaNode.objects.get_parent(grid) == t["community"]
    assert AuditEvent.objects.for_object(grid).get().actor.username == "sq"


def test_a_bad_code_in_the_admin_is_shown_on_the_code_field_and_nothing_is_written(client):
    t = tree()
    user("community_staff", nodes=[t["community"]], username="sq")
    client.login(username="sq", password=PASSWORD)
    before = AreaNode.objects.count()
    response = client.post(
        "/admin/areas/areanode/add/",
        {"parent": t["community"].pk, "kind": "grid", "code": "123", "name": "坏网格", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "code" in response.context["adminform"].form.errors
    assert AreaNode.objects.count() == before


def test_a_district_admin_moves_a_grid_in_the_admin_and_the_subtree_follows(client):
    from gongzhi.areas.tests.factories import child

    t = tree()
    other = child(t["street"])
    user("district_admin", nodes=[t["district"]], username="qa")
    client.login(username="qa", password=PASSWORD)
    grid = t["grid_b"]
    response = client.post(
        f"/admin/areas/areanode/{grid.pk}/change/",
        {"parent": other.pk, "kind": "grid", "code": other.code + "001", "name": grid.name, "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert AreaNode.objects.get(pk=t["household_b"].pk).code.startswith(other.code + "001")


def test_street_staff_see_their_districts_departments_in_the_admin_but_cannot_change_them(client):
    from gongzhi.areas.tests.factories import DepartmentFactory

    # given a department of the district and a street staff member of one of its streets
    t = tree()
    department = DepartmentFactory(district=t["district"])
    user("street_staff", nodes=[t["street"]], username="jd")
    client.login(username="jd", password=PASSWORD)
    # then the department is listed (as on /api/areas/departments) and opens read-only
    assert department.short_name in client.get("/admin/areas/department/").content.decode()
    page = client.get(f"/admin/areas/department/{department.pk}/change/")
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    # and a change posted anyway is refused
    response = client.post(f"/admin/areas/department/{department.pk}/change/", {"name": "改名"})
    assert response.status_code == 403
