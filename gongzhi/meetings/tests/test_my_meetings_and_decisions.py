""""My meetings" (invited, upcoming first, with my attendance and the sign-in link while open) and "my
decisions" (mine, my unit's, my department's; overdue first) for every member, on pages and in the
API; an owner in another area sees only the decision they own."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import DepartmentFactory, UnitFactory, tree
from gongzhi.core.workflow import apply_transition
from gongzhi.meetings.models import Attendance, MeetingState
from gongzhi.meetings.tests import factories
from gongzhi.meetings.workflow import MEETING_WORKFLOW

pytestmark = pytest.mark.django_db


def days(n: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=n)


@pytest.fixture
def member_world():
    nodes = tree()
    me = user(Role.PARTY_MEMBER, display_name="张秀兰")
    body = factories.body_with_members(nodes["community"])
    factories.member(body, user=me)
    past = factories.meeting(body, starts_at=days(-30), title="十月议事会")
    soon = factories.meeting(body, starts_at=days(2), title="十二月议事会")
    later = factories.meeting(body, starts_at=days(20), title="一月议事会")
    other = factories.meeting(factories.body_with_members(nodes["community"]), starts_at=days(1), title="别的会")
    return {"nodes": nodes, "me": me, "body": body, "past": past, "soon": soon, "later": later, "other": other}


def test_my_meetings_lists_the_meetings_i_am_invited_to_upcoming_first(member_world, client):
    w = member_world
    factories.held(w["past"])
    client.force_login(w["me"])
    page = client.get(reverse("meetings:mine"))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("十二月议事会") < html.index("一月议事会") < html.index("十月议事会")
    assert "别的会" not in html


def test_while_the_sign_in_is_open_my_meetings_offers_it_until_i_am_present(member_world, client):
    w = member_world
    opened = apply_transition(MEETING_WORKFLOW, actor=factories.ACTOR, obj=w["soon"], action="open")
    assert opened.state == MeetingState.IN_SESSION
    client.force_login(w["me"])
    api = client.get("/api/meetings/mine/meetings").json()
    first = api["items"][0]
    assert first["title"] == "十二月议事会" and first["my_status"] == "invited" and first["upcoming"]
    Attendance.objects.filter(meeting=w["soon"], user=w["me"]).update(status="present")
    again = client.get("/api/meetings/mine/meetings").json()["items"][0]
    assert again["my_status"] == "present" and again["signin_url"] is None
    assert "出席" in client.get(reverse("meetings:mine")).content.decode()


def test_my_decisions_are_mine_my_units_and_my_departments_overdue_first(client):
    nodes = tree()
    unit = UnitFactory(area=nodes["community"], name="瓜州物业公司")
    department = DepartmentFactory(district=nodes["district"], name="住建局")
    liaison = user(Role.UNIT_LIAISON, unit=unit)
    staff = user(Role.DEPARTMENT_STAFF, department=department)
    meeting = factories.held(factories.meeting(factories.body_with_members(nodes["community"])))
    soon = factories.decision(meeting, text="更换3号楼暖气阀门", owners=[unit], deadline=timezone.localdate() + dt.timedelta(days=2))
    late = factories.decision(meeting, text="清理地下室积水", owners=[unit], deadline=timezone.localdate() + dt.timedelta(days=1))
    from gongzhi.meetings.models import Decision

    Decision.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - dt.timedelta(days=3))
    theirs = factories.decision(meeting, text="督促开发商整改", owners=[department])
    client.force_login(liaison)
    html = client.get(reverse("meetings:my-decisions")).content.decode()
    assert html.index("清理地下室积水") < html.index("更换3号楼暖气阀门")
    assert "督促开发商整改" not in html
    assert "已超期" in html
    client.force_login(staff)
    items = client.get("/api/meetings/mine/decisions").json()["items"]
    assert [i["id"] for i in items] == [theirs.pk]
    assert soon.pk not in [i["id"] for i in items]


def test_an_owner_in_another_area_sees_only_the_decision_they_own(client):
    here, there = tree(), tree()
    meeting = factories.held(factories.meeting(factories.body_with_members(here["community"])))
    far_staff = user(Role.COMMUNITY_STAFF, nodes=[there["community"]])
    factories.decision(meeting, text="采购灭火器", owners=["居委会"])
    mine = factories.decision(meeting, text="协助排查消防通道", owners=[far_staff])
    client.force_login(far_staff)
    assert client.get(reverse("meetings:decision", kwargs={"decision_id": mine.pk})).status_code == 200
    other = meeting.decisions.exclude(pk=mine.pk).get()
    assert client.get(reverse("meetings:decision", kwargs={"decision_id": other.pk})).status_code == 404
    assert client.get(f"/api/meetings/decisions/{other.pk}").status_code == 404
    assert client.get(f"/api/meetings/meetings/{meeting.pk}/decisions").status_code == 404
    assert client.get(f"/api/meetings/decisions/{mine.pk}").json()["actions"] == ["report", "complete"]


def test_the_api_records_a_decision_and_reports_on_it(client):
    nodes = tree()
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    meeting = factories.held(factories.meeting(factories.body_with_members(nodes["community"])))
    client.force_login(staff)
    url = f"/api/meetings/meetings/{meeting.pk}/decisions"
    bad = client.post(url, {"text": "修路灯", "deadline": "2020-01-01", "owner_names": ["物业"]}, content_type="application/json")
    assert bad.status_code == 400 and "deadline" in bad.json()["fields"]
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    made = client.post(url, {"text": "修好2号楼路灯", "deadline": due, "owner_names": ["物业公司"]}, content_type="application/json")
    assert made.status_code == 201 and made.json()["number"] == 1
    decision_id = made.json()["id"]
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    from django.core.files.uploadedfile import SimpleUploadedFile

    reported = client.post(f"/api/meetings/decisions/{decision_id}/report",
                           {"text": "灯已换好", "photos": [SimpleUploadedFile("灯.png", png, content_type="image/png")]})
    assert reported.status_code == 200
    photo = reported.json()["updates"][0]["photos"][0]
    assert client.get(photo["url"]).status_code == 200
    far = user(Role.COMMUNITY_STAFF, nodes=[tree()["community"]])
    client.force_login(far)
    assert client.get(photo["url"]).status_code == 404
    assert client.post(f"/api/meetings/decisions/{decision_id}/complete", {}, content_type="application/json").status_code == 404
    assert client.post(url, {"text": "x", "deadline": due, "owner_names": ["物业"]}, content_type="application/json").status_code == 404


def test_everyone_signed_in_has_the_entry_and_anonymous_users_are_sent_to_sign_in(client):
    resident = user(Role.RESIDENT)
    client.force_login(resident)
    assert client.get(reverse("meetings:mine")).status_code == 200
    assert client.get(reverse("meetings:my-decisions")).status_code == 200
    assert reverse("meetings:mine") in client.get(reverse("home")).content.decode()
    client.logout()
    assert client.get(reverse("meetings:mine")).status_code == 302


def test_the_decision_page_and_the_api_offer_the_same_actions(client):
    nodes = tree()
    chair, owner = user(Role.RESIDENT), user(Role.GRID_WORKER, nodes=[nodes["grid_a"]])
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    meeting = factories.held(factories.meeting(factories.body_with_members(nodes["community"], chair=chair)))
    decision = factories.decision(meeting, owners=[owner])
    paths = {"complete": "decision-complete", "withdraw": "decision-withdraw", "reopen": "decision-reopen",
             "report": "decision-report"}
    for who in (chair, owner, staff):
        client.force_login(who)
        actions = client.get(f"/api/meetings/decisions/{decision.pk}").json()["actions"]
        html = client.get(reverse("meetings:decision", kwargs={"decision_id": decision.pk})).content.decode()
        shown = [a for a, name in paths.items() if reverse(f"meetings:{name}", kwargs={"decision_id": decision.pk}) in html]
        assert sorted(shown) == sorted(actions), who
    assert sorted(actions) == ["complete", "report", "withdraw"]
