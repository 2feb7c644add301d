"""The monthly reports over the API: the list of the scope (filters month, area), one report with its
figures, and making a street's or community's report now. The files stay pages: their URLs are given."""

import datetime as dt

from django.urls import reverse
from ninja import Router, Schema, Status

from gongzhi.core.errors import Id, errors
from gongzhi.core.permissions import require

from .. import report_selectors, selectors
from ..periods import parse_month, this_month
from ..services import reports

router = Router()


class DashReportOut(Schema):
    id: int
    node_id: int
    node_name: str
    month: str
    made_at: dt.datetime
    made_by: str
    xlsx_url: str | None
    pdf_url: str | None


class DashReportDetailOut(DashReportOut):
    figures: dict


class DashReportMakeIn(Schema):
    month: str = ""


def _out(r, *, figures: bool = False) -> dict:
    data = {
        "id": r.pk, "node_id": r.node_id, "node_name": r.node.name, "month": f"{r.month:%Y-%m}",
        "made_at": r.made_at, "made_by": r.made_by,
        "xlsx_url": reverse("dashboard:report-download", args=[r.pk, "xlsx"]) if r.xlsx else None,
        "pdf_url": reverse("dashboard:report-download", args=[r.pk, "pdf"]) if r.pdf else None,
    }
    if figures:
        data["figures"] = r.figures
    return data


@router.get("/reports", response={200: list[DashReportOut], **errors(400, 401, 422)})
def report_list(request, month: str = "", area: str = ""):
    return [_out(r) for r in report_selectors.reports_for(user=request.user, month=month, area=area)]


@router.get("/reports/{report_id}", response={200: DashReportDetailOut, **errors(401, 404, 422)})
def report_detail(request, report_id: Id):
    return _out(report_selectors.report_in_scope(user=request.user, pk=report_id), figures=True)


@router.post("/nodes/{node_id}/reports", response={201: DashReportDetailOut, **errors(400, 401, 403, 404, 422)})
def report_make(request, node_id: Id, payload: DashReportMakeIn):
    node = selectors.dashboard_node(user=request.user, pk=node_id)
    require(request.user, "dashboard.make_report", node)
    month = parse_month(payload.month or this_month().shifted(-1).key)
    return Status(201, _out(reports.make_report(actor=request.user, node=node, month=month), figures=True))
