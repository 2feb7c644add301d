"""Correcting the lists: a unit's liaison changes their resource (never below what claims use), the
staff and whoever raised a need change it while it is open (claimed needs stay as claimed), each
change audited; others are refused and outside the scope is 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.cobuilding.models import NeedState
from gongzhi.cobuilding.services import needs as need_services
from gongzhi.cobuilding.tests import factories
from gongzhi.cobuilding.tests.factories_needs import world as needs_world
from gongzhi.core.audit import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return needs_world()


def _resource_form(w, **changes):
    values = {"kind": "venue", "category": w.tutoring.pk, "title": "学校多功能教室", "description": "",
              "capacity": "8", "capacity_unit": "次", "availability": "周六上午", "conditions": "提前三天预约"}
    values.update(changes)
    return values


def test_given_a_liaison_when_changing_their_resource_then_it_is_saved_and_audited(client, w):
    resource = factories.resource(w.unit_report, title="会议室", cat=w.tutoring, capacity=10)
    client.force_login(w.liaison)
    response = client.post(reverse("cobuilding:resource-edit", args=[resource.pk]), _resource_form(w))
    assert response.status_code == 302
    resource.refresh_from_db()
    assert (resource.title, resource.capacity, resource.availability) == ("学校多功能教室", 8, "周六上午")
    event = AuditEvent.objects.get(action="cobuilding.resource.update")
    assert event.before["title"] == "会议室" and event.after["title"] == "学校多功能教室"


def test_given_claims_using_six_when_the_capacity_is_cut_to_five_then_refused_beside_the_field(client, w):
    resource = factories.resource(w.unit_report, title="会议室", cat=w.tutoring, capacity=10, used=6)
    client.force_login(w.liaison)
    response = client.post(reverse("cobuilding:resource-edit", args=[resource.pk]), _resource_form(w, capacity="5"))
    assert response.status_code == 422
    assert "6" in response.content.decode() and 'id="id_capacity"' in response.content.decode()
    resource.refresh_from_db()
    assert resource.capacity == 10


def test_given_someone_else_then_they_may_not_change_a_resource_and_outsiders_get_404(client, w):
    resource = factories.resource(w.unit_report, title="会议室", cat=w.tutoring)
    client.force_login(w.member_user)
    assert client.get(reverse("cobuilding:resource-edit", args=[resource.pk])).status_code in (403, 404)
    client.force_login(w.other_staff)
    assert client.get(reverse("cobuilding:resource-edit", args=[resource.pk])).status_code == 404


def test_given_an_open_need_when_staff_change_it_then_saved_and_once_claimed_it_is_not(client, w):
    need = factories.need(w.community, title="独居老人助餐", cat=w.meals, raised_by=w.staff)
    client.force_login(w.staff)
    form = {"area": w.grid_a.pk, "category": w.meals.pk, "title": "第A网格独居老人午餐送餐", "description": "每天中午",
            "urgency": "high", "beneficiaries": "独居老人6人", "beneficiary_count": "6"}
    assert client.post(reverse("cobuilding:need-edit", args=[need.pk]), form).status_code == 302
    need.refresh_from_db()
    assert (need.title, need.area_id, need.beneficiary_count, need.urgency) == ("第A网格独居老人午餐送餐", w.grid_a.pk, 6, "high")
    assert AuditEvent.objects.filter(action="cobuilding.need.update", object_id=str(need.pk)).exists()
    need_services.need_claim(actor=w.member_user, need=need)
    need.refresh_from_db()
    assert need.state == NeedState.CLAIMED
    assert client.get(reverse("cobuilding:need-edit", args=[need.pk])).status_code == 403


def test_given_a_resident_wish_then_the_resident_corrects_it_but_cannot_move_it(client, w):
    wish = factories.need(w.household_a, title="修水龙头", cat=w.meals, raised_by=w.resident, beneficiary_user=w.resident)
    client.force_login(w.resident)
    form = {"area": w.household_a.pk, "category": w.meals.pk, "title": "厨房水龙头漏水，想请人帮忙修一下",
            "description": "", "urgency": "normal", "beneficiaries": "", "beneficiary_count": "1"}
    assert client.post(reverse("cobuilding:need-edit", args=[wish.pk]), form).status_code == 302
    wish.refresh_from_db()
    assert wish.title == "厨房水龙头漏水，想请人帮忙修一下"
    moved = client.post(reverse("cobuilding:need-edit", args=[wish.pk]), {**form, "area": w.community.pk})
    assert moved.status_code == 422
    wish.refresh_from_db()
    assert wish.area_id == w.household_a.pk


def test_given_a_liaison_when_changing_the_registration_without_a_number_then_the_number_on_file_stays(client, w):
    client.force_login(w.liaison)
    page = client.get(reverse("cobuilding:unit-edit", args=[w.unit_report.pk])).content.decode()
    assert "13700002222" not in page and w.unit_report.liaison_phone_masked in page
    response = client.post(reverse("cobuilding:unit-edit", args=[w.unit_report.pk]),
                           {"liaison_name": "刘校长", "liaison_phone": "", "commitment": "每周六开放多功能教室"})
    assert response.status_code == 302
    w.unit_report.refresh_from_db()
    assert (w.unit_report.liaison_name, w.unit_report.liaison_phone) == ("刘校长", "13700002222")
    assert w.unit_report.commitment == "每周六开放多功能教室"
    event = AuditEvent.objects.get(action="cobuilding.unit_report.update")
    assert event.after["liaison_phone"] == ""


def test_given_a_new_number_with_letters_then_refused_beside_the_field(client, w):
    client.force_login(w.liaison)
    response = client.post(reverse("cobuilding:unit-edit", args=[w.unit_report.pk]),
                           {"liaison_name": "刘校长", "liaison_phone": "call me", "commitment": ""})
    assert response.status_code == 422
    w.unit_report.refresh_from_db()
    assert w.unit_report.liaison_name == "王经理"


def test_given_staff_of_another_community_then_the_registration_is_not_found(client, w):
    client.force_login(w.other_staff)
    assert client.get(reverse("cobuilding:unit-edit", args=[w.unit_report.pk])).status_code == 404


def test_given_an_open_need_then_staff_are_offered_to_make_it_a_project_and_then_it_links_the_project(client, w):
    need = factories.need(w.community, title="四点半课堂辅导", cat=w.tutoring, raised_by=w.staff)
    client.force_login(w.staff)
    page = client.get(reverse("cobuilding:need-detail", args=[need.pk])).content.decode()
    link = reverse("cobuilding:project-new") + f"?need={need.pk}"
    assert link in page
    client.force_login(w.member_user)
    assert link not in client.get(reverse("cobuilding:need-detail", args=[need.pk])).content.decode()
    need.project = factories.project(w.community, w.unit, title="四点半课堂（瓜州路小学共建）")
    need.state = NeedState.PROJECT
    need.save(update_fields=["project", "state"])
    client.force_login(w.staff)
    page = client.get(reverse("cobuilding:need-detail", args=[need.pk])).content.decode()
    assert "四点半课堂（瓜州路小学共建）" in page and link not in page
