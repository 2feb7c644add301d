"""Care figures (issue #19 item 6): per street, community or grid, per branch and per carer, for a
period [start, end] (inclusive; by default the last 30 days). Definitions, read by the page, the
API, the .xlsx export and the dashboard's provider:

- **households in difficulty** (`tagged`): households with at least one living person carrying one
  of `DIFFICULTY_TAGS` on the period's last day (or today, if the period runs on); **covered**: of
  those, the households with a care plan active on that day; **plans**: households with an active
  care plan that day (started from the tags or by staff); **coverage** = covered / tagged.
- **turns due**: turns of published rosters dated in the period up to today, cancelled ones left
  out; **done** and **missed**: of those, the turns in state done / missed.
- **average days between visits**: for every plan with at least two visits in the period,
  (last visit − first visit) / (visits − 1) in days; the average of these over the plans.
- **by branch**: the same turns, visits and plans by the branch responsible; **by person**: turns,
  done, missed and the visits each carer recorded.

Every figure counts only what the user may see (each model's `visible_to`, and households of the
user's area scope), grouped in one query per figure whatever the number of nodes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.areas.selectors import area_roots_for
from gongzhi.core import scope
from gongzhi.core.errors import InvalidInput, check_period
from gongzhi.core.permissions import can, require
from gongzhi.residents.models import PersonStatus, PersonTag, TagKind

from ..models import CareBranch, CarePlan, CareVisit, PlanState, RosterState, Turn, TurnState

# The registry's tags that make a household one "in difficulty" (独居、空巢、残疾、低保、特困):
# the one place this set is written.
DIFFICULTY_TAGS: tuple[str, ...] = (
    TagKind.ELDERLY_ALONE,
    TagKind.EMPTY_NEST,
    TagKind.DISABLED,
    TagKind.SUBSISTENCE,
    TagKind.EXTREME_POVERTY,
)

# The levels the node table may be drawn at, with their depth in the area tree.
LEVELS: dict[str, int] = {AreaKind.STREET: 2, AreaKind.COMMUNITY: 3, AreaKind.GRID: 4}
DEFAULT_DAYS = 30
LONGEST_DAYS = 731


# ---------------------------------------------------------------------------------------------
# the period and the level asked for


def _day(value, name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        message = _("Enter a date as YYYY-MM-DD.")
        raise InvalidInput(message, fields={name: [message]}) from None


def period_of(*, start=None, end=None) -> tuple[dt.date, dt.date]:
    """The period asked for, inclusive; a missing end is today, a missing start 30 days before the
    end. Bad dates, an end before the start or more than two years are refused beside the field."""
    end = _day(end, "end") if end not in (None, "") else timezone.localdate()
    start = _day(start, "start") if start not in (None, "") else end - dt.timedelta(days=DEFAULT_DAYS - 1)
    check_period(start, end)
    if (end - start).days >= LONGEST_DAYS:
        message = _("Choose a period of at most two years.")
        raise InvalidInput(message, fields={"start": [message]})
    return start, end


def level_of(value) -> str:
    """The level asked for (street, community, grid) or "" (the level under the node)."""
    if value in (None, ""):
        return ""
    if value not in LEVELS:
        message = _("Choose street, community or grid.")
        raise InvalidInput(message, fields={"level": [message]})
    return str(value)


# ---------------------------------------------------------------------------------------------
# the rows


@dataclass
class Row:
    """Figures of one node, branch or carer."""

    key: str
    name: str
    kind: str = ""
    branch: str = ""
    tagged: int = 0
    covered: int = 0
    plans: int = 0
    due: int = 0
    done: int = 0
    missed: int = 0
    visits: int = 0
    gap_days_sum: float = 0.0
    gap_plans: int = 0

    COUNTS = ("tagged", "covered", "plans", "due", "done", "missed", "visits", "gap_days_sum", "gap_plans")

    @property
    def coverage(self) -> float | None:
        return self.covered / self.tagged if self.tagged else None

    @property
    def done_share(self) -> float | None:
        return self.done / self.due if self.due else None

    @property
    def average_days(self) -> float | None:
        return round(self.gap_days_sum / self.gap_plans, 1) if self.gap_plans else None

    def add(self, other: Row) -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_data(self) -> dict:
        return {
            "key": self.key, "name": self.name, "kind": self.kind, "branch": self.branch,
            "households_tagged": self.tagged, "households_tagged_with_plan": self.covered,
            "households_with_plan": self.plans,
            "coverage": round(self.coverage, 4) if self.coverage is not None else None,
            "turns_due": self.due, "turns_done": self.done, "turns_missed": self.missed,
            "done_share": round(self.done_share, 4) if self.done_share is not None else None,
            "visits": self.visits, "average_days_between_visits": self.average_days,
        }


@dataclass
class Figures:
    start: dt.date
    end: dt.date
    level: str
    node: AreaNode | None
    scope_name: str
    rows: list[Row]
    total: Row
    branches: list[Row] = field(default_factory=list)
    carers: list[Row] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        return str(AreaKind(self.level).label) if self.level in AreaKind.values else ""

    def as_data(self) -> dict:
        return {
            "start": self.start.isoformat(), "end": self.end.isoformat(), "level": self.level,
            "node_id": self.node.pk if self.node is not None else None, "scope": self.scope_name,
            "tags": list(DIFFICULTY_TAGS),
            "nodes": [r.as_data() for r in self.rows], "total": self.total.as_data(),
            "branches": [r.as_data() for r in self.branches], "carers": [r.as_data() for r in self.carers],
        }


# ---------------------------------------------------------------------------------------------
# the queries


def _under(tops: list[AreaNode], field_name: str) -> Q:
    return scope.path_q([t.path for t in tops], field_name)


def _in_scope(user, field_name: str) -> Q:
    paths = scope.scope_paths(user)
    return Q() if paths is None else scope.path_q(paths, field_name)


def active_on(day: dt.date, prefix: str = "") -> Q:
    """Plans active on `day`: made by its end, not closed by then."""
    tz = timezone.get_current_timezone()
    until = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return (Q(**{f"{prefix}created_at__lt": until})
            & (Q(**{f"{prefix}state": PlanState.ACTIVE}) | Q(**{f"{prefix}closed_on__gt": day})))


def turns_due(user, *, start: dt.date, end: dt.date) -> QuerySet:
    """Turns of published rosters in [start, end] up to today, cancelled ones left out."""
    return (Turn.objects.visible_to(user)
            .filter(roster__state=RosterState.PUBLISHED, date__gte=start, date__lte=min(end, timezone.localdate()))
            .exclude(state=TurnState.CANCELLED))


def _turn_counts(rows) -> QuerySet:
    return rows.annotate(n=Count("pk"), n_done=Count("pk", filter=Q(state=TurnState.DONE)),
                         n_missed=Count("pk", filter=Q(state=TurnState.MISSED)))


def _tops(user, node: AreaNode | None) -> list[AreaNode]:
    return [node] if node is not None else area_roots_for(user=user)


def _row_nodes(tops: list[AreaNode], level: str) -> tuple[int, list[AreaNode]]:
    """The depth the node table is drawn at and its nodes under the tops."""
    deepest = max((t.depth for t in tops), default=1)
    if level:
        depth = LEVELS[level]
    else:
        depth = min(max(deepest + 1, LEVELS[AreaKind.STREET]), LEVELS[AreaKind.GRID])
    depth = max(depth, deepest)
    nodes = list(AreaNode.objects.filter(_under(tops, ""), depth=depth).order_by("path")[:2000])
    return depth, nodes


def care_figures(*, user, node: AreaNode | None = None, start: dt.date, end: dt.date, level: str = "") -> Figures:
    """The care figures of `node` (found in the user's scope by the caller: 404 outside; None: the
    user's own areas) for [start, end], the node table at `level` (default: the level under it)."""
    require(user, "care.view_list")
    tops = _tops(user, node)
    depth, nodes = _row_nodes(tops, level)
    width = depth * AreaNode.steplen
    rows: dict[str, Row] = {n.path: Row(key=n.path, name=n.name, kind=n.kind) for n in nodes}
    on_day = min(end, timezone.localdate())
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)

    def put(pairs, attribute: str) -> None:
        for at, n in pairs:
            row = rows.get(at)
            if row is not None:
                setattr(row, attribute, getattr(row, attribute) + (n or 0))

    if tops:
        # households in difficulty, and those of them with an active plan
        has_plan = CarePlan.objects.filter(active_on(on_day), household=OuterRef("person__household"))
        tagged = (PersonTag.objects.filter(_under(tops, "person__household"), _in_scope(user, "person__household"),
                                           kind__in=DIFFICULTY_TAGS, start_on__lte=on_day,
                                           person__status=PersonStatus.LIVING)
                  .filter(Q(end_on__isnull=True) | Q(end_on__gte=on_day))
                  .annotate(at=Substr("person__household__path", 1, width)).values("at")
                  .annotate(n=Count("person__household", distinct=True),
                            c=Count("person__household", distinct=True, filter=Exists(has_plan))))
        for r in tagged:
            row = rows.get(r["at"])
            if row is not None:
                row.tagged += r["n"]
                row.covered += r["c"]

        plans = CarePlan.objects.visible_to(user).filter(_under(tops, "household"), active_on(on_day))
        put(plans.annotate(at=Substr("household__path", 1, width)).values("at").annotate(n=Count("pk"))
            .values_list("at", "n"), "plans")

        turns = turns_due(user, start=start, end=end).filter(_under(tops, "plan__household"))
        for r in _turn_counts(turns.annotate(at=Substr("plan__household__path", 1, width)).values("at")):
            row = rows.get(r["at"])
            if row is not None:
                row.due += r["n"]
                row.done += r["n_done"]
                row.missed += r["n_missed"]

        visits = (CareVisit.objects.visible_to(user)
                  .filter(_under(tops, "plan__household"), visited_at__gte=since, visited_at__lt=until))
        per_plan = list(visits.annotate(at=Substr("plan__household__path", 1, width))
                        .values("plan_id", "at", "plan__branch_id")
                        .annotate(n=Count("pk"), first=Min("visited_at"), last=Max("visited_at")))
    else:
        plans = CarePlan.objects.none()
        turns = Turn.objects.none()
        visits = CareVisit.objects.none()
        per_plan = []

    branch_gaps: dict[int, list[float]] = defaultdict(list)
    branch_visits: dict[int, int] = defaultdict(int)
    for r in per_plan:
        row = rows.get(r["at"])
        if row is not None:
            row.visits += r["n"]
        branch_visits[r["plan__branch_id"]] += r["n"]
        if r["n"] >= 2:
            gap = (r["last"] - r["first"]).total_seconds() / 86400 / (r["n"] - 1)
            branch_gaps[r["plan__branch_id"]].append(gap)
            if row is not None:
                row.gap_days_sum += gap
                row.gap_plans += 1

    ordered = [rows[n.path] for n in nodes]
    total = Row(key="", name=_("Total"))
    for row in ordered:
        total.add(row)

    # by branch
    branch_rows: dict[int, Row] = {}
    if tops:
        for b in (CareBranch.objects.visible_to(user).filter(_under(tops, "area"))
                  .select_related("organization", "area").order_by("area__path", "pk")[:2000]):
            branch_rows[b.pk] = Row(key=str(b.pk), name=b.organization.name, kind=b.area.name)
    for r in plans.values("branch_id").annotate(n=Count("pk")):
        if r["branch_id"] in branch_rows:
            branch_rows[r["branch_id"]].plans = r["n"]
    for r in _turn_counts(turns.values("roster__branch_id")):
        row = branch_rows.get(r["roster__branch_id"])
        if row is not None:
            row.due, row.done, row.missed = r["n"], r["n_done"], r["n_missed"]
    for pk, row in branch_rows.items():
        row.visits = branch_visits.get(pk, 0)
        gaps = branch_gaps.get(pk, [])
        row.gap_days_sum, row.gap_plans = sum(gaps), len(gaps)

    # by person (carers with turns or visits in the period)
    carer_rows: dict[int, Row] = {}

    def carer_row(pk, name, kind, branch) -> Row:
        if pk not in carer_rows:
            carer_rows[pk] = Row(key=str(pk), name=name, kind=kind, branch=branch)
        return carer_rows[pk]

    for r in _turn_counts(turns.values("carer_id", "carer__name", "carer__kind",
                                       branch_name=F("carer__branch__organization__name"))):
        row = carer_row(r["carer_id"], r["carer__name"], r["carer__kind"], r["branch_name"])
        row.due, row.done, row.missed = r["n"], r["n_done"], r["n_missed"]
    for r in (visits.filter(carer__isnull=False)
              .values("carer_id", "carer__name", "carer__kind", branch_name=F("carer__branch__organization__name"))
              .annotate(n=Count("pk"))):
        carer_row(r["carer_id"], r["carer__name"], r["carer__kind"], r["branch_name"]).visits = r["n"]
    carers = sorted(carer_rows.values(), key=lambda r: (r.branch, r.name, int(r.key)))

    level_name = next((k for k, d in LEVELS.items() if d == depth), nodes[0].kind if nodes else "")
    scope_name = node.name if node is not None else "、".join(t.name for t in tops)
    return Figures(start=start, end=end, level=level_name, node=node, scope_name=scope_name, rows=ordered,
                   total=total, branches=list(branch_rows.values()), carers=carers)


