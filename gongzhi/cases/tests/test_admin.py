"""The catalogue in the admin: edited by a district administrator through the service (a new
rule version), refused to others; cases listed within scope only."""

import pytest

from gongzhi.accounts.tests.factories import PASSWORD
from gongzhi.cases.models import Category
from gongzhi.cases.tests.factories import dispatched, world

pytestmark = pytest.mark.django_db


def form_data(category, **changes):
    data = {
        "parent": category.parent_id, "code": category.code, "name": category.name, "description": "",
        "theme": category.theme, "order": category.order, "is_active": "on", "kind": category.kind,
        "level": category.level, "authority": category.authority,
        "lead_department_code": category.lead_department_code, "lead_cost_share": "100",
        "response_hours": category.response_hours, "handling_days": category.handling_days,
        "warning_share": "0.80", "co_departments_text": "", "questions_json": "[]",
    }
    data.update(changes)
    return data


def test_a_district_admin_changes_a_time_limit_and_a_new_version_is_written(client):
    w = world()
    client.login(username=w.admin.username, password=PASSWORD)
    bikes = Category.objects.get(code="shared-bikes")
    response = client.post(f"/admin/cases/category/{bikes.pk}/change/", form_data(bikes, handling_days=4))
    assert response.status_code == 302, response.content.decode()[:3000]
    bikes.refresh_from_db()
    assert bikes.handling_days == 4 and bikes.version == 2
    assert bikes.revisions.get(version=2).rules["handling_days"] == 4


def test_shares_not_adding_up_are_shown_on_the_form(client):
    w = world()
    client.login(username=w.admin.username, password=PASSWORD)
    bikes = Category.objects.get(code="shared-bikes")
    response = client.post(
        f"/admin/cases/category/{bikes.pk}/change/",
        form_data(bikes, lead_cost_share="60", co_departments_text="zj 30"),
    )
    assert response.status_code == 200
    assert "lead_cost_share" in response.context["adminform"].form.errors
    bikes.refresh_from_db()
    assert bikes.version == 1


def test_community_staff_cannot_change_the_catalogue(client):
    w = world()
    client.login(username=w.cstaff.username, password=PASSWORD)
    bikes = Category.objects.get(code="shared-bikes")
    response = client.post(f"/admin/cases/category/{bikes.pk}/change/", form_data(bikes, handling_days=9))
    assert response.status_code == 403
    bikes.refresh_from_db()
    assert bikes.handling_days == 2


def test_the_case_list_in_the_admin_is_scoped(client):
    w = world()
    mine, other = dispatched(w), dispatched(w, where="building_b")
    client.login(username=w.worker_a.username, password=PASSWORD)
    response = client.get("/admin/cases/case/")
    assert response.status_code == 200
    shown = {c.pk for c in response.context["cl"].result_list}
    assert mine.pk in shown and other.pk not in shown
