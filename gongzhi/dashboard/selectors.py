"""The dashboard of a node: every figure as a `Table` (tables.py), read off the case roll-ups
(`cases.rollups`), the open cases as they stand, and the figure providers each component declares
(`core.components.figure_providers`), so a programme appears here without the dashboard knowing it.

`overview` is the one entry: the page, the API, the .xlsx export of a table, the wall screen and the
monthly report all read it, so they show the same numbers.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connections
from django.db.models import Aggregate, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.areas.selectors import area_roots_for
from gongzhi.cases import rollups
from gongzhi.cases import selectors as case_selectors
from gongzhi.cases.models import (
    OPEN_STATES,
    Case,
    Category,
    Channel,
    Kind,
    Level,
    State,
    Supervision,
    SupervisionKind,
    Theme,
)
from gongzhi.core import components, scope
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import can
from gongzhi.core.replica import database_for_reading, reading_replica

from .periods import Month
from .tables import COUNT, HOURS, NUMBER, RATE, TEXT, Chart, Column, Table

DASHBOARD_KINDS = (AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID)
CHILD_KIND = {AreaKind.DISTRICT: AreaKind.STREET, AreaKind.STREET: AreaKind.COMMUNITY,
              AreaKind.COMMUNITY: AreaKind.GRID}
TOP_CATEGORIES = 15


@dataclass
class Overview:
    node: AreaNode
    month: Month
    headline: dict  # 三率, composite, counts of the month, and the open cases now
    tables: list[Table]
    children: list[dict]  # the child nodes with their outline and figures (the map)

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise NotFound()


# ---------------------------------------------------------------------------------------------
# Which node


def dashboard_node(*, user, pk: int | None = None, action: str = "dashboard.view") -> AreaNode:
    """The node asked for (or the user's own top node) if it is a district, street, community or
    grid within the user's scope and the user may read dashboards; NotFound otherwise."""
    if pk is None:
        roots = [n for n in area_roots_for(user=user) if n.kind in DASHBOARD_KINDS]
        if not roots:
            roots = list(AreaNode.objects.visible_to(user).filter(kind__in=DASHBOARD_KINDS).order_by("depth", "path")[:1])
        if not roots:
            raise NotFound()
        node = roots[0]
    else:
        node = AreaNode.objects.visible_to(user).filter(pk=pk, kind__in=DASHBOARD_KINDS).first()
    if node is None or not can(user, action, node):
        raise NotFound()
    return node


def ancestors(*, user, node: AreaNode) -> list[AreaNode]:
    """The node's ancestors the user may open (the breadcrumb up)."""
    return [a for a in AreaNode.objects.get_ancestors(node) if scope.covers_path(user, a.path)]


# ---------------------------------------------------------------------------------------------
# Figures


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def within_levels(counts: dict) -> dict:
    """小事不出网格、大事不出社区、难事不出街道: the share of closed cases resolved at the grid or
    below, at the community or below, at the street or below."""
    closed = counts["closed"]
    grid = counts["closed_building"] + counts["closed_grid"]
    community = grid + counts["closed_community"]
    street = community + counts["closed_street"]
    return {"within_grid": _share(grid, closed), "within_community": _share(community, closed),
            "within_street": _share(street, closed)}


def _rates(counts: dict) -> dict:
    return case_selectors.rates_of(counts)


def _hours(seconds: list[float], share: float) -> Decimal | None:
    """The `share` percentile of the durations (the lowest value with at least that share of the
    values at or below it — PostgreSQL's percentile_disc), in hours with one decimal."""
    if not seconds:
        return None
    ordered = sorted(seconds)
    index = max(0, math.ceil(share * len(ordered)) - 1)
    return _in_hours(ordered[index])


def _in_hours(seconds: float | None) -> Decimal | None:
    if seconds is None:
        return None
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class PercentileDisc(Aggregate):
    """PostgreSQL's ordered-set aggregate percentile_disc(share) over a duration."""

    function = "PERCENTILE_DISC"
    template = "%(function)s(%(share)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()

    def __init__(self, expression, share: float, **extra):
        super().__init__(expression, share=float(share), **extra)


def handling_times(*, node: AreaNode, month: Month) -> dict:
    """Median and p90 of the response time (filing → first contact) and the handling time (filing →
    resolved) of the cases filed in the month, in hours (computed in the database on PostgreSQL)."""
    start, end = case_selectors.day_span(month.start, month.end - dt.timedelta(days=1))
    qs = Case.objects.filter(location_path__startswith=node.path, created_at__gte=start, created_at__lt=end,
                             master=None).exclude(state__in=[State.REJECTED, State.MERGED])
    response = ExpressionWrapper(F("responded_at") - F("created_at"), output_field=DurationField())
    handling = ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField())
    if connections[database_for_reading()].vendor == "postgresql":
        responded, resolved = Q(responded_at__isnull=False), Q(resolved_at__isnull=False)
        row = qs.aggregate(
            responded=Count("pk", filter=responded), resolved=Count("pk", filter=resolved),
            response_median=PercentileDisc(response, 0.5, filter=responded),
            response_p90=PercentileDisc(response, 0.9, filter=responded),
            handling_median=PercentileDisc(handling, 0.5, filter=resolved),
            handling_p90=PercentileDisc(handling, 0.9, filter=resolved),
        )
        return {key: (_in_hours(value.total_seconds()) if isinstance(value, dt.timedelta) else value)
                for key, value in row.items()}
    responses, handlings = [], []
    for created, responded_at, resolved_at in qs.values_list("created_at", "responded_at", "resolved_at").iterator(
            chunk_size=5000):
        if responded_at is not None:
            responses.append((responded_at - created).total_seconds())
        if resolved_at is not None:
            handlings.append((resolved_at - created).total_seconds())
    return {
        "response_median": _hours(responses, 0.5), "response_p90": _hours(responses, 0.9),
        "handling_median": _hours(handlings, 0.5), "handling_p90": _hours(handlings, 0.9),
        "responded": len(responses), "resolved": len(handlings),
    }


