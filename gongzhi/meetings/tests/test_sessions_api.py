"""The meeting over the API: the same gate and scope as the pages, `is_quorate` for the votes of
the deliberation work, phones masked, the code only for those who run the meeting."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.models import AuditEvent
from gongzhi.meetings.models import Meeting
from gongzhi.meetings.tests import factories

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def w():
    nodes, elsewhere = tree(), tree()
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    secretary = user(Role.PARTY_MEMBER)
    residents = [user(Role.RESIDENT) for _ in range(3)]
    body = factories.body_with_members(nodes["community"], chair=staff, secretary=secretary, members=0)
    for r in residents:
        factories.member(body, user=r)
    meeting = factories.meeting(body, title="居民议事会第四次会议")
    return {"staff": staff, "secretary": secretary, "residents": residents, "body": body, "meeting": meeting,
            "outsider": user(Role.COMMUNITY_STAFF, nodes=[elsewhere["community"]])}


def test_a_meeting_from_notice_to_an_inquorate_close(client, w):
    m = w["meeting"].pk
    client.force_login(w["secretary"])
    guest = client.post(f"/api/meetings/meetings/{m}/attendances",
                        {"name": "赵经理", "organization": "兰州热力公司", "phone": "13912345678"}, content_type=JSON)
    assert guest.status_code == 201 and guest.json()["phone_masked"] == "139****5678"
    assert "13912345678" not in client.get(f"/api/meetings/meetings/{m}/attendances").content.decode()
    item = client.post(f"/api/meetings/meetings/{m}/agenda", {"title": "暖气不热", "reference": "hot-issue:3"},
                       content_type=JSON)
    assert item.status_code == 201 and item.json()["position"] == 1
    assert client.post(f"/api/meetings/meetings/{m}/notify").json()["state"] == "notified"
    opened = client.post(f"/api/meetings/meetings/{m}/open").json()
    code = opened["signin_code"]
    assert opened["state"] == "in_session" and len(code) == 6 and opened["signin_open"] is True

    client.force_login(w["residents"][0])
    seen = client.get(f"/api/meetings/meetings/{m}").json()
    assert seen["signin_code"] is None  # an invitee reads the code at the door, not from the API
    wrong = client.post(f"/api/meetings/meetings/{m}/sign-in", {"code": "??????"}, content_type=JSON)
    assert wrong.status_code == 400 and "code" in wrong.json()["fields"]
    signed = client.post(f"/api/meetings/meetings/{m}/sign-in", {"code": code}, content_type=JSON)
    assert signed.status_code == 200 and signed.json()["status"] == "present"

    client.force_login(w["secretary"])
    marked = client.post(f"/api/meetings/attendances/{guest.json()['id']}/mark", {"status": "present"}, content_type=JSON)
    assert marked.status_code == 200
    excused = client.post(f"/api/meetings/attendances/{guest.json()['id']}/mark", {"status": "excused"},
                          content_type=JSON)
    assert excused.status_code == 400 and "absence_reason" in excused.json()["fields"]
    closed = client.post(f"/api/meetings/meetings/{m}/close").json()
    # 6 voting (chair, secretary, three residents, the heating company); 2 present: not more than half.
    assert (closed["state"], closed["present_count"], closed["expected_count"], closed["is_quorate"]) == (
        "held", 2, 6, False)
    again = client.post(f"/api/meetings/meetings/{m}/sign-in", {"code": code}, content_type=JSON)
    assert again.status_code in (400, 403)


def test_outside_scope_is_404_for_reads_and_writes(client, w):
    m = w["meeting"]
    row = m.attendances.first()
    client.force_login(w["outsider"])
    for url in (f"/api/meetings/meetings/{m.pk}", f"/api/meetings/meetings/{m.pk}/agenda",
                f"/api/meetings/meetings/{m.pk}/attendances", f"/api/meetings/meetings/{m.pk}/minutes",
                f"/api/meetings/meetings/{m.pk}/minutes.pdf"):
        assert client.get(url).status_code == 404, url
    for url, body in ((f"/api/meetings/meetings/{m.pk}/open", None), (f"/api/meetings/meetings/{m.pk}/notify", None),
                      (f"/api/meetings/attendances/{row.pk}/mark", {"status": "present"}),
                      (f"/api/meetings/attendances/{row.pk}/reveal-phone", {"reason": ""}),
                      (f"/api/meetings/meetings/{m.pk}/minutes", {"text": "x"}),
                      (f"/api/meetings/bodies/{w['body'].pk}/meetings",
                       {"title": "临时会", "starts_at": "2026-12-20T14:30:00+08:00"})):
        response = client.post(url, body or {}, content_type=JSON)
        assert response.status_code == 404 and response.json()["code"] == "not_found", url
    assert [x["id"] for x in client.get("/api/meetings/meetings").json()["items"]] == []
    assert Meeting.objects.get(pk=m.pk).state == "planned"


def test_the_list_holds_the_meetings_in_scope(client, w):
    client.force_login(w["staff"])
    items = client.get("/api/meetings/meetings").json()["items"]
    assert [i["id"] for i in items] == [w["meeting"].pk] and items[0]["is_quorate"] is False


def test_staff_call_a_hearing_and_refuse_a_regular_kind(client, w):
    client.force_login(w["staff"])
    url = f"/api/meetings/bodies/{w['body'].pk}/meetings"
    hearing = client.post(url, {"kind": "hearing", "title": "加装电梯听证会", "starts_at": "2026-12-20T14:30:00+08:00"},
                          content_type=JSON)
    assert hearing.status_code == 201 and hearing.json()["kind"] == "hearing"
    regular = client.post(url, {"kind": "regular", "title": "例会", "starts_at": "2026-12-20T14:30:00+08:00"},
                          content_type=JSON)
    assert regular.status_code == 400 and "kind" in regular.json()["fields"]


def test_reveal_is_for_staff_only_and_audited(client, w):
    client.force_login(w["secretary"])
    guest = client.post(f"/api/meetings/meetings/{w['meeting'].pk}/attendances",
                        {"name": "赵经理", "phone": "13912345678"}, content_type=JSON).json()
    url = f"/api/meetings/attendances/{guest['id']}/reveal-phone"
    assert client.post(url, {"reason": ""}, content_type=JSON).status_code == 403
    client.force_login(w["staff"])
    assert client.post(url, {"reason": "电话通知"}, content_type=JSON).json() == {"phone": "13912345678"}
    assert AuditEvent.objects.filter(action="meetings.attendance.reveal").count() == 1


def test_minutes_over_the_api_write_approve_attach_and_version(client, w):
    m = w["meeting"].pk
    client.force_login(w["secretary"])
    client.post(f"/api/meetings/meetings/{m}/open")
    draft = client.post(f"/api/meetings/meetings/{m}/minutes", {"text": "一、暖气排查。"}, content_type=JSON).json()
    assert draft["version"] == 1 and draft["state"] == "draft"
    png = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    attached = client.post(f"/api/meetings/minutes/{draft['id']}/attachments", {"files": [png]})
    assert attached.status_code == 200 and attached.json()["attachments"][0]["name"] == "现场.png"
    assert client.post(f"/api/meetings/minutes/{draft['id']}/approve").status_code == 403
    client.force_login(w["staff"])
    assert client.post(f"/api/meetings/minutes/{draft['id']}/approve").json()["state"] == "approved"
    client.force_login(w["secretary"])
    v2 = client.post(f"/api/meetings/meetings/{m}/minutes", {"text": "一、暖气排查。二、补充。"}, content_type=JSON).json()
    assert v2["version"] == 2
    versions = client.get(f"/api/meetings/meetings/{m}/minutes").json()
    assert [(v["version"], v["state"]) for v in versions] == [(2, "draft"), (1, "approved")]
    pdf = client.get(f"/api/meetings/meetings/{m}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
