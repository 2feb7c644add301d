"""The pages of units' 双报到, resources and needs, as their users see them."""

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.cobuilding.models import Need, NeedState, Resource, UnitReport
from gongzhi.core.audit import AuditEvent

from . import factories
from .factories_needs import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_given_a_liaison_when_reporting_in_on_my_unit_then_listed_and_a_second_time_refused_beside_the_field(w):
    unit = factories.unit(w.community, name="瓜州路卫生服务站")
    liaison = factories.liaison(unit)
    client = _client(liaison)
    data = {"community": w.community.pk, "liaison_name": "赵医生", "liaison_phone": "13919310022",
            "commitment": "每月一次义诊"}
    assert client.post(reverse("cobuilding:my-unit"), data).status_code == 302
    page = client.get(reverse("cobuilding:my-unit")).content.decode()
    assert "瓜州路卫生服务站" in page and w.community.name in page
    again = client.post(reverse("cobuilding:my-unit"), data)
    assert again.status_code == 422
    assert "already registered" in again.content.decode() or "已" in again.content.decode()


def test_given_staff_when_opening_the_units_list_then_the_phone_is_masked_and_the_reveal_is_recorded(w):
    client = _client(w.staff)
    page = client.get(reverse("cobuilding:units")).content.decode()
    assert "瓜州路小学" in page and "13700002222" not in page
    detail = reverse("cobuilding:unit-detail", kwargs={"unit_report_id": w.unit_report.pk})
    client.post(reverse("cobuilding:unit-reveal", kwargs={"unit_report_id": w.unit_report.pk}))
    assert "13700002222" in client.get(detail).content.decode()
    assert "13700002222" not in client.get(detail).content.decode()
    assert AuditEvent.objects.filter(action="cobuilding.unit_report.reveal").count() == 1


def test_given_staff_of_another_district_when_opening_a_unit_then_404(w):
    client = _client(w.other_staff)
    assert client.get(reverse("cobuilding:unit-detail", kwargs={"unit_report_id": w.unit_report.pk})).status_code == 404


def test_given_staff_when_registering_a_unit_then_it_shows_on_its_page(w):
    unit = factories.unit(w.community, name="华联超市西站店")
    response = _client(w.staff).post(reverse("cobuilding:unit-register"), {
        "unit": unit.pk, "community": w.community.pk, "liaison_name": "孙店长", "liaison_phone": "13893100033"})
    assert response.status_code == 302
    assert UnitReport.objects.filter(unit=unit).exists()


def test_given_a_liaison_when_publishing_a_resource_then_it_is_on_the_list_and_a_zero_capacity_is_refused(w):
    client = _client(w.liaison)
    data = {"provider": f"unit:{w.unit_report.pk}", "kind": "venue", "category": w.tutoring.pk, "title": "学校阅览室",
            "capacity": "0", "capacity_unit": "次", "availability": "周六上午"}
    refused = client.post(reverse("cobuilding:resource-new"), data)
    assert refused.status_code == 422
    data["capacity"] = "8"
    assert client.post(reverse("cobuilding:resource-new"), data).status_code == 302
    row = Resource.objects.get(title="学校阅览室")
    page = _client(w.staff).get(reverse("cobuilding:resources") + f"?category={w.tutoring.pk}").content.decode()
    assert "学校阅览室" in page and "瓜州路小学" in page
    assert client.post(reverse("cobuilding:resource-withdraw", kwargs={"resource_id": row.pk})).status_code == 302
    row.refresh_from_db()
    assert not row.is_active


def test_given_a_grid_worker_when_raising_a_need_then_it_is_on_the_needs_list(w):
    client = _client(w.grid_worker)
    response = client.post(reverse("cobuilding:need-new"), {
        "area": w.building_a.pk, "category": w.meals.pk, "title": "楼道灯维修", "urgency": "high",
        "beneficiaries": "A1号楼住户", "beneficiary_count": "24"})
    assert response.status_code == 302
    need = Need.objects.get(title="楼道灯维修")
    assert need.community_path == w.community.path
    page = _client(w.staff).get(reverse("cobuilding:needs") + "?urgency=high").content.decode()
    assert "楼道灯维修" in page


