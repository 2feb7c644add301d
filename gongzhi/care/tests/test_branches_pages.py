"""The branch pages as their users see them: the list, a branch with its carers, adding a carer and
leave with errors beside the fields."""

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.care.models import CareBranch, Carer, CarerLeave
from gongzhi.party.tests.factories import member as party_member

from . import factories_plans as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def _client(u) -> Client:
    client = Client()
    client.force_login(u)
    return client


def test_given_a_branch_when_staff_open_it_then_its_carers_show_and_outsiders_get_404(w):
    client = _client(w["community_staff"])
    assert str(w["care_branch"]) in client.get(reverse("care:branches")).content.decode()
    page = client.get(reverse("care:branch", kwargs={"branch_id": w["care_branch"].pk})).content.decode()
    assert "王建国" in page and "李秀兰" in page
    assert _client(w["outsider"]).get(reverse("care:branch", kwargs={"branch_id": w["care_branch"].pk})).status_code == 404


def test_given_staff_when_they_set_up_a_branch_on_the_page_then_it_exists(w):
    client = _client(w["community_staff"])
    answer = client.post(reverse("care:branch-create"), {"organization": w["branch_b"].pk})
    assert answer.status_code == 302 and CareBranch.objects.filter(organization=w["branch_b"]).exists()


def test_given_a_member_when_added_with_too_many_turns_then_the_error_is_beside_the_field(w):
    m = party_member(w["branch_a"], name="陈红", phone="13700000001")
    client = _client(w["grid_worker"])
    url = reverse("care:carer-add", kwargs={"branch_id": w["care_branch"].pk})
    answer = client.post(url, {"kind": "member", "member": m.pk, "max_per_week": 20})
    assert answer.status_code == 422 and not Carer.objects.filter(member=m).exists()
    answer = client.post(url, {"kind": "member", "member": m.pk, "max_per_week": 2, "unavailable_weekdays": [6]})
    assert answer.status_code == 302 and Carer.objects.get(member=m).unavailable_weekdays == [6]


def test_given_a_carer_when_leave_is_recorded_on_the_page_then_it_shows_on_the_branch(w):
    client = _client(w["grid_worker"])
    url = reverse("care:leave-add", kwargs={"carer_id": w["carer_volunteer"].pk})
    assert client.post(url, {"start_on": "2030-05-09", "end_on": "2030-05-01"}).status_code == 422
    assert client.post(url, {"start_on": "2030-05-01", "end_on": "2030-05-09", "reason": "住院"}).status_code == 302
    assert CarerLeave.objects.filter(carer=w["carer_volunteer"]).count() == 1
    page = client.get(reverse("care:branch", kwargs={"branch_id": w["care_branch"].pk})).content.decode()
    assert "住院" in page


def test_given_a_branch_with_a_plan_when_staff_print_the_cards_then_a_pdf_and_an_audit_row(w):
    answer = _client(w["community_staff"]).get(reverse("care:branch-cards", kwargs={"branch_id": w["care_branch"].pk}))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    from gongzhi.core.audit import AuditEvent

    assert AuditEvent.objects.filter(action="care.card.print").count() == 1
    assert _client(w["outsider"]).get(reverse("care:branch-cards", kwargs={"branch_id": w["care_branch"].pk})).status_code == 404


def test_given_the_secretary_who_may_not_keep_plans_when_printing_the_cards_then_403(w):
    answer = _client(w["secretary"]).get(reverse("care:branch-cards", kwargs={"branch_id": w["care_branch"].pk}))
    assert answer.status_code == 403


def test_given_a_carer_when_staff_change_the_days_they_cannot_come_then_the_branch_shows_them(w):
    client = _client(w["grid_worker"])
    url = reverse("care:carer-change", kwargs={"carer_id": w["carer_volunteer"].pk})
    answer = client.post(url, {"max_per_week": 0, "unavailable_weekdays": [2]})
    assert answer.status_code == 422 and answer.context["form"].errors["max_per_week"]
    answer = client.post(url, {"max_per_week": 3, "unavailable_weekdays": [2, 6]})
    carer = Carer.objects.get(pk=w["carer_volunteer"].pk)
    assert answer.status_code == 302 and carer.max_per_week == 3 and carer.unavailable_weekdays == [2, 6]
    page = client.get(reverse("care:branch", kwargs={"branch_id": w["care_branch"].pk})).content.decode()
    assert reverse("care:carer-change", kwargs={"carer_id": carer.pk}) in page


def test_given_a_volunteer_of_the_community_when_adding_a_carer_then_they_are_offered(w):
    from gongzhi.volunteers.tests.factories import volunteer

    v = volunteer(w["community"], name="社区志愿者周敏")
    page = _client(w["grid_worker"]).get(
        reverse("care:carer-add", kwargs={"branch_id": w["care_branch"].pk})).content.decode()
    assert "社区志愿者周敏" in page and str(v.pk) in page
