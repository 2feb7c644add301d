"""A meeting in the API: the meetings in scope, one meeting (with `is_quorate`, which the votes of
the deliberation work read), its agenda, invitees and attendance, notice, sign-in, close, and the
minutes with their versions, approval, files and PDF. Phones leave masked; the full number only
through the audited reveal."""

import datetime as dt
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gongzhi.accounts.selectors import users_visible
from gongzhi.core.errors import Id, InvalidInput, errors
from gongzhi.core.pagination import Pagination
from gongzhi.core.permissions import can

from .. import pdf, selectors
from ..models import Body, Meeting, MeetingKind, MemberRole
from ..services import meetings as meeting_services
from ..services import minutes as minutes_services
from ..services import sessions
from ..workflow import MEETING_WORKFLOW
from .bodies import READ as READ_BODY
from .bodies import ScheduledMeetingOut

# A year a body's meetings are asked for (anything else is 422 beside `year`, never a crash).
MeetingYear = Annotated[int, Field(ge=2000, le=2100)]

router = Router(tags=["meetings"])
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 403, 404)


class MeetingOut(Schema):
    id: int
    body_id: int | None = None
    body_name: str
    area_id: int
    case_id: int | None = None
    kind: str
    kind_label: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None
    location: str
    state: str
    state_label: str
    quorum_rule: str
    expected_count: int
    present_count: int
    # None before the meeting counts; frozen at the close. An inquorate meeting (False) passes no vote.
    is_quorate: bool | None = None
    notice_sent_at: dt.datetime | None = None

    @staticmethod
    def resolve_body_name(obj) -> str:
        return obj.body.name if obj.body_id else ""

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class MeetingDetailOut(MeetingOut):
    actions: list[str]
    signin_open: bool
    # Only for those who run the meeting (the chair's screen shows it).
    signin_code: str | None = None
    signin_expires_at: dt.datetime | None = None

    @staticmethod
    def resolve_actions(obj) -> list[str]:
        return obj.offered_actions

    @staticmethod
    def resolve_signin_open(obj) -> bool:
        return sessions.signin_open(obj)

    @staticmethod
    def resolve_signin_code(obj) -> str | None:
        return obj.signin_code if obj.shows_code and sessions.signin_open(obj) else None

    @staticmethod
    def resolve_signin_expires_at(obj) -> dt.datetime | None:
        return obj.signin_expires_at if obj.shows_code else None


class AgendaItemOut(Schema):
    id: int
    position: int
    title: str
    notes: str
    case_id: int | None = None
    case_reference: str | None = None
    reference: str

    @staticmethod
    def resolve_case_reference(obj) -> str | None:
        return obj.case.reference if obj.case_id else None


class AttendanceOut(Schema):
    id: int
    name: str
    organization: str
    capacity: str
    is_outside_party: bool
    has_account: bool
    phone_masked: str
    counts_for_quorum: bool
    status: str
    status_label: str
    absence_reason: str
    signed_in_at: dt.datetime | None = None
    signed_in_via: str
    notified_at: dt.datetime | None = None

    @staticmethod
    def resolve_has_account(obj) -> bool:
        return obj.user_id is not None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return f"/meetings/{obj.minutes.meeting_id}/minutes/files/{obj.pk}/"


class MinutesOut(Schema):
    id: int
    meeting_id: int
    version: int
    text: str
    state: str
    written_at: dt.datetime
    approved_at: dt.datetime | None = None
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())


class MeetingIn(Schema):
    kind: str = Field(MeetingKind.EXTRAORDINARY, max_length=20, description="extraordinary or hearing")
    title: str = Field(..., max_length=200)
    starts_at: dt.datetime
    location: str = Field("", max_length=200)


class AgendaIn(Schema):
    title: str = Field(..., max_length=200)
    notes: str = Field("", max_length=5000)
    case: str = Field("", max_length=30, description="a case reference (GZ…) the user can see")
    reference: str = Field("", max_length=100, description="another matter: a hot issue, a need, a topic")


class GuestIn(Schema):
    name: str = Field("", max_length=50)
    organization: str = Field("", max_length=100)
    phone: str = Field("", max_length=20)
    capacity: str = Field(MemberRole.MEMBER, max_length=12)
    username: str = Field("", max_length=150, description="the account of an invitee who has one")


class MarkIn(Schema):
    status: str = Field(..., max_length=10, description="present, excused or absent")
    absence_reason: str = Field("", max_length=200)


class CodeIn(Schema):
    code: str = Field(..., max_length=20)


class ReasonIn(Schema):
    reason: str = Field("", max_length=500)


class PhoneOut(Schema):
    phone: str


class TextIn(Schema):
    text: str = Field(..., max_length=minutes_services.TEXT_LIMIT)


def _meeting(request, meeting_id: int) -> Meeting:
    return selectors.meeting_get(user=request.auth, pk=meeting_id)


def _detail(request, meeting: Meeting) -> Meeting:
    meeting = selectors.meetings_visible(user=request.auth).get(pk=meeting.pk)
    meeting.offered_actions = [t.action for t in MEETING_WORKFLOW.offered(request.auth, meeting)]
    meeting.shows_code = can(request.auth, "meetings.run", meeting)
    return meeting


