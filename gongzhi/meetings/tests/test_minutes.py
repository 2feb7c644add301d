"""Minutes: a draft the secretary edits, approved by the chair and then frozen (a change is a new
version), files checked by their bytes, and the printable PDF with the attendance."""

import base64
import re
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput
from gongzhi.core.models import AuditEvent
from gongzhi.meetings import pdf, selectors
from gongzhi.meetings.models import Minutes, MinutesState
from gongzhi.meetings.services import minutes, sessions
from gongzhi.meetings.tests import factories

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _held():
    """A residents' council meeting in session: the chair and the secretary have accounts."""
    nodes = tree()
    chair, secretary = user(Role.RESIDENT), user(Role.PARTY_MEMBER)
    body = factories.body_with_members(nodes["community"], chair=chair, secretary=secretary, members=2,
                                       name="瓜州路社区居民议事会")
    meeting = factories.meeting(body, title="关于3号楼暖气不热的临时会议", location="社区二楼会议室")
    meeting = sessions.meeting_open(actor=secretary, meeting=meeting)
    return {"nodes": nodes, "chair": chair, "secretary": secretary, "body": body, "meeting": meeting}


def test_the_secretary_edits_one_draft_until_the_chair_approves_it(django_capture_on_commit_callbacks):
    from gongzhi.core.models import Notification

    w = _held()
    with django_capture_on_commit_callbacks(execute=True):
        first = minutes.minutes_write(actor=w["secretary"], meeting=w["meeting"], text="一、热力公司说明管网情况。")
    asked = Notification.objects.get(kind="meetings.minutes_to_approve")
    assert asked.recipient == w["chair"] and asked.url == f"/meetings/{w['meeting'].pk}/minutes/"
    again = minutes.minutes_write(actor=w["secretary"], meeting=w["meeting"], text="一、热力公司说明管网情况。\n二、三日内排查。")
    assert again.pk == first.pk and again.version == 1 and again.state == MinutesState.DRAFT
    # Readers see no minutes until they are approved.
    assert selectors.minutes_current(user=w["chair"], meeting=w["meeting"]) is None
    approved = minutes.minutes_approve(actor=w["chair"], minutes=again)
    assert approved.state == MinutesState.APPROVED and approved.approved_by == w["chair"]
    assert selectors.minutes_current(user=w["chair"], meeting=w["meeting"]).text.endswith("三日内排查。")
    assert AuditEvent.objects.filter(action="meetings.minutes.write").count() == 2
    assert AuditEvent.objects.filter(action="meetings.minutes.approve").count() == 1


def test_a_change_after_approval_is_a_new_draft_version_and_the_approved_one_stays():
    w = _held()
    v1 = minutes.minutes_write(actor=w["secretary"], meeting=w["meeting"], text="第一稿")
    minutes.minutes_approve(actor=w["chair"], minutes=v1)
    v2 = minutes.minutes_write(actor=w["secretary"], meeting=w["meeting"], text="补充：物业公司参加排查")
    assert v2.version == 2 and v2.state == MinutesState.DRAFT
    assert Minutes.objects.get(pk=v1.pk).text == "第一稿"
    assert selectors.minutes_current(user=w["chair"], meeting=w["meeting"]).pk == v1.pk
    assert [m.version for m in selectors.minutes_versions(user=w["chair"], meeting=w["meeting"])] == [2, 1]
    with pytest.raises(Conflict):
        minutes.minutes_approve(actor=w["chair"], minutes=v1)


def test_only_the_chair_approves_and_only_officers_write():
    w = _held()
    draft = minutes.minutes_write(actor=w["secretary"], meeting=w["meeting"], text="草稿")
    with pytest.raises(Forbidden):
        minutes.minutes_approve(actor=w["secretary"], minutes=draft)
    member = user(Role.RESIDENT)
    factories.member(w["body"], user=member)
    sessions.attendance_invite(actor=w["secretary"], meeting=w["meeting"], guest={"user": member})
    with pytest.raises(Forbidden):
        minutes.minutes_write(actor=member, meeting=w["meeting"], text="我也来写")


def test_empty_minutes_are_refused_on_the_text_field():
    w = _held()
    with pytest.raises(InvalidInput) as bad:
        minutes.minutes_write(actor=w["secretary"], meeting=w["meeting"], text="   ")
    assert "text" in bad.value.fields
    assert not Minutes.objects.exists()


def test_minutes_wait_until_the_meeting_has_opened():
    nodes = tree()
    secretary = user(Role.PARTY_MEMBER)
    meeting = factories.meeting(factories.body_with_members(nodes["community"], secretary=secretary))
    with pytest.raises(Conflict):
        minutes.minutes_write(actor=secretary, meeting=meeting, text="提前写好")


