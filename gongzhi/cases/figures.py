"""The figure provider of the case pipeline (`cases.summary`), read by the dashboard and the
assessment of streets and communities: for the cases located under `node` and filed in
[start, end) —

- 三率: response rate (responded within the limit), resolution rate (rated solved), satisfaction
  rate (rating weights over rated requests), as `cases.selectors.figures` defines them;
- level closure (层级办结率): of the closed cases, the share closed at the node's own level or
  below without going up the ladder (小事不出网格、大事不出社区、难事不出街道): for a grid, closed
  at the building or the grid; for a community, also at the community; for a street, also at the
  street; for a district, every closed case;
- on-time share: of the cases resolved (or closed), the share resolved by their handling deadline;
- the counts behind them (cases, closed).

Each figure carries `url`: the case figures page of the node and period (the records behind it).
Who may not read case figures gets nothing."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongzhi.areas.models import AreaKind
from gongzhi.areas.selectors import area_roots_for
from gongzhi.core import scope
from gongzhi.core.permissions import can

from .models import Case, Level, State
from .selectors import day_span, figures

# The levels a node closes at without escalating, by the node's kind.
OWN_LEVELS = {
    AreaKind.GRID: (Level.BUILDING, Level.GRID),
    AreaKind.COMMUNITY: (Level.BUILDING, Level.GRID, Level.COMMUNITY),
    AreaKind.STREET: (Level.BUILDING, Level.GRID, Level.COMMUNITY, Level.STREET),
}
Q4 = Decimal("0.0001")


def _share(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(Q4, rounding=ROUND_HALF_UP) if whole else None


def summary(*, user, node=None, start: dt.date | None = None, end: dt.date | None = None) -> list[dict]:
    """The case figures of `node` (default: the user's first area) over [start, end) (dates, end
    exclusive; default: this month so far)."""
    if not can(user, "cases.view_figures"):
        return []
    if node is None:
        roots = area_roots_for(user=user)
        if not roots:
            return []
        node = roots[0]
    if not scope.covers_path(user, node.path):
        return []
    today = timezone.localdate()
    start = start or today.replace(day=1)
    end = end or today + dt.timedelta(days=1)
    last = end - dt.timedelta(days=1)
    since, until = day_span(start, last)
    data = figures(user=user, node=node, start=since, end=until)
    counts = data["counts"]
    closed = counts["closed"]
    by_level = data["closed_by_level"]
    levels = OWN_LEVELS.get(node.kind)
    within = closed if levels is None else sum(by_level.get(level, {}).get("count", 0) for level in levels)
    done = (Case.objects.filter(location_path__startswith=node.path, created_at__gte=since, created_at__lt=until,
                                master=None, resolved_at__isnull=False)
            .exclude(state__in=[State.REJECTED, State.MERGED])
            .aggregate(n=Count("pk"), on_time=Count("pk", filter=Q(resolved_at__lte=F("handling_due")))))
    url = f"{reverse('cases:figures')}?{urlencode({'node': node.pk, 'start': start, 'end': last})}"
    return [
        {"key": "cases.cases", "label": _("Requests"), "value": counts["cases"], "url": url},
        {"key": "cases.response_rate", "label": pgettext("figure", "Response rate"), "value": data["response_rate"],
         "url": url},
        {"key": "cases.resolution_rate", "label": pgettext("figure", "Resolution rate"),
         "value": data["resolution_rate"], "url": url},
        {"key": "cases.satisfaction_rate", "label": pgettext("figure", "Satisfaction rate"),
         "value": data["satisfaction_rate"], "url": url},
        {"key": "cases.closed", "label": _("Closed"), "value": closed, "url": url},
        {"key": "cases.level_closure_rate", "label": pgettext("figure", "Level closure rate"), "value": _share(within, closed),
         "url": url},
        {"key": "cases.on_time_rate", "label": pgettext("figure", "On-time resolution rate"), "value": _share(done["on_time"], done["n"]),
         "url": url},
    ]
