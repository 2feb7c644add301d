"""The meeting pages as users see them: calling a meeting from a body, the meeting page with its
forms (errors beside the field, input kept), the chair's screen with the code and QR, the
invitee's sign-in, the minutes with files, the PDF — and every one of them 404 outside scope."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.models import AuditEvent
from gongzhi.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingKind, MeetingState, Minutes
from gongzhi.meetings.services import minutes, sessions
from gongzhi.meetings.tests import factories

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def w():
    nodes, elsewhere = tree(), tree()
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    secretary = user(Role.PARTY_MEMBER)
    resident = user(Role.RESIDENT)
    body = factories.body_with_members(nodes["community"], chair=staff, secretary=secretary, members=2,
                                       name="瓜州路社区居民议事会")
    factories.member(body, user=resident)
    meeting = factories.meeting(body, title="关于3号楼暖气不热的临时会议", location="社区二楼会议室")
    guest = factories.outside_party(meeting)
    return {"nodes": nodes, "staff": staff, "secretary": secretary, "resident": resident, "body": body,
            "meeting": meeting, "guest": guest,
            "outsider": user(Role.COMMUNITY_STAFF, nodes=[elsewhere["community"]])}


def _page(meeting, suffix=""):
    return f"/meetings/{meeting.pk}/{suffix}"


def test_the_meeting_page_shows_agenda_invitees_with_masked_phones_and_attendance(client, w):
    sessions.agenda_item_save(actor=w["secretary"], meeting=w["meeting"], title="3号楼暖气排查", reference="hot-issue:7")
    client.force_login(w["secretary"])
    page = client.get(_page(w["meeting"])).content.decode()
    assert "关于3号楼暖气不热的临时会议" in page and "3号楼暖气排查" in page and "hot-issue:7" in page
    assert "赵经理" in page and "138****5678" in page and "13812345678" not in page
    assert "meetings/_quick_decision.html" not in page  # the include point renders (empty)


def test_outside_scope_every_meeting_page_is_404(client, w):
    meeting = sessions.meeting_open(actor=w["staff"], meeting=w["meeting"])
    draft = minutes.minutes_write(actor=w["staff"], meeting=meeting, text="纪要")
    file = minutes.minutes_attach(actor=w["staff"], minutes=draft,
                                  files=[SimpleUploadedFile("签到表.png", PNG)])[0]
    client.force_login(w["outsider"])
    for suffix in ("", "chair/", "status.json", "qr.svg", "sign-in/", "minutes/", "minutes.pdf",
                   f"minutes/files/{file.pk}/"):
        assert client.get(_page(meeting, suffix)).status_code == 404, suffix
    for action in ("open", "close", "mark", "invite", "agenda"):
        assert client.post(_page(meeting, "act/"), {"action": action}).status_code == 404
    assert client.post(_page(meeting, "minutes/"), {"action": "write", "text": "偷写"}).status_code == 404
    assert client.get(f"/meetings/bodies/{w['body'].pk}/meetings/new/").status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.IN_SESSION


def test_staff_call_an_extraordinary_meeting_from_the_body(client, w):
    client.force_login(w["staff"])
    url = f"/meetings/bodies/{w['body'].pk}/meetings/new/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"kind": MeetingKind.HEARING, "title": "加装电梯听证会", "starts_at": "明天下午"})
    assert bad.status_code == 400
    assert "加装电梯听证会" in bad.content.decode()  # the input is kept
    assert 'id="starts_at"' in bad.content.decode() and 'class="error"' in bad.content.decode()
    response = client.post(url, {"kind": MeetingKind.HEARING, "title": "加装电梯听证会", "starts_at": "2026-12-20T14:30",
                                 "location": "社区活动室", "agenda": "1单元加装电梯方案"})
    meeting = Meeting.objects.get(title="加装电梯听证会")
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    assert meeting.kind == MeetingKind.HEARING and timezone.localtime(meeting.starts_at).hour == 14
    assert meeting.agenda.get().title == "1单元加装电梯方案"
    assert meeting.attendances.count() == 5  # the body's members


def test_a_regular_kind_cannot_be_called_from_this_form(client, w):
    client.force_login(w["staff"])
    response = client.post(f"/meetings/bodies/{w['body'].pk}/meetings/new/",
                           {"kind": MeetingKind.REGULAR, "title": "例会", "starts_at": "2026-12-20T14:30"})
    assert response.status_code == 400 and not Meeting.objects.filter(title="例会").exists()


def test_an_agenda_item_without_a_title_is_refused_beside_the_field_with_the_input_kept(client, w):
    client.force_login(w["secretary"])
    response = client.post(_page(w["meeting"], "act/"), {"action": "agenda", "title": "", "notes": "请物业说明"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请物业说明" in page and 'class="error"' in page
    assert not w["meeting"].agenda.exists()
    unknown = client.post(_page(w["meeting"], "act/"), {"action": "agenda", "title": "议题", "case": "GZ202612010000001"})
    assert unknown.status_code == 400 and not w["meeting"].agenda.exists()


def test_the_secretary_invites_an_outside_party_and_marks_attendance_on_the_page(client, w):
    client.force_login(w["secretary"])
    response = client.post(_page(w["meeting"], "act/"), {"action": "invite", "name": "钱经理", "organization": "物业公司",
                                                         "phone": "0931-8123456", "capacity": "member"})
    assert response.status_code == 302
    guest = Attendance.objects.get(name="钱经理")
    assert guest.is_outside_party and guest.phone_masked and guest.phone_masked != "0931-8123456"
    bad_phone = client.post(_page(w["meeting"], "act/"), {"action": "invite", "name": "孙经理", "phone": "12"})
    assert bad_phone.status_code == 400 and "孙经理" in bad_phone.content.decode()
    marked = client.post(_page(w["meeting"], "act/"), {"action": "mark", "attendance": guest.pk, "status": "present"})
    assert marked.status_code == 302
    assert Attendance.objects.get(pk=guest.pk).status == AttendanceStatus.PRESENT
    no_reason = client.post(_page(w["meeting"], "act/"), {"action": "mark", "attendance": w["guest"].pk,
                                                          "status": "excused"})
    assert no_reason.status_code == 400 and 'id="mark-error"' in no_reason.content.decode()


def test_a_resident_invitee_cannot_mark_or_open(client, w):
    client.force_login(w["resident"])
    assert client.get(_page(w["meeting"])).status_code == 200  # invited: sees the meeting
    assert client.post(_page(w["meeting"], "act/"), {"action": "mark", "attendance": w["guest"].pk,
                                                     "status": "present"}).status_code == 403
    assert client.post(_page(w["meeting"], "act/"), {"action": "open"}).status_code == 403
    assert client.get(_page(w["meeting"], "chair/")).status_code == 403


def test_staff_reveal_an_outside_partys_phone_and_it_is_audited(client, w):
    client.force_login(w["staff"])
    response = client.post(_page(w["meeting"], "act/"), {"action": "reveal", "attendance": w["guest"].pk,
                                                         "reason": "通知参会"})
    assert response.status_code == 200 and "13812345678" in response.content.decode()
    assert AuditEvent.objects.filter(action="meetings.attendance.reveal", note="通知参会").exists()
    client.force_login(w["secretary"])  # a party member: no reveals
    assert client.post(_page(w["meeting"], "act/"), {"action": "reveal", "attendance": w["guest"].pk}).status_code == 403


def test_the_chairs_screen_shows_the_code_and_its_qr_and_the_live_count(client, w):
    client.force_login(w["staff"])
    client.post(_page(w["meeting"], "act/"), {"action": "open", "next": "chair"})
    meeting = Meeting.objects.get(pk=w["meeting"].pk)
    page = client.get(_page(meeting, "chair/")).content.decode()
    assert meeting.signin_code in page and f"/meetings/{meeting.pk}/qr.svg" in page
    assert "<script>" not in page and "meetings/chair.js" in page  # no inline script (CSP)
    qr = client.get(_page(meeting, "qr.svg"))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    status = client.get(_page(meeting, "status.json")).json()
    assert status == {"present": 0, "expected": 6, "quorum": "not_met", "quorum_label": status["quorum_label"],
                      "state": "in_session", "signin_open": True}
    sessions.meeting_close(actor=w["staff"], meeting=meeting)
    # The code died with the meeting: the QR now leads to the sign-in page without it.
    after = client.get(_page(meeting, "qr.svg"))
    assert after.status_code == 200 and after.content != qr.content
    assert meeting.signin_code not in client.get(_page(meeting, "chair/")).content.decode()


def test_an_invitee_signs_in_with_the_code_or_from_the_qr_link(client, w):
    meeting = sessions.meeting_open(actor=w["staff"], meeting=w["meeting"])
    client.force_login(w["resident"])
    wrong = client.post(_page(meeting, "sign-in/"), {"code": "AAAAAA" if meeting.signin_code != "AAAAAA" else "BBBBBB"})
    assert wrong.status_code == 400 and 'id="code-error"' in wrong.content.decode()
    # The QR carries the code: the page is filled in, and signs in only on the button.
    prefilled = client.get(_page(meeting, f"sign-in/?code={meeting.signin_code}&via=qr")).content.decode()
    assert f'value="{meeting.signin_code}"' in prefilled
    assert Attendance.objects.get(meeting=meeting, user=w["resident"]).status == AttendanceStatus.INVITED
    done = client.post(_page(meeting, "sign-in/"), {"code": meeting.signin_code, "via": "qr"})
    assert done.status_code == 302
    row = Attendance.objects.get(meeting=meeting, user=w["resident"])
    assert row.status == AttendanceStatus.PRESENT and row.signed_in_via == "qr"


def test_the_code_alone_finds_the_meeting_the_user_is_invited_to(client, w):
    meeting = sessions.meeting_open(actor=w["staff"], meeting=w["meeting"])
    client.force_login(w["resident"])
    assert client.post("/meetings/sign-in/", {"code": "22222"}).status_code == 400
    response = client.post("/meetings/sign-in/", {"code": meeting.signin_code.lower()})
    assert response.status_code == 302
    assert Attendance.objects.get(meeting=meeting, user=w["resident"]).status == AttendanceStatus.PRESENT
    stranger = user(Role.RESIDENT)
    client.force_login(stranger)
    assert client.post("/meetings/sign-in/", {"code": meeting.signin_code}).status_code == 400


def test_someone_who_sees_the_meeting_but_was_not_invited_cannot_sign_in(client, w):
    meeting = sessions.meeting_open(actor=w["staff"], meeting=w["meeting"])
    other_staff = user(Role.STREET_STAFF, nodes=[w["nodes"]["street"]])
    client.force_login(other_staff)
    response = client.post(_page(meeting, "sign-in/"), {"code": meeting.signin_code})
    assert response.status_code == 403


def test_the_minutes_page_writes_approves_attaches_and_serves_files_in_scope(client, w):
    meeting = sessions.meeting_open(actor=w["staff"], meeting=w["meeting"])
    client.force_login(w["secretary"])
    empty = client.post(_page(meeting, "minutes/"), {"action": "write", "text": " "})
    assert empty.status_code == 400 and 'class="error"' in empty.content.decode()
    client.post(_page(meeting, "minutes/"), {"action": "write", "text": "一、热力公司三日内排查。"})
    bad = client.post(_page(meeting, "minutes/"), {"action": "attach",
                                                   "attachments": SimpleUploadedFile("病毒.exe", b"MZ\x90\x00")})
    assert bad.status_code == 400 and "病毒.exe" in bad.content.decode()
    client.post(_page(meeting, "minutes/"), {"action": "attach", "attachments": SimpleUploadedFile("签到表.png", PNG)})
    draft = Minutes.objects.get(meeting=meeting)
    file = draft.attachments.get()
    served = client.get(_page(meeting, f"minutes/files/{file.pk}/"))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert client.post(_page(meeting, "minutes/"), {"action": "approve"}).status_code == 403  # not the chair
    client.force_login(w["staff"])  # the chair
    client.post(_page(meeting, "minutes/"), {"action": "approve"})
    assert Minutes.objects.get(pk=draft.pk).state == "approved"
    page = client.get(_page(meeting, "minutes/")).content.decode()
    assert "一、热力公司三日内排查。" in page and "签到表.png" in page


def test_the_pdf_downloads_for_a_reader_in_scope(client, w):
    client.force_login(w["resident"])
    response = client.get(_page(w["meeting"], "minutes.pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and "attachment" in response["Content-Disposition"]


def test_an_inquorate_held_meeting_says_so(client, w):
    meeting = sessions.meeting_open(actor=w["staff"], meeting=w["meeting"])
    sessions.meeting_close(actor=w["staff"], meeting=meeting)
    client.force_login(w["staff"])
    page = client.get(_page(meeting)).content.decode()
    assert "quorum-not-met" in page


def test_times_show_in_shanghai_time(client, w):
    Meeting.objects.filter(pk=w["meeting"].pk).update(starts_at=dt.datetime(2026, 12, 20, 6, 30, tzinfo=dt.UTC))
    client.force_login(w["staff"])
    assert "2026-12-20 14:30" in client.get(_page(w["meeting"])).content.decode()