def now_counts(*, node: AreaNode, now: dt.datetime) -> dict:
    """The open cases located under the node as they stand: open, yellow light (past the warning
    share), red light (overdue), supervised (督办)."""
    open_cases = Case.objects.filter(location_path__startswith=node.path, state__in=OPEN_STATES)
    supervised = Supervision.objects.filter(
        case=OuterRef("pk"), kind__in=[SupervisionKind.RESPONSE_OVERDUE, SupervisionKind.HANDLING_OVERDUE])
    return open_cases.aggregate(
        open=Count("pk"),
        yellow=Count("pk", filter=Q(handling_warn_at__lte=now, handling_due__gt=now)),
        red=Count("pk", filter=Q(handling_due__lte=now)),
        supervised=Count("pk", filter=Q(Exists(supervised))),
    )


def overdue_list(*, node: AreaNode, now: dt.datetime, limit: int) -> list[dict]:
    """The longest-overdue open cases under the node: reference, matter, where (to the grid), held
    by, days overdue. No names, phones, addresses or texts: this list goes on the wall."""
    rows = (Case.objects.filter(location_path__startswith=node.path, state__in=OPEN_STATES, handling_due__lte=now)
            .order_by("handling_due").values("pk", "created_at", "category__name", "location_path", "area__name",
                                              "department__name", "handling_due")[:limit])
    return _public_rows(rows, now=now)


def newest_list(*, node: AreaNode, now: dt.datetime, limit: int) -> list[dict]:
    """The newest cases under the node, with the same public columns as the overdue list."""
    rows = (Case.objects.filter(location_path__startswith=node.path).exclude(state=State.REJECTED)
            .order_by("-created_at", "-pk").values("pk", "created_at", "category__name", "location_path",
                                                   "area__name", "department__name", "handling_due", "channel")[:limit])
    return _public_rows(rows, now=now)


def _public_rows(rows, *, now: dt.datetime) -> list[dict]:
    rows = list(rows)
    grid_paths = {rollups.node_path_of(r["location_path"]) for r in rows}
    names = dict(AreaNode.objects.filter(path__in=grid_paths).values_list("path", "name"))
    channels = dict(Channel.choices)
    result = []
    for r in rows:
        reference = f"GZ{timezone.localtime(r['created_at']):%Y%m%d}{r['pk']:07d}"
        overdue = (now - r["handling_due"]).total_seconds() / 86400
        result.append({
            "case": r["pk"], "reference": reference, "matter": r["category__name"],
            "place": names.get(rollups.node_path_of(r["location_path"]), ""),
            "holder": r["department__name"] or r["area__name"],
            "filed": timezone.localtime(r["created_at"]).strftime("%Y-%m-%d %H:%M"),
            "days_overdue": Decimal(overdue).quantize(Decimal("0.1")) if overdue > 0 else Decimal(0),
            "channel": str(channels.get(r.get("channel"), r.get("channel") or "")),
        })
    return result