@router.get("/meetings", response={200: list[MeetingOut], **errors(401, 403, 404, 422)}, summary="Meetings in scope")
@paginate(Pagination)
def meeting_list(request: HttpRequest, body_id: Id | None = None, state: str | None = None):
    qs = selectors.meetings_visible(user=request.auth)
    if body_id is not None:
        qs = qs.filter(body_id=body_id)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-starts_at", "-id")


# GET and POST of one path live in one router (ninja serves a path from the first router that has it).
@router.get("/bodies/{body_id}/meetings", response={200: list[ScheduledMeetingOut], **READ_BODY},
            summary="A body's meetings: upcoming=true (soonest first), upcoming=false (past, latest first), or all")
@paginate(Pagination)
def body_meetings(request: HttpRequest, body_id: int, upcoming: bool | None = None, year: MeetingYear | None = None):
    body = selectors.body_get(user=request.auth, pk=body_id)
    return selectors.body_meetings(user=request.auth, body=body, upcoming=upcoming, year=year)


@router.post("/bodies/{body_id}/meetings", response={201: MeetingDetailOut, **WRITE_ERRORS},
             summary="Call an extraordinary meeting or a public hearing of a body")
def meeting_new(request: HttpRequest, body_id: int, payload: MeetingIn):
    body = Body.objects.visible_or_404(request.auth, pk=body_id)
    if payload.kind not in (MeetingKind.EXTRAORDINARY, MeetingKind.HEARING):
        message = _("Choose an extraordinary meeting or a public hearing.")
        raise InvalidInput(message, fields={"kind": [message]})
    meeting = meeting_services.meeting_create(actor=request.auth, body=body, kind=payload.kind, title=payload.title,
                                              starts_at=payload.starts_at, location=payload.location)
    return Status(201, _detail(request, meeting))


@router.get("/meetings/{meeting_id}", response={200: MeetingDetailOut, **READ_ERRORS}, summary="One meeting")
def meeting_get(request: HttpRequest, meeting_id: int):
    return _detail(request, _meeting(request, meeting_id))


@router.get("/meetings/{meeting_id}/agenda", response={200: list[AgendaItemOut], **READ_ERRORS}, summary="The agenda")
def agenda(request: HttpRequest, meeting_id: int):
    return list(selectors.meeting_agenda(user=request.auth, meeting=_meeting(request, meeting_id)))


@router.post("/meetings/{meeting_id}/agenda", response={201: AgendaItemOut, **WRITE_ERRORS}, summary="Add an agenda item")
def agenda_add(request: HttpRequest, meeting_id: int, payload: AgendaIn):
    meeting = _meeting(request, meeting_id)
    case = selectors.case_by_reference(user=request.auth, reference=payload.case)
    return Status(201, sessions.agenda_item_save(actor=request.auth, meeting=meeting, title=payload.title, notes=payload.notes,
                                          case=case, reference=payload.reference))


@router.put("/agenda/{agenda_item_id}", response={200: AgendaItemOut, **WRITE_ERRORS}, summary="Change an agenda item")
def agenda_change(request: HttpRequest, agenda_item_id: int, payload: AgendaIn):
    item = selectors.agenda_item_get(user=request.auth, pk=agenda_item_id)
    case = selectors.case_by_reference(user=request.auth, reference=payload.case)
    return sessions.agenda_item_save(actor=request.auth, meeting=item.meeting, item=item, title=payload.title,
                                     notes=payload.notes, case=case, reference=payload.reference)


@router.delete("/agenda/{agenda_item_id}", response={204: None, **WRITE_ERRORS}, summary="Take an item off the agenda")
def agenda_remove(request: HttpRequest, agenda_item_id: int):
    sessions.agenda_item_remove(actor=request.auth, item=selectors.agenda_item_get(user=request.auth, pk=agenda_item_id))
    return Status(204, None)


@router.get("/meetings/{meeting_id}/attendances", response={200: list[AttendanceOut], **READ_ERRORS},
            summary="Invitees and their attendance (phones masked)")
def attendances(request: HttpRequest, meeting_id: int):
    return list(selectors.meeting_attendances(user=request.auth, meeting=_meeting(request, meeting_id)))


@router.post("/meetings/{meeting_id}/attendances", response={201: AttendanceOut, **WRITE_ERRORS},
             summary="Invite someone by name (an outside party without an account, or a user by user name)")
def invite(request: HttpRequest, meeting_id: int, payload: GuestIn):
    meeting = _meeting(request, meeting_id)
    guest = {"name": payload.name, "organization": payload.organization, "phone": payload.phone,
             "capacity": payload.capacity}
    if payload.username.strip():
        found = users_visible(user=request.auth).filter(username=payload.username.strip(), is_active=True).first()
        if found is None:
            message = _("No account with this user name that you can see.")
            raise InvalidInput(message, fields={"username": [message]})
        guest["user"] = found
    return Status(201, sessions.attendance_invite(actor=request.auth, meeting=meeting, guest=guest))


