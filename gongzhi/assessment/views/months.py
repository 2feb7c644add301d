"""Area pages: a month's scores of a community, street or district — every grid worker with the
total, points earned and deducted, pay share and rank, the sums per street and community — with
the buttons to recompute it and (the street) close it, the .xlsx export, and the drill-down to one
worker's month and its lines. A node or worker outside the user's scope is 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas.models import AreaNode
from gongzhi.areas.selectors import area_node_get
from gongzhi.core.errors import DomainError, InvalidInput, NotFound
from gongzhi.core.permissions import can, page_requires
from gongzhi.core.permissions import scoped_page as scoped
from gongzhi.core.xlsx import CONTENT_TYPE

from ..models import AppealState, CorrectionState
from ..selectors import appeals as appeal_selectors
from ..selectors import reports as selectors
from ..services import reports as report_services
from ..services import scoring


def _node(raw) -> AreaNode | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Http404
    return raw


def _asked(request, data=None) -> tuple[AreaNode | None, object, dict]:
    data = data if data is not None else request.GET
    errors: dict = {}
    raw = _node(data.get("node_id"))
    node = None
    if raw is not None:
        try:
            node = area_node_get(user=request.user, pk=int(raw))
        except NotFound as exc:
            raise Http404 from exc
    try:
        month = selectors.month_of(data.get("month"))
    except InvalidInput as exc:
        errors = exc.fields
        month = selectors.month_of()
    return node, month, errors


def _back(node, month) -> str:
    query = {"month": selectors.month_label(month)}
    if node is not None:
        query["node_id"] = node.pk
    return f"{reverse('assessment:months')}?{urlencode(query)}"


@page_requires("assessment.view_scores")
def months(request):
    node, month, errors = _asked(request)
    if node is None:
        # one's own area first (a street's staff land on their street, ready to recompute or close it)
        node = next(iter(selectors.chooser_nodes(user=request.user)), None)
    report = selectors.area_report(user=request.user, node=node, month=month)
    target = node
    return render(request, "assessment/months.html", {
        "report": report, "node": node, "month": month, "errors": errors,
        "month_input": request.GET.get("month", "") if errors else selectors.month_label(month),
        "nodes": selectors.chooser_nodes(user=request.user), "months": selectors.recent_months(12),
        "query": urlencode({"month": selectors.month_label(month), **({"node_id": node.pk} if node else {})}),
        "may_compute": target is not None and can(request.user, "assessment.compute", target),
        "may_close": target is not None and can(request.user, "assessment.close_month", target),
        "may_export": can(request.user, "assessment.export_report"),
    }, status=400 if errors else 200)


def _month_action(kind: str):
    @require_POST
    @page_requires("assessment.view_scores")
    def view(request):
        node, month, errors = _asked(request, request.POST)
        if errors or node is None:
            messages.error(request, _("Choose an area and a month first."))
            return redirect(_back(node, month))
        try:
            if kind == "compute":
                scoring.month_compute(actor=request.user, month=month, node=node)
            else:
                scoring.month_close(actor=request.user, month=month, node=node)
        except DomainError as exc:
            if exc.status == 404:
                raise Http404 from exc
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The scores are recomputed.") if kind == "compute"
                             else _("The month is closed: its scores no longer change with the rules."))
        return redirect(_back(node, month))
    return view


months_compute = _month_action("compute")
months_close = _month_action("close")


@page_requires("assessment.export_report")
def months_export(request):
    node, month, errors = _asked(request)
    if errors:
        return months(request)
    content, _report = report_services.report_export(actor=request.user, node=node, month=month)
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    name = node.code if node is not None else "all"
    response["Content-Disposition"] = f'attachment; filename="assessment-{name}-{selectors.month_label(month)}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


@scoped
def worker_month(request, user_id: int, month):
    row = selectors.worker_month_get(user=request.user, worker_id=user_id, month=selectors.month_of(month))
    groups = selectors.line_groups(row, kind=request.GET.get("kind", ""), page=request.GET.get("page", 1))
    return render(request, "assessment/worker_month.html", {
        "row": row, "groups": groups, "street": selectors.grid_street(row),
        "appeals": appeal_selectors.appeals_list(user=request.user).filter(line__worker_month=row)[:50],
        "corrections": appeal_selectors.corrections_list(user=request.user, worker_month=row)[:50],
        "pending_appeal": AppealState.PENDING, "pending_correction": CorrectionState.PENDING,
        "may_correct": can(request.user, "assessment.request_correction", row),
        "back": _back(None, row.month),
    })


urlpatterns = [
    path("months/", months, name="months"),
    path("months/compute/", months_compute, name="months-compute"),
    path("months/close/", months_close, name="months-close"),
    path("months/export/", months_export, name="months-export"),
    path("workers/<int:user_id>/<month:month>/", worker_month, name="worker-month"),
]