def children_of(*, user, node: AreaNode) -> list[AreaNode]:
    kind = CHILD_KIND.get(node.kind)
    if kind is None:
        return []
    return list(AreaNode.objects.visible_to(user).filter(path__startswith=node.path, depth=node.depth + 1,
                                                         kind=kind, is_active=True).order_by("path"))


def programme_rows(*, user, node: AreaNode, month: Month) -> list[dict]:
    """Each component's declared figures for the node and month, as rows (programme, figure,
    value); a provider the user may not read gives nothing."""
    rows = []
    for label, provider in components.figure_providers():
        try:
            figures = provider.compute(user=user, node=node, start=month.start, end=month.end)
        except NotFound:
            continue
        for figure in figures:
            value = figure["value"]
            rate = figure.get("kind") == RATE or ("rate" in figure["key"] and not isinstance(value, int))
            rows.append({"programme": str(provider.label), "figure": str(figure["label"]), "value": value,
                         "key": figure["key"], "app": label, "kinds": {"value": RATE if rate else NUMBER}})
    return rows


def overview(*, user, node: AreaNode, month: Month, now: dt.datetime | None = None, lists: int = 10) -> Overview:
    """Everything the dashboard of `node` shows for `month`: the headline, the tables, the map —
    read from the replica when there is one (every query runs inside; what it returns is data)."""
    if not can(user, "dashboard.view", node):
        raise NotFound()
    with reading_replica():
        return _overview(user=user, node=node, month=month, now=now, lists=lists)


def _overview(*, user, node: AreaNode, month: Month, now: dt.datetime | None, lists: int) -> Overview:
    now = now or timezone.now()
    path = node.path
    counts = rollups.totals(path=path, start=month.start, end=month.end)
    rates = _rates(counts)
    live = now_counts(node=node, now=now)
    headline = {"counts": counts, **rates, **within_levels(counts), "now": live}
    tables = [
        _trend(path=path, month=month, months=components.setting("DASHBOARD_TREND_MONTHS")),
        _levels(counts),
        _dimension(path, month, "theme", _("Requests by theme"), dict(Theme.choices), chart="pie"),
        _categories(path, month),
        _dimension(path, month, "channel", _("Requests by channel"), dict(Channel.choices), chart="bar"),
        _dimension(path, month, "kind", _("Requests by kind"), dict(Kind.choices), chart="bar"),
        _times(node, month),
        _now(live),
    ]
    children = children_of(user=user, node=node)
    ranking, child_rows = _ranking(node, month, children)
    if ranking is not None:
        tables.append(ranking)
    tables += [
        _list_table("overdue", _("Overdue now"), overdue_list(node=node, now=now, limit=lists), overdue=True),
        _list_table("newest", _("Newest requests"), newest_list(node=node, now=now, limit=lists), overdue=False),
        _hot(user, node, month),
        _triage(user, node, month),
        _programmes(user, node, month),
    ]
    return Overview(node=node, month=month, headline=headline, tables=tables, children=child_rows)


_RATE_COLUMNS = [
    Column("response_rate", pgettext("figure", "Response rate"), RATE),
    Column("resolution_rate", pgettext("figure", "Resolution rate"), RATE),
    Column("satisfaction_rate", pgettext("figure", "Satisfaction rate"), RATE),
    Column("composite", pgettext("figure", "Composite"), RATE),
]


def _trend(*, path: str, month: Month, months: int) -> Table:
    first = month.shifted(-(months - 1))
    per_month = rollups.by_month(path=path, start=first.start, end=month.end)
    rows = []
    for i in range(months):
        m = first.shifted(i)
        c = per_month.get(m.start, dict.fromkeys(rollups.COUNTERS, 0))
        rows.append({"month": m.key, "cases": c["cases"], **_rates(c), **within_levels(c)})
    return Table(
        key="trend", title=_("Three rates by month"),
        columns=[Column("month", pgettext("figure", "Month"), TEXT), Column("cases", _("Requests"), COUNT),
                 *_RATE_COLUMNS, *_WITHIN_COLUMNS],
        rows=rows, chart=Chart("line", "month", ("response_rate", "resolution_rate", "satisfaction_rate", "composite")),
    )


