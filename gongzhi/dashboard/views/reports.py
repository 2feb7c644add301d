"""The monthly reports of the user's scope (filter by month and area), their downloads (audited,
404 outside scope), and making a street's or community's report again now (in the request: a report
takes a few seconds)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from gongzhi.core.downloads import serve
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.permissions import require, scoped_page

from .. import report_selectors, selectors
from ..periods import parse_month, this_month
from ..services import reports

TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}


@login_required
def report_list(request):
    errors = {}
    month, area = request.GET.get("month", ""), request.GET.get("area", "")
    try:
        rows = report_selectors.reports_for(user=request.user, month=month, area=area)
    except InvalidInput as exc:
        errors, rows = exc.fields, []
    context = {"reports": rows, "errors": errors, "month_typed": month, "area_typed": area}
    return render(request, "dashboard/reports.html", context, status=400 if errors else 200)


@login_required
def report_download(request, report_id: int, fmt: str):
    try:
        report = report_selectors.report_in_scope(user=request.user, pk=report_id)
    except NotFound as exc:
        raise Http404 from exc
    if fmt not in TYPES or not getattr(report, fmt):
        raise Http404
    reports.record_download(actor=request.user, report=report, fmt=fmt)
    return serve(getattr(report, fmt), content_type=TYPES[fmt], name=f"{report.node.name}-{report.month:%Y-%m}.{fmt}")


@scoped_page
def report_make(request, pk: int):
    """GET: the form (the month, last month by default); POST: make the report now, in the request.
    A bad month is refused beside its field; an area that is not a street or community on the page."""
    node = selectors.dashboard_node(user=request.user, pk=pk)
    require(request.user, "dashboard.make_report", node)
    last = this_month().shifted(-1)
    if request.method != "POST":
        return render(request, "dashboard/reports_make.html", {"node": node, "month_typed": last.key, "errors": {}})
    typed = request.POST.get("month") or last.key
    try:
        month = parse_month(typed)
        reports.make_report(actor=request.user, node=node, month=month)
    except InvalidInput as exc:
        context = {"node": node, "month_typed": typed, "errors": exc.fields, "message": exc.message}
        return render(request, "dashboard/reports_make.html", context, status=400)
    messages.success(request, _("The monthly report was made."))
    return redirect(f"{reverse('dashboard:reports')}?month={month.key}")


urlpatterns = [
    path("reports/", report_list, name="reports"),
    path("reports/<int:report_id>/<str:fmt>", report_download, name="report-download"),
    path("<int:pk>/reports/make/", report_make, name="report-make"),
]
