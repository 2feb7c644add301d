"""Members: adding, transferring, 双报到, and the phone number that is never shown in full."""

import datetime

import pytest

from gongzhi.accounts.tests.factories import user
from gongzhi.core.errors import Forbidden, InvalidInput
from gongzhi.core.models import AuditEvent
from gongzhi.core.pii import mask_phone
from gongzhi.party import selectors, services
from gongzhi.party.models import MemberStatus, PartyMember

from .factories import ACTOR, member


# A member's phone is masked by the product's one rule (gongzhi.core.pii, as residents' phones):
# a landline shows its last four digits only.
@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13812345678", "138****5678"), ("0931-8123456", "*******3456"), ("12345", "*2345"), ("", ""), ("123", "***")],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked
    if len(phone) >= 8:
        assert phone not in mask_phone(phone)


def test_add_member_with_dual_registration(pt):
    # given an in-service member working at a unit and living in the other community
    from gongzhi.areas.tests.factories import UnitFactory

    employer = UnitFactory(area=pt["community"], name="国网供电公司")
    m = member(
        pt["group_a"],
        name="孙丁",
        gender="female",
        birth_year=1985,
        joined_on=datetime.date(2010, 7, 1),
        status=MemberStatus.PROBATIONARY,
        is_in_service=True,
        employer=employer,
        home_community=pt["other_community"],
    )
    assert m.employer_display == "国网供电公司"
    # then the audit event holds the masked phone, never the full number
    event = AuditEvent.objects.get(action="party.member.add", object_id=str(m.pk))
    assert event.after["phone"] == "138****5678"
    assert "13812345678" not in str(event.after)
    assert event.area_path == pt["grid_a"].path


def test_member_needs_a_name_and_a_branch_or_group(pt):
    before = PartyMember.objects.count()
    with pytest.raises(InvalidInput) as info:
        services.member_add(actor=ACTOR, organization=pt["group_a"], name="")
    assert list(info.value.fields) == ["name"]
    with pytest.raises(InvalidInput) as info:
        services.member_add(actor=ACTOR, organization=pt["committee"], name="周戊")
    assert list(info.value.fields) == ["organization"]
    assert PartyMember.objects.count() == before


def test_only_in_service_members_have_employer_or_home_community(pt):
    with pytest.raises(InvalidInput) as info:
        services.member_add(actor=ACTOR, organization=pt["group_a"], name="吴己", home_community=pt["community"])
    assert "home_community" in info.value.fields
    with pytest.raises(InvalidInput) as info:
        services.member_add(actor=ACTOR, organization=pt["group_a"], name="吴己", employer_name="某公司")
    assert "employer" in info.value.fields


def test_bad_phone_and_birth_year_are_refused(pt):
    with pytest.raises(InvalidInput) as info:
        services.member_add(actor=ACTOR, organization=pt["group_a"], name="郑庚", phone="call me")
    assert "phone" in info.value.fields
    with pytest.raises(InvalidInput) as info:
        services.member_add(actor=ACTOR, organization=pt["group_a"], name="郑庚", birth_year=1800)
    assert "birth_year" in info.value.fields


def test_one_account_links_to_one_member(pt):
    account = user("party_member")
    member(pt["group_a"], user=account)
    with pytest.raises(InvalidInput) as info:
        member(pt["group_b"], user=account)
    assert "user" in info.value.fields or "__all__" in info.value.fields


def test_transfer_moves_the_member_and_both_histories_show_it(pt, users):
    m = pt["member_a"]
    moved = services.member_transfer(actor=users["community"], member=m, organization=pt["group_b"], note="搬家")
    assert moved.organization == pt["group_b"]
    assert AuditEvent.objects.filter(action="party.member.transfer", object_id=str(m.pk), note="搬家").exists()
    assert AuditEvent.objects.filter(action="party.member.transfer_out", object_id=str(pt["group_a"].pk)).exists()
    # transferring into another community needs scope over it
    with pytest.raises(Forbidden):
        services.member_transfer(actor=users["community"], member=moved, organization=pt["group_c"])
    services.member_transfer(actor=users["street"], member=moved, organization=pt["group_c"])


def test_update_records_masked_phone_change(pt):
    m = services.member_update(actor=ACTOR, member=pt["member_a"], phone="13900001111", status=MemberStatus.FULL)
    event = AuditEvent.objects.get(action="party.member.update", object_id=str(m.pk))
    assert event.before == {"phone": "138****5678"} and event.after == {"phone": "139****1111"}


def test_update_refuses_unknown_fields(pt):
    with pytest.raises(InvalidInput) as info:
        services.member_update(actor=ACTOR, member=pt["member_a"], organization=pt["group_c"])
    assert "organization" in info.value.fields


def test_bulk_add_is_all_or_nothing(pt):
    added = services.members_bulk_add(
        actor=ACTOR, organization=pt["group_b"], members=[{"name": "甲"}, {"name": "乙", "phone": "13700000000"}]
    )
    assert added == 2
    before = PartyMember.objects.count()
    with pytest.raises(InvalidInput) as info:
        services.members_bulk_add(actor=ACTOR, organization=pt["group_b"], members=[{"name": "丙"}, {"name": ""}])
    assert "members.1.name" in info.value.fields
    assert PartyMember.objects.count() == before


def test_dual_registered_member_is_visible_to_the_home_community(pt, users):
    # given a member of community 1 registered (双报到) with the other community
    m = member(pt["group_a"], name="冯辛", is_in_service=True, employer_name="市税务局", home_community=pt["other_community"])
    # then the other community's staff find them among their members, but not the rest of community 1
    visible = set(selectors.members_visible(user=users["other_community"]).values_list("name", flat=True))
    assert visible == {"王丙", "冯辛"}
    assert m.pk not in set(selectors.members_visible(user=users["grid_a"]).exclude(organization=pt["group_a"]).values_list("pk", flat=True))


def test_member_for_user(pt):
    account = user("party_member")
    m = member(pt["group_b"], user=account)
    assert selectors.member_for_user(user=account) == m
