"""The volunteers' points API (/api/volunteers/points/…): my points; an area's accounts, an
account's entries, manual points (request, approve, reject), the earning rules."""


import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.core.errors import Id, errors
from gongzhi.core.pagination import Pagination
from gongzhi.points import services as points

from ..selectors import ledger as selectors

router = Router()
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 403, 404, 422)


class PointsAccountOut(Schema):
    id: int
    name: str
    area_id: int
    area_name: str
    balance: int
    earned: int
    spent: int

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name


class PointsEntryOut(Schema):
    id: int
    kind: str
    kind_label: str
    amount: int
    balance_after: int
    reason: str
    source: str
    rule_id: int | None = None
    rule_label: str
    approved_by: str
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_rule_label(obj) -> str:
        return obj.rule.label if obj.rule_id else ""

    @staticmethod
    def resolve_approved_by(obj) -> str:
        return obj.approved_by.get_username() if obj.approved_by_id else ""


class MyPointsOut(Schema):
    volunteer_id: int
    name: str
    balance: int
    earned: int
    spent: int
    entries: list[PointsEntryOut]


class PointsAdjustmentIn(Schema):
    amount: int = Field(..., description="Points: an award above zero, a deduction below")
    reason: str


class PointsDecisionIn(Schema):
    note: str = ""


class PointsAdjustmentOut(Schema):
    id: int
    account_id: int
    account_name: str
    amount: int
    reason: str
    state: str
    requested_by: str
    decided_by: str
    decision_note: str
    entry_id: int | None = None
    created_at: dt.datetime

    @staticmethod
    def resolve_account_name(obj) -> str:
        return obj.account.name

    @staticmethod
    def resolve_requested_by(obj) -> str:
        return obj.requested_by.get_username() if obj.requested_by_id else ""

    @staticmethod
    def resolve_decided_by(obj) -> str:
        return obj.decided_by.get_username() if obj.decided_by_id else ""


class PointsRuleOut(Schema):
    id: int
    key: str
    label: str
    basis: str
    points: int
    area_id: int | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    is_active: bool


@router.get("/points/mine", response={200: MyPointsOut, **READ_ERRORS}, summary="My points and entries")
def points_mine(request: HttpRequest):
    mine = selectors.my_points(user=request.auth)
    return {"volunteer_id": mine["volunteer"].pk, "name": mine["volunteer"].name, "balance": mine["balance"],
            "earned": mine["earned"], "spent": mine["spent"], "entries": list(mine["entries"][:200])}


@router.get("/points/accounts", response={200: list[PointsAccountOut], **READ_ERRORS}, summary="Points accounts of an area")
@paginate(Pagination)
def points_accounts(request: HttpRequest, area_id: Id | None = None, q: str = ""):
    area = selectors.area_for(user=request.auth, area_id=area_id)
    return selectors.accounts_list(user=request.auth, area=area, q=q)


@router.get("/points/accounts/{account_id}", response={200: PointsAccountOut, **READ_ERRORS}, summary="A points account")
def points_account(request: HttpRequest, account_id: int):
    return selectors.account_get(user=request.auth, pk=account_id)


@router.get("/points/accounts/{account_id}/entries", response={200: list[PointsEntryOut], **READ_ERRORS},
            summary="An account's entries, newest first")
@paginate(Pagination)
def points_account_entries(request: HttpRequest, account_id: int):
    account = selectors.account_get(user=request.auth, pk=account_id)
    return selectors.account_entries(user=request.auth, account=account)


@router.post("/points/accounts/{account_id}/adjustments", response={201: PointsAdjustmentOut, **WRITE_ERRORS},
             summary="Request a manual award or deduction")
def points_adjust(request: HttpRequest, account_id: int, payload: PointsAdjustmentIn):
    account = selectors.account_get(user=request.auth, pk=account_id)
    row = points.adjustment_request(actor=request.auth, account=account, amount=payload.amount, reason=payload.reason)
    return Status(201, row)


@router.get("/points/adjustments", response={200: list[PointsAdjustmentOut], **READ_ERRORS},
            summary="Manual points of an area (pending by default)")
@paginate(Pagination)
def points_adjustments(request: HttpRequest, area_id: Id | None = None, state: str = "pending"):
    area = selectors.area_for(user=request.auth, area_id=area_id)
    return selectors.adjustments(user=request.auth, area=area, state=state if state != "all" else "")


@router.post("/points/adjustments/{adjustment_id}/approve", response={200: PointsAdjustmentOut, **WRITE_ERRORS},
             summary="Approve someone else's request (the entry is written)")
def points_approve(request: HttpRequest, adjustment_id: int, payload: PointsDecisionIn):
    row = selectors.adjustment_get(user=request.auth, pk=adjustment_id)
    return points.adjustment_approve(actor=request.auth, adjustment=row, note=payload.note)


@router.post("/points/adjustments/{adjustment_id}/reject", response={200: PointsAdjustmentOut, **WRITE_ERRORS},
             summary="Reject someone else's request, with the reason")
def points_reject(request: HttpRequest, adjustment_id: int, payload: PointsDecisionIn):
    row = selectors.adjustment_get(user=request.auth, pk=adjustment_id)
    return points.adjustment_reject(actor=request.auth, adjustment=row, note=payload.note)


@router.get("/points/rules", response={200: list[PointsRuleOut], **READ_ERRORS}, summary="The earning rules (read-only)")
def points_rules(request: HttpRequest):
    return list(selectors.earning_rules(user=request.auth))
