"""What is due: the due board (due soon / missing / published late, per community and per street)
and the figures (on time %, late, missing by community and period).

Both are one grouped query over `Item` (version 1 only: a correction does not count twice),
using the indexes (state, due_at) and (community, due_at); names of the communities and streets are
read once. At 100,000 items for a district the work is in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import calendar, components, scope
from gongzhi.core.permissions import can

from .models import OPEN_STATES, PUBLIC_STATES, Item


@dataclass
class Row:
    node_id: int
    name: str
    path: str
    due_soon: int = 0
    missing: int = 0
    late: int = 0
    on_time: int = 0
    pending: int = 0
    communities: list = field(default_factory=list)

    @property
    def owed(self) -> int:
        """Items whose due time has passed in the period: published on time, late, or missing."""
        return self.on_time + self.late + self.missing

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time / self.owed, 4) if self.owed else None

    def add(self, other: Row) -> None:
        for name in ("due_soon", "missing", "late", "on_time", "pending"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        return {"node_id": self.node_id, "name": self.name, "due_soon": self.due_soon, "missing": self.missing,
                "late": self.late, "on_time": self.on_time, "pending": self.pending, "owed": self.owed,
                "on_time_rate": self.on_time_rate}


@dataclass
class Board:
    node: AreaNode
    start: dt.date
    end: dt.date
    now: dt.datetime
    soon_until: dt.datetime
    communities: list[Row]
    streets: list[Row]
    total: Row


def _communities(user, node: AreaNode) -> dict[int, tuple[str, str]]:
    """The communities under `node` the user's area scope covers: id → (name, path)."""
    qs = AreaNode.objects.filter(kind=AreaKind.COMMUNITY, path__startswith=node.path)
    paths = scope.scope_paths(user)
    if paths is not None:
        qs = qs.filter(scope.path_q(paths, ""))
    return {pk: (name, path) for pk, name, path in qs.values_list("pk", "name", "path")}


def board(*, user, node: AreaNode, start: dt.date | None = None, end: dt.date | None = None,
          now: dt.datetime | None = None) -> Board:
    """The board of `node`'s communities in the user's scope: due soon (open, due within
    DISCLOSURE_DUE_SOON_DAYS working days), missing (open, past due), and for the period
    [start, end] (default: this year) published late and on time."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start = start or dt.date(today.year, 1, 1)
    end = end or dt.date(today.year, 12, 31)
    soon_until = calendar.add_working_days(now, components.setting("DISCLOSURE_DUE_SOON_DAYS"))
    period_start = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    period_end = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    names = _communities(user, node)
    open_q = Q(state__in=OPEN_STATES)
    in_period = Q(due_at__gte=period_start, due_at__lt=period_end)
    qs = (Item.objects.visible_to(user).filter(community_id__in=list(names), version=1)
          .filter((open_q & Q(due_at__lt=soon_until)) | (in_period & Q(state__in=PUBLIC_STATES)))
          .values("community_id")
          .annotate(
              due_soon=Count("id", filter=open_q & Q(due_at__gte=now, due_at__lt=soon_until)),
              missing=Count("id", filter=open_q & Q(due_at__lt=now) & in_period),
              late=Count("id", filter=Q(state__in=PUBLIC_STATES, is_late=True) & in_period),
              on_time=Count("id", filter=Q(state__in=PUBLIC_STATES, is_late=False) & in_period),
          ))
    rows = {pk: Row(pk, name, path) for pk, (name, path) in names.items()}
    for r in qs:
        row = rows[r["community_id"]]
        row.due_soon, row.missing, row.late, row.on_time = r["due_soon"], r["missing"], r["late"], r["on_time"]
    streets: dict[str, Row] = {}
    street_names = dict(AreaNode.objects.filter(kind=AreaKind.STREET, path__in={p[: 2 * AreaNode.steplen]
                                                                                 for _n, p in names.values()})
                        .values_list("path", "name"))
    street_ids = dict(AreaNode.objects.filter(path__in=list(street_names)).values_list("path", "pk"))
    for row in rows.values():
        street_path = row.path[: 2 * AreaNode.steplen]
        street = streets.setdefault(street_path, Row(street_ids.get(street_path, 0), street_names.get(street_path, ""),
                                                     street_path))
        street.add(row)
        street.communities.append(row)
    total = Row(node.pk, node.name, node.path)
    for street in streets.values():
        total.add(street)
    ordered = sorted(rows.values(), key=lambda r: (-r.missing, -r.due_soon, -r.late, r.path))
    return Board(node=node, start=start, end=end, now=now, soon_until=soon_until, communities=ordered,
                 streets=sorted(streets.values(), key=lambda r: r.path), total=total)


def due_items(*, user, node: AreaNode, which: str, now: dt.datetime | None = None, limit: int = 200):
    """The items behind a board cell: "soon" (due soon), "missing" (past due, not published),
    "late" (published late this year); earliest due first."""
    now = now or timezone.now()
    qs = Item.objects.visible_to(user).filter(community__path__startswith=node.path, version=1)
    if which == "soon":
        soon_until = calendar.add_working_days(now, components.setting("DISCLOSURE_DUE_SOON_DAYS"))
        qs = qs.filter(state__in=OPEN_STATES, due_at__gte=now, due_at__lt=soon_until)
    elif which == "missing":
        qs = qs.filter(state__in=OPEN_STATES, due_at__lt=now)
    else:
        year_start = timezone.make_aware(dt.datetime(timezone.localdate(now).year, 1, 1))
        qs = qs.filter(state__in=PUBLIC_STATES, is_late=True, due_at__gte=year_start)
    return qs.select_related("community", "owner").order_by("due_at", "id")[:limit]


def figures(*, user, node: AreaNode, start: dt.date, end: dt.date) -> list[dict]:
    """The figure provider (`FigureProvider`): on time %, late and missing of the node's subtree;
    nothing for who may not read the open books' figures there."""
    if not can(user, "disclosure.view_figures", node):
        return []
    b = board(user=user, node=node, start=start, end=end)
    t = b.total
    url = f"{reverse('disclosure:figures')}?{urlencode({'node_id': node.pk, 'year': start.year})}"
    return [{**figure, "url": url} for figure in [
        {"key": "disclosure.on_time_rate", "label": gettext("Open books on time"), "value": t.on_time_rate},
        {"key": "disclosure.late", "label": gettext("Published late"), "value": t.late},
        {"key": "disclosure.missing", "label": gettext("Missing"), "value": t.missing},
    ]]