@router.post("/attendances/{attendance_id}/mark", response={200: AttendanceOut, **WRITE_ERRORS},
             summary="Mark an invitee present, excused (with the reason) or absent")
def mark(request: HttpRequest, attendance_id: int, payload: MarkIn):
    row = selectors.attendance_get(user=request.auth, pk=attendance_id)
    return sessions.attendance_mark(actor=request.auth, attendance=row, status=payload.status,
                                    reason=payload.absence_reason)


@router.post("/attendances/{attendance_id}/reveal-phone", response={200: PhoneOut, **WRITE_ERRORS},
             summary="An invitee's full phone number (audited)")
def reveal_phone(request: HttpRequest, attendance_id: int, payload: ReasonIn):
    row = selectors.attendance_get(user=request.auth, pk=attendance_id)
    return {"phone": sessions.attendance_reveal_phone(actor=request.auth, attendance=row, reason=payload.reason)}


@router.post("/meetings/{meeting_id}/notify", response={200: MeetingDetailOut, **WRITE_ERRORS},
             summary="Send the notice to every invitee with an account")
def notify(request: HttpRequest, meeting_id: int):
    return _detail(request, sessions.meeting_notify(actor=request.auth, meeting=_meeting(request, meeting_id)))


@router.post("/meetings/{meeting_id}/open", response={200: MeetingDetailOut, **WRITE_ERRORS},
             summary="Open the sign-in (a new six-character code)")
def open_signin(request: HttpRequest, meeting_id: int):
    return _detail(request, sessions.meeting_open(actor=request.auth, meeting=_meeting(request, meeting_id)))


@router.post("/meetings/{meeting_id}/sign-in", response={200: AttendanceOut, **WRITE_ERRORS},
             summary="Sign in with the code shown by the chair")
def sign_in(request: HttpRequest, meeting_id: int, payload: CodeIn):
    return sessions.attendance_sign_in(actor=request.auth, meeting=_meeting(request, meeting_id), code=payload.code)


@router.post("/meetings/{meeting_id}/close", response={200: MeetingDetailOut, **WRITE_ERRORS},
             summary="Close the meeting (the quorum is frozen, the code expires)")
def close(request: HttpRequest, meeting_id: int):
    return _detail(request, sessions.meeting_close(actor=request.auth, meeting=_meeting(request, meeting_id)))


@router.post("/meetings/{meeting_id}/record", response={200: MeetingDetailOut, **WRITE_ERRORS},
             summary="Record a meeting held without the sign-in (the quorum frozen from the marks)")
def record(request: HttpRequest, meeting_id: int):
    return _detail(request, sessions.meeting_record(actor=request.auth, meeting=_meeting(request, meeting_id)))


@router.get("/meetings/{meeting_id}/minutes", response={200: list[MinutesOut], **READ_ERRORS},
            summary="Every version of the minutes, newest first")
def minutes_list(request: HttpRequest, meeting_id: int):
    return list(selectors.minutes_versions(user=request.auth, meeting=_meeting(request, meeting_id)))


@router.post("/meetings/{meeting_id}/minutes", response={200: MinutesOut, **WRITE_ERRORS},
             summary="Write the minutes (the draft; after approval, a new version)")
def minutes_write(request: HttpRequest, meeting_id: int, payload: TextIn):
    return minutes_services.minutes_write(actor=request.auth, meeting=_meeting(request, meeting_id), text=payload.text)


@router.get("/minutes/{minutes_id}", response={200: MinutesOut, **READ_ERRORS}, summary="One version of the minutes")
def minutes_get(request: HttpRequest, minutes_id: int):
    return selectors.minutes_get(user=request.auth, pk=minutes_id)


@router.post("/minutes/{minutes_id}/approve", response={200: MinutesOut, **WRITE_ERRORS},
             summary="Approve a draft (the chair); it is frozen from then on")
def minutes_approve(request: HttpRequest, minutes_id: int):
    found = selectors.minutes_get(user=request.auth, pk=minutes_id)
    return minutes_services.minutes_approve(actor=request.auth, minutes=found)


@router.post("/minutes/{minutes_id}/attachments", response={200: MinutesOut, **errors(400, 401, 403, 404, 409, 413, 422)},
             summary="Attach files to a draft (multipart: photos, PDF, Word, Excel)")
def minutes_attach(request: HttpRequest, minutes_id: int, files: list[UploadedFile] = File(default=None)):  # noqa: B008
    found = selectors.minutes_get(user=request.auth, pk=minutes_id)
    minutes_services.minutes_attach(actor=request.auth, minutes=found, files=files or [])
    return selectors.minutes_get(user=request.auth, pk=minutes_id)


@router.get("/meetings/{meeting_id}/minutes.pdf", response={200: None, **READ_ERRORS},
            summary="The printable minutes with attendance (PDF)")
def minutes_pdf(request: HttpRequest, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    response = HttpResponse(pdf.minutes_pdf(user=request.auth, meeting=meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="minutes-{meeting.pk}.pdf"'
    return response

