"""Test data for the open books, built through the services on top of the area and user factories."""

from __future__ import annotations

import datetime as dt
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.models import AreaNode
from gongzhi.areas.tests.factories import tree
from gongzhi.core.actors import SystemActor
from gongzhi.disclosure.models import Item, ItemKind, Schedule, ScheduleCadence, Timing
from gongzhi.disclosure.services import items

ACTOR = SystemActor(label="test")
_serial = itertools.count(1)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64


def png(name: str = "公示照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name: str = "明细表.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def exe(name: str = "明细表.pdf") -> SimpleUploadedFile:
    """A program dressed as a PDF."""
    return SimpleUploadedFile(name, EXE, content_type="application/pdf")


def world() -> dict:
    """tree() with a community staff member, a street staff member, a supervision committee member
    and a resident account."""
    nodes = tree()
    nodes["staff"] = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    nodes["street_staff"] = user(Role.STREET_STAFF, nodes=[nodes["street"]])
    nodes["supervisor"] = user(Role.SUPERVISION, nodes=[nodes["community"]])
    nodes["resident"] = user(Role.RESIDENT)
    return nodes


def draft(community: AreaNode, *, actor=ACTOR, kind: str = ItemKind.AFFAIRS, timing: str = Timing.POLICY,
          title: str | None = None, body: str = "详见附件。", trigger_at: dt.datetime | None = None, **extra) -> Item:
    if timing == Timing.REGULAR and "period_start" not in extra:
        today = timezone.localdate()
        extra["period_start"], extra["period_end"] = today.replace(day=1), today.replace(day=1) + dt.timedelta(days=27)
    return items.item_create(actor=actor, community=community, kind=kind, timing_type=timing,
                             title=title or f"关于第{next(_serial)}批低保对象的公示", body=body,
                             trigger_at=trigger_at, **extra)


def published(community: AreaNode, *, actor=ACTOR, **extra) -> Item:
    return items.item_publish(actor=actor, item=draft(community, actor=actor, **extra))


def schedule(community: AreaNode, *, kind: str = ItemKind.FINANCE, title: str = "财务收支情况",
             cadence: str = ScheduleCadence.MONTHLY, starts_on: dt.date | None = None, **extra) -> Schedule:
    return items.schedule_create(actor=ACTOR, community=community, kind=kind, title=title, cadence=cadence,
                                 starts_on=starts_on, **extra)
