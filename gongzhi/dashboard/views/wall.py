"""The command-centre wall screen (大屏) of a node: a full-screen dark page for a 1920×1080 wall with
the node's live counts, the month's rates, the shaded map, the overdue list and the newest cases.
Its script (static/gongzhi/wall.js) fetches the live fragment every DASHBOARD_WALL_REFRESH_SECONDS
and swaps it in; when a fetch fails the last figures stay, marked with the time they are from.

The lists carry no personal data (reference, matter, grid, holder, time: `selectors.overdue_list`),
and the page shows nothing else of a case: the wall is seen by whoever walks past it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from gongzhi.cases import rollups
from gongzhi.core import components
from gongzhi.core.errors import NotFound
from gongzhi.core.replica import reading_replica

from .. import maps, selectors
from ..formatting import cell_text
from ..periods import this_month
from ..tables import COUNT, RATE

LIST_COLUMNS = ("reference", "matter", "place", "holder", "filed")


def _area(request, pk: int):
    try:
        return selectors.dashboard_node(user=request.user, pk=pk, action="dashboard.wall")
    except NotFound as exc:
        raise Http404 from exc


def _live(request, area) -> tuple[dict, int]:
    """What the live fragment shows, read now (this month's figures, the open cases as they stand)."""
    now = timezone.now()
    today = timezone.localdate()
    month = this_month()
    data = selectors.overview(user=request.user, node=area, month=month, now=now,
                              lists=components.setting("DASHBOARD_LIST_ROWS"))
    shaded = maps.map_from_request(request, data, link="dashboard:wall")
    headline = data.headline
    with reading_replica():
        today_filed = rollups.totals(path=area.path, start=today, end=today + dt.timedelta(days=1))["filed"]
    live = headline["now"]
    counts = [
        {"key": "today", "label": _("New today"), "value": cell_text(today_filed, COUNT)},
        {"key": "open", "label": _("Open"), "value": cell_text(live["open"], COUNT)},
        {"key": "yellow", "label": _("Yellow light"), "value": cell_text(live["yellow"], COUNT)},
        {"key": "red", "label": _("Red light (overdue)"), "value": cell_text(live["red"], COUNT)},
        {"key": "supervised", "label": _("Supervised (督办)"), "value": cell_text(live["supervised"], COUNT)},
    ]
    rates = [{"key": "month_filed", "label": _("Requests"), "value": cell_text(headline["counts"]["filed"], COUNT)}]
    rates += [{"key": key, "label": label, "value": cell_text(headline.get(key), RATE)}
              for key, (label, _kind) in maps.measures().items() if key != "filed"]
    lists = {key: [{c: row.get(c, "") for c in (*LIST_COLUMNS, "days_overdue")} for row in data.table(key).rows]
             for key in ("overdue", "newest")}
    context = {
        "node": area, "month": month, "counts": counts, "rates": rates, "map": shaded,
        "overdue": lists["overdue"], "newest": lists["newest"],
        "updated": timezone.localtime(now),
    }
    return context, 400 if shaded.invalid else 200


@login_required
def wall(request, pk: int):
    area = _area(request, pk)
    context, status = _live(request, area)
    context.update({
        "refresh_seconds": components.setting("DASHBOARD_WALL_REFRESH_SECONDS"),
        "time_zone": settings.TIME_ZONE,
        # The refresh asks for the shading shown (a valid one: a wrong ?shade= is refused on the page only).
        "live_url": reverse("dashboard:wall-live", args=[area.pk]) + "?" + urlencode({"shade": context["map"].shade}),
    })
    return render(request, "dashboard/wall.html", context, status=status)


@login_required
def wall_live(request, pk: int):
    """The refreshed part of the wall (an HTML fragment the wall's script swaps in)."""
    area = _area(request, pk)
    context, status = _live(request, area)
    response = render(request, "dashboard/wall_live.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("<int:pk>/wall/", wall, name="wall"),
    path("<int:pk>/wall/live/", wall_live, name="wall-live"),
]
