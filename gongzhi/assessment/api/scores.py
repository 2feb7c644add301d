"""The assessment API: scores.

- GET  /api/assessment/me?month=2026-11&kind=&page=        my month, its lines grouped, one page of lines
- GET  /api/assessment/months?node_id=&month=               the months of an area's workers, ranked
- GET  /api/assessment/months/{month_id}?kind=&page=        a worker's month (scoped: 404 outside)
- GET  /api/assessment/workers/{worker_id}?month=           a worker's month by worker (scoped)
- POST /api/assessment/compute {month, node_id}             compute a month (street or district staff)
- POST /api/assessment/close {month, node_id}               close a street's month
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema

from gongzhi.areas.selectors import area_node_get
from gongzhi.core.errors import Id, errors
from gongzhi.core.permissions import require

from ..models import WorkerMonth
from ..selectors import scores as selectors
from ..services import scoring

router = Router()
READ_ERRORS = errors(400, 401, 403, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)

Month = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM", examples=["2026-11"])]
Page = Annotated[int, Field(ge=1, le=100_000)]
Kind = Annotated[str, Field(max_length=50)]


class AssessmentGroupOut(Schema):
    kind: str
    label: str
    count: int
    points: int


class AssessmentLineOut(Schema):
    id: int
    kind: str
    label: str
    points: int
    source: str
    summary: str
    occurred_at: dt.datetime
    origin: str
    reason: str
    link: str
    appeal_state: str


class AssessmentMonthOut(Schema):
    id: int | None
    worker_id: int
    worker: str
    month: str
    area_id: int | None
    area: str
    state: str
    computed: bool
    total: int
    earned: int
    deducted: int
    pay: Decimal
    computed_at: dt.datetime | None
    closed_at: dt.datetime | None
    groups: list[AssessmentGroupOut]
    lines: list[AssessmentLineOut]
    page: int
    pages: int
    count: int


class AssessmentRankOut(Schema):
    id: int
    rank: int
    worker_id: int
    worker: str
    area_id: int
    area: str
    total: int
    earned: int
    deducted: int
    pay: Decimal
    state: str


class AssessmentComputeIn(Schema):
    month: Month
    node_id: Id | None = None


class AssessmentComputeOut(Schema):
    month: str
    workers: int
    events: int
    lines: int
    removed: int
    closed_skipped: int
    seconds: float


class AssessmentCloseOut(Schema):
    month: str
    closed: int


def month_out(view: selectors.MonthView) -> dict:
    wm = view.month
    return {
        "id": wm.pk, "worker_id": wm.worker_id, "worker": wm.worker.get_full_name() or wm.worker.username,
        "month": f"{wm.month:%Y-%m}", "area_id": wm.area_id, "area": wm.area.name if wm.area_id else "",
        "state": wm.state, "computed": view.computed, "total": wm.total, "earned": wm.earned,
        "deducted": wm.deducted, "pay": wm.pay, "computed_at": wm.computed_at, "closed_at": wm.closed_at,
        "groups": [vars(g) for g in view.groups],
        "lines": [
            {"id": r.line.pk, "kind": r.line.kind, "label": r.label, "points": r.line.points, "source": r.line.source,
             "summary": r.line.summary, "occurred_at": r.line.occurred_at, "origin": r.line.origin,
             "reason": r.line.reason, "link": r.link, "appeal_state": r.appeal_state}
            for r in view.lines
        ],
        "page": view.page, "pages": view.pages, "count": view.count,
    }


@router.get("/me", response={200: AssessmentMonthOut, **READ_ERRORS},
            summary="My score of a month (default: the current month): totals, pay share, lines grouped by kind "
                    "and one page of lines with the record behind each")
def assessment_me(request: HttpRequest, month: Month | None = None, kind: Kind = "", page: Page = 1):
    require(request.auth, "assessment.view_own")
    wm = selectors.worker_month_for(request.auth, worker_id=request.auth.pk, month=scoring.parse_month(month))
    return month_out(selectors.month_view(request.auth, wm, kind=kind, page=page))


@router.get("/months", response={200: list[AssessmentRankOut], **READ_ERRORS},
            summary="The months of the grid workers of an area (default: the user's scope), best score first, "
                    "with their rank")
def assessment_months(request: HttpRequest, month: Month | None = None, node_id: Id | None = None):
    require(request.auth, "assessment.view_scores")
    node = area_node_get(user=request.auth, pk=node_id) if node_id is not None else None
    ranked = selectors.area_months(request.auth, node=node, month=scoring.parse_month(month))
    return [
        {"id": r.month.pk, "rank": r.rank, "worker_id": r.month.worker_id,
         "worker": r.month.worker.get_full_name() or r.month.worker.username, "area_id": r.month.area_id,
         "area": r.month.area.name, "total": r.month.total, "earned": r.month.earned, "deducted": r.month.deducted,
         "pay": r.month.pay, "state": r.month.state}
        for r in ranked
    ]


@router.get("/months/{month_id}", response={200: AssessmentMonthOut, **READ_ERRORS},
            summary="A worker's month (one's own, or a worker of the user's scope; 404 otherwise)")
def assessment_month(request: HttpRequest, month_id: Id, kind: Kind = "", page: Page = 1):
    wm = WorkerMonth.objects.select_related("worker", "area").visible_or_404(request.auth, pk=month_id)
    return month_out(selectors.month_view(request.auth, wm, kind=kind, page=page))


@router.get("/workers/{worker_id}", response={200: AssessmentMonthOut, **READ_ERRORS},
            summary="A worker's month by the worker (one's own, or a worker of the user's scope; 404 otherwise)")
def assessment_worker(request: HttpRequest, worker_id: Id, month: Month | None = None, kind: Kind = "",
                      page: Page = 1):
    wm = selectors.worker_month_for(request.auth, worker_id=worker_id, month=scoring.parse_month(month))
    return month_out(selectors.month_view(request.auth, wm, kind=kind, page=page))


@router.post("/compute", response={200: AssessmentComputeOut, **WRITE_ERRORS},
             summary="Compute the month of the grid workers under an area (the street or the district); closed "
                     "months are skipped")
def assessment_compute(request: HttpRequest, payload: AssessmentComputeIn):
    require(request.auth, "assessment.compute")
    node = area_node_get(user=request.auth, pk=payload.node_id) if payload.node_id is not None else None
    result = scoring.month_compute(actor=request.auth, month=payload.month, node=node)
    return {"month": f"{result.month:%Y-%m}", "workers": result.workers, "events": result.events,
            "lines": result.lines, "removed": result.removed, "closed_skipped": result.closed_skipped,
            "seconds": result.seconds}


@router.post("/close", response={200: AssessmentCloseOut, **WRITE_ERRORS},
             summary="Close a street's month after computing it once more: never recomputed afterwards")
def assessment_close(request: HttpRequest, payload: AssessmentComputeIn):
    require(request.auth, "assessment.close_month")
    if payload.node_id is None:
        from django.utils.translation import gettext as _

        from gongzhi.core.errors import InvalidInput

        message = _("Choose the street whose month is closed.")
        raise InvalidInput(message, fields={"node_id": [message]})
    node = area_node_get(user=request.auth, pk=payload.node_id)
    closed = scoring.month_close(actor=request.auth, month=payload.month, node=node)
    return {"month": payload.month, "closed": closed}
