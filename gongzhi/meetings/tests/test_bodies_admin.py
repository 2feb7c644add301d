"""The meetings admin: scoped lists, 404 outside the scope, writes through the services (audited),
members' phones masked with an audited reveal, meetings and decisions read-only."""

import pytest

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.models import AuditEvent
from gongzhi.meetings.models import Body, BodyMember, ThemeDayContent
from gongzhi.meetings.tests import factories

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


@pytest.fixture
def world():
    nodes, other = tree(), tree()
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    council = factories.body_with_members(nodes["community"], name="瓜州路社区居民议事会")
    member = factories.member(council, name="赵建国", phone=PHONE)
    far = factories.body_with_members(other["community"], name="建西东路社区居民议事会")
    return {"nodes": nodes, "other": other, "staff": staff, "council": council, "member": member, "far": far}


def test_staff_list_their_bodies_and_outside_is_404(client, world):
    client.force_login(world["staff"])
    page = client.get("/admin/meetings/body/").content.decode()
    assert "瓜州路社区居民议事会" in page and "建西东路社区居民议事会" not in page
    assert client.get(f"/admin/meetings/body/{world['far'].pk}/change/").status_code == 404
    far_member = world["far"].members.first()
    assert client.get(f"/admin/meetings/bodymember/{far_member.pk}/change/").status_code == 404
    assert client.get(f"/admin/meetings/bodymember/{far_member.pk}/reveal/").status_code == 404


def test_creating_a_body_in_the_admin_goes_through_the_service(client, world):
    client.force_login(world["staff"])
    response = client.post("/admin/meetings/body/add/", {
        "kind": "residents_assembly", "name": "瓜州路社区居民代表会议", "area": world["nodes"]["community"].pk,
        "cadence": "yearly", "quorum_rule": "two_thirds", "description": "",
        "cadences-TOTAL_FORMS": "0", "cadences-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    body = Body.objects.get(name="瓜州路社区居民代表会议")
    assert body.cadences.get().cadence == "yearly"
    assert AuditEvent.objects.get(action="meetings.body.create", object_id=str(body.pk)).actor == world["staff"]
    # an area outside the scope is not even offered
    refused = client.post("/admin/meetings/body/add/", {
        "kind": "residents_assembly", "name": "越界", "area": world["other"]["community"].pk, "cadence": "none",
        "quorum_rule": "two_thirds", "cadences-TOTAL_FORMS": "0", "cadences-INITIAL_FORMS": "0",
    })
    assert refused.status_code == 200 and "area" in refused.context["adminform"].form.errors
    assert not Body.objects.filter(name="越界").exists()


def test_a_members_phone_is_masked_and_the_reveal_recorded(client, world):
    member = world["member"]
    client.force_login(world["staff"])
    page = client.get(f"/admin/meetings/bodymember/{member.pk}/change/").content.decode()
    assert "139****5678" in page and PHONE not in page
    revealed = client.post(f"/admin/meetings/bodymember/{member.pk}/reveal/", {"reason": "核对联系方式"})
    assert PHONE in revealed.content.decode()
    assert AuditEvent.objects.get(action="meetings.body_member.reveal").note == "核对联系方式"
    # saving the form with the phone left empty keeps the number
    response = client.post(f"/admin/meetings/bodymember/{member.pk}/change/",
                           {"capacity": "secretary", "name": "赵建国", "title": "议事会秘书", "phone": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    member = BodyMember.objects.get(pk=member.pk)
    assert member.capacity == "secretary" and member.phone == PHONE


def test_the_district_sets_theme_contents_in_the_admin(client, world):
    admin = user(Role.DISTRICT_ADMIN, nodes=[world["nodes"]["district"]])
    client.force_login(admin)
    response = client.post("/admin/meetings/themedaycontent/add/", {
        "district": world["nodes"]["district"].pk, "position": 1, "title": "重温入党誓词", "is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ThemeDayContent.objects.get().title == "重温入党誓词"
    client.force_login(world["staff"])
    assert client.get("/admin/meetings/themedaycontent/add/").status_code == 403


def test_meetings_are_read_only_in_the_admin(client, world):
    meeting = factories.meeting(world["council"], title="十二月居民议事会")
    client.force_login(world["staff"])
    assert "十二月居民议事会" in client.get("/admin/meetings/meeting/").content.decode()
    assert client.get("/admin/meetings/meeting/add/").status_code == 403
    page = client.get(f"/admin/meetings/meeting/{meeting.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    far_meeting = factories.meeting(world["far"])
    assert client.get(f"/admin/meetings/meeting/{far_meeting.pk}/change/").status_code == 404
