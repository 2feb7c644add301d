"""Figures of co-building per street and community (rows by community, a total per street), for a
period (by default this quarter). Definitions, read by the page, the API and the .xlsx export:

- **members reported**: registrations in state active today; **active**: of those, the members who
  logged a service dated in the period.
- **units reported**: units' registrations in state active today.
- **needs raised**: needs raised in the period; **needs met**: needs confirmed by the beneficiary
  in the period (state met).
- **resources used / capacity**: the sums over the resources on offer today (their `used` and
  `capacity`), and the share used.
- **projects**: by state today; a project of the street itself (not of a community) counts in the
  street's own row.

Every figure counts only what the user may see (each model's `visible_to`), grouped in one query
per figure, whatever the number of communities."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import scope
from gongzhi.core.errors import InvalidInput, check_period
from gongzhi.core.permissions import can

from ..models import (
    MemberReport,
    Need,
    NeedState,
    Project,
    ProjectState,
    ReportInState,
    Resource,
    ServiceLog,
    UnitReport,
    UnitReportState,
)

STREET_DEPTH, COMMUNITY_DEPTH = 2, 3
FIRST_YEAR = 2000
COUNTS = ("members", "active_members", "units", "needs_raised", "needs_met", "resources_used",
          "resources_capacity")


def _quarter_span(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    end_month = start.month + 3
    end = dt.date(year + (end_month > 12), (end_month - 1) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def period_of(*, year=None, quarter=None, start=None, end=None) -> tuple[dt.date, dt.date]:
    """The period asked for, inclusive: a year, a quarter of a year, from–to, or (nothing asked)
    this quarter. Bad values are refused beside their field."""
    if start or end:
        if not (start and end):
            message = _("Give both the start and the end of the period.")
            raise InvalidInput(message, fields={"start" if not start else "end": [message]})
        start, end = _day(start, "start"), _day(end, "end")
        check_period(start, end)
        return start, end
    today = timezone.localdate()
    if year in (None, ""):
        return _quarter_span(today.year, (today.month - 1) // 3 + 1)
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not FIRST_YEAR <= year <= today.year + 1:
        message = _("Choose a year between %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": today.year + 1}
        raise InvalidInput(message, fields={"year": [message]})
    if quarter in (None, ""):
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if str(quarter) not in ("1", "2", "3", "4"):
        message = _("Choose a quarter from 1 to 4.")
        raise InvalidInput(message, fields={"quarter": [message]})
    return _quarter_span(year, int(quarter))


def _day(value, name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        message = _("Enter a date as YYYY-MM-DD.")
        raise InvalidInput(message, fields={name: [message]}) from None


@dataclass
class Row:
    name: str
    path: str
    members: int = 0
    active_members: int = 0
    units: int = 0
    needs_raised: int = 0
    needs_met: int = 0
    resources_used: int = 0
    resources_capacity: int = 0
    projects: dict[str, int] = field(default_factory=dict)

    @property
    def resources_share(self) -> float | None:
        return self.resources_used / self.resources_capacity if self.resources_capacity else None

    @property
    def project_counts(self) -> list[int]:
        return [self.projects.get(state, 0) for state in ProjectState.values]

    @property
    def project_cells(self) -> list[tuple[str, int]]:
        return [(label, self.projects.get(value, 0)) for value, label in ProjectState.choices]

    def add(self, other: Row) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for state, n in other.projects.items():
            self.projects[state] = self.projects.get(state, 0) + n

    def as_data(self) -> dict:
        return {"name": self.name, **{n: getattr(self, n) for n in COUNTS},
                "resources_share": round(self.resources_share, 4) if self.resources_share is not None else None,
                "projects": {state: self.projects.get(state, 0) for state in ProjectState.values}}


@dataclass
class Street:
    name: str
    path: str
    rows: list[Row]
    total: Row


@dataclass
class Figures:
    start: dt.date
    end: dt.date
    streets: list[Street]

    @property
    def project_states(self) -> list[tuple[str, str]]:
        return list(ProjectState.choices)

    def as_data(self) -> dict:
        return {
            "start": self.start.isoformat(), "end": self.end.isoformat(),
            "streets": [{"name": s.name, "total": s.total.as_data(),
                         "communities": [r.as_data() | {"street_level": r.path == s.path} for r in s.rows]}
                        for s in self.streets],
        }


def _communities(user, node: AreaNode | None) -> list[AreaNode]:
    """The communities the user works in (a whole one, or a part of it), under `node` if given."""
    paths = scope.scope_paths(user)
    step = AreaNode.steplen
    nodes = AreaNode.objects.filter(kind=AreaKind.COMMUNITY)
    if paths is not None:
        condition = Q(pk__in=[])
        for p in paths:
            condition |= Q(path__startswith=p) | Q(path=p[: COMMUNITY_DEPTH * step])
        nodes = nodes.filter(condition)
    if node is not None:
        nodes = nodes.filter(Q(path__startswith=node.path) | Q(path=node.path[: COMMUNITY_DEPTH * step]))
    return list(nodes.order_by("path"))


def figures(*, user, node: AreaNode | None, start: dt.date, end: dt.date) -> Figures:
    """The figures of the communities of `node` (found in the user's scope by the caller; None: all
    of the user's) for [start, end]."""
    step = AreaNode.steplen
    communities = _communities(user, node)
    cpaths = [c.path for c in communities]
    spaths = sorted({p[: STREET_DEPTH * step] for p in cpaths})
    street_names = dict(AreaNode.objects.filter(path__in=spaths).values_list("path", "name"))
    rows: dict[str, Row] = {c.path: Row(name=c.name, path=c.path) for c in communities}
    own_rows: dict[str, Row] = {p: Row(name=_("%(street)s (street itself)") % {"street": street_names.get(p, "")},
                                       path=p) for p in spaths}
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)

    def put(path_counts, attribute: str) -> None:
        for path, n in path_counts:
            if path in rows:
                setattr(rows[path], attribute, getattr(rows[path], attribute) + (n or 0))

    put(MemberReport.objects.visible_to(user).filter(state=ReportInState.ACTIVE, community__path__in=cpaths)
        .values("community__path").annotate(n=Count("pk")).values_list("community__path", "n"), "members")
    put(ServiceLog.objects.visible_to(user).filter(report__state=ReportInState.ACTIVE, served_on__gte=start,
                                                  served_on__lte=end, report__community__path__in=cpaths)
        .values("report__community__path").annotate(n=Count("report", distinct=True))
        .values_list("report__community__path", "n"), "active_members")
    put(UnitReport.objects.visible_to(user).filter(state=UnitReportState.ACTIVE, community__path__in=cpaths)
        .values("community__path").annotate(n=Count("pk")).values_list("community__path", "n"), "units")
    needs = Need.objects.visible_to(user).filter(community_path__in=cpaths)
    put(needs.filter(created_at__gte=since, created_at__lt=until).values("community_path").annotate(n=Count("pk"))
        .values_list("community_path", "n"), "needs_raised")
    put(needs.filter(state=NeedState.CONFIRMED, confirmed_at__gte=since, confirmed_at__lt=until)
        .values("community_path").annotate(n=Count("pk")).values_list("community_path", "n"), "needs_met")
    resources = (Resource.objects.visible_to(user).filter(is_active=True, community__path__in=cpaths)
                 .values("community__path").annotate(used=Sum("used"), capacity=Sum("capacity")))
    for r in resources:
        row = rows[r["community__path"]]
        row.resources_used += r["used"] or 0
        row.resources_capacity += r["capacity"] or 0
    # the street's own projects count when the whole street (or more) is asked for
    own_paths = spaths if node is None or node.depth <= STREET_DEPTH else []
    projects = (Project.objects.visible_to(user)
                .filter(Q(area__path__in=own_paths) | scope.path_q(cpaths, "area"))
                .annotate(at=Substr("area__path", 1, COMMUNITY_DEPTH * step))
                .values("at", "state").annotate(n=Count("pk")))
    for p in projects:
        row = rows.get(p["at"]) or own_rows.get(p["at"][: STREET_DEPTH * step])
        if row is not None:
            row.projects[p["state"]] = row.projects.get(p["state"], 0) + p["n"]

    streets = []
    for spath in spaths:
        members = [rows[c] for c in cpaths if c.startswith(spath)]
        own = own_rows[spath]
        if own.projects:
            members.append(own)
        total = Row(name=_("Total of %(street)s") % {"street": street_names.get(spath, "")}, path=spath)
        for row in members:
            total.add(row)
        streets.append(Street(name=street_names.get(spath, ""), path=spath, rows=members, total=total))
    return Figures(start=start, end=end, streets=streets)


