"""Test data for the projects list and the units' problem list."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from reportlab.pdfgen import canvas

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.meetings.models import BodyKind
from gongzhi.meetings.tests import factories as meeting_factories
from gongzhi.residents.models import Person
from gongzhi.residents.tests.factories import person

from . import factories


def pdf_bytes(text: str = "Agreement") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def pdf_upload(name: str = "协议书.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else pdf_bytes(), content_type="application/pdf")


def resident_of(household):
    """A resident account linked to a living person of `household`."""
    account = user(Role.RESIDENT)
    found = person(household)
    Person.objects.filter(pk=found.pk).update(user=account)
    return account


def alliance_decision(community, *, text: str = "加装路灯项目由物业公司牵头实施"):
    body = meeting_factories.body(community, kind=BodyKind.ALLIANCE, name="瓜州路社区大党委")
    meeting = meeting_factories.held(meeting_factories.meeting(body))
    return meeting_factories.decision(meeting, text=text)


def place() -> dict:
    """Two districts: district 1 with its community and street staff, a unit and its liaison, a
    resident of the community; district 2 with its own staff."""
    nodes, other = tree(), tree()
    unit = factories.unit(nodes["community"], name="兰州瑞丰物业公司")
    school = factories.unit(nodes["community"], name="七里河区第一小学")
    return {
        "nodes": nodes, "other": other, "unit": unit, "school": school,
        "staff": user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]]),
        "street": user(Role.STREET_STAFF, nodes=[nodes["street"]]),
        "other_staff": user(Role.COMMUNITY_STAFF, nodes=[other["community"]]),
        "liaison": factories.liaison(unit),
        "resident": resident_of(nodes["household_a"]),
        "today": timezone.localdate(),
    }


def term(days: int = 365) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today, today + dt.timedelta(days=days)
