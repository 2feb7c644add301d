"""Bodies endpoints of the meetings API: bodies, their members (phones masked; a reveal is audited),
cadences, meetings, party life and attendance rates, the district's theme-day contents, and moving
or cancelling a planned meeting. Outside the user's scope is 404, like absent."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.accounts.models import User
from gongzhi.areas.models import AreaNode, Estate, Unit
from gongzhi.core.errors import InvalidInput, NotFound, errors
from gongzhi.core.pagination import Pagination
from gongzhi.core.permissions import require
from gongzhi.party.models import PartyMember, PartyOrganization

from .. import selectors
from ..models import Body, Cadence, Meeting, MeetingKind, MemberRole, QuorumRule
from ..services import bodies as services
from ..services import schedule

router = Router(tags=["meetings"])

READ = errors(400, 401, 403, 404, 422)
WRITE = errors(400, 401, 403, 404, 409, 422)


# --- schemas ------------------------------------------------------------------------------------


class BodyOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    area_id: int
    area_name: str
    party_organization_id: int | None = None
    alliance_id: int | None = None
    estate_id: int | None = None
    quorum_rule: str
    description: str
    is_active: bool
    member_count: int

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_member_count(obj) -> int:
        if hasattr(obj, "member_count"):
            return obj.member_count
        return obj.members.filter(left_on__isnull=True).count()


class BodyCadenceOut(Schema):
    kind: str
    kind_label: str
    cadence: str
    cadence_label: str


class BodyDetailOut(BodyOut):
    cadences: list[BodyCadenceOut]

    @staticmethod
    def resolve_cadences(obj) -> list[dict]:
        return [{"kind": c.kind, "kind_label": str(c.get_kind_display()), "cadence": c.cadence,
                 "cadence_label": str(c.get_cadence_display())} for c in obj.cadences.all()]


class BodyIn(Schema):
    kind: str
    name: str
    area_id: int
    cadence: str = Cadence.NONE
    quorum_rule: str = QuorumRule.MORE_THAN_HALF
    party_organization_id: int | None = None
    estate_id: int | None = None
    description: str = ""


class BodyPatch(Schema):
    name: str | None = None
    quorum_rule: str | None = None
    description: str | None = None
    is_active: bool | None = None


class BodyMemberOut(Schema):
    id: int
    body_id: int
    capacity: str
    capacity_label: str
    name: str
    title: str
    user_id: int | None = None
    party_member_id: int | None = None
    unit_id: int | None = None
    phone_masked: str  # the stored masked copy; the number only through the audited reveal
    joined_on: datetime.date
    left_on: datetime.date | None = None

    @staticmethod
    def resolve_capacity_label(obj) -> str:
        return str(obj.get_capacity_display())


class BodyMemberIn(Schema):
    capacity: str = MemberRole.MEMBER
    name: str = ""
    title: str = ""
    user_id: int | None = None
    party_member_id: int | None = None
    unit_id: int | None = None
    phone: str = ""


class BodyMemberPatch(Schema):
    capacity: str | None = None
    name: str | None = None
    title: str | None = None
    phone: str | None = None


class ScheduleReasonIn(Schema):
    reason: str = ""


class RevealedPhoneOut(Schema):
    phone: str


class BodyCadenceIn(Schema):
    kind: str = MeetingKind.REGULAR
    cadence: str


class ScheduledMeetingOut(Schema):
    id: int
    body_id: int | None = None
    kind: str
    kind_label: str
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None = None
    location: str
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    state: str
    state_reason: str
    expected_count: int
    present_count: int
    is_quorate: bool | None = None
    missed: bool

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_missed(obj) -> bool:
        return obj.missed_flagged_at is not None


class MeetingMoveIn(Schema):
    starts_at: datetime.datetime | None = None
    reason: str = ""


class PartyLifeCadenceOut(Schema):
    kind: str
    kind_label: str
    cadence: str
    cadence_label: str
    is_party_life: bool
    current_period_start: datetime.date | None = None
    current_period_end: datetime.date | None = None
    current_meeting_id: int | None = None
    current_meeting_state: str | None = None
    held: int = Field(description="periods of this year with a meeting held")
    due: int = Field(description="periods of this year begun so far")
    missed: int


class ThemeDayItemOut(Schema):
    id: int
    position: int
    title: str
    is_fixed_content: bool


class ThemeDayMeetingOut(Schema):
    id: int
    title: str
    starts_at: datetime.datetime
    state: str
    agenda: list[ThemeDayItemOut]

    @staticmethod
    def resolve_agenda(obj) -> list:
        return list(obj.agenda.all())


class PartyLifeOut(Schema):
    body_id: int
    cadences: list[PartyLifeCadenceOut]
    fixed_contents: list[str]
    theme_days: list[ThemeDayMeetingOut]


class ThemeDayItemIn(Schema):
    title: str
    notes: str = ""


class MemberAttendanceOut(Schema):
    member_id: int
    name: str
    capacity: str
    left: bool
    expected: int
    present: int
    excused: int
    absent: int
    rate: float | None = None


class BodyAttendanceOut(Schema):
    body_id: int
    year: int
    held: int
    expected: int
    present: int
    excused: int
    absent: int
    rate: float | None = Field(None, description="present / expected over the held meetings of the year; excused counted apart")
    members: list[MemberAttendanceOut]


class BranchAttendanceOut(Schema):
    body_id: int
    name: str
    kind: str
    area_name: str
    year: int
    held: int
    expected: int
    present: int
    excused: int
    absent: int
    rate: float | None = None


class ThemeDayContentOut(Schema):
    position: int
    title: str
    is_active: bool


class ThemeDayContentIn(Schema):
    position: int = Field(ge=1, le=20)
    title: str
    is_active: bool = True


# --- helpers -------------------------------------------------------------------------------------


def _visible(model, user, pk, field: str):
    """A related object named by id in a request body: one the user sees, else refused on the field."""
    if pk is None:
        return None
    obj = model.objects.visible_to(user).filter(pk=pk).first()
    if obj is None:
        message = _("Choose one you can see.")
        raise InvalidInput(message, fields={field: [message]})
    return obj


def _year(value: int | None) -> int:
    year = value or timezone.localdate().year
    if not 2000 <= year <= 2100:
        message = _("Choose a year between 2000 and 2100.")
        raise InvalidInput(message, fields={"year": [message]})
    return year


# --- bodies --------------------------------------------------------------------------------------


@router.get("/bodies", response={200: list[BodyOut], **READ}, summary="Bodies I see (in my scope, or that I sit on)")
@paginate(Pagination)
def list_bodies(request: HttpRequest, kind: str | None = None, area: int | None = None, mine: bool = False,
                q: str = "", include_inactive: bool = False):
    return selectors.bodies_visible(user=request.auth, kind=kind, area_id=area, mine=mine, search=q,
                                    include_inactive=include_inactive)


@router.post("/bodies", response={201: BodyDetailOut, **WRITE}, summary="Create a body")
def create_body(request: HttpRequest, payload: BodyIn):
    user = request.auth
    require(user, "meetings.manage_body")
    area = AreaNode.objects.visible_to(user).filter(pk=payload.area_id).first()
    if area is None:
        message = _("Choose an area in your scope.")
        raise InvalidInput(message, fields={"area_id": [message]})
    body = services.body_create(
        actor=user, kind=payload.kind, name=payload.name, area=area, cadence=payload.cadence,
        quorum_rule=payload.quorum_rule,
        party_organization=_visible(PartyOrganization, user, payload.party_organization_id, "party_organization_id"),
        estate=_visible(Estate, user, payload.estate_id, "estate_id"), description=payload.description,
    )
    return Status(201, body)


@router.get("/bodies/{body_id}", response={200: BodyDetailOut, **READ}, summary="One body")
def get_body(request: HttpRequest, body_id: int):
    return selectors.body_get(user=request.auth, pk=body_id)


@router.patch("/bodies/{body_id}", response={200: BodyDetailOut, **WRITE}, summary="Change a body")
def update_body(request: HttpRequest, body_id: int, payload: BodyPatch):
    body = selectors.body_get(user=request.auth, pk=body_id)
    return services.body_update(
        actor=request.auth, body=body,
        name=payload.name if payload.name is not None else body.name,
        quorum_rule=payload.quorum_rule if payload.quorum_rule is not None else body.quorum_rule,
        description=payload.description if payload.description is not None else body.description,
        is_active=payload.is_active if payload.is_active is not None else body.is_active,
    )


# --- members -------------------------------------------------------------------------------------


@router.get("/bodies/{body_id}/members", response={200: list[BodyMemberOut], **READ},
            summary="A body's members (include_left for former members)")
@paginate(Pagination)
def list_members(request: HttpRequest, body_id: int, include_left: bool = False):
    body = selectors.body_get(user=request.auth, pk=body_id)
    return selectors.body_members(body=body, include_left=include_left)


@router.post("/bodies/{body_id}/members", response={201: BodyMemberOut, **WRITE}, summary="Add a member to a body")
def add_member(request: HttpRequest, body_id: int, payload: BodyMemberIn):
    user = request.auth
    body = selectors.body_get(user=user, pk=body_id)
    require(user, "meetings.manage_body", body)
    account = None
    if payload.user_id is not None:
        account = User.objects.filter(pk=payload.user_id, is_active=True).first()
        if account is None:
            message = _("No active account has this id.")
            raise InvalidInput(message, fields={"user_id": [message]})
    party_member = _visible(PartyMember, user, payload.party_member_id, "party_member_id")
    if account is None and party_member is not None and party_member.user_id:
        account = party_member.user
    member = services.member_add(
        actor=user, body=body, capacity=payload.capacity, user=account, title=payload.title,
        name=payload.name or (party_member.name if party_member else ""),
        party_member=party_member, unit=_visible(Unit, user, payload.unit_id, "unit_id"), phone=payload.phone,
    )
    return Status(201, member)


@router.get("/body-members/{member_id}", response={200: BodyMemberOut, **READ}, summary="One member of a body")
def get_member(request: HttpRequest, member_id: int):
    return selectors.member_get(user=request.auth, pk=member_id)


@router.patch("/body-members/{member_id}", response={200: BodyMemberOut, **WRITE}, summary="Change a member of a body")
def update_member(request: HttpRequest, member_id: int, payload: BodyMemberPatch):
    member = selectors.member_get(user=request.auth, pk=member_id)
    return services.member_update(
        actor=request.auth, member=member,
        capacity=payload.capacity if payload.capacity is not None else member.capacity,
        name=payload.name if payload.name is not None else member.name,
        title=payload.title if payload.title is not None else member.title,
        phone=payload.phone,
    )


@router.delete("/body-members/{member_id}", response={200: BodyMemberOut, **WRITE},
               summary="A member leaves the body (kept for the record of past meetings)")
def remove_member(request: HttpRequest, member_id: int):
    member = selectors.member_get(user=request.auth, pk=member_id)
    return services.member_remove(actor=request.auth, member=member)


@router.post("/body-members/{member_id}/reveal", response={200: RevealedPhoneOut, **WRITE},
             summary="A member's full phone number (audited, with the reason)")
def reveal_member_phone(request: HttpRequest, member_id: int, payload: ScheduleReasonIn):
    member = selectors.member_get(user=request.auth, pk=member_id)
    return {"phone": services.member_reveal_phone(actor=request.auth, member=member, reason=payload.reason) or ""}


# --- cadences, meetings, party life, attendance -----------------------------------------------------


@router.get("/bodies/{body_id}/cadences", response={200: list[BodyCadenceOut], **READ}, summary="The meetings a body owes")
def list_cadences(request: HttpRequest, body_id: int):
    body = selectors.body_get(user=request.auth, pk=body_id)
    return BodyDetailOut.resolve_cadences(body)


@router.put("/bodies/{body_id}/cadences", response={200: list[BodyCadenceOut], **WRITE},
            summary="Set how often a body owes a kind of meeting (cadence \"none\" removes it)")
def set_cadence(request: HttpRequest, body_id: int, payload: BodyCadenceIn):
    body = selectors.body_get(user=request.auth, pk=body_id)
    services.cadence_set(actor=request.auth, body=body, kind=payload.kind, cadence=payload.cadence)
    return BodyDetailOut.resolve_cadences(Body.objects.get(pk=body.pk))


@router.get("/bodies/{body_id}/party-life", response={200: PartyLifeOut, **READ},
            summary="A branch's 三会一课 and theme day: cadences, this year's count, the theme days (4+X)")
def party_life(request: HttpRequest, body_id: int):
    user = request.auth
    body = selectors.body_get(user=user, pk=body_id)
    rows = []
    for r in selectors.party_life(user=user, body=body):
        period, meeting = r["current_period"], r["current_meeting"]
        rows.append({**{k: r[k] for k in ("kind", "cadence", "is_party_life", "held", "due", "missed")},
                     "kind_label": str(r["kind_label"]), "cadence_label": str(r["cadence_label"]),
                     "current_period_start": period[0] if period else None,
                     "current_period_end": period[1] if period else None,
                     "current_meeting_id": meeting.pk if meeting else None,
                     "current_meeting_state": meeting.state if meeting else None})
    return {
        "body_id": body.pk, "cadences": rows,
        "fixed_contents": [c.title for c in selectors.theme_day_contents_for(body=body)],
        "theme_days": selectors.theme_days(user=user, body=body, year=timezone.localdate().year),
    }


@router.post("/theme-days/{meeting_id}/items", response={201: ThemeDayItemOut, **WRITE},
             summary="Add the branch's own item (the X of 4+X) to a theme party day")
def add_theme_day_item(request: HttpRequest, meeting_id: int, payload: ThemeDayItemIn):
    meeting = Meeting.objects.visible_or_404(request.auth, pk=meeting_id)
    item = services.theme_day_add_item(actor=request.auth, meeting=meeting, title=payload.title, notes=payload.notes)
    return Status(201, item)


@router.get("/bodies/{body_id}/attendance", response={200: BodyAttendanceOut, **READ},
            summary="Attendance at a body's held meetings of a year: the body's rate and each member's")
def body_attendance(request: HttpRequest, body_id: int, year: int | None = None):
    body = selectors.body_get(user=request.auth, pk=body_id)
    return selectors.member_attendance_rates(user=request.auth, body=body, year=_year(year))


@router.get("/attendance-rates", response={200: list[BranchAttendanceOut], **READ},
            summary="Attendance per party branch and group I see, over their held meetings of a year")
@paginate(Pagination)
def branch_attendance(request: HttpRequest, year: int | None = None, area: int | None = None):
    return selectors.branch_attendance_rates(user=request.auth, year=_year(year), area_id=area)


# --- the district's theme-day contents ------------------------------------------------------------


@router.get("/theme-day-contents/{district_id}", response={200: list[ThemeDayContentOut], **READ},
            summary="The district's fixed contents of the theme party day")
def theme_contents(request: HttpRequest, district_id: int):
    require(request.auth, "meetings.manage_theme_day")
    district = selectors.district_get(user=request.auth, pk=district_id)
    return list(selectors.theme_day_contents(district=district))


@router.put("/theme-day-contents/{district_id}", response={200: ThemeDayContentOut, **WRITE},
            summary="Set one of the district's fixed contents (by position)")
def save_theme_content(request: HttpRequest, district_id: int, payload: ThemeDayContentIn):
    require(request.auth, "meetings.manage_theme_day")
    district = selectors.district_get(user=request.auth, pk=district_id)
    return services.theme_day_content_save(actor=request.auth, district=district, position=payload.position,
                                           title=payload.title, is_active=payload.is_active)


# --- moving and cancelling ------------------------------------------------------------------------


def _meeting(request, meeting_id: int) -> Meeting:
    found = Meeting.objects.visible_to(request.auth).filter(pk=meeting_id).first()
    if found is None:
        raise NotFound()
    return found


@router.post("/meetings/{meeting_id}/move", response={200: ScheduledMeetingOut, **WRITE},
             summary="Move a planned meeting (within its period), with a reason; the invitees are told")
def move_meeting(request: HttpRequest, meeting_id: int, payload: MeetingMoveIn):
    meeting = _meeting(request, meeting_id)
    return schedule.meeting_move(actor=request.auth, meeting=meeting, starts_at=payload.starts_at, reason=payload.reason)


@router.post("/meetings/{meeting_id}/cancel", response={200: ScheduledMeetingOut, **WRITE},
             summary="Cancel a planned meeting, with a reason; the invitees are told")
def cancel_meeting(request: HttpRequest, meeting_id: int, payload: ScheduleReasonIn):
    meeting = _meeting(request, meeting_id)
    return schedule.meeting_cancel(actor=request.auth, meeting=meeting, reason=payload.reason)
