"""The plan pages as their users see them: the list, a plan with masked health notes revealed on
request, the forms with errors beside the fields, closing, and starting plans from the tags."""

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.care.models import CarePlan, PlanState
from gongzhi.care.services import plans as services
from gongzhi.core.audit import AuditEvent

from . import factories_plans as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def _client(u) -> Client:
    client = Client()
    client.force_login(u)
    return client


def test_given_plans_when_staff_open_the_list_then_households_show_and_outsiders_see_none(w):
    page = _client(w["community_staff"]).get(reverse("care:plans")).content.decode()
    assert "101室" in page and str(w["care_branch"]) in page
    page = _client(w["outsider"]).get(reverse("care:plans")).content.decode()
    assert "101室" not in page


def test_given_health_notes_when_the_plan_is_opened_then_masked_until_revealed_and_the_reveal_recorded(w):
    services.plan_update(actor=w["community_staff"], plan=w["plan"], health_notes="高血压")
    client = _client(w["grid_worker"])
    url = reverse("care:plan-detail", kwargs={"plan_id": w["plan"].pk})
    page = client.get(url).content.decode()
    assert "高血压" not in page and w["plan"].checkin_code in page and "王建国" in page
    answer = client.post(reverse("care:plan-reveal", kwargs={"plan_id": w["plan"].pk}), {"reason": "上门"})
    assert "高血压" in answer.content.decode()
    assert AuditEvent.objects.filter(action="care.plan.reveal_health", actor=w["grid_worker"]).count() == 1


def test_given_an_outsider_when_opening_a_plan_then_not_found(w):
    assert _client(w["outsider"]).get(reverse("care:plan-detail", kwargs={"plan_id": w["plan"].pk})).status_code == 404


def test_given_a_bad_interval_when_creating_on_the_page_then_the_error_is_beside_the_field(w):
    client = _client(w["community_staff"])
    url = reverse("care:plan-create", kwargs={"household_id": w["household_tagged"].pk})
    assert client.get(url).status_code == 200
    answer = client.post(url, {"branch": w["care_branch"].pk, "every_days": 0, "review_every_days": 90,
                               "people": [w["alone"].pk]})
    assert answer.status_code == 422 and not CarePlan.objects.filter(household=w["household_tagged"]).exists()
    answer = client.post(url, {"branch": w["care_branch"].pk, "every_days": 3, "review_every_days": 90,
                               "people": [w["alone"].pk], "needs": ["groceries"],
                               "carers": [w["carer_member"].pk], "paired": [w["carer_member"].pk]})
    plan = CarePlan.objects.get(household=w["household_tagged"])
    assert answer.status_code == 302 and plan.every_days == 3


def test_given_a_plan_when_closed_on_the_page_then_it_says_closed(w):
    client = _client(w["community_staff"])
    url = reverse("care:plan-close", kwargs={"plan_id": w["plan"].pk})
    assert client.post(url, {"reason": "nonsense"}).status_code == 422
    answer = client.post(url, {"reason": "passed_away", "note": "家属告知"})
    assert answer.status_code == 302
    w["plan"].refresh_from_db()
    assert w["plan"].state == PlanState.CLOSED


def test_given_tagged_households_when_staff_press_start_then_a_plan_is_made(w):
    client = _client(w["community_staff"])
    page = client.get(reverse("care:plan-from-tags")).content.decode()
    assert "102室" in page and "张桂英" in page
    answer = client.post(reverse("care:plan-from-tags"), {"household": w["household_tagged"].pk})
    assert answer.status_code == 302 and CarePlan.objects.filter(household=w["household_tagged"]).exists()
    assert "张桂英" not in client.get(reverse("care:plan-from-tags")).content.decode()


def test_given_a_plan_when_a_contact_is_added_on_the_page_then_only_the_masked_phone_shows(w):
    client = _client(w["grid_worker"])
    url = reverse("care:plan-contact-add", kwargs={"plan_id": w["plan"].pk})
    assert client.post(url, {"name": "刘强", "relation": "儿子", "phone": "12"}).status_code == 422
    client.post(url, {"name": "刘强", "relation": "儿子", "phone": "13912345678"})
    page = client.get(reverse("care:plan-detail", kwargs={"plan_id": w["plan"].pk})).content.decode()
    assert "刘强" in page and "13912345678" not in page


def test_given_a_household_with_a_plan_when_staff_open_its_registry_page_then_the_care_panel_links_it(w):
    client = _client(w["community_staff"])
    page = client.get(reverse("residents:household", kwargs={"pk": w["household_a"].pk})).content.decode()
    assert 'id="care-panel"' in page and reverse("care:plan-detail", kwargs={"plan_id": w["plan"].pk}) in page
    page = client.get(reverse("residents:household", kwargs={"pk": w["household_tagged"].pk})).content.decode()
    assert reverse("care:plan-create", kwargs={"household_id": w["household_tagged"].pk}) in page


def test_given_a_household_outside_or_not_a_household_when_starting_a_plan_then_not_found(w):
    url = reverse("care:plan-create", kwargs={"household_id": w["household_tagged"].pk})
    assert _client(w["outsider"]).get(url).status_code == 404
    grid = reverse("care:plan-create", kwargs={"household_id": w["grid_a"].pk})
    assert _client(w["grid_worker"]).get(grid).status_code == 404