def chooser_nodes(*, user) -> list[AreaNode]:
    """The streets, communities and grids the user may pick from (the page's node chooser)."""
    return list(AreaNode.objects.visible_to(user)
                .filter(kind__in=[AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID])
                .order_by("path")[:500])


# ---------------------------------------------------------------------------------------------
# the providers the dashboard and the assessment read


def dashboard_figures(*, user, node, start: dt.date, end: dt.date) -> list[dict]:
    """The figure provider the dashboard and the assessment read (`FigureProvider`, end exclusive):
    households in difficulty and those with a plan (and the share), active plans, turns due, done
    and missed, and the average days between visits under `node`, counting only what `user` may
    see. Nothing for who may not read care lists."""
    if not can(user, "care.view_list"):
        return []
    result = care_figures(user=user, node=node, start=start, end=end - dt.timedelta(days=1), level="")
    t = result.total
    url = _records_url("care:figures", node, start, end)
    return [{**figure, "url": url} for figure in [
        {"key": "care.households_tagged", "label": _("Households in difficulty"), "value": t.tagged},
        {"key": "care.households_covered", "label": _("Households in difficulty with a care plan"),
         "value": t.covered},
        {"key": "care.coverage", "label": _("Share of households in difficulty with a plan"),
         "value": round(t.coverage, 4) if t.coverage is not None else None},
        {"key": "care.plans", "label": _("Households with a care plan"), "value": t.plans},
        {"key": "care.turns_due", "label": _("Visits due"), "value": t.due},
        {"key": "care.turns_done", "label": _("Visits done"), "value": t.done},
        {"key": "care.turns_missed", "label": _("Missed turns"), "value": t.missed},
        {"key": "care.average_days", "label": _("Average days between visits"), "value": t.average_days},
    ]]


def _records_url(name: str, node, start: dt.date, end: dt.date) -> str:
    """The figures page of the node and period (the records behind a figure; end exclusive)."""
    params = {"start": start.isoformat(), "end": (end - dt.timedelta(days=1)).isoformat()}
    if node is not None:
        params["node_id"] = node.pk
    return f"{reverse(name)}?{urlencode(params)}"
