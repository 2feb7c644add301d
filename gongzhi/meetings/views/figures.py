"""The figures page (a table per level with drill-down to the bodies and into the area tree, a year
picker) and its .xlsx export. Scoped like the API: a node outside the user's scope is 404."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.selectors import area_ancestors_visible, area_node_get, area_roots_for
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.permissions import can, page_requires

from .. import figures as figures_module
from ..models import BodyKind
from ..services import figures as figure_services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A subtree with at most this many bodies lists them all without drilling down.
LIST_ALL_BODIES = 40


def _node(request):
    """The node asked for (404 outside the user's scope), else the user's first root."""
    raw = (request.GET.get("node_id") or "").strip()
    try:
        if raw:
            if not raw.isdigit():
                raise Http404
            return area_node_get(user=request.user, pk=int(raw))
    except NotFound as exc:
        raise Http404 from exc
    roots = area_roots_for(user=request.user)
    if not roots:
        raise Http404
    return roots[0]


def _year(request) -> tuple[int, dict]:
    """The year asked for, or this year with the error beside the field."""
    raw = (request.GET.get("year") or "").strip()
    this_year = timezone.localdate().year
    if not raw:
        return this_year, {}
    try:
        start, _end = figures_module.year_span(raw)
    except InvalidInput as exc:
        return this_year, exc.fields
    return start.year, {}


@page_requires("meetings.view_figures")
def figures(request):
    node = _node(request)
    year, errors = _year(request)
    if not can(request.user, "meetings.view_figures", node):
        raise Http404
    start, end = figures_module.year_span(year)
    try:
        result = figures_module.figures(user=request.user, node=node, start=start, end=end)
    except NotFound as exc:
        raise Http404 from exc
    level = request.GET.get("level") or ""
    kind = request.GET.get("kind") or ""
    if level not in figures_module.LEVELS:
        level = ""
    if kind not in [*BodyKind.values, figures_module.NO_BODY]:
        kind = ""
    drilled = result.bodies_at(level, kind or None) if level else []
    if not level and len(result.bodies) <= LIST_ALL_BODIES:
        drilled = result.bodies
    context = {
        "result": result,
        "node": result.node,
        "year": year,
        "year_input": request.GET.get("year", year) if errors else year,
        "errors": errors,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
        "ancestors": area_ancestors_visible(user=request.user, node=result.node),
        "roots": area_roots_for(user=request.user),
        "level": level,
        "level_label": figures_module.LEVEL_LABELS.get(level, ""),
        "kind": kind,
        "kind_label": dict(BodyKind.choices).get(kind, figures_module.NO_BODY_LABEL if kind else ""),
        "drilled": drilled,
        "title": figures_module.title_of(result),
        "sentences": _sentences(result),
        "can_export": True,
    }
    return render(request, "meetings/figures.html", context)


def _sentences(result) -> list[str]:
    """Each level's bodies in the words of seed 003: "召开社区大党委联席会议326次，研究事项100余项"."""
    out = []
    for table in result.levels:
        for k in table.kinds:
            c = k.counts
            if not c.held and not c.due:
                continue
            out.append(_("%(level)s · %(kind)s: %(held)d meetings held of %(due)d due, %(matters)d matters studied, "
                         "%(decisions)d decisions made, %(on_time)d done on time, %(overdue)d overdue.") % {
                "level": table.label, "kind": k.label, "held": c.held, "due": c.due, "matters": c.matters,
                "decisions": c.decisions, "on_time": c.done_on_time, "overdue": c.overdue})
    return out


@page_requires("meetings.view_figures")
def figures_export(request):
    node = _node(request)
    year, errors = _year(request)
    if errors:
        return figures(request)  # the page, with the error beside the year
    try:
        content, result = figure_services.figures_export(actor=request.user, node=node, year=year)
    except NotFound as exc:
        raise Http404 from exc
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="meeting-figures-{result.node.code}-{year}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("figures/", figures, name="figures"),
    path("figures/export/", figures_export, name="figures-export"),
]
