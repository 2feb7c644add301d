"""The bodies pages and API: the list of bodies in scope (by kind, area, the ones I sit on), a
body's page (members with masked phones and an audited reveal, cadences, calendar, meetings, open
decisions), creating and changing bodies and members, moving and cancelling a meeting — and nothing
of it across the area boundary."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import UnitFactory, tree
from gongzhi.core.models import AuditEvent
from gongzhi.meetings.models import (
    Body,
    BodyCadence,
    BodyKind,
    BodyMember,
    Cadence,
    Meeting,
    MeetingKind,
    MeetingState,
    MemberRole,
)
from gongzhi.meetings.tests import factories
from gongzhi.party.models import OrgKind
from gongzhi.party.tests.factories import community_orgs, organization
from gongzhi.party.tests.factories import member as party_member

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


@pytest.fixture
def world():
    nodes, other = tree(), tree()
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    outsider = user(Role.COMMUNITY_STAFF, nodes=[other["community"]])
    secretary = user(Role.PARTY_MEMBER, display_name="李秀兰")
    council = factories.body_with_members(nodes["community"], name="瓜州路社区居民议事会", secretary=secretary)
    factories.member(council, name="赵建国", title="4号楼楼长", phone=PHONE)
    alliance = factories.body(nodes["community"], kind=BodyKind.ALLIANCE, name="瓜州路社区大党委", cadence=Cadence.BIMONTHLY)
    far = factories.body_with_members(other["community"], name="建西东路社区居民议事会")
    return {"nodes": nodes, "other": other, "staff": staff, "outsider": outsider, "secretary": secretary,
            "council": council, "alliance": alliance, "far": far}


# --- the list --------------------------------------------------------------------------------------


def test_the_list_shows_the_bodies_in_scope_by_kind(client, world):
    client.force_login(world["staff"])
    page = client.get("/meetings/bodies/").content.decode()
    assert "瓜州路社区居民议事会" in page and "瓜州路社区大党委" in page
    assert "建西东路社区居民议事会" not in page
    only_alliances = client.get(f"/meetings/bodies/?kind={BodyKind.ALLIANCE}").content.decode()
    assert "瓜州路社区大党委" in only_alliances and "瓜州路社区居民议事会" not in only_alliances
    by_area = client.get(f"/meetings/bodies/?area={world['nodes']['grid_a'].pk}").content.decode()
    assert "瓜州路社区大党委" not in by_area


def test_a_member_without_scope_sees_the_bodies_they_sit_on(client, world):
    client.force_login(world["secretary"])
    page = client.get("/meetings/bodies/?mine=1").content.decode()
    assert "瓜州路社区居民议事会" in page and "瓜州路社区大党委" not in page
    assert client.get(f"/meetings/bodies/{world['council'].pk}/").status_code == 200
    assert client.get(f"/meetings/bodies/{world['alliance'].pk}/").status_code == 404


def test_the_navigation_offers_the_bodies_to_staff(client, world):
    client.force_login(world["staff"])
    assert 'href="/meetings/bodies/"' in client.get("/").content.decode()


# --- a body's page ---------------------------------------------------------------------------------


def test_the_body_page_shows_members_masked_meetings_and_open_decisions(client, world):
    council = world["council"]
    factories.meeting(council, title="四季度居民议事会", starts_at=timezone.now() + dt.timedelta(days=2))
    past = factories.meeting(council, title="三季度居民议事会", starts_at=timezone.now() - dt.timedelta(days=40))
    Meeting.objects.filter(pk=past.pk).update(state=MeetingState.HELD)
    factories.decision(past, text="物业公司十日内修复5号楼单元门禁", owners=[{"name": "兰州某物业公司"}])
    client.force_login(world["staff"])
    page = client.get(f"/meetings/bodies/{council.pk}/").content.decode()
    assert "赵建国" in page and "4号楼楼长" in page and "139****5678" in page and PHONE not in page
    assert "四季度居民议事会" in page and "三季度居民议事会" in page
    assert "物业公司十日内修复5号楼单元门禁" in page and "兰州某物业公司" in page
    assert "设立了该组织" in page and "meetings.body.create" not in page  # the history, readable, for staff


def test_the_body_page_outside_scope_is_404(client, world):
    client.force_login(world["outsider"])
    assert client.get(f"/meetings/bodies/{world['council'].pk}/").status_code == 404
    grid_worker = user(Role.GRID_WORKER, nodes=[world["nodes"]["grid_a"]])
    client.force_login(grid_worker)
    assert client.get(f"/meetings/bodies/{world['council'].pk}/").status_code == 404


def test_revealing_a_phone_is_recorded_and_only_for_those_allowed(client, world):
    member = BodyMember.objects.get(name="赵建国")
    client.force_login(world["staff"])
    response = client.post(f"/meetings/body-members/{member.pk}/reveal/", {"reason": "通知开会"})
    assert response.status_code == 200 and PHONE in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="meetings.body_member.reveal")
    assert event.note == "通知开会" and PHONE not in str(event.after)
    # the secretary (a party member) sees the body's page, but never the full numbers on it
    client.force_login(world["secretary"])
    page = client.get(f"/meetings/bodies/{member.body_id}/").content.decode()
    assert "139****5678" in page and "reveal" not in page
    assert client.post(f"/meetings/body-members/{member.pk}/reveal/", {"reason": "x"}).status_code in (403, 404)
    # staff of another street: 404, like a member that does not exist
    client.force_login(user(Role.STREET_STAFF, nodes=[world["other"]["street"]]))
    client.force_login(world["outsider"])
    assert client.post(f"/meetings/body-members/{member.pk}/reveal/", {"reason": "x"}).status_code == 404
    assert AuditEvent.objects.filter(action="meetings.body_member.reveal").count() == 1


# --- creating and changing -------------------------------------------------------------------------


def test_creating_a_body_refuses_bad_input_beside_the_field_and_keeps_it(client, world):
    client.force_login(world["staff"])
    community = world["nodes"]["community"]
    bad = client.post("/meetings/bodies/new/", {"kind": BodyKind.FOUR_IN_ONE, "name": "  ", "area": community.pk,
                                               "cadence": Cadence.MONTHLY, "quorum_rule": "more_than_half",
                                               "description": "兰苑小区物业、业委会、社区、居委会"})
    assert bad.status_code == 400
    form = bad.context["form"]
    assert "name" in form.errors and form["description"].value() == "兰苑小区物业、业委会、社区、居委会"
    assert not Body.objects.filter(kind=BodyKind.FOUR_IN_ONE).exists()
    good = client.post("/meetings/bodies/new/", {"kind": BodyKind.FOUR_IN_ONE, "name": "兰苑小区四位一体联席会",
                                                "area": community.pk, "cadence": Cadence.MONTHLY,
                                                "quorum_rule": "more_than_half"})
    body = Body.objects.get(name="兰苑小区四位一体联席会")
    assert good.status_code == 302 and good["Location"] == f"/meetings/bodies/{body.pk}/"
    assert body.cadences.get().cadence == Cadence.MONTHLY


def test_creating_a_body_outside_scope_is_refused(client, world):
    client.force_login(world["staff"])
    response = client.post("/meetings/bodies/new/", {"kind": BodyKind.RESIDENTS_COUNCIL, "name": "越界议事会",
                                                    "area": world["other"]["community"].pk, "cadence": "none",
                                                    "quorum_rule": "more_than_half"})
    assert response.status_code == 400 and "area" in response.context["form"].errors
    assert not Body.objects.filter(name="越界议事会").exists()
    grid_worker = user(Role.GRID_WORKER, nodes=[world["nodes"]["grid_a"]])
    client.force_login(grid_worker)
    assert client.get("/meetings/bodies/new/").status_code == 403


def test_editing_a_body(client, world):
    council = world["council"]
    client.force_login(world["staff"])
    response = client.post(f"/meetings/bodies/{council.pk}/edit/", {"name": "瓜州路社区居民议事会（新）",
                                                                    "quorum_rule": "two_thirds", "is_active": "on"})
    assert response.status_code == 302
    council.refresh_from_db()
    assert council.name == "瓜州路社区居民议事会（新）" and council.quorum_rule == "two_thirds"
    client.force_login(world["outsider"])
    assert client.get(f"/meetings/bodies/{council.pk}/edit/").status_code == 404
    client.force_login(world["secretary"])
    assert client.get(f"/meetings/bodies/{council.pk}/edit/").status_code == 403


def test_adding_members_of_each_kind(client, world):
    council = world["council"]
    client.force_login(world["staff"])
    url = f"/meetings/bodies/{council.pk}/members/new/"
    # an outside person by name and phone; a bad phone is refused beside the field, the name kept
    bad = client.post(url, {"capacity": MemberRole.MEMBER, "name": "钱师傅", "phone": "12345"})
    assert bad.status_code == 400 and "phone" in bad.context["form"].errors
    assert bad.context["form"]["name"].value() == "钱师傅"
    assert client.post(url, {"capacity": MemberRole.MEMBER, "name": "钱师傅", "phone": "13800001111"}).status_code == 302
    # a person with an account, by user name
    account = user(Role.RESIDENT, display_name="孙丽")
    assert client.post(url, {"capacity": MemberRole.OBSERVER, "username": account.username}).status_code == 302
    unknown = client.post(url, {"capacity": MemberRole.MEMBER, "username": "nobody-here"})
    assert "username" in unknown.context["form"].errors
    # a party member from the registry (their account comes with them) and a unit
    district = organization(None, kind=OrgKind.DISTRICT_COMMITTEE, area=world["nodes"]["district"])
    street = organization(district, kind=OrgKind.STREET_WORKING_COMMITTEE, area=world["nodes"]["street"])
    branch = community_orgs(world["nodes"]["community"], street, [world["nodes"]["grid_a"]])["branches"][0]
    registered = party_member(branch, name="周红梅", user=user(Role.PARTY_MEMBER))
    assert client.post(url, {"capacity": MemberRole.MEMBER, "party_member": registered.pk}).status_code == 302
    unit = UnitFactory(area=world["nodes"]["community"], name="兰州某物业公司", contact_name="吴经理")
    assert client.post(url, {"capacity": MemberRole.MEMBER, "unit": unit.pk, "title": "项目经理"}).status_code == 302
    rows = {m.name: m for m in BodyMember.objects.filter(body=council)}
    assert rows["钱师傅"].phone_masked == "138****1111"
    assert rows["孙丽"].user == account and rows["孙丽"].capacity == MemberRole.OBSERVER
    assert rows["周红梅"].party_member == registered and rows["周红梅"].user == registered.user
    assert rows["吴经理"].unit == unit
    # the same account twice is refused on the account field
    twice = client.post(url, {"capacity": MemberRole.MEMBER, "username": account.username})
    assert twice.status_code == 400 and "username" in twice.context["form"].errors


def test_editing_and_removing_a_member(client, world):
    member = BodyMember.objects.get(name="赵建国")
    client.force_login(world["staff"])
    page = client.get(f"/meetings/body-members/{member.pk}/edit/").content.decode()
    assert "139****5678" in page and PHONE not in page
    # an empty phone keeps the number
    response = client.post(f"/meetings/body-members/{member.pk}/edit/",
                           {"capacity": MemberRole.SECRETARY, "name": "赵建国", "title": "议事会秘书", "phone": ""})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.capacity == MemberRole.SECRETARY and member.phone == PHONE
    assert client.post(f"/meetings/body-members/{member.pk}/remove/").status_code == 302
    member.refresh_from_db()
    assert member.left_on == timezone.localdate()
    members = client.get(f"/meetings/bodies/{member.body_id}/").content.decode().split('id="members"')[1]
    assert "赵建国" not in members.split('id="cadences"')[0]
    client.force_login(world["outsider"])
    assert client.post(f"/meetings/body-members/{member.pk}/remove/").status_code == 404


def test_setting_a_cadence_on_the_page(client, world):
    alliance = world["alliance"]
    client.force_login(world["staff"])
    response = client.post(f"/meetings/bodies/{alliance.pk}/cadences/",
                           {"kind": MeetingKind.EXTRAORDINARY, "cadence": Cadence.YEARLY})
    assert response.status_code == 302
    assert BodyCadence.objects.get(body=alliance, kind=MeetingKind.EXTRAORDINARY).cadence == Cadence.YEARLY
    bad = client.post(f"/meetings/bodies/{alliance.pk}/cadences/", {"kind": "coordination", "cadence": "weekly"})
    assert bad.status_code == 400
    client.force_login(world["outsider"])
    assert client.post(f"/meetings/bodies/{alliance.pk}/cadences/",
                       {"kind": MeetingKind.REGULAR, "cadence": Cadence.MONTHLY}).status_code == 404


def test_moving_and_cancelling_on_the_page_need_a_reason(client, world):
    meeting = factories.meeting(world["council"], starts_at=timezone.now() + dt.timedelta(days=3))
    client.force_login(world["secretary"])  # the body's secretary convenes its meetings
    url = f"/meetings/schedule/{meeting.pk}/move/"
    when = (timezone.localtime(meeting.starts_at) + dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(url, {"starts_at": when, "reason": ""})
    assert bad.status_code == 400 and "reason" in bad.context["form"].errors
    assert client.post(url, {"starts_at": when, "reason": "会议室临时被占用"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.state_reason == "会议室临时被占用"
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M") == when
    cancel = f"/meetings/schedule/{meeting.pk}/cancel/"
    assert "reason" in client.post(cancel, {"reason": " "}).context["form"].errors
    assert client.post(cancel, {"reason": "议题已在大党委会议上解决"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CANCELLED
    client.force_login(world["outsider"])
    assert client.get(f"/meetings/schedule/{meeting.pk}/move/").status_code == 404


# --- the API ---------------------------------------------------------------------------------------


def test_api_lists_and_reads_bodies_in_scope(client, world):
    client.force_login(world["staff"])
    listing = client.get("/api/meetings/bodies").json()
    assert {b["name"] for b in listing["items"]} == {"瓜州路社区居民议事会", "瓜州路社区大党委"}
    council = next(b for b in listing["items"] if b["name"] == "瓜州路社区居民议事会")
    assert council["member_count"] == 6
    detail = client.get(f"/api/meetings/bodies/{world['council'].pk}").json()
    assert [(c["kind"], c["cadence"]) for c in detail["cadences"]] == [("regular", "bimonthly")]
    members = client.get(f"/api/meetings/bodies/{world['council'].pk}/members").json()["items"]
    assert any(m["phone_masked"] == "139****5678" for m in members) and PHONE not in str(members)
    assert client.get(f"/api/meetings/bodies/{world['far'].pk}").status_code == 404
    assert client.get(f"/api/meetings/bodies/{world['far'].pk}/members").status_code == 404
    client.force_login(world["secretary"])
    mine = client.get("/api/meetings/bodies?mine=true").json()
    assert [b["name"] for b in mine["items"]] == ["瓜州路社区居民议事会"]


def test_api_creates_and_changes_a_body_and_its_members(client, world):
    client.force_login(world["staff"])
    community = world["nodes"]["community"]
    bad = client.post("/api/meetings/bodies", {"kind": "residents_council", "name": "", "area_id": community.pk},
                      content_type="application/json")
    assert bad.status_code == 400 and "name" in bad.json()["fields"]
    outside = client.post("/api/meetings/bodies", {"kind": "residents_council", "name": "越界",
                                                   "area_id": world["other"]["community"].pk},
                          content_type="application/json")
    assert outside.status_code == 400 and "area_id" in outside.json()["fields"]
    created = client.post("/api/meetings/bodies", {"kind": "units_joint", "name": "瓜州路社区企业联席会",
                                                   "area_id": community.pk, "cadence": "quarterly"},
                          content_type="application/json")
    assert created.status_code == 201
    body_id = created.json()["id"]
    assert created.json()["cadences"][0]["cadence"] == "quarterly"
    patched = client.patch(f"/api/meetings/bodies/{body_id}", {"quorum_rule": "two_thirds"},
                           content_type="application/json")
    assert patched.status_code == 200 and patched.json()["quorum_rule"] == "two_thirds"
    added = client.post(f"/api/meetings/bodies/{body_id}/members",
                        {"capacity": "chair", "name": "马经理", "title": "兰州某建材公司总经理", "phone": "13700002222"},
                        content_type="application/json")
    assert added.status_code == 201 and added.json()["phone_masked"] == "137****2222"
    member_id = added.json()["id"]
    assert client.patch(f"/api/meetings/body-members/{member_id}", {"title": "副总经理"},
                        content_type="application/json").json()["title"] == "副总经理"
    revealed = client.post(f"/api/meetings/body-members/{member_id}/reveal", {"reason": "通知开会"},
                           content_type="application/json")
    assert revealed.json() == {"phone": "13700002222"}
    cadences = client.put(f"/api/meetings/bodies/{body_id}/cadences", {"kind": "regular", "cadence": "none"},
                          content_type="application/json")
    assert cadences.status_code == 200 and cadences.json() == []
    removed = client.delete(f"/api/meetings/body-members/{member_id}")
    assert removed.status_code == 200 and removed.json()["left_on"] == timezone.localdate().isoformat()


def test_api_writes_across_the_boundary_are_404(client, world):
    far = world["far"]
    far_member = far.members.first()
    client.force_login(world["staff"])
    assert client.patch(f"/api/meetings/bodies/{far.pk}", {"name": "x"}, content_type="application/json").status_code == 404
    assert client.post(f"/api/meetings/bodies/{far.pk}/members", {"name": "x"},
                       content_type="application/json").status_code == 404
    assert client.delete(f"/api/meetings/body-members/{far_member.pk}").status_code == 404
    assert client.post(f"/api/meetings/body-members/{far_member.pk}/reveal", {"reason": "x"},
                       content_type="application/json").status_code == 404
    assert client.put(f"/api/meetings/bodies/{far.pk}/cadences", {"cadence": "monthly"},
                      content_type="application/json").status_code == 404
    meeting = factories.meeting(far)
    assert client.post(f"/api/meetings/meetings/{meeting.pk}/cancel", {"reason": "x"},
                       content_type="application/json").status_code == 404
    far.refresh_from_db()
    assert far.name == "建西东路社区居民议事会" and far_member.left_on is None
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PLANNED


def test_api_moves_and_cancels_with_a_reason(client, world):
    meeting = factories.meeting(world["council"], starts_at=timezone.now() + dt.timedelta(days=3))
    client.force_login(world["staff"])
    refused = client.post(f"/api/meetings/meetings/{meeting.pk}/cancel", {"reason": ""}, content_type="application/json")
    assert refused.status_code == 400 and "reason" in refused.json()["fields"]
    later = (meeting.starts_at + dt.timedelta(days=1)).isoformat()
    moved = client.post(f"/api/meetings/meetings/{meeting.pk}/move", {"starts_at": later, "reason": "与党课时间冲突"},
                        content_type="application/json")
    assert moved.status_code == 200 and moved.json()["state_reason"] == "与党课时间冲突"
    upcoming = client.get(f"/api/meetings/bodies/{world['council'].pk}/meetings?upcoming=true").json()["items"]
    assert [m["id"] for m in upcoming] == [meeting.pk]
    cancelled = client.post(f"/api/meetings/meetings/{meeting.pk}/cancel", {"reason": "改为线上会议"},
                            content_type="application/json")
    assert cancelled.json()["state"] == "cancelled"
    again = client.post(f"/api/meetings/meetings/{meeting.pk}/cancel", {"reason": "再取消"},
                        content_type="application/json")
    assert again.status_code == 409
