"""A member changes what they offer, their duty and their consent to the public profile (三亮一树)
from their phone; withdrawing consent takes the public profile down at once; another member or
another community's staff cannot change it; the API does the same."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.cobuilding.models import MemberReport
from gongzhi.cobuilding.tests import factories
from gongzhi.cobuilding.tests.factories_needs import branch
from gongzhi.core.audit import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    nodes = tree()
    member = factories.in_service_member(branch(nodes["district"]), name="张建国")
    report = factories.member_report(member, nodes["community"])
    MemberReport.objects.filter(pk=report.pk).update(public_profile=True, duty="A1号楼楼栋长")
    other = tree()
    return {"nodes": nodes, "member": member, "report": report,
            "other_staff": user(Role.COMMUNITY_STAFF, nodes=[other["community"]])}


def test_given_a_public_profile_when_the_member_withdraws_consent_then_it_is_gone_from_the_public_pages(client, world):
    report = world["report"]
    assert client.get(reverse("cobuilding:member-profile", args=[report.pk])).status_code == 200
    client.force_login(world["member"].user)
    response = client.post(reverse("cobuilding:member-profile-update", args=[report.pk]),
                           {"skills": "会修水电", "duty": "A1号楼楼栋长，负责邻里互助"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.skills, report.duty, report.public_profile) == ("会修水电", "A1号楼楼栋长，负责邻里互助", False)
    client.logout()
    assert client.get(reverse("cobuilding:member-profile", args=[report.pk])).status_code == 404
    who = client.get(reverse("cobuilding:who-to-find", args=[world["nodes"]["community"].pk])).content.decode()
    assert "张建国" not in who
    event = AuditEvent.objects.get(action="cobuilding.member_report.update")
    assert event.before["public_profile"] is True and event.after["public_profile"] is False


def test_given_a_duty_too_long_then_it_is_refused_and_nothing_changes(client, world):
    client.force_login(world["member"].user)
    response = client.put(f"/api/cobuilding/members/{world['report'].pk}/profile",
                          {"skills": "", "duty": "很" * 101, "public_profile": True}, content_type="application/json")
    assert response.status_code in (400, 422) and "duty" in response.json()["fields"]
    world["report"].refresh_from_db()
    assert world["report"].duty == "A1号楼楼栋长"


def test_given_someone_else_then_they_cannot_change_the_profile(client, world):
    stranger = user(Role.PARTY_MEMBER, username="stranger")
    client.force_login(stranger)
    url = f"/api/cobuilding/members/{world['report'].pk}/profile"
    body = {"skills": "", "duty": "", "public_profile": False}
    assert client.put(url, body, content_type="application/json").status_code == 404
    client.force_login(world["other_staff"])
    assert client.put(url, body, content_type="application/json").status_code == 404
    world["report"].refresh_from_db()
    assert world["report"].public_profile is True


def test_given_the_api_when_the_member_updates_then_it_answers_the_registration(client, world):
    client.force_login(world["member"].user)
    response = client.put(f"/api/cobuilding/members/{world['report'].pk}/profile",
                          {"skills": "法律咨询", "duty": "调解邻里纠纷", "public_profile": True}, content_type="application/json")
    assert response.status_code == 200 and response.json()["duty"] == "调解邻里纠纷"
