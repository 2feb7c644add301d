"""Units' 双报到, resources, the needs list, matching and claims, through the services."""

import pytest

from gongzhi.areas.models import AreaNode
from gongzhi.cobuilding.models import NeedSource, NeedState, Resource, ResourceKind, UnitReportState
from gongzhi.cobuilding.selectors import matching
from gongzhi.cobuilding.services import needs as need_services
from gongzhi.cobuilding.services import resources as resource_services
from gongzhi.cobuilding.services import units as unit_services
from gongzhi.core.audit import AuditEvent
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.notifications import Notification

from . import factories
from .factories_needs import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def _resource(w, **values):
    fields = {"unit_report": w.unit_report, "kind": ResourceKind.SKILL, "category": w.meals, "title": "爱心午餐",
              "capacity": 5, "capacity_unit": "人"}
    fields.update(values)
    return resource_services.resource_create(actor=w.liaison, **fields)


def test_given_a_liaison_when_registering_twice_with_a_community_then_the_second_is_refused_beside_the_field(w):
    other_unit = factories.unit(w.community, name="西站农商银行网点")
    liaison = factories.liaison(other_unit)
    report = unit_services.unit_register(actor=liaison, community=w.community, liaison_name="马晓燕",
                                         liaison_phone="13909310001", commitment="每季度开展一次金融知识讲座")
    assert report.liaison_phone_masked.startswith("139") and "0001" in report.liaison_phone_masked
    assert "*" in report.liaison_phone_masked
    with pytest.raises(InvalidInput) as refused:
        unit_services.unit_register(actor=liaison, community=w.community, liaison_name="马晓燕",
                                    liaison_phone="13909310001")
    assert "community" in refused.value.fields


def test_given_a_bad_phone_when_registering_then_it_is_refused_beside_the_phone(w):
    with pytest.raises(InvalidInput) as refused:
        unit_services.unit_register(actor=w.staff, unit=factories.unit(w.community), community=w.community,
                                    liaison_name="王", liaison_phone="12")
    assert "liaison_phone" in refused.value.fields


def test_given_staff_when_revealing_the_liaisons_phone_then_it_is_audited_and_others_are_refused(w):
    assert unit_services.liaison_reveal(actor=w.staff, report=w.unit_report) == "13700002222"
    assert AuditEvent.objects.filter(action="cobuilding.unit_report.reveal").count() == 1
    with pytest.raises(Forbidden):
        unit_services.liaison_reveal(actor=w.liaison, report=w.unit_report)
    with pytest.raises(NotFound):
        unit_services.liaison_reveal(actor=w.other_staff, report=w.unit_report)


def test_given_a_registration_when_it_ends_then_its_resources_are_withdrawn(w):
    res = _resource(w)
    unit_services.unit_report_end(actor=w.liaison, report=w.unit_report)
    w.unit_report.refresh_from_db()
    res.refresh_from_db()
    assert w.unit_report.state == UnitReportState.ENDED and not res.is_active


def test_given_a_member_when_offering_a_skill_then_it_is_theirs(w):
    res = resource_services.resource_create(actor=w.member_user, member_report=w.member_report,
                                            kind=ResourceKind.SKILL, category=w.tutoring, title="初中数学辅导",
                                            capacity=10, capacity_unit="小时")
    assert res.provider_name == "张建国" and res.community == w.community
    with pytest.raises(NotFound):
        resource_services.resource_create(actor=w.liaison, member_report=w.member_report, kind=ResourceKind.SKILL,
                                          category=w.tutoring, title="x", capacity=1)


def test_given_a_grid_worker_when_raising_a_need_for_a_building_then_its_community_path_is_set(w):
    need = need_services.need_raise(actor=w.grid_worker, area=w.building_a, category=w.meals, title="楼道灯维修",
                                    urgency="high", beneficiary_count=12)
    assert need.community_path == w.community.path and need.source == NeedSource.STAFF
    with pytest.raises(InvalidInput) as refused:
        need_services.need_raise(actor=w.grid_worker, area=w.building_b, category=w.meals, title="x")
    assert "area" in refused.value.fields


def test_given_a_resident_when_making_a_wish_then_it_is_for_their_household_and_they_confirm(w):
    need = need_services.wish_raise(actor=w.resident, household=None, category=w.meals, title="想要一台助行器")
    assert need.source == NeedSource.WISH and need.beneficiary_user == w.resident and need.area == w.household_a
    with pytest.raises(InvalidInput):
        need_services.wish_raise(actor=w.resident, household=w.household_b, category=w.meals, title="x")


