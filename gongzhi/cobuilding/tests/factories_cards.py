"""Test data and readers for the contact cards: a household with its grid worker and paired member,
and the text of a cards PDF read back (reportlab writes the CID font's text as UTF-16 strings)."""

from __future__ import annotations

import base64
import re
import zlib

from django.utils import timezone

from gongzhi.accounts.tests.factories import user
from gongzhi.cobuilding.models import MemberReport, PostKind, ServicePost
from gongzhi.party.tests.factories import organization

from .factories import in_service_member, member_report

_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
_STRING = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", re.S)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
_SIMPLE = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> bytes:
    def one(match):
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8)])
        return _SIMPLE.get(code, code)

    return _ESCAPE.sub(one, raw)


def pdf_text(data: bytes) -> str:
    """The strings drawn in a PDF of gongzhi's CID font, one per line."""
    lines = []
    for match in _STREAM.finditer(data):
        body = match.group(1).strip()
        if body.endswith(b"~>"):  # reportlab's ASCII85 wrapping
            body = base64.a85decode(body if body.startswith(b"<~") else b"<~" + body, adobe=True)
        try:
            body = zlib.decompress(body)
        except zlib.error:
            pass
        for string in _STRING.finditer(body):
            lines.append(_unescape(string.group(1)).decode("utf-16-be", errors="replace"))
    return "\n".join(lines)


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


def grid_worker(grid, *, name: str = "张网格", phone: str = "13811112222"):
    return user("grid_worker", nodes=[grid], display_name=name, phone=phone)


def paired_member(community, household, *, name: str = "李党员", phone: str = "13922223333",
                  kind: str = PostKind.CARE_PAIR) -> MemberReport:
    org = organization(None, kind="district_committee", area=type(community).objects.get_root(community), name=f"{name}所在党委")
    member = in_service_member(org, name=name)
    member.phone = phone
    member.save()
    report = member_report(member, community)
    ServicePost.objects.create(report=report, kind=kind, place=household,
                               started_on=timezone.localdate())
    return report
