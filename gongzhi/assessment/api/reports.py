"""The assessment API: reports —

    GET /api/assessment/reports/months?month=2026-11&node_id=   a month's scores of an area: every grid
        worker (total, earned, deducted, pay share, rank, state), the sums per street and community
    GET /api/assessment/reports/workers/{user_id}?month=2026-11 one worker's month with its lines
        grouped by kind, each with its source and the page of the record behind it

The same numbers as the pages and the .xlsx. A node or worker outside the user's scope: 404; a bad
month: 400 beside `month`."""

from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema

from gongzhi.areas.selectors import area_node_get
from gongzhi.core.errors import Id, errors
from gongzhi.core.permissions import require

from ..selectors import reports as selectors

router = Router()
READ_ERRORS = errors(400, 401, 403, 404, 422)


class AssessmentReportUnit(Schema):
    node_id: int | None = None
    name: str
    workers: int
    total: int
    earned: int
    deducted: int
    pay: str
    average: float | None = None


class AssessmentReportWorker(Schema):
    worker_month_id: int
    worker_id: int
    name: str
    grid: str
    community: str
    street: str
    total: int
    earned: int
    deducted: int
    pay: str
    rank: int
    state: str
    lines: int
    pending_appeals: int


class AssessmentReportOut(Schema):
    month: str
    node_id: int | None = None
    scope: str
    open: int
    closed: int
    total: AssessmentReportUnit
    streets: list[AssessmentReportUnit]
    communities: list[AssessmentReportUnit]
    workers: list[AssessmentReportWorker]


class AssessmentReportLine(Schema):
    id: int
    kind: str
    points: int
    source: str
    source_url: str = ""
    summary: str
    occurred_at: str
    origin: str
    reason: str = ""
    approved_by_id: int | None = None
    appeal_state: str = ""
    may_appeal: bool = False


class AssessmentReportGroup(Schema):
    kind: str
    label: str
    points: int
    lines: list[AssessmentReportLine]


class AssessmentWorkerMonthOut(Schema):
    worker_month_id: int
    worker_id: int
    name: str
    month: str
    grid: str
    state: str
    total: int
    earned: int
    deducted: int
    pay: Decimal
    groups: list[AssessmentReportGroup]


@router.get("/reports/months", response={200: AssessmentReportOut, **READ_ERRORS},
            summary="A month's scores of an area (default: this month, one's own areas): grid workers with their "
                    "rank, and the sums per street and community")
def assessment_report_months(request: HttpRequest, month: str = Query("", max_length=10), node_id: Id | None = None):  # noqa: B008
    require(request.auth, "assessment.view_scores")
    node = area_node_get(user=request.auth, pk=node_id) if node_id is not None else None
    return selectors.area_report(user=request.auth, node=node, month=selectors.month_of(month)).as_data()


@router.get("/reports/workers/{user_id}", response={200: AssessmentWorkerMonthOut, **READ_ERRORS},
            summary="One grid worker's month (one's own, or of one's area scope) with its lines grouped by kind")
def assessment_report_worker(request: HttpRequest, user_id: int, month: str = Query("", max_length=10)):  # noqa: B008
    row = selectors.worker_month_get(user=request.auth, worker_id=user_id, month=selectors.month_of(month))
    groups = selectors.line_groups(row)
    own = row.worker_id == request.auth.pk
    return {
        "worker_month_id": row.pk, "worker_id": row.worker_id, "name": str(row.worker),
        "month": selectors.month_label(row.month), "grid": row.area.name, "state": row.state, "total": row.total,
        "earned": row.earned, "deducted": row.deducted, "pay": row.pay,
        "groups": [{"kind": g.kind, "label": g.label, "points": g.points, "lines": [
            {"id": line.pk, "kind": line.kind, "points": line.points, "source": line.source,
             "source_url": line.source_url, "summary": line.summary, "occurred_at": line.occurred_at.isoformat(),
             "origin": line.origin, "reason": line.reason, "approved_by_id": line.approved_by_id,
             "appeal_state": line.appeal.state if line.appeal else "",
             "may_appeal": own and not line.appeal_refused} for line in g.lines]} for g in groups],
    }