def dashboard_figures(*, user, node: AreaNode, start: dt.date, end: dt.date) -> list[dict]:
    """The figure provider the dashboard reads (`FigureProvider`, end exclusive): members reported
    and active, units reported, needs raised and met, and projects under way, for `node`'s
    communities. Nothing for who may not read co-building lists."""
    if not can(user, "cobuilding.view_list"):
        return []
    result = figures(user=user, node=node, start=start, end=end - dt.timedelta(days=1))
    total = Row(name="", path="")
    for street in result.streets:
        total.add(street.total)
    url = f"{reverse('cobuilding:figures')}?{urlencode(_records_params(node, start, end))}"
    return [{**figure, "url": url} for figure in [
        {"key": "cobuilding.members", "label": _("Party members reported in"), "value": total.members},
        {"key": "cobuilding.active_members", "label": _("Members who served"), "value": total.active_members},
        {"key": "cobuilding.units", "label": _("Units reported in"), "value": total.units},
        {"key": "cobuilding.needs_raised", "label": _("Needs raised"), "value": total.needs_raised},
        {"key": "cobuilding.needs_met", "label": _("Needs met"), "value": total.needs_met},
        {"key": "cobuilding.projects_running", "label": _("Projects under way"),
         "value": total.projects.get(ProjectState.ACTIVE, 0)},
    ]]


def _records_params(node, start: dt.date, end: dt.date) -> dict:
    """The figures page's query for the node and period (end exclusive here, inclusive there)."""
    params = {"start": start.isoformat(), "end": (end - dt.timedelta(days=1)).isoformat()}
    if node is not None:
        params["node_id"] = node.pk
    return params
