"""The votes API (/api/votes/…): the votes in scope, one vote (figures, the seal, may I vote and
why not, my own ballot), setting up (online for an area, or in a meeting), opening, casting and
changing one's ballot online, entering ballots, counts and proxies in a meeting, marking a member
left or back, closing, cancelling, and checking the seal. Refusals in the one error shape."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.areas.models import AreaNode
from gongzhi.core.errors import NotFound, errors
from gongzhi.core.pagination import Pagination
from gongzhi.meetings.models import Meeting
from gongzhi.meetings.services import sessions

from . import selectors, services
from .models import Electorate, PassRule, Vote

router = Router(tags=["votes"])
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 403, 404)


class VoteOptionOut(Schema):
    id: int
    label: str
    note: str
    reference: str
    order: int
    count: int  # 0 until the close
    is_winner: bool


class VoteOptionIn(Schema):
    label: str = Field(..., max_length=100)
    note: str = Field("", max_length=300)
    reference: str = Field("", max_length=100)


class VoteOut(Schema):
    id: int
    area_id: int
    area_name: str
    meeting_id: int | None = None
    reference: str
    title: str
    question: str
    kind: str
    options: list[VoteOptionOut]
    method: str
    method_label: str
    electorate: str
    quorum_rule: str
    pass_rule: str
    allow_change: bool
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    state: str
    state_label: str
    state_reason: str
    electorate_count: int
    attending_count: int
    yes_count: int
    no_count: int
    abstain_count: int
    is_quorate: bool | None = None
    result: str
    result_label: str
    sealed_hash: str
    closed_at: dt.datetime | None = None

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_options(obj) -> list:
        # Counts and the mark are frozen at the close: before it they read 0 and false.
        return list(obj.options.order_by("order", "pk")) if obj.has_options else []

    @staticmethod
    def resolve_method_label(obj) -> str:
        return str(obj.get_method_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_result_label(obj) -> str:
        return str(obj.get_result_display()) if obj.result else ""


class VoteDetailOut(VoteOut):
    turnout_percent: float | None = None
    seal_holds: bool | None = None
    may_vote: bool
    may_change: bool
    why_not: str
    my_choice: str
    my_option_id: int | None = None
    actions: list[str]
    reference_url: str


class VoteIn(Schema):
    title: str = Field(..., max_length=200)
    question: str = Field(..., max_length=2000)
    method: str = Field(..., max_length=16, description="online, roll_call, show_of_hands or secret")
    area_id: int | None = Field(None, description="online: the area whose residents vote")
    meeting_id: int | None = Field(None, description="in a meeting: the meeting")
    electorate: str = Field(Electorate.MEETING_MEMBERS, max_length=24)
    quorum_rule: str = Field("more_than_half", max_length=16)
    pass_rule: str = Field(PassRule.MORE_THAN_HALF_PRESENT, max_length=20)
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    reference: str = Field("", max_length=100)
    allow_change: bool = True
    options: list[VoteOptionIn] | None = Field(
        None, max_length=50, description="online only: a vote among these options (one person one vote)")


class ChoiceIn(Schema):
    choice: str = Field("", max_length=8, description="yes, no or abstain (a yes/no question)")
    option_id: int | None = Field(None, ge=1, le=2_147_483_647, description="the option (a vote among options)")


class RecordIn(Schema):
    attendance_id: int
    choice: str = Field(..., max_length=8)
    proxy_id: int | None = None


class CountsIn(Schema):
    yes: int
    no: int
    abstain: int


class ProxyIn(Schema):
    holder_id: int = Field(..., description="the attendance of the member present holding the proxy")
    grantor_name: str = Field("", max_length=50)
    grantor_attendance_id: int | None = None
    note: str = Field("", max_length=200)


class LeftIn(Schema):
    back: bool = False


class ReasonIn(Schema):
    reason: str = Field("", max_length=300)


class BallotOut(Schema):
    name: str
    choice: str
    counted: bool
    by_proxy: bool

    @staticmethod
    def resolve_by_proxy(obj) -> bool:
        return obj.proxy_id is not None


class ParticipationOut(Schema):
    id: int
    name: str
    via: str


class ProxyOut(Schema):
    id: int
    grantor_name: str
    holder_id: int


class VoteAttendanceOut(Schema):
    id: int
    name: str
    left: bool

    @staticmethod
    def resolve_left(obj) -> bool:
        return obj.left_at is not None


class VerifyOut(Schema):
    holds: bool
    sealed_hash: str


def _vote(request, vote_id: int) -> Vote:
    return selectors.vote_get(user=request.auth, pk=vote_id)


def _detail(request, vote: Vote) -> Vote:
    vote = selectors.vote_get(user=request.auth, pk=vote.pk)
    page = selectors.vote_page(user=request.auth, vote=vote)
    vote.turnout_percent, vote.seal_holds = page.turnout, page.seal_holds
    vote.may_vote, vote.may_change, vote.why_not = page.may_vote, page.may_change, page.why_not
    vote.my_choice, vote.actions, vote.reference_url = page.my_choice, page.actions, page.reference_url
    vote.my_option_id = page.my_option_id
    return vote


@router.get("", response={200: list[VoteOut], **errors(401, 403, 404, 422)}, summary="Votes in scope")
@paginate(Pagination)
def vote_list(request: HttpRequest, state: str = "", method: str = "", q: str = ""):
    return selectors.votes_list(user=request.auth, state=state, method=method, q=q)


@router.post("", response={201: VoteDetailOut, **WRITE_ERRORS}, summary="Put a question to a vote")
def vote_new(request: HttpRequest, payload: VoteIn):
    area = meeting = None
    if payload.area_id is not None:
        area = AreaNode.objects.visible_to(request.auth).filter(pk=payload.area_id).first()
        if area is None:
            raise NotFound()
    if payload.meeting_id is not None:
        meeting = Meeting.objects.visible_to(request.auth).filter(pk=payload.meeting_id).first()
        if meeting is None:
            raise NotFound()
    vote = services.vote_create(
        actor=request.auth, title=payload.title, question=payload.question, method=payload.method, area=area,
        meeting=meeting, electorate=payload.electorate, quorum_rule=payload.quorum_rule, pass_rule=payload.pass_rule,
        opens_at=payload.opens_at, closes_at=payload.closes_at, reference=payload.reference,
        allow_change=payload.allow_change,
        options=None if payload.options is None else [
            services.OptionSpec(label=o.label, note=o.note, reference=o.reference) for o in payload.options],
    )
    return Status(201, _detail(request, vote))


@router.get("/{vote_id}", response={200: VoteDetailOut, **READ_ERRORS}, summary="One vote")
def vote_detail(request: HttpRequest, vote_id: int):
    return _detail(request, _vote(request, vote_id))


@router.post("/{vote_id}/open", response={200: VoteDetailOut, **WRITE_ERRORS}, summary="Open the vote")
def vote_open(request: HttpRequest, vote_id: int):
    return _detail(request, services.vote_open(actor=request.auth, vote=_vote(request, vote_id)))


@router.post("/{vote_id}/cast", response={201: VoteDetailOut, **WRITE_ERRORS}, summary="Cast my ballot online")
def vote_cast(request: HttpRequest, vote_id: int, payload: ChoiceIn):
    vote = _vote(request, vote_id)
    services.ballot_cast(actor=request.auth, vote=vote, choice=payload.choice, option=payload.option_id)
    return Status(201, _detail(request, vote))


@router.post("/{vote_id}/change", response={200: VoteDetailOut, **WRITE_ERRORS}, summary="Change my ballot")
def vote_change(request: HttpRequest, vote_id: int, payload: ChoiceIn):
    vote = _vote(request, vote_id)
    services.ballot_change(actor=request.auth, vote=vote, choice=payload.choice, option=payload.option_id)
    return _detail(request, vote)


@router.post("/{vote_id}/ballots", response={201: ParticipationOut, **WRITE_ERRORS},
             summary="Enter a present member's ballot (roll call or secret ballot)")
def vote_record(request: HttpRequest, vote_id: int, payload: RecordIn):
    vote = _vote(request, vote_id)
    attendance = selectors.attendance_of(vote=vote, pk=payload.attendance_id)
    proxy = selectors.proxy_of(vote=vote, pk=payload.proxy_id)
    made = services.ballot_record(actor=request.auth, vote=vote, attendance=attendance, choice=payload.choice,
                                  proxy=proxy)
    return Status(201, made)


@router.get("/{vote_id}/roll-call", response={200: list[BallotOut], **errors(401, 403, 404, 409)},
            summary="The named roll call (roll call only)")
def vote_roll_call(request: HttpRequest, vote_id: int):
    return selectors.roll_call(user=request.auth, vote=_vote(request, vote_id))


@router.post("/{vote_id}/counts", response={200: VoteDetailOut, **WRITE_ERRORS},
             summary="Enter the counts of a show of hands")
def vote_counts(request: HttpRequest, vote_id: int, payload: CountsIn):
    vote = services.counts_enter(actor=request.auth, vote=_vote(request, vote_id), yes=payload.yes, no=payload.no,
                                 abstain=payload.abstain)
    return _detail(request, vote)


@router.post("/{vote_id}/proxies", response={201: ProxyOut, **WRITE_ERRORS}, summary="Record a proxy")
def vote_proxy(request: HttpRequest, vote_id: int, payload: ProxyIn):
    vote = _vote(request, vote_id)
    holder = selectors.attendance_of(vote=vote, pk=payload.holder_id)
    grantor = (selectors.attendance_of(vote=vote, pk=payload.grantor_attendance_id)
               if payload.grantor_attendance_id else None)
    made = services.proxy_record(actor=request.auth, vote=vote, holder=holder, grantor_name=payload.grantor_name,
                                 grantor_attendance=grantor, note=payload.note)
    return Status(201, made)


@router.post("/{vote_id}/attendances/{attendance_id}/left", response={200: VoteAttendanceOut, **WRITE_ERRORS},
             summary="Mark a member present as gone (back=true: came back)")
def vote_member_left(request: HttpRequest, vote_id: int, attendance_id: int, payload: LeftIn):
    vote = _vote(request, vote_id)
    attendance = selectors.attendance_of(vote=vote, pk=attendance_id)
    return sessions.attendance_mark_left(actor=request.auth, attendance=attendance, back=payload.back)


@router.post("/{vote_id}/close", response={200: VoteDetailOut, **WRITE_ERRORS}, summary="Close, count and seal")
def vote_close(request: HttpRequest, vote_id: int):
    return _detail(request, services.vote_close(actor=request.auth, vote=_vote(request, vote_id)))


@router.post("/{vote_id}/cancel", response={200: VoteDetailOut, **WRITE_ERRORS}, summary="Cancel the vote")
def vote_cancel(request: HttpRequest, vote_id: int, payload: ReasonIn):
    return _detail(request, services.vote_cancel(actor=request.auth, vote=_vote(request, vote_id),
                                                 reason=payload.reason))


@router.get("/{vote_id}/verify", response={200: VerifyOut, **READ_ERRORS},
            summary="Whether the seal still matches the ballots")
def vote_verify(request: HttpRequest, vote_id: int):
    vote = _vote(request, vote_id)
    # Before the close there is no seal: it does not hold (yet).
    return {"holds": services.vote_verify(vote), "sealed_hash": vote.sealed_hash}
