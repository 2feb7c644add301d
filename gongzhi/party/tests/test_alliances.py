"""Alliances (区级大联盟, 街道大工委, 社区大党委) and their member units."""

import pytest

from gongzhi.areas.tests.factories import UnitFactory
from gongzhi.core.errors import Forbidden, InvalidInput
from gongzhi.core.models import AuditEvent
from gongzhi.party import services
from gongzhi.party.models import Alliance, AllianceLevel, AllianceMember, AllianceRole, MeetingCadence

from .factories import ACTOR


@pytest.fixture
def alliance(pt):
    return services.alliance_create(
        actor=ACTOR,
        level=AllianceLevel.COMMUNITY,
        name="瓜州路社区大党委",
        area=pt["community"],
        leading_organization=pt["committee"],
    )


def test_community_alliance_meets_every_two_months_by_default(alliance):
    assert alliance.meeting_cadence == MeetingCadence.BIMONTHLY
    assert alliance.meeting_interval_days == 61
    assert AuditEvent.objects.filter(action="party.alliance.create", object_id=str(alliance.pk)).exists()


@pytest.mark.parametrize(
    ("level", "area_key", "lead_key", "field"),
    [
        (AllianceLevel.STREET, "community", "committee", "area"),
        (AllianceLevel.DISTRICT, "district", "street_committee", "leading_organization"),
        (AllianceLevel.COMMUNITY, "other_community", "committee", "leading_organization"),
    ],
)
def test_alliance_area_and_lead_must_match_its_level(pt, level, area_key, lead_key, field):
    with pytest.raises(InvalidInput) as info:
        services.alliance_create(actor=ACTOR, level=level, name="联盟", area=pt[area_key], leading_organization=pt[lead_key])
    assert field in info.value.fields
    assert not Alliance.objects.exists()


def test_alliance_needs_a_name(pt):
    with pytest.raises(InvalidInput) as info:
        services.alliance_create(
            actor=ACTOR, level=AllianceLevel.COMMUNITY, name="", area=pt["community"], leading_organization=pt["committee"]
        )
    assert list(info.value.fields) == ["name"]


def test_one_alliance_per_level_and_area(pt, alliance):
    with pytest.raises(InvalidInput):
        services.alliance_create(
            actor=ACTOR, level=AllianceLevel.COMMUNITY, name="第二个", area=pt["community"],
            leading_organization=pt["committee"],
        )


def test_member_units_with_representatives(pt, alliance):
    school = UnitFactory(area=pt["community"], name="第一小学", kind="school")
    m = services.alliance_member_add(
        actor=ACTOR, alliance=alliance, unit=school, representative_name="陈校长", representative_title="党支部书记",
        role=AllianceRole.PART_TIME_MEMBER,
    )
    assert m.role == AllianceRole.PART_TIME_MEMBER
    assert AuditEvent.objects.filter(action="party.alliance.member_added", object_id=str(alliance.pk)).exists()
    # the same unit twice is refused
    with pytest.raises(InvalidInput):
        services.alliance_member_add(actor=ACTOR, alliance=alliance, unit=school, representative_name="另一人")
    # a unit of another community is refused, naming the unit
    far = UnitFactory(area=pt["other_community"], name="远处单位")
    with pytest.raises(InvalidInput) as info:
        services.alliance_member_add(actor=ACTOR, alliance=alliance, unit=far, representative_name="某人")
    assert list(info.value.fields) == ["unit"]
    # and a representative is required
    other = UnitFactory(area=pt["community"], name="卫生服务中心")
    with pytest.raises(InvalidInput) as info:
        services.alliance_member_add(actor=ACTOR, alliance=alliance, unit=other, representative_name=" ")
    assert list(info.value.fields) == ["representative_name"]
    services.alliance_member_update(actor=ACTOR, member=m, representative_name="陈副校长")
    assert AllianceMember.objects.get(pk=m.pk).representative_name == "陈副校长"
    # the alliance cannot be deleted while it has members
    with pytest.raises(InvalidInput):
        services.alliance_delete(actor=ACTOR, alliance=alliance)
    services.alliance_member_remove(actor=ACTOR, member=m)
    services.alliance_delete(actor=ACTOR, alliance=alliance)
    assert not Alliance.objects.exists()


def test_alliance_permissions_follow_level_and_scope(pt, users):
    with pytest.raises(Forbidden):
        services.alliance_create(
            actor=users["community"], level=AllianceLevel.STREET, name="西站街道大工委", area=pt["street"],
            leading_organization=pt["street_committee"],
        )
    with pytest.raises(Forbidden):
        services.alliance_create(
            actor=users["other_community"], level=AllianceLevel.COMMUNITY, name="大党委", area=pt["community"],
            leading_organization=pt["committee"],
        )
    created = services.alliance_create(
        actor=users["community"], level=AllianceLevel.COMMUNITY, name="大党委", area=pt["community"],
        leading_organization=pt["committee"],
    )
    assert created.pk
