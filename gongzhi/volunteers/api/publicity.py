"""The monthly points publicity API (/api/volunteers/publicity…): an area's month computed from the
ledger with its published snapshot, and publishing it."""


import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from gongzhi.core.errors import Id, errors

from ..selectors import ledger as ledger_selectors
from ..selectors import publicity as selectors
from ..services import publicity as services

router = Router()
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(400, 401, 403, 404, 422)


class PublicityLineOut(Schema):
    account_id: int
    volunteer_id: int | None = None
    number: str
    name: str
    area: str
    opening: int
    earned: int
    deducted: int
    spent: int
    closing: int
    entries: int


class PublicityTotalsOut(Schema):
    opening: int
    earned: int
    deducted: int
    spent: int
    closing: int
    entries: int


class PublicityMonthOut(Schema):
    area_id: int
    area_name: str
    month: str
    lines: list[PublicityLineOut]
    totals: PublicityTotalsOut
    digest: str
    published_at: dt.datetime | None = None
    published_digest: str
    matches_published: bool


class PublicityPublishIn(Schema):
    area_id: Id
    month: str


def _out(p) -> dict:
    return {"area_id": p.area.pk, "area_name": p.area.name, "month": f"{p.month:%Y-%m}", "lines": p.lines,
            "totals": p.totals, "digest": p.digest,
            "published_at": p.published.published_at if p.published else None,
            "published_digest": p.published.digest if p.published else "", "matches_published": p.is_current}


@router.get("/publicity", response={200: PublicityMonthOut, **READ_ERRORS},
            summary="An area's month: points earned, deducted, spent and the balance per volunteer")
def publicity_month(request: HttpRequest, area_id: Id | None = None, month: str = ""):
    area = ledger_selectors.area_for(user=request.auth, area_id=area_id)
    return _out(selectors.publicity_for(user=request.auth, area=area, month=selectors.month_from(month)))


@router.post("/publicity/publish", response={200: PublicityMonthOut, **WRITE_ERRORS},
             summary="Publish the month (replaced only when the ledger changed)")
def publicity_publish(request: HttpRequest, payload: PublicityPublishIn):
    area = ledger_selectors.area_for(user=request.auth, area_id=payload.area_id)
    month = selectors.month_from(payload.month)
    services.publicity_publish(actor=request.auth, area=area, month=month)
    return _out(selectors.publicity_for(user=request.auth, area=area, month=month))
