"""Test data for the meetings app, built through its services on top of the area factories."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from gongzhi.areas.models import AreaNode
from gongzhi.core.actors import SystemActor
from gongzhi.meetings.models import (
    Body,
    BodyKind,
    BodyMember,
    Cadence,
    Decision,
    Meeting,
    MeetingKind,
    MemberRole,
    Minutes,
)
from gongzhi.meetings.services import bodies, decisions, meetings

ACTOR = SystemActor(label="test")
_serial = itertools.count(1)


def body(area: AreaNode, *, kind: str = BodyKind.RESIDENTS_COUNCIL, name: str | None = None,
         cadence: str = Cadence.BIMONTHLY, **extra) -> Body:
    return bodies.body_create(actor=ACTOR, kind=kind, name=name or f"议事会{next(_serial)}", area=area,
                              cadence=cadence, **extra)


def member(body: Body, *, capacity: str = MemberRole.MEMBER, name: str | None = None, user=None, phone: str = "",
           **extra) -> BodyMember:
    return bodies.member_add(actor=ACTOR, body=body, capacity=capacity, name=name or ("" if user else f"成员{next(_serial)}"),
                             user=user, phone=phone, **extra)


def body_with_members(area: AreaNode, *, chair=None, secretary=None, members: int = 3, observers: int = 0,
                      **extra) -> Body:
    """A body with a chair and a secretary (accounts when given, else names), `members` plain members
    and `observers` observers (列席)."""
    b = body(area, **extra)
    member(b, capacity=MemberRole.CHAIR, user=chair, name="" if chair else "王主任")
    member(b, capacity=MemberRole.SECRETARY, user=secretary, name="" if secretary else "李干事")
    for _ in range(members):
        member(b)
    for _ in range(observers):
        member(b, capacity=MemberRole.OBSERVER)
    return b


def meeting(body: Body | None = None, *, starts_at: dt.datetime | None = None, kind: str = MeetingKind.REGULAR,
            title: str | None = None, **extra) -> Meeting:
    return meetings.meeting_create(actor=ACTOR, body=body, kind=kind, title=title or f"第{next(_serial)}次会议",
                                   starts_at=starts_at or timezone.now() + dt.timedelta(days=3), **extra)


def minutes(meeting: Meeting, *, text: str = "会议议定了三件事。", version: int = 1) -> Minutes:
    # Until the minutes service exists (sessions/minutes work), a plain row.
    return Minutes.objects.create(meeting=meeting, version=version, text=text)


def held(meeting: Meeting) -> Meeting:
    """The meeting recorded as held (decisions are taken at a meeting in session or held)."""
    from gongzhi.core.workflow import apply_transition
    from gongzhi.meetings.models import MeetingState
    from gongzhi.meetings.workflow import MEETING_WORKFLOW

    meeting.refresh_from_db()
    if meeting.state in (MeetingState.PLANNED, MeetingState.NOTIFIED):
        meeting = apply_transition(MEETING_WORKFLOW, actor=ACTOR, obj=meeting, action="record")
    return meeting


def decision(meeting: Meeting, *, text: str = "三天内清理楼道堆物", deadline: dt.date | None = None, owners=(),
             case=None, number: int | None = None, agenda_item=None, actor=None) -> Decision:
    """A decision through the service (the meeting is first recorded as held when still planned).
    `owners` are users, units, departments or names, or dicts {"user"|"unit"|"department"|"name": …};
    without owners, the residents' committee. `number` is given by the service (kept for old callers)."""
    meeting = held(meeting)
    resolved = []
    for owner in owners or ({"name": "社区居委会"},):
        if isinstance(owner, dict):
            owner = next(v for k, v in owner.items() if k in ("user", "unit", "department", "name") and v)
        resolved.append(owner)
    return decisions.decision_record(actor=actor or ACTOR, meeting=meeting, text=text, owners=resolved, case=case,
                                     deadline=deadline or timezone.localdate() + dt.timedelta(days=14),
                                     agenda_item=agenda_item)


# --- agenda items, minutes files, outside parties ----------------------------------------------


def agenda_item(meeting: Meeting, *, title: str = "3号楼暖气不热的处理", **extra):
    from gongzhi.meetings.services import sessions

    return sessions.agenda_item_save(actor=ACTOR, meeting=meeting, title=title, **extra)


def minutes_attachment(minutes_row: Minutes, *, name: str = "签到表.pdf", content: bytes = b"%PDF-1.4\n% sign-in sheet\n"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongzhi.meetings.models import MinutesAttachment

    row = MinutesAttachment(minutes=minutes_row, name=name, content_type="application/pdf", size=len(content))
    row.file.save("minutes.pdf", SimpleUploadedFile(name, content), save=False)
    row.save()
    return row


def outside_party(meeting: Meeting, *, name: str = "赵经理", organization: str = "热力公司", phone: str = "13812345678"):
    from gongzhi.meetings.services import sessions

    return sessions.attendance_invite(actor=ACTOR, meeting=meeting, guest={"name": name, "organization": organization,
                                                                           "phone": phone})
