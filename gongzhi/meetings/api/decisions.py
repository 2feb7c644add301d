"""Decisions in the meetings API: my meetings, my decisions, a decision with its owners and
progress, recording one at a meeting, reporting (with photos), done / reopen / withdraw, sending
its case to an owning department, and calling a coordination meeting on a case. The same gate and
selectors as the pages; outside scope is 404."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from gongzhi.areas.models import Department
from gongzhi.cases.selectors import case_get
from gongzhi.core.errors import Id, InvalidInput, errors
from gongzhi.core.pagination import Pagination
from gongzhi.core.permissions import require

from .. import selectors
from ..models import AgendaItem, Decision, Meeting, MemberRole
from ..services import decisions as service

router = Router(tags=["meetings"])


class OwnerOut(Schema):
    name: str
    user_id: int | None = None
    unit_id: int | None = None
    department_id: int | None = None


class DecisionOut(Schema):
    id: int
    meeting_id: int
    meeting_title: str
    number: int
    text: str
    deadline: dt.date
    state: str
    state_label: str
    is_overdue: bool
    done_at: dt.datetime | None = None
    done_on_time: bool
    case_id: int | None = None
    owners: list[OwnerOut]

    @staticmethod
    def resolve_meeting_title(obj) -> str:
        return obj.meeting.title

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_owners(obj) -> list:
        return list(obj.owners.all())


class PhotoOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("meetings:decision-photo", kwargs={"photo_id": obj.pk})


class UpdateOut(Schema):
    id: int
    text: str
    author: str
    created_at: dt.datetime
    photos: list[PhotoOut]

    @staticmethod
    def resolve_author(obj) -> str:
        return str(obj.author) if obj.author_id else ""

    @staticmethod
    def resolve_photos(obj) -> list:
        return list(obj.photos.all())


class DecisionDetailOut(DecisionOut):
    done_note: str
    overdue_flagged_at: dt.datetime | None = None
    agenda_item_id: int | None = None
    updates: list[UpdateOut]
    actions: list[str]
    dispatch_department_ids: list[Id]

    @staticmethod
    def resolve_updates(obj) -> list:
        return list(obj.updates.all())


class MyMeetingOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    starts_at: dt.datetime
    location: str
    body_id: int | None = None
    case_id: int | None = None
    my_status: str | None = None
    upcoming: bool
    signin_url: str | None = None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_upcoming(obj) -> bool:
        return getattr(obj, "past", 1) == 0

    @staticmethod
    def resolve_signin_url(obj) -> str | None:
        return selectors.signin_url(obj)


class DecisionIn(Schema):
    text: str
    deadline: dt.date
    agenda_item_id: int | None = None
    owner_user_ids: list[Id] = []
    owner_unit_ids: list[Id] = []
    owner_department_ids: list[Id] = []
    owner_names: list[str] = []


class NoteIn(Schema):
    note: str = ""


class ReasonIn(Schema):
    reason: str


class DispatchIn(Schema):
    department_id: int


class PartyIn(Schema):
    name: str = ""
    organization: str = ""
    phone: str = ""
    user_id: int | None = None
    counts_for_quorum: bool = True


class CoordinationIn(Schema):
    starts_at: dt.datetime
    location: str
    parties: list[PartyIn]
    title: str = ""
    ends_at: dt.datetime | None = None


class MeetingOut(Schema):
    id: int
    title: str
    kind: str
    state: str
    starts_at: dt.datetime
    location: str
    case_id: int | None = None
    area_id: int


def _detail(user, pk: int) -> Decision:
    decision = selectors.decision_get(user=user, pk=pk)
    decision.actions = selectors.offered(user=user, decision=decision)
    decision.dispatch_department_ids = [d.pk for d in selectors.dispatch_offers(user=user, decision=decision)]
    return decision


@router.get("/mine/meetings", response={200: list[MyMeetingOut], **errors(400, 401, 403, 422)},
            summary="The meetings I am invited to (upcoming first)")
@paginate(Pagination)
def my_meetings(request: HttpRequest):
    require(request.auth, "meetings.view_mine")
    return selectors.my_meetings(user=request.auth)


@router.get("/mine/decisions", response={200: list[DecisionOut], **errors(400, 401, 403, 422)},
            summary="The decisions I, my unit or my department own (overdue first)")
@paginate(Pagination)
def my_decisions(request: HttpRequest, state: str = "open"):
    require(request.auth, "meetings.view_mine")
    return selectors.my_decisions(user=request.auth, state=state)


@router.get("/meetings/{meeting_id}/decisions", response={200: list[DecisionOut], **errors(400, 401, 403, 404, 422)},
            summary="The decisions of a meeting")
def meeting_decisions(request: HttpRequest, meeting_id: int):
    meeting = Meeting.objects.visible_or_404(request.auth, pk=meeting_id)
    return list(selectors.decisions_of_meeting(user=request.auth, meeting=meeting).select_related("meeting"))


@router.post("/meetings/{meeting_id}/decisions", response={201: DecisionDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Record a decision at a meeting in session or held")
def record_decision(request: HttpRequest, meeting_id: int, payload: DecisionIn):
    user = request.auth
    meeting = Meeting.objects.visible_or_404(user, pk=meeting_id)
    require(user, "meetings.record_decision", meeting)
    choices = selectors.owner_choices(user=user, meeting=meeting)
    pools = {"owner_user_ids": choices["users"], "owner_unit_ids": choices["units"],
             "owner_department_ids": choices["departments"]}
    owners: list = []
    for field, pool in pools.items():
        by_id = {o.pk: o for o in pool}
        for ident in getattr(payload, field):
            if ident not in by_id:
                message = _("Choose owners among the people, units and departments you can see.")
                raise InvalidInput(message, fields={field: [message]})
            owners.append(by_id[ident])
    owners.extend(payload.owner_names)
    item = None
    if payload.agenda_item_id is not None:
        item = AgendaItem.objects.filter(meeting=meeting, pk=payload.agenda_item_id).first()
        if item is None:
            raise InvalidInput(_("Choose an item of this meeting's agenda."),
                               fields={"agenda_item_id": [_("Choose an item of this meeting's agenda.")]})
    made = service.decision_record(actor=user, meeting=meeting, text=payload.text, deadline=payload.deadline,
                                   owners=owners, agenda_item=item)
    return Status(201, _detail(user, made.pk))


@router.get("/decisions/{decision_id}", response={200: DecisionDetailOut, **errors(400, 401, 403, 404, 422)},
            summary="A decision: owners, deadline, progress, actions offered")
def get_decision(request: HttpRequest, decision_id: int):
    return _detail(request.auth, decision_id)


@router.post("/decisions/{decision_id}/report", response={200: DecisionDetailOut, **errors(400, 401, 403, 404, 409, 413, 422)},
             summary="Report progress, with photos")
def report(request: HttpRequest, decision_id: int, text: Form[str], photos: File[list[UploadedFile]] = None):
    decision = selectors.decision_get(user=request.auth, pk=decision_id)
    service.decision_report(actor=request.auth, decision=decision, text=text, photos=photos or [])
    return _detail(request.auth, decision_id)


@router.post("/decisions/{decision_id}/complete", response={200: DecisionDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Mark as done")
def complete(request: HttpRequest, decision_id: int, payload: NoteIn):
    decision = selectors.decision_get(user=request.auth, pk=decision_id)
    service.decision_complete(actor=request.auth, decision=decision, note=payload.note)
    return _detail(request.auth, decision_id)


@router.post("/decisions/{decision_id}/reopen", response={200: DecisionDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Reopen a decision marked as done")
def reopen(request: HttpRequest, decision_id: int, payload: ReasonIn):
    decision = selectors.decision_get(user=request.auth, pk=decision_id)
    service.decision_reopen(actor=request.auth, decision=decision, reason=payload.reason)
    return _detail(request.auth, decision_id)


@router.post("/decisions/{decision_id}/withdraw", response={200: DecisionDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Withdraw a decision")
def withdraw(request: HttpRequest, decision_id: int, payload: ReasonIn):
    decision = selectors.decision_get(user=request.auth, pk=decision_id)
    service.decision_withdraw(actor=request.auth, decision=decision, reason=payload.reason)
    return _detail(request.auth, decision_id)


@router.post("/decisions/{decision_id}/dispatch-case", response={200: DecisionDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Send the decision's case to an owning department")
def dispatch_case(request: HttpRequest, decision_id: int, payload: DispatchIn):
    decision: Decision = selectors.decision_get(user=request.auth, pk=decision_id)
    department = Department.objects.filter(pk=payload.department_id).first()
    service.decision_dispatch_case(actor=request.auth, decision=decision, department=department)
    return _detail(request.auth, decision_id)


@router.post("/cases/{case_id}/coordination", response={201: MeetingOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Call a coordination meeting on a case with its parties")
def call_coordination(request: HttpRequest, case_id: int, payload: CoordinationIn):
    user = request.auth
    case = case_get(user=user, pk=case_id)
    require(user, "meetings.call_coordination", case)
    User = get_user_model()
    parties = []
    for index, party in enumerate(payload.parties):
        row = {"name": party.name, "organization": party.organization, "phone": party.phone,
               "capacity": MemberRole.MEMBER, "counts_for_quorum": party.counts_for_quorum}
        if party.user_id is not None:
            found = User.objects.visible_to(user).filter(pk=party.user_id, is_active=True).first()
            if found is None:
                message = _("Choose an account you can see.")
                raise InvalidInput(message, fields={f"parties.{index}.user_id": [message]})
            row["user"] = found
        parties.append(row)
    meeting = service.coordination_call(actor=user, case=case, starts_at=payload.starts_at, location=payload.location,
                                        parties=parties, title=payload.title, ends_at=payload.ends_at)
    return Status(201, meeting)
