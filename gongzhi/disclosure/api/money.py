"""Financial statements and the service fund in the API. Amounts are integers in fen."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from gongzhi.core.errors import errors
from gongzhi.core.pagination import Pagination
from gongzhi.core.permissions import require

from .. import selectors
from ..services import money
from ..services.money import Line
from .schemas import DisclosureAttachmentOut, ItemOut

router = Router(tags=["disclosure"])


class LineIn(Schema):
    direction: str
    description: str
    amount: int
    case_id: int | None = None
    decision_id: int | None = None
    project: str = ""


class LineOut(LineIn):
    id: int


class StatementIn(Schema):
    community_id: int
    title: str
    period_start: dt.date
    period_end: dt.date
    opening_balance: int
    income_total: int
    spending_total: int
    closing_balance: int
    lines: list[LineIn]


class StatementOut(Schema):
    id: int
    community_id: int
    title: str
    period_start: dt.date
    period_end: dt.date
    opening_balance: int
    income_total: int
    spending_total: int
    closing_balance: int
    state: str
    item_id: int | None = None
    lines: list[LineOut]
    attachments: list[DisclosureAttachmentOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())


class EntryIn(Schema):
    community_id: int
    kind: str
    amount: int
    purpose: str
    occurred_on: dt.date | None = None
    approval: str = ""
    approved_on: dt.date | None = None
    case_id: int | None = None
    decision_id: int | None = None
    project: str = ""


class EntryOut(Schema):
    id: int
    kind: str
    amount: int
    occurred_on: dt.date
    purpose: str
    approval: str
    approved_on: dt.date | None = None
    case_id: int | None = None
    decision_id: int | None = None
    project: str
    balance_after: int
    receipts: list[DisclosureAttachmentOut]

    @staticmethod
    def resolve_receipts(obj) -> list:
        return list(obj.receipts.all())


class FundOut(Schema):
    community_id: int
    balance: int
    entries: list[EntryOut]


class YearIn(Schema):
    community_id: int
    year: int


@router.get("/statements", response={200: list[StatementOut], **errors(400, 401, 403, 404, 422)},
            summary="Financial statements of the caller's scope, newest period first")
@paginate(Pagination)
def statement_list(request: HttpRequest, node_id: int | None = None):
    require(request.auth, "disclosure.view_money")
    return selectors.statements_visible(user=request.auth, node_id=node_id)


@router.post("/statements", response={201: StatementOut, **errors(400, 401, 403, 404, 422)},
             summary="A statement with its lines; refused unless opening + income − spending = closing and the "
                     "totals are the sums of the lines")
def statement_create(request: HttpRequest, payload: StatementIn):
    return Status(201, money.statement_create(
        actor=request.auth, community=payload.community_id, title=payload.title, period_start=payload.period_start,
        period_end=payload.period_end, opening_balance=payload.opening_balance, income_total=payload.income_total,
        spending_total=payload.spending_total, closing_balance=payload.closing_balance,
        lines=[Line(line.direction, line.description, line.amount, line.case_id, line.decision_id, line.project)
               for line in payload.lines]))


@router.get("/statements/{statement_id}", response={200: StatementOut, **errors(401, 403, 404)},
            summary="One statement with its lines and attachments")
def statement_get(request: HttpRequest, statement_id: int):
    return selectors.statement_get(user=request.auth, pk=statement_id)


@router.post("/statements/{statement_id}/publish", response={200: StatementOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Publish the statement as a 财务 item")
def statement_publish(request: HttpRequest, statement_id: int):
    selectors.statement_get(user=request.auth, pk=statement_id)
    return money.statement_publish(actor=request.auth, statement=statement_id)


@router.get("/fund", response={200: FundOut, **errors(400, 401, 403, 404, 422)},
            summary="A community's party service fund: balance and entries (of a year when given)")
def fund_get(request: HttpRequest, community_id: int, year: int | None = None):
    community = selectors.community_get(user=request.auth, pk=community_id)
    require(request.auth, "disclosure.view_money", community)
    account, entries = selectors.fund_for(user=request.auth, community=community, year=year)
    return {"community_id": community.pk, "balance": account.balance if account else 0, "entries": entries}


@router.post("/fund/entries", response={201: EntryOut, **errors(400, 401, 403, 404, 422)},
             summary="Record an allocation or a spending (purpose, approval, the case or project it served); "
                     "a spending beyond the balance is refused")
def fund_record(request: HttpRequest, payload: EntryIn):
    return Status(201, money.fund_record(actor=request.auth, community=payload.community_id,
                                           **payload.dict(exclude={"community_id"})))


@router.post("/fund/entries/{entry_id}/receipts", response={201: list[DisclosureAttachmentOut], **errors(400, 401, 403, 404, 422)},
             summary="Attach receipts (photos or documents, checked by their first bytes) to a fund entry")
def fund_receipts(request: HttpRequest, entry_id: int, files: list[UploadedFile] = File(default=None)):  # noqa: B008
    selectors.fund_entry_get(user=request.auth, pk=entry_id)
    return Status(201, money.fund_attach_receipts(actor=request.auth, entry=entry_id, receipts=files or []))


@router.post("/fund/publish-year", response={200: ItemOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Publish the fund's account of a year as a 财务 item (again: a correction)")
def fund_publish_year(request: HttpRequest, payload: YearIn):
    return money.fund_publish_year(actor=request.auth, community=payload.community_id, year=payload.year)