_WITHIN_COLUMNS = [
    Column("within_grid", _("Small matters kept in the grid"), RATE),
    Column("within_community", _("Big matters kept in the community"), RATE),
    Column("within_street", _("Hard matters kept in the street"), RATE),
]


def _levels(counts: dict) -> Table:
    closed = counts["closed"]
    rows = [
        {"level": str(Level(level).label), "closed": counts[f"closed_{level}"],
         "share": _share(counts[f"closed_{level}"], closed)}
        for level in Level.values
    ]
    return Table(
        key="levels", title=_("Closed at each level"),
        columns=[Column("level", _("Level"), TEXT), Column("closed", _("Closed"), COUNT),
                 Column("share", _("Share"), RATE)],
        rows=rows, chart=Chart("bar", "level", ("closed",)),
        note=_("Small matters kept in the grid %(grid)s, big matters in the community %(community)s, hard matters "
               "in the street %(street)s.") % {k.removeprefix("within_"): _pct(v) for k, v in within_levels(counts).items()},
    )


def _pct(value) -> str:
    return "—" if value is None else f"{Decimal(value) * 100:.1f}%"


def _dimension(path: str, month: Month, dimension: str, title: str, labels: dict, *, chart: str) -> Table:
    data = rollups.by_dimension(path=path, start=month.start, end=month.end, dimension=dimension)
    rows = [{"name": str(labels.get(value, value)), "filed": c["filed"], **_rates(c)}
            for value, c in sorted(data.items(), key=lambda item: -item[1]["filed"]) if c["filed"]]
    return Table(
        key=f"by_{dimension}", title=title,
        columns=[Column("name", {"theme": _("Theme"), "channel": _("Channel"), "kind": _("Kind")}[dimension], TEXT),
                 Column("filed", _("Requests"), COUNT), *_RATE_COLUMNS[:3]],
        rows=rows, chart=Chart(chart, "name", ("filed",)),
    )


def _categories(path: str, month: Month) -> Table:
    data = rollups.by_dimension(path=path, start=month.start, end=month.end, dimension="category_id")
    names = dict(Category.objects.filter(pk__in=list(data)).values_list("pk", "name"))
    ordered = sorted(((pk, c) for pk, c in data.items() if c["filed"]), key=lambda item: -item[1]["filed"])
    rows = [{"name": names.get(pk, str(pk)), "filed": c["filed"], **_rates(c)} for pk, c in ordered[:TOP_CATEGORIES]]
    rest = sum(c["filed"] for _pk, c in ordered[TOP_CATEGORIES:])
    return Table(
        key="by_matter", title=_("The most requested matters"),
        columns=[Column("name", _("Matter"), TEXT), Column("filed", _("Requests"), COUNT), *_RATE_COLUMNS[:3]],
        rows=rows, chart=Chart("bar", "name", ("filed",)),
        note=(_("%(n)d requests of other matters.") % {"n": rest}) if rest else "",
    )


def _times(node: AreaNode, month: Month) -> Table:
    t = handling_times(node=node, month=month)
    rows = [
        {"measure": _("Response (to first contact)"), "median": t["response_median"], "p90": t["response_p90"],
         "cases": t["responded"]},
        {"measure": _("Handling (to resolved)"), "median": t["handling_median"], "p90": t["handling_p90"],
         "cases": t["resolved"]},
    ]
    return Table(
        key="times", title=_("Response and handling times"),
        columns=[Column("measure", _("Measure"), TEXT), Column("median", _("Median (hours)"), HOURS),
                 Column("p90", _("90th percentile (hours)"), HOURS), Column("cases", _("Requests"), COUNT)],
        rows=rows, chart=Chart("bar", "measure", ("median", "p90")),
    )