def test_given_a_resident_when_making_a_wish_a_member_claims_and_the_resident_confirms(w):
    resident = _client(w.resident)
    assert resident.post(reverse("cobuilding:wish-new"), {
        "household": w.household_a.pk, "category": w.meals.pk, "title": "想请人陪老伴去医院复查"}).status_code == 302
    need = Need.objects.get()
    member = _client(w.member_user)
    assert "想请人陪老伴去医院复查" in member.get(reverse("cobuilding:claimable")).content.decode()
    member.post(reverse("cobuilding:need-claim", kwargs={"need_id": need.pk}), {})
    member.post(reverse("cobuilding:need-complete", kwargs={"need_id": need.pk}), {"note": "已陪同复查"})
    page = resident.get(reverse("cobuilding:need-detail", kwargs={"need_id": need.pk})).content.decode()
    assert "张建国" in page and "已陪同复查" in page
    resident.post(reverse("cobuilding:need-confirm", kwargs={"need_id": need.pk}), {"note": "谢谢"})
    need.refresh_from_db()
    assert need.state == NeedState.CONFIRMED


def test_given_staff_when_opening_an_open_need_then_matches_are_offered_and_usable(w):
    res = factories.resource(w.unit_report, title="爱心午餐", cat=w.meals, capacity=5)
    need = factories.need(w.community, cat=w.meals)
    client = _client(w.staff)
    page = client.get(reverse("cobuilding:need-detail", kwargs={"need_id": need.pk})).content.decode()
    assert "爱心午餐" in page
    client.post(reverse("cobuilding:need-claim", kwargs={"need_id": need.pk}), {"resource": res.pk, "amount": "1"})
    need.refresh_from_db()
    assert need.state == NeedState.CLAIMED and need.claimed_unit == w.unit_report


def test_given_a_claimed_need_when_another_member_claims_then_told_it_is_taken(w):
    need = factories.need(w.community, cat=w.meals)
    _client(w.member_user).post(reverse("cobuilding:need-claim", kwargs={"need_id": need.pk}), {})
    response = _client(w.liaison).post(reverse("cobuilding:need-claim", kwargs={"need_id": need.pk}), {}, follow=True)
    need.refresh_from_db()
    assert need.claimed_member == w.member_report
    assert response.status_code == 200


def test_given_a_case_when_raising_a_need_from_it_then_prefilled_and_linked(w):
    from gongzhi.cases import catalogue_data, services
    from gongzhi.cases.models import Category, Channel

    catalogue_data.load()
    case = services.case_submit(actor=w.resident, category=Category.objects.get(code="shared-bikes"),
                                channel=Channel.ONLINE, title="独居老人吃饭难", description="楼里三位独居老人做饭困难",
                                location=w.building_a)
    client = _client(w.staff)
    page = client.get(reverse("cobuilding:need-new") + f"?case={case.pk}").content.decode()
    assert "独居老人吃饭难" in page
    client.post(reverse("cobuilding:need-new"), {"case": case.pk, "area": w.building_a.pk, "category": w.meals.pk,
                                                 "title": "独居老人吃饭难", "urgency": "normal",
                                                 "beneficiary_count": "3"})
    assert Need.objects.get().case == case


def test_given_a_case_when_the_case_pipeline_asks_for_panels_and_hot_issue_actions_then_a_need_can_be_raised(w):
    from gongzhi.cases import catalogue_data, services
    from gongzhi.cases.models import Category, Channel
    from gongzhi.cobuilding.selectors import needs as selectors

    catalogue_data.load()
    case = services.case_submit(actor=w.resident, category=Category.objects.get(code="shared-bikes"),
                                channel=Channel.ONLINE, title="单车堆放", description="楼下单车太多", location=w.building_a)
    panel = selectors.case_panel(user=w.staff, case=case)
    assert panel["context"]["raise_url"].endswith(f"?case={case.pk}")
    assert selectors.case_panel(user=w.resident, case=case) is None
    actions = selectors.hot_issue_actions(user=w.staff, row={"category": "shared-bikes", "location_id": w.building_a.pk})
    assert actions and actions[0]["url"].endswith(f"?case={case.pk}")
    assert selectors.hot_issue_actions(user=w.other_staff, row={"category": "shared-bikes",
                                                                "location_id": w.building_a.pk}) == []
