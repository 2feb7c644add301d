"""The dashboard page of a node: headline figures, every table with its chart, the map of the
children, drill-down to a child and up to an ancestor, a month picker."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongzhi.core.errors import InvalidInput, NotFound

from .. import maps, selectors
from ..formatting import cell_text
from ..periods import Month, parse_month, this_month
from ..tables import COUNT, RATE, TEXT


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
    tables = [_with_hrefs(t.as_data(), month) for t in data.tables]
    shaded = maps.map_from_request(request, data)
    context = {
        "overview": data,
        "node": area,
        "month": month,
        "month_typed": request.GET.get("month", month.key),
        "errors": errors,
        "ancestors": selectors.ancestors(user=request.user, node=area),
        "tables": tables,
        # The template's view of the same dicts: each row with the address it drills down to.
        "sections": [{"t": t, "lines": list(zip(t["rows"], t["hrefs"], strict=True))} for t in tables],
        "cards": _cards(data.headline),
        "map": shaded,
    }
    return render(request, "dashboard/overview.html", context, status=400 if errors or shaded.invalid else 200)


def _with_hrefs(table: dict, month: Month) -> dict:
    """The table with `hrefs`: per row, the dashboard of the node it drills down to (the month kept)
    or "" (the page links the row's first text cell; the chart opens it on a click), and `link_column`,
    the key of that cell."""
    links = table["links"]
    table["hrefs"] = [
        f"{reverse('dashboard:node', args=[links[str(i)]])}?month={month.key}" if str(i) in links else ""
        for i in range(len(table["rows"]))
    ]
    texts = [c["key"] for c in table["columns"] if c["kind"] == TEXT]
    table["link_column"] = (table["chart"] or {}).get("x") or (texts[0] if texts else "")
    return table


def _cards(headline: dict) -> dict[str, list[dict]]:
    """The headline as cards: 三率 and the composite of the month with what they count, then the open
    requests as they stand now (`tone` colours the yellow and red lights)."""
    counts, now = headline["counts"], headline["now"]

    def count(n) -> str:
        return cell_text(n, COUNT)

    month = [
        ("response_rate", pgettext("figure", "Response rate"),
         _("%(n)s of %(all)s requests answered in time") % {"n": count(counts["responded_in_time"]),
                                                            "all": count(counts["cases"])}),
        ("resolution_rate", pgettext("figure", "Resolution rate"),
         _("%(n)s of %(all)s rated requests solved") % {"n": count(counts["solved"]), "all": count(counts["rated"])}),
        ("satisfaction_rate", pgettext("figure", "Satisfaction rate"),
         _("%(n)s requests rated") % {"n": count(counts["rated"])}),
        ("composite", pgettext("figure", "Composite"),
         _("%(n)s requests in the month") % {"n": count(counts["cases"])}),
    ]
    live = [("open", _("Open now"), ""), ("yellow", _("Yellow light"), "yellow"),
            ("red", _("Red light (overdue)"), "red"), ("supervised", _("Supervised (督办)"), "red")]
    return {
        "month": [{"key": key, "label": label, "value": cell_text(headline[key], RATE), "detail": detail, "tone": ""}
                  for key, label, detail in month],
        "now": [{"key": key, "label": label, "value": count(now[key]), "detail": "", "tone": tone if now[key] else ""}
                for key, label, tone in live],
    }


urlpatterns = [
    path("", home, name="home"),
    path("<int:pk>/", node, name="node"),
]