def _now(live: dict) -> Table:
    labels = {"open": _("Open"), "yellow": _("Yellow light"), "red": _("Red light (overdue)"),
              "supervised": _("Supervised (督办)")}
    return Table(
        key="now", title=_("Open requests now"),
        columns=[Column("name", _("State"), TEXT), Column("count", _("Requests"), COUNT)],
        rows=[{"name": str(label), "count": live[key]} for key, label in labels.items()],
        chart=Chart("bar", "name", ("count",)),
    )


def _ranking(node: AreaNode, month: Month, children: list[AreaNode]) -> tuple[Table | None, list[dict]]:
    if not children:
        return None, []
    data = rollups.by_child(path=node.path, depth=node.depth + 1, start=month.start, end=month.end)
    zero = dict.fromkeys(rollups.COUNTERS, 0)
    entries = []
    for child in children:
        c = data.get(child.path, zero)
        entries.append((child, {"name": child.name, "code": child.code, "cases": c["cases"], "filed": c["filed"],
                                **_rates(c), **within_levels(c)}))
    # Best composite first; nodes with no composite yet last, by name.
    entries.sort(key=lambda e: (e[1]["composite"] is None, -(e[1]["composite"] or 0), e[0].path))
    rows, links, child_rows = [], {}, []
    for index, (child, row) in enumerate(entries):
        row["rank"] = index + 1 if row["composite"] is not None else None
        rows.append(row)
        links[index] = child.pk
        child_rows.append({"id": child.pk, "name": child.name, "code": child.code, "kind": child.kind,
                           "outline": child.outline or [], "figures": row})
    titles = {AreaKind.STREET: _("Ranking of the streets"), AreaKind.COMMUNITY: _("Ranking of the communities"),
              AreaKind.GRID: _("Ranking of the grids")}
    table = Table(
        key="ranking", title=titles[CHILD_KIND[node.kind]],
        columns=[Column("rank", _("Rank"), NUMBER), Column("name", _("Area"), TEXT),
                 Column("cases", _("Requests"), COUNT), *_RATE_COLUMNS, *_WITHIN_COLUMNS[:1]],
        rows=rows, chart=Chart("bar", "name", ("composite",)), links=links,
    )
    return table, child_rows


def _list_table(key: str, title: str, rows: list[dict], *, overdue: bool) -> Table:
    columns = [Column("reference", _("Reference"), TEXT), Column("matter", _("Matter"), TEXT),
               Column("place", _("Grid"), TEXT), Column("holder", _("Held by"), TEXT),
               Column("filed", _("Filed"), TEXT)]
    columns.append(Column("days_overdue", _("Days overdue"), NUMBER) if overdue else Column("channel", _("Channel"), TEXT))
    return Table(key=key, title=title, columns=columns, rows=rows)


def _hot(user, node: AreaNode, month: Month) -> Table:
    since = case_selectors.day_span(month.start, month.start)[0]
    rows = case_selectors.hot_issues(user=user, node=node, since=since, limit=10)
    return Table(
        key="hot", title=_("Hot issues"),
        columns=[Column("category_name", _("Matter"), TEXT), Column("location_name", _("Location"), TEXT),
                 Column("count", _("Requests"), COUNT), Column("open", _("Still open"), COUNT)],
        rows=rows, chart=None,
    )


def _triage(user, node: AreaNode, month: Month) -> Table:
    start, end = case_selectors.day_span(month.start, month.end - dt.timedelta(days=1))
    t = case_selectors.triage_outcomes(user=user, node=node, start=start, end=end)
    rows = [
        {"name": _("First guess was the final matter"), "value": t["first_guess_right"]},
        {"name": _("Final matter among its three"), "value": t["within_three"]},
        {"name": _("Routed by triage, matter kept"), "value": t["auto_routed_kept"]},
    ]
    return Table(
        key="triage", title=_("How triage did"),
        columns=[Column("name", _("Figure"), TEXT), Column("value", _("Share"), RATE)], rows=rows,
        note=_("Of %(n)d closed requests with a suggestion; %(a)d routed by triage.")
        % {"n": t["closed_with_suggestion"], "a": t["auto_routed"]},
    )


def _programmes(user, node: AreaNode, month: Month) -> Table:
    rows = programme_rows(user=user, node=node, month=month)
    return Table(
        key="programmes", title=_("Programmes"),
        columns=[Column("programme", _("Programme"), TEXT), Column("figure", _("Figure"), TEXT),
                 Column("value", _("Value"), NUMBER)],
        rows=rows,
    )
