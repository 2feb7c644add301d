"""The dashboard page of a node: headline figures, every table with its chart, the map of the
children, drill-down to a child and up to an ancestor, a month picker."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path

from gongzhi.core.errors import InvalidInput, NotFound

from .. import maps, selectors
from ..periods import parse_month, this_month


@login_required
def home(request):
    """The user's own top node's dashboard."""
    try:
        node = selectors.dashboard_node(user=request.user)
    except NotFound as exc:
        raise Http404 from exc
    return redirect("dashboard:node", pk=node.pk)


@login_required
def node(request, pk: int):
    try:
        area = selectors.dashboard_node(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    errors = {}
    try:
        month = parse_month(request.GET.get("month"))
    except InvalidInput as exc:
        errors, month = exc.fields, this_month()
    data = selectors.overview(user=request.user, node=area, month=month)
    shaded = maps.map_from_request(request, data)
    context = {
        "overview": data,
        "node": area,
        "month": month,
        "month_typed": request.GET.get("month", month.key),
        "errors": errors,
        "ancestors": selectors.ancestors(user=request.user, node=area),
        "tables": [t.as_data() for t in data.tables],
        "map": shaded,
    }
    return render(request, "dashboard/overview.html", context, status=400 if errors or shaded.invalid else 200)


urlpatterns = [
    path("", home, name="home"),
    path("<int:pk>/", node, name="node"),
]
