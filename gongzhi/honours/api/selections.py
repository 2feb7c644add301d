"""/api/honours/selections: the public selections."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.areas.models import AreaNode
from gongzhi.core.errors import NotFound, errors
from gongzhi.core.pagination import Pagination

from ..selectors import selections as selectors
from ..services import selections as services

router = Router(tags=["honours"])
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 403, 404)


class HonoursSelectionOut(Schema):
    id: int
    area_id: int
    area_name: str
    kind: str
    kind_label: str
    title: str
    year: int
    month: int | None = None
    nominations_open_at: dt.datetime
    nominations_close_at: dt.datetime
    state: str
    state_label: str
    vote_id: int | None = None
    announcement: str

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class HonoursNominationOut(Schema):
    id: int
    name: str
    reason: str
    shortlisted: bool
    created_at: dt.datetime


class HonoursOptionOut(Schema):
    label: str
    count: int
    is_winner: bool


class HonoursSelectionDetailOut(HonoursSelectionOut):
    description: str
    shortlist_note: str
    state_reason: str
    nominations: list[HonoursNominationOut]
    results: list[HonoursOptionOut]
    winners: list[str]
    may_nominate: bool
    why_not: str
    actions: list[str]

    @staticmethod
    def resolve_nominations(obj) -> list:
        return obj.nominations_list


class HonoursSelectionIn(Schema):
    area_id: int = Field(..., ge=1, le=2_147_483_647)
    kind: str = Field(..., max_length=20, description="good_person, beautiful_family, civilised_family, good_youth")
    year: int = Field(..., ge=2000, le=2100)
    month: int | None = Field(None, ge=1, le=12)
    nominations_open_at: dt.datetime
    nominations_close_at: dt.datetime
    title: str = Field("", max_length=200)
    description: str = Field("", max_length=2000)


class HonoursNominateIn(Schema):
    person_id: int = Field(..., ge=1, le=2_147_483_647, description="a resident of the area (from /nominees)")
    reason: str = Field(..., max_length=1000)


class HonoursNomineeOut(Schema):
    id: int
    name: str
    place: str


class HonoursShortlistIn(Schema):
    nomination_ids: list[int] = Field(..., max_length=100)
    note: str = Field("", max_length=2000)


class HonoursVoteIn(Schema):
    opens_at: dt.datetime
    closes_at: dt.datetime
    allow_change: bool = True


class HonoursAnnounceIn(Schema):
    announcement: str = Field("", max_length=2000)


class HonoursReasonIn(Schema):
    reason: str = Field("", max_length=300)


def _selection(request, selection_id: int):
    return selectors.selection_get(user=request.auth, pk=selection_id)


def _detail(request, selection):
    row = selectors.selection_get(user=request.auth, pk=selection.pk)
    page = selectors.selection_page(user=request.auth, selection=row)
    row.nominations_list = page.nominations
    row.results = page.options
    row.winners = [n.name for n in page.winners]
    row.may_nominate, row.why_not, row.actions = page.may_nominate, page.why_not, page.actions
    return row


@router.get("", response={200: list[HonoursSelectionOut], **errors(401, 403, 404, 422)}, summary="Selections")
@paginate(Pagination)
def selection_list(request: HttpRequest, state: str = "", kind: str = ""):
    return selectors.selections_visible(user=request.auth, state=state, kind=kind[:20])


@router.post("", response={201: HonoursSelectionDetailOut, **WRITE_ERRORS}, summary="Set up a selection")
def selection_new(request: HttpRequest, payload: HonoursSelectionIn):
    area = AreaNode.objects.visible_to(request.auth).filter(pk=payload.area_id).first()
    if area is None:
        raise NotFound()
    row = services.selection_create(
        actor=request.auth, area=area, kind=payload.kind, year=payload.year, month=payload.month,
        nominations_open_at=payload.nominations_open_at, nominations_close_at=payload.nominations_close_at,
        title=payload.title, description=payload.description)
    return Status(201, _detail(request, row))


@router.get("/{selection_id}", response={200: HonoursSelectionDetailOut, **READ_ERRORS}, summary="One selection")
def selection_detail(request: HttpRequest, selection_id: int):
    return _detail(request, _selection(request, selection_id))


@router.get("/{selection_id}/nominees", response={200: list[HonoursNomineeOut], **READ_ERRORS, **errors(422)},
            summary="Residents of the area by name (to nominate)")
def selection_nominees(request: HttpRequest, selection_id: int, q: str = ""):
    return selectors.nominee_search(user=request.auth, selection=_selection(request, selection_id), q=q)


@router.post("/{selection_id}/nominations", response={201: HonoursNominationOut, **WRITE_ERRORS},
             summary="Nominate a resident with the reason")
def selection_nominate(request: HttpRequest, selection_id: int, payload: HonoursNominateIn):
    row = services.nomination_add(actor=request.auth, selection=_selection(request, selection_id),
                                  person=payload.person_id, reason=payload.reason)
    return Status(201, row)


@router.post("/{selection_id}/shortlist", response={200: HonoursSelectionDetailOut, **WRITE_ERRORS},
             summary="Make the short list")
def selection_shortlist(request: HttpRequest, selection_id: int, payload: HonoursShortlistIn):
    row = services.selection_shortlist(actor=request.auth, selection=_selection(request, selection_id),
                                       nominations=payload.nomination_ids, note=payload.note)
    return _detail(request, row)


@router.post("/{selection_id}/vote", response={200: HonoursSelectionDetailOut, **WRITE_ERRORS},
             summary="Put the short list to the public vote")
def selection_vote(request: HttpRequest, selection_id: int, payload: HonoursVoteIn):
    row = services.selection_start_vote(actor=request.auth, selection=_selection(request, selection_id),
                                        opens_at=payload.opens_at, closes_at=payload.closes_at,
                                        allow_change=payload.allow_change)
    return _detail(request, row)


@router.post("/{selection_id}/close-vote", response={200: HonoursSelectionDetailOut, **WRITE_ERRORS},
             summary="Close and count the vote now")
def selection_close_vote(request: HttpRequest, selection_id: int):
    row = services.selection_close_vote(actor=request.auth, selection=_selection(request, selection_id))
    return _detail(request, row)


@router.post("/{selection_id}/announce", response={200: HonoursSelectionDetailOut, **WRITE_ERRORS},
             summary="Announce the result onto the honour roll")
def selection_announce(request: HttpRequest, selection_id: int, payload: HonoursAnnounceIn):
    row = services.selection_announce(actor=request.auth, selection=_selection(request, selection_id),
                                      announcement=payload.announcement)
    return _detail(request, row)


@router.post("/{selection_id}/cancel", response={200: HonoursSelectionDetailOut, **WRITE_ERRORS},
             summary="Cancel the selection")
def selection_cancel(request: HttpRequest, selection_id: int, payload: HonoursReasonIn):
    row = services.selection_cancel(actor=request.auth, selection=_selection(request, selection_id),
                                    reason=payload.reason)
    return _detail(request, row)
