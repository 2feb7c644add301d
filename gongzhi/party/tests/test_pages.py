"""The organisation tree, organisation and alliance pages."""

from gongzhi.accounts.tests.factories import user
from gongzhi.party import services
from gongzhi.party.models import AllianceLevel, MemberStatus

from .factories import ACTOR, member


def test_tree_page_shows_the_users_part_of_the_tree(client, pt, users):
    client.force_login(users["community"])
    page = client.get("/party/").content.decode()
    assert "瓜州路社区党委" in page and "第A网格第一党小组" in page
    assert "建西东路社区党委" not in page and "西站街道党工委" not in page


def test_organisation_page_shows_members_masked_and_history_for_staff(client, pt, users):
    services.member_update(actor=users["community"], member=pt["member_a"], status=MemberStatus.PROBATIONARY)
    client.force_login(users["community"])
    page = client.get(f"/party/{pt['branch_a'].pk}/").content.decode()
    # its group and its members (incl. the group's), with masked phones only
    assert "第A网格第一党小组" in page and "张甲" in page
    assert "138****5678" in page
    assert "13812345678" not in page
    # the history of the organisation is shown to staff, as sentences (no raw action codes)
    assert "创建了党组织" in page and "party.organization.create" not in page
    # the member's own history page shows the change, still masked
    history = client.get(f"/history/party/partymember/{pt['member_a'].pk}/").content.decode()
    assert "修改了党员" in history and "party.member.update" not in history and "13812345678" not in history


def test_organisation_page_hides_history_from_party_members(client, pt):
    account = user("party_member")
    member(pt["group_a"], user=account)
    client.force_login(account)
    # a party member has no area scope: the tree page names their own branch, organisation pages are 404
    page = client.get("/party/").content.decode()
    assert "第A网格第一党小组" in page
    assert client.get(f"/party/{pt['group_a'].pk}/").status_code == 404


def test_api_members_are_masked(client, pt, users):
    client.force_login(users["community"])
    body = client.get(f"/api/party/organizations/{pt['committee'].pk}/members").json()
    assert {m["name"] for m in body["items"]} == {"张甲", "李乙"}
    assert all(m["phone_masked"] == "138****5678" for m in body["items"])
    assert "13812345678" not in str(body)
    detail = client.get(f"/api/party/organizations/{pt['committee'].pk}").json()
    assert detail["member_count_total"] == 2 and detail["children_count"] == 2
    assert detail["parent_id"] == pt["street_committee"].pk
    listing = client.get(f"/api/party/organizations?parent={pt['committee'].pk}&kind=branch").json()
    assert [o["name"] for o in listing["items"]] == ["第A网格党支部", "第B网格党支部"]
    assert all(o["parent_id"] == pt["committee"].pk for o in listing["items"])
    by_area = client.get(f"/api/party/organizations?area={pt['grid_b'].pk}").json()
    assert {o["name"] for o in by_area["items"]} == {"第B网格党支部", "第B网格第一党小组"}


def test_alliance_pages(client, pt, users):
    from gongzhi.areas.tests.factories import UnitFactory

    alliance = services.alliance_create(
        actor=ACTOR, level=AllianceLevel.COMMUNITY, name="瓜州路社区大党委", area=pt["community"],
        leading_organization=pt["committee"],
    )
    unit = UnitFactory(area=pt["community"], name="西站派出所")
    services.alliance_member_add(actor=ACTOR, alliance=alliance, unit=unit, representative_name="刘所长")
    client.force_login(users["community"])
    page = client.get("/party/alliances/").content.decode()
    assert "瓜州路社区大党委" in page and "西站派出所" in page and "刘所长" in page
    detail = client.get(f"/party/alliances/{alliance.pk}/").content.decode()
    assert "创建了联盟" in detail and "party.alliance.create" not in detail
    org_page = client.get(f"/party/{pt['committee'].pk}/").content.decode()
    assert "瓜州路社区大党委" in org_page
    client.force_login(users["other_community"])
    assert client.get(f"/party/alliances/{alliance.pk}/").status_code == 404
    assert "瓜州路社区大党委" not in client.get("/party/alliances/").content.decode()


def test_navigation_lists_party_organisations(client, pt, users):
    client.force_login(users["community"])
    page = client.get("/").content.decode()
    assert 'href="/party/"' in page


def test_pages_speak_chinese(client, pt, users):
    client.force_login(users["community"])
    page = client.get(f"/party/{pt['branch_a'].pk}/").content.decode()
    assert "网格党支部" in page and "下级组织" in page and "变更记录" in page


def test_refusals_name_the_field_in_english_too(pt):
    import pytest
    from django.utils import translation

    from gongzhi.core.errors import InvalidInput
    from gongzhi.party.models import OrgKind

    with translation.override("en"), pytest.raises(InvalidInput) as info:
        services.organization_create(actor=ACTOR, parent=pt["branch_a"], kind=OrgKind.GROUP, area=pt["grid_b"], name="组")
    assert info.value.message.startswith("The area 第B网格 lies outside the area of the parent organisation")
    with translation.override("en"), pytest.raises(InvalidInput) as info:
        services.organization_create(actor=ACTOR, parent=pt["committee"], kind=OrgKind.GROUP, area=pt["community"], name="组")
    assert "its parent must be: Party branch" in info.value.message


def test_party_members_without_area_scope_get_no_lists(client, pt):
    account = user("party_member")
    client.force_login(account)
    assert client.get("/api/party/organizations").json()["count"] == 0
    assert client.get("/api/party/members").json()["count"] == 0
    assert client.get(f"/api/party/organizations/{pt['group_a'].pk}").status_code == 404
