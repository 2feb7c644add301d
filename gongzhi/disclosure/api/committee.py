"""The supervision committee in the API: its members and elections, rectifications (open, report,
accept, send back), recording an election."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from gongzhi.core.errors import errors
from gongzhi.core.pagination import Pagination
from gongzhi.core.permissions import require

from .. import selectors
from ..services import committee
from ..services.committee import Candidate
from .items import user_in

router = Router(tags=["disclosure"])


class DisclosureRectificationOut(Schema):
    id: int
    community_id: int
    item_id: int | None = None
    title: str
    description: str
    owner_id: int
    deadline: dt.date
    state: str
    report: str
    reported_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    is_late: bool
    actions: list[str] = []

    @staticmethod
    def resolve_is_late(obj) -> bool:
        return selectors.is_late(obj)


class RectificationIn(Schema):
    community_id: int
    title: str
    description: str = ""
    owner_id: int
    deadline: dt.date
    item_id: int | None = None


class ReportIn(Schema):
    report: str


class NoteIn(Schema):
    note: str = ""


class CandidateIn(Schema):
    name: str
    votes: int
    elected: bool = False
    user_id: int | None = None
    capacity: str = "member"


class ElectionIn(Schema):
    community_id: int
    held_on: dt.date
    term_start: dt.date
    term_end: dt.date
    voters: int
    candidates: list[CandidateIn]
    note: str = ""


class ResultOut(Schema):
    name: str
    votes: int
    elected: bool


class ElectionOut(Schema):
    id: int
    body_id: int
    held_on: dt.date
    term_start: dt.date
    term_end: dt.date
    voters: int
    note: str
    results: list[ResultOut]

    @staticmethod
    def resolve_results(obj) -> list:
        return list(obj.results.all())


class CommitteeMemberOut(Schema):
    id: int
    name: str
    capacity: str
    joined_on: dt.date


class CommitteeOut(Schema):
    body_id: int | None = None
    members: list[CommitteeMemberOut]
    elections: list[ElectionOut]


def _with_actions(user, row):
    row.actions = selectors.rectification_actions(user=user, rectification=row)
    return row


@router.get("/committee", response={200: CommitteeOut, **errors(400, 401, 403, 404, 422)},
            summary="A community's supervision committee: its sitting members and its elections")
def committee_get(request: HttpRequest, community_id: int):
    community = selectors.community_get(user=request.auth, pk=community_id)
    require(request.auth, "disclosure.view", community)
    body, members, elections = selectors.committee_for(user=request.auth, community=community)
    return {"body_id": body.pk if body else None, "members": members, "elections": elections}


@router.post("/elections", response={201: ElectionOut, **errors(400, 401, 403, 404, 422)},
             summary="Record the committee's election (date, votes cast, term, votes per candidate)")
def election_record(request: HttpRequest, payload: ElectionIn):
    return Status(201, committee.election_record(
        actor=request.auth, community=payload.community_id, held_on=payload.held_on, term_start=payload.term_start,
        term_end=payload.term_end, voters=payload.voters, note=payload.note,
        candidates=[Candidate(c.name, c.votes, c.elected, c.user_id, c.capacity) for c in payload.candidates]))


@router.get("/rectifications", response={200: list[DisclosureRectificationOut], **errors(400, 401, 403, 404, 422)},
            summary="Rectifications of the caller's scope (and those the caller owns); open_only for the open ones")
@paginate(Pagination)
def rectification_list(request: HttpRequest, node_id: int | None = None, open_only: bool = False):
    require(request.auth, "disclosure.view")
    return selectors.rectifications_visible(user=request.auth, node_id=node_id, open_only=open_only)


@router.post("/rectifications", response={201: DisclosureRectificationOut, **errors(400, 401, 403, 404, 422)},
             summary="The committee sets a rectification with an owner and a deadline")
def rectification_create(request: HttpRequest, payload: RectificationIn):
    item = selectors.item_get(user=request.auth, pk=payload.item_id) if payload.item_id else None
    row = committee.rectification_create(actor=request.auth, community=payload.community_id, title=payload.title,
                                         description=payload.description, owner=user_in(payload.owner_id, "owner_id"),
                                         deadline=payload.deadline, item=item)
    return Status(201, _with_actions(request.auth, row))


@router.get("/rectifications/{rectification_id}", response={200: DisclosureRectificationOut, **errors(401, 403, 404)},
            summary="One rectification with the actions offered")
def rectification_get(request: HttpRequest, rectification_id: int):
    return _with_actions(request.auth, selectors.rectification_get(user=request.auth, pk=rectification_id))


@router.post("/rectifications/{rectification_id}/report",
             response={200: DisclosureRectificationOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="The owner reports the rectification done")
def rectification_report(request: HttpRequest, rectification_id: int, payload: ReportIn):
    selectors.rectification_get(user=request.auth, pk=rectification_id)
    row = committee.rectification_report(actor=request.auth, rectification=rectification_id, report=payload.report)
    return _with_actions(request.auth, row)


@router.post("/rectifications/{rectification_id}/accept",
             response={200: DisclosureRectificationOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="The committee accepts the report and closes the rectification")
def rectification_accept(request: HttpRequest, rectification_id: int, payload: NoteIn):
    selectors.rectification_get(user=request.auth, pk=rectification_id)
    row = committee.rectification_accept(actor=request.auth, rectification=rectification_id, note=payload.note)
    return _with_actions(request.auth, row)


@router.post("/rectifications/{rectification_id}/reject",
             response={200: DisclosureRectificationOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="The committee sends the rectification back to its owner")
def rectification_reject(request: HttpRequest, rectification_id: int, payload: NoteIn):
    selectors.rectification_get(user=request.auth, pk=rectification_id)
    row = committee.rectification_reject(actor=request.auth, rectification=rectification_id, note=payload.note)
    return _with_actions(request.auth, row)
