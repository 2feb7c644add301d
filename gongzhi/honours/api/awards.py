"""/api/honours/awards and /api/honours/award-nominations: award rounds scored by a panel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.areas.models import AreaNode, Unit
from gongzhi.core.errors import InvalidInput, NotFound, errors
from gongzhi.core.pagination import Pagination

from ..selectors import awards as selectors
from ..services import awards as services

router = Router(tags=["honours"])
nominations_router = Router(tags=["honours"])
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 403, 404)
ID = Field(..., ge=1, le=2_147_483_647)


class HonoursCriterionOut(Schema):
    id: int
    name: str
    max_points: int


class HonoursCriterionIn(Schema):
    name: str = Field(..., max_length=100)
    max_points: int = Field(..., ge=1, le=100)


class HonoursPanelMemberOut(Schema):
    id: int
    user_id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj.user)


class HonoursAwardNominationOut(Schema):
    id: int
    name: str
    entry: str
    description: str
    community_id: int | None = None
    unit_id: int | None = None
    score: Decimal | None = None
    sheets: int
    rank: int | None = None
    is_winner: bool


class HonoursRoundOut(Schema):
    id: int
    area_id: int
    area_name: str
    kind: str
    kind_label: str
    title: str
    year: int
    nominations_close_at: dt.datetime
    winners: int
    state: str
    state_label: str

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class HonoursRoundDetailOut(HonoursRoundOut):
    description: str
    criteria: list[HonoursCriterionOut]
    panel: list[HonoursPanelMemberOut]
    nominations: list[HonoursAwardNominationOut]
    to_score: list[int]  # the nominations the user (a panel member) may score and has not yet
    missing_sheets: int
    actions: list[str]

    @staticmethod
    def resolve_criteria(obj) -> list:
        return obj.page.criteria

    @staticmethod
    def resolve_panel(obj) -> list:
        return obj.page.panel

    @staticmethod
    def resolve_nominations(obj) -> list:
        return [r.nomination for r in obj.page.rows]

    @staticmethod
    def resolve_to_score(obj) -> list[int]:
        return [r.nomination.pk for r in obj.page.rows if r.mine_to_score]

    @staticmethod
    def resolve_missing_sheets(obj) -> int:
        return obj.page.missing

    @staticmethod
    def resolve_actions(obj) -> list[str]:
        return obj.page.actions


class HonoursRoundIn(Schema):
    area_id: int = ID
    kind: str = Field(..., max_length=20, description="party_innovation or star_encouragement")
    year: int = Field(..., ge=2000, le=2100)
    nominations_close_at: dt.datetime
    winners: int = Field(3, ge=1, le=50)
    title: str = Field("", max_length=200)
    description: str = Field("", max_length=2000)
    criteria: list[HonoursCriterionIn] = Field([], max_length=20)


class HonoursPanelIn(Schema):
    user_id: int = ID


class HonoursAwardNominateIn(Schema):
    community_id: int | None = Field(None, ge=1, le=2_147_483_647)
    unit_id: int | None = Field(None, ge=1, le=2_147_483_647)
    entry: str = Field(..., max_length=200)
    description: str = Field(..., max_length=3000)


class HonoursPointIn(Schema):
    criterion_id: int = ID
    points: int = Field(..., ge=0, le=100)


class HonoursScoreIn(Schema):
    points: list[HonoursPointIn] = Field(..., max_length=20)
    comment: str = Field("", max_length=300)


class HonoursScoreOut(Schema):
    id: int
    nomination_id: int
    total: int


class HonoursReasonIn(Schema):
    reason: str = Field("", max_length=300)


def _round(request, round_id: int):
    return selectors.round_get(user=request.auth, pk=round_id)


def _detail(request, award_round):
    row = selectors.round_get(user=request.auth, pk=award_round.pk)
    row.page = selectors.round_page(user=request.auth, award_round=row)
    return row


@router.get("", response={200: list[HonoursRoundOut], **errors(401, 403, 404, 422)}, summary="Award rounds")
@paginate(Pagination)
def round_list(request: HttpRequest, state: str = ""):
    return selectors.rounds_visible(user=request.auth, state=state)


@router.post("", response={201: HonoursRoundDetailOut, **WRITE_ERRORS}, summary="Set up an award round")
def round_new(request: HttpRequest, payload: HonoursRoundIn):
    area = AreaNode.objects.visible_to(request.auth).filter(pk=payload.area_id).first()
    if area is None:
        raise NotFound()
    row = services.round_create(
        actor=request.auth, area=area, kind=payload.kind, year=payload.year,
        nominations_close_at=payload.nominations_close_at, winners=payload.winners, title=payload.title,
        description=payload.description, criteria=[(c.name, c.max_points) for c in payload.criteria])
    return Status(201, _detail(request, row))


@router.get("/{round_id}", response={200: HonoursRoundDetailOut, **READ_ERRORS}, summary="One award round")
def round_detail(request: HttpRequest, round_id: int):
    return _detail(request, _round(request, round_id))


@router.post("/{round_id}/criteria", response={201: HonoursCriterionOut, **WRITE_ERRORS}, summary="Add a criterion")
def round_criterion(request: HttpRequest, round_id: int, payload: HonoursCriterionIn):
    return Status(201, services.criterion_add(actor=request.auth, award_round=_round(request, round_id),
                                              name=payload.name, max_points=payload.max_points))


@router.post("/{round_id}/panel", response={201: HonoursPanelMemberOut, **WRITE_ERRORS},
             summary="Name a panel member")
def round_panel(request: HttpRequest, round_id: int, payload: HonoursPanelIn):
    award_round = _round(request, round_id)
    user = get_user_model().objects.filter(pk=payload.user_id, is_active=True).first()
    if user is None:
        message = _("Choose an active account.")
        raise InvalidInput(message, fields={"user_id": [message]})
    return Status(201, services.panel_add(actor=request.auth, award_round=award_round, user=user))


@router.post("/{round_id}/nominations", response={201: HonoursAwardNominationOut, **WRITE_ERRORS},
             summary="Put a community or a unit forward")
def round_nominate(request: HttpRequest, round_id: int, payload: HonoursAwardNominateIn):
    award_round = _round(request, round_id)
    community = unit = None
    if payload.community_id is not None:
        community = AreaNode.objects.filter(pk=payload.community_id).first()
        if community is None:
            raise NotFound()
    if payload.unit_id is not None:
        unit = Unit.objects.select_related("area").filter(pk=payload.unit_id).first()
        if unit is None:
            raise NotFound()
    row = services.award_nominate(actor=request.auth, award_round=award_round, entry=payload.entry,
                                  description=payload.description, community=community, unit=unit)
    return Status(201, row)


@router.post("/{round_id}/start-scoring", response={200: HonoursRoundDetailOut, **WRITE_ERRORS},
             summary="Close nominations and start scoring")
def round_start_scoring(request: HttpRequest, round_id: int):
    return _detail(request, services.round_start_scoring(actor=request.auth, award_round=_round(request, round_id)))


@router.post("/{round_id}/decide", response={200: HonoursRoundDetailOut, **WRITE_ERRORS},
             summary="Rank by the panel's scores and publish the winners")
def round_decide(request: HttpRequest, round_id: int):
    return _detail(request, services.round_decide(actor=request.auth, award_round=_round(request, round_id)))


@router.post("/{round_id}/cancel", response={200: HonoursRoundDetailOut, **WRITE_ERRORS}, summary="Cancel the round")
def round_cancel(request: HttpRequest, round_id: int, payload: HonoursReasonIn):
    return _detail(request, services.round_cancel(actor=request.auth, award_round=_round(request, round_id),
                                                  reason=payload.reason))


@nominations_router.post("/{nomination_id}/scores", response={201: HonoursScoreOut, **WRITE_ERRORS},
                         summary="Score a nomination (a panel member, once)")
def nomination_score(request: HttpRequest, nomination_id: int, payload: HonoursScoreIn):
    nomination = selectors.award_nomination_get(user=request.auth, pk=nomination_id)
    sheet = services.score_submit(actor=request.auth, nomination=nomination,
                                  points={p.criterion_id: p.points for p in payload.points}, comment=payload.comment)
    return Status(201, sheet)