def test_files_are_checked_by_their_bytes_and_frozen_with_the_approval():
    w = _held()
    draft = minutes.minutes_write(actor=w["secretary"], meeting=w["meeting"], text="见签到表")
    saved = minutes.minutes_attach(actor=w["secretary"], minutes=draft,
                                   files=[SimpleUploadedFile("签到表.png", PNG, content_type="image/png")])
    assert saved[0].content_type == "image/png" and saved[0].name == "签到表.png"
    assert AuditEvent.objects.filter(action="meetings.minutes.attach").count() == 1
    with pytest.raises(InvalidInput) as fake:
        minutes.minutes_attach(actor=w["secretary"], minutes=draft,
                               files=[SimpleUploadedFile("照片.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")])
    assert "attachments" in fake.value.fields and "照片.jpg" in fake.value.message
    minutes.minutes_approve(actor=w["chair"], minutes=draft)
    with pytest.raises(Conflict):
        minutes.minutes_attach(actor=w["secretary"], minutes=draft,
                               files=[SimpleUploadedFile("补充.png", PNG, content_type="image/png")])
    assert draft.attachments.count() == 1


def test_a_file_too_large_is_refused(settings):
    settings.MEETINGS_ATTACHMENT_MAX_BYTES = 50
    w = _held()
    draft = minutes.minutes_write(actor=w["secretary"], meeting=w["meeting"], text="见附件")
    with pytest.raises(InvalidInput) as big:
        minutes.minutes_attach(actor=w["secretary"], minutes=draft,
                               files=[SimpleUploadedFile("大图.png", PNG + b"\x00" * 100, content_type="image/png")])
    assert "attachments" in big.value.fields
    assert not draft.attachments.exists()


# --- the PDF -------------------------------------------------------------------------------------


def _literal_strings(content: bytes) -> list[bytes]:
    """The literal strings of a PDF content stream, unescaped."""
    out, i = [], 0
    while (i := content.find(b"(", i)) != -1:
        i += 1
        depth, buf = 1, bytearray()
        while i < len(content) and depth:
            c = content[i]
            if c == 0x5C:  # backslash
                nxt = content[i + 1:i + 2]
                if nxt.isdigit():
                    digits = re.match(rb"[0-7]{1,3}", content[i + 1:i + 4]).group(0)
                    buf.append(int(digits, 8))
                    i += 1 + len(digits)
                    continue
                buf += {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(nxt, nxt)
                i += 2
                continue
            if c == 0x28:
                depth += 1
            elif c == 0x29:
                depth -= 1
                if not depth:
                    break
            buf.append(c)
            i += 1
        out.append(bytes(buf))
        i += 1
    return out


def pdf_text(data: bytes) -> str:
    """The text of a reportlab PDF: its streams decoded (ASCII85 + Flate); strings set in the CID
    font (STSong-Light, UCS-2 encoded) as UTF-16, the others as Latin-1."""
    cid_fonts = {m.group(1) for m in re.finditer(rb"/BaseFont /STSong-Light /DescendantFonts.*?/Name /(F\d+)", data, re.S)}
    texts = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = match.group(1).strip()
        try:
            content = zlib.decompress(base64.a85decode(raw[:-2] if raw.endswith(b"~>") else raw))
        except Exception:  # noqa: BLE001 - font programs and images are not text
            continue
        # Split at each font selection: the strings after "/Fn size Tf" are set in font Fn.
        font = b""
        for part in re.split(rb"(/F\d+ [\d.]+ Tf)", content):
            selected = re.match(rb"/(F\d+) [\d.]+ Tf", part)
            if selected:
                font = selected.group(1)
                continue
            for s in _literal_strings(part):
                texts.append(s.decode("utf-16-be", errors="replace") if font in cid_fonts else s.decode("latin-1"))
    return "".join(texts)


def test_the_pdf_has_the_title_the_attendance_and_the_quorum_in_chinese():
    from django.utils import translation

    w = _held()
    meeting = w["meeting"]
    guest = sessions.attendance_invite(actor=w["secretary"], meeting=meeting,
                                       guest={"name": "赵经理", "organization": "兰州热力公司"})
    sessions.attendance_mark(actor=w["secretary"], attendance=guest, status="present")
    absent = meeting.attendances.filter(user__isnull=True, is_outside_party=False).first()
    sessions.attendance_mark(actor=w["secretary"], attendance=absent, status="excused", reason="出差")
    sessions.agenda_item_save(actor=w["secretary"], meeting=meeting, title="3号楼暖气排查")
    text = minutes.minutes_write(actor=w["secretary"], meeting=meeting, text="热力公司三日内完成管网排查。")
    minutes.minutes_approve(actor=w["chair"], minutes=text)
    factories.decision(meeting, text="热力公司三日内完成排查", owners=[{"name": "兰州热力公司"}])
    staff = user(Role.COMMUNITY_STAFF, nodes=[w["nodes"]["community"]])
    meeting = selectors.meeting_get(user=staff, pk=meeting.pk)
    with translation.override("zh-hans"):
        data = pdf.minutes_pdf(user=staff, meeting=meeting)
    assert data.startswith(b"%PDF") and len(data) > 2000
    assert re.search(rb"/Type /Pages\s*/Count 1|/Count 1 /Kids", data)
    content = pdf_text(data)
    assert "关于3号楼暖气不热的临时会议" in content
    assert "赵经理" in content and "出差" in content and "3号楼暖气排查" in content
    assert "热力公司三日内完成管网排查。" in content and "热力公司三日内完成排查" in content
    assert "出席" in content or "到会" in content  # the attendance lists are labelled in Chinese
