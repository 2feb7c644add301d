"""Co-building figures: the page (rows by community, a total per street, a period picker) and its
.xlsx export. A node outside the user's scope is 404."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.areas.selectors import area_node_get
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.permissions import page_requires
from gongzhi.core.xlsx import CONTENT_TYPE

from ..selectors import figures as selectors
from ..services import figures as services

PERIOD_FIELDS = ("year", "quarter", "start", "end")


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


def _period(request):
    """The period asked for, or this quarter with the errors beside the fields."""
    asked = {name: (request.GET.get(name) or "").strip() or None for name in PERIOD_FIELDS}
    try:
        return selectors.period_of(**asked), {}
    except InvalidInput as exc:
        return selectors.period_of(), exc.fields or {"year": [exc.message]}


@page_requires("cobuilding.view_list")
def figures(request):
    node = _node(request)
    (start, end), errors = _period(request)
    result = selectors.figures(user=request.user, node=node, start=start, end=end)
    this_year = timezone.localdate().year
    context = {
        "result": result, "node": node, "errors": errors, "values": request.GET,
        "years": list(range(this_year, this_year - 6, -1)), "quarters": [1, 2, 3, 4],
        "nodes": AreaNode.objects.visible_to(request.user).filter(kind__in=[AreaKind.STREET, AreaKind.COMMUNITY])
        .order_by("path")[:300],
        "query": request.GET.urlencode(),
    }
    return render(request, "cobuilding/figures/index.html", context, status=400 if errors else 200)


@page_requires("cobuilding.view_list")
def figures_export(request):
    node = _node(request)
    (start, end), errors = _period(request)
    if errors:
        return figures(request)
    content, result = services.figures_export(actor=request.user, node=node, start=start, end=end)
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    name = node.code if node is not None else "all"
    response["Content-Disposition"] = f'attachment; filename="cobuilding-figures-{name}-{start}-{end}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("figures/", figures, name="figures"),
    path("figures/export/", figures_export, name="figures-export"),
]
