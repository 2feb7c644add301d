"""Service circle pages: the figures — per street, community or grid, per point, and coverage, with the
period and node chooser — and their .xlsx export. A node outside the user's scope is 404."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path

from gongzhi.areas.models import AreaNode
from gongzhi.areas.selectors import area_node_get
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.permissions import can, page_requires
from gongzhi.core.xlsx import CONTENT_TYPE

from ..selectors import figures as selectors
from ..services import figures as services


def _node(request) -> AreaNode | None:
    raw = (request.GET.get("node_id") or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Http404
    try:
        return area_node_get(user=request.user, pk=int(raw))
    except NotFound as exc:
        raise Http404 from exc


def _asked(request) -> tuple[tuple, str, dict]:
    """The period and level asked for, or the defaults with the errors beside the fields."""
    errors: dict = {}
    try:
        period = selectors.period_of(start=request.GET.get("start"), end=request.GET.get("end"))
    except InvalidInput as exc:
        errors.update(exc.fields or {"start": [exc.message]})
        period = selectors.period_of()
    try:
        level = selectors.level_of(request.GET.get("level"))
    except InvalidInput as exc:
        errors.update(exc.fields)
        level = ""
    return period, level, errors


@page_requires("circle.view_list")
def figures(request):
    node = _node(request)
    (start, end), level, errors = _asked(request)
    result = selectors.circle_figures(user=request.user, node=node, start=start, end=end, level=level)
    return render(request, "circle/figures/figures.html", {
        "result": result, "node": node, "errors": errors, "values": request.GET, "start_input": request.GET.get("start", "") if errors else start.isoformat(),
        "end_input": request.GET.get("end", "") if errors else end.isoformat(),
        "level": level, "levels": [(k, k.label) for k in selectors.LEVELS],
        "nodes": selectors.chooser_nodes(user=request.user), "query": request.GET.urlencode(),
        "may_export": can(request.user, "circle.export_figures"),
    }, status=400 if errors else 200)


@page_requires("circle.export_figures")
def figures_export(request):
    node = _node(request)
    (start, end), level, errors = _asked(request)
    if errors:
        return figures(request)
    content, result = services.figures_export(actor=request.user, node=node, start=start, end=end, level=level)
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    name = node.code if node is not None else "all"
    response["Content-Disposition"] = f'attachment; filename="circle-figures-{name}-{start}-{end}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("figures/", figures, name="figures"),
    path("figures/export/", figures_export, name="figures-export"),
]