def test_given_an_open_need_when_a_member_claims_it_completes_and_the_resident_confirms_then_it_is_met(
        w, django_capture_on_commit_callbacks):
    need = need_services.wish_raise(actor=w.resident, household=None, category=w.meals, title="想要一台助行器")
    with django_capture_on_commit_callbacks(execute=True):
        need = need_services.need_claim(actor=w.member_user, need=need)
    assert need.state == NeedState.CLAIMED and need.claimant_name == "张建国"
    assert Notification.objects.filter(recipient=w.resident, kind="cobuilding.need_claimed").exists()
    with pytest.raises(Conflict):
        need_services.need_claim(actor=w.liaison, need=need)
    need = need_services.need_complete(actor=w.member_user, need=need, note="已送到家")
    with pytest.raises(Forbidden):
        need_services.need_confirm(actor=w.staff, need=need)
    with django_capture_on_commit_callbacks(execute=True):
        need = need_services.need_confirm(actor=w.resident, need=need, note="谢谢")
    assert need.state == NeedState.CONFIRMED and need.confirmed_at is not None
    assert Notification.objects.filter(recipient=w.member_user, kind="cobuilding.need_confirmed").exists()


def test_given_a_need_without_a_beneficiary_account_when_done_then_staff_confirm_on_their_behalf(w):
    need = factories.need(w.community, cat=w.meals, raised_by=w.staff)
    need_services.need_claim(actor=w.liaison, need=need)
    need_services.need_complete(actor=w.liaison, need=need)
    need = need_services.need_dispute(actor=w.staff, need=need, note="还差两户")
    assert need.state == NeedState.CLAIMED
    need_services.need_complete(actor=w.liaison, need=need)
    assert need_services.need_confirm(actor=w.staff, need=need).state == NeedState.CONFIRMED


def test_given_a_resource_when_claiming_more_than_is_left_then_it_is_refused_beside_the_amount(w):
    res = _resource(w, capacity=3)
    need = factories.need(w.community, cat=w.meals)
    with pytest.raises(InvalidInput) as refused:
        need_services.need_claim(actor=w.liaison, need=need, resource=res, amount=4)
    assert "amount" in refused.value.fields
    need.refresh_from_db()
    assert need.state == NeedState.OPEN
    need_services.need_claim(actor=w.liaison, need=need, resource=res, amount=3)
    res.refresh_from_db()
    assert res.used == 3
    need_services.need_release(actor=w.liaison, need=need)
    res.refresh_from_db()
    assert res.used == 0


def test_given_someone_not_reported_when_claiming_then_refused(w):
    need = factories.need(w.community, cat=w.meals)
    with pytest.raises((Forbidden, NotFound)):
        need_services.need_claim(actor=w.resident, need=need)
    with pytest.raises(NotFound):
        need_services.need_claim(actor=w.other_staff, need=need)


def test_given_resources_when_ranking_then_category_then_nearness_then_capacity(w):
    far_unit = factories.unit(w.community, name="兰州市第二医院")
    far_report = factories.unit_report(far_unit, w.community)
    near = _resource(w, title="近处助餐", location=w.building_a, capacity=2)
    big = resource_services.resource_create(actor=w.staff, unit_report=far_report, kind=ResourceKind.SKILL,
                                            category=w.meals, title="社区食堂", capacity=100, capacity_unit="人")
    other = _resource(w, title="辅导", category=w.tutoring, location=w.household_a, capacity=50)
    full = _resource(w, title="已满", capacity=1)
    Resource.objects.filter(pk=full.pk).update(used=1)
    need = need_services.need_raise(actor=w.staff, area=w.household_a, category=w.meals, title="助餐")
    ranked = matching.rank_resources(need=need, limit=10)
    assert [r.title for r in ranked] == [near.title, big.title, other.title]
    assert [r.same_category for r in ranked] == [True, True, False]
    assert AreaNode.objects.count() > 0


def test_given_staff_when_using_a_resource_from_the_matches_then_its_provider_claims(w):
    res = _resource(w)
    need = factories.need(w.community, cat=w.meals)
    need = need_services.need_claim(actor=w.staff, need=need, resource=res, amount=2)
    assert need.claimed_unit == w.unit_report and need.resource_amount == 2


def test_given_an_open_need_when_its_raiser_withdraws_then_withdrawn_and_others_refused(w):
    need = need_services.wish_raise(actor=w.resident, household=None, category=w.meals, title="修水龙头")
    with pytest.raises((Forbidden, NotFound)):
        need_services.need_withdraw(actor=w.member_user, need=need)
    assert need_services.need_withdraw(actor=w.resident, need=need).state == NeedState.WITHDRAWN
