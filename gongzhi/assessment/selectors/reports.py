"""Reads behind the score pages and the reports, scoped to the user:

- `month_of`: the month asked for ("2026-11"), refused beside the field when it is not one;
- `worker_month_get` / `own_month`: a worker's month (one's own, or of one's area scope), with its
  lines grouped by kind (`line_groups`), each linked to the record that earned it (`source_urls`);
- `area_report`: the workers of an area (a community, street or district) in a month, with their
  totals, points earned and deducted, pay share and rank, and the sums per street and community;
  `report_workbook` writes it as .xlsx (one sheet per level, and the lines).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, QuerySet, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.areas.selectors import area_roots_for
from gongzhi.core import components, scope
from gongzhi.core.errors import InvalidInput, NotFound

from ..models import Appeal, AppealState, LineOrigin, MonthState, ScoreLine, ScoreRule, WorkerMonth

FIRST_YEAR, LAST_YEAR = 2000, 2100


def month_of(value=None) -> dt.date:
    """The first day of the month "YYYY-MM" (a date is taken as its month; empty: this month)."""
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = str(value or "").strip()
    if not text:
        return timezone.localdate().replace(day=1)
    message = _("Choose a month (YYYY-MM).")
    try:
        year, number = (int(x) for x in text[:7].split("-", 1))
        if len(text) > 10 or not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError
        return dt.date(year, number, 1)
    except ValueError:
        raise InvalidInput(message, fields={"month": [message]}) from None


def month_label(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def recent_months(count: int = 12, *, until: dt.date | None = None) -> list[dt.date]:
    """This month and the ones before it, newest first (the month picker)."""
    month = (until or timezone.localdate()).replace(day=1)
    found = []
    for _i in range(count):
        found.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return found


# --- kinds and sources ----------------------------------------------------------------------------------


def kind_labels() -> dict[str, str]:
    """The label of every kind of event: the apps' own words, else the rule's label."""
    labels: dict[str, str] = {}
    for kind, label in ScoreRule.objects.order_by("valid_from", "pk").values_list("kind", "label"):
        labels[kind] = label
    for provider in components.extensions("assessment.score_kinds"):
        for kind, label in provider():
            labels[kind] = str(label)
    labels.setdefault("correction", pgettext("score line", "Correction"))
    return labels


def _pk(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _url(name: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def source_urls(lines) -> dict[int, str]:
    """The page of the record behind each line (empty when there is none to show)."""
    by_prefix: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for line in lines:
        pk = _pk(line.source_id)
        if pk is not None:
            by_prefix[line.source_prefix].append((line.pk, pk))
    urls: dict[int, str] = {}
    from ..services.scoring import links

    found = links({line.source for line in lines})
    for line in lines:
        if found.get(line.source):
            urls[line.pk] = found[line.source]
    direct = {
        "cases.case": ("cases:detail", "pk"),
        "cases.verification": None,
        "assessment.appeal": ("assessment:appeal", "appeal_id"),
        "assessment.correction": ("assessment:correction", "correction_id"),
        "meetings.meeting": ("meetings:meeting", "meeting_id"),
        "inspections.finding": ("inspections:finding", "finding_id"),
        "inspections.check": ("inspections:check", "check_id"),
    }
    for prefix, pairs in by_prefix.items():
        if direct.get(prefix):
            name, kwarg = direct[prefix]
            for line_pk, pk in pairs:
                urls.setdefault(line_pk, _url(name, **{kwarg: pk}))
        elif prefix == "residents.visit" and apps.is_installed("gongzhi.residents"):
            visit = apps.get_model("residents", "Visit")
            households = dict(visit.objects.filter(pk__in=[p for _l, p in pairs]).values_list("pk", "household_id"))
            for line_pk, pk in pairs:
                if households.get(pk) and line_pk not in urls:
                    urls[line_pk] = _url("residents:household", pk=households[pk])
        elif prefix == "care.turn" and apps.is_installed("gongzhi.care"):
            turn = apps.get_model("care", "Turn")
            rosters = dict(turn.objects.filter(pk__in=[p for _l, p in pairs]).values_list("pk", "roster_id"))
            for line_pk, pk in pairs:
                if rosters.get(pk) and line_pk not in urls:
                    urls[line_pk] = _url("care:roster", roster_id=rosters[pk])
    return urls


@dataclass
class LineGroup:
    kind: str
    label: str
    points: int = 0
    count: int = 0
    lines: list = field(default_factory=list)


@dataclass
class MonthLines:
    """A month's kinds (count and points of each), and one page of its lines grouped by kind."""

    summary: list[LineGroup]
    groups: list[LineGroup]
    kind: str = ""
    page: int = 1
    pages: int = 1
    count: int = 0

    def __iter__(self):
        return iter(self.groups)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


PAGE_SIZE = 50


def line_groups(month: WorkerMonth, *, kind: str = "", page=1, page_size: int = PAGE_SIZE,
                labels: dict[str, str] | None = None) -> MonthLines:
    """The month's kinds (earned first, then deductions), and one page of its lines (of one kind if
    given) grouped by kind, each line with `source_url`, `appeal` (its latest appeal) and
    `appeal_refused` (why it cannot be appealed; "" when it can)."""
    from ..services.appeals import appealable

    labels = labels if labels is not None else kind_labels()
    lines = month.lines.all()
    summary = [LineGroup(row["kind"], labels.get(row["kind"], row["kind"]), row["points"] or 0, row["n"])
               for row in lines.order_by().values("kind").annotate(n=Count("pk"), points=Sum("points"))]
    summary.sort(key=lambda g: (g.points < 0, -abs(g.points), g.label))
    order = {g.kind: i for i, g in enumerate(summary)}
    kind = kind if kind in order else ""
    chosen = lines.filter(kind=kind) if kind else lines
    count = next((g.count for g in summary if g.kind == kind), 0) if kind else sum(g.count for g in summary)
    pages = max(1, -(-count // page_size))
    try:
        page = min(max(1, int(page)), pages)
    except (TypeError, ValueError):
        page = 1
    start = (page - 1) * page_size
    page_lines = list(chosen.select_related("approved_by").order_by("kind", "-occurred_at", "-pk")[start:start + page_size])
    urls = source_urls(page_lines)
    appeals: dict[int, list[Appeal]] = defaultdict(list)
    for appeal in Appeal.objects.filter(line__in=[line.pk for line in page_lines]).order_by("created_at", "pk"):
        appeals[appeal.line_id].append(appeal)
    groups: dict[str, LineGroup] = {}
    for line in page_lines:
        line.worker_month = month
        line.source_url = urls.get(line.pk, "")
        mine = appeals.get(line.pk, [])
        line.appeal = mine[-1] if mine else None
        line.appeal_refused = appealable(line, pending=any(a.state == AppealState.PENDING for a in mine),
                                         upheld=any(a.state == AppealState.UPHELD for a in mine))
        group = groups.setdefault(line.kind, LineGroup(line.kind, labels.get(line.kind, line.kind)))
        group.lines.append(line)
    for group in groups.values():
        found = next((g for g in summary if g.kind == group.kind), None)
        group.points, group.count = (found.points, found.count) if found else (0, 0)
    ordered = sorted(groups.values(), key=lambda g: order.get(g.kind, 99))
    return MonthLines(summary=summary, groups=ordered, kind=kind, page=page, pages=pages, count=count)


# --- months -------------------------------------------------------------------------------------------


MONTH_RELATED = ("worker", "area", "closed_by", "formula")


def own_month(*, user, month: dt.date) -> WorkerMonth | None:
    return WorkerMonth.objects.select_related(*MONTH_RELATED).filter(worker_id=user.pk, month=month).first()


def own_months(*, user) -> list[dt.date]:
    """The months the user has a score for, newest first, with this month."""
    found = set(WorkerMonth.objects.filter(worker_id=user.pk).values_list("month", flat=True)[:60])
    found |= set(recent_months(3))
    return sorted(found, reverse=True)


def worker_month_get(*, user, worker_id: int, month: dt.date) -> WorkerMonth:
    row = (WorkerMonth.objects.visible_to(user).select_related(*MONTH_RELATED)
           .filter(worker_id=worker_id, month=month).first())
    if row is None:
        raise NotFound()
    return row


def worker_month_by_id(*, user, pk) -> WorkerMonth:
    row = WorkerMonth.objects.visible_to(user).select_related(*MONTH_RELATED).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


# --- area report --------------------------------------------------------------------------------------------


@dataclass
class WorkerRow:
    month_id: int
    worker_id: int
    name: str
    grid: str
    community: str
    street: str
    total: int
    earned: int
    deducted: int
    pay: Decimal
    state: str
    lines: int
    rank: int = 0
    pending_appeals: int = 0


@dataclass
class UnitRow:
    node_id: int | None
    name: str
    workers: int = 0
    total: int = 0
    earned: int = 0
    deducted: int = 0
    pay: Decimal = Decimal("0.00")

    @property
    def average(self) -> float | None:
        return round(self.total / self.workers, 1) if self.workers else None

    def add(self, row: WorkerRow) -> None:
        self.workers += 1
        self.total += row.total
        self.earned += row.earned
        self.deducted += row.deducted
        self.pay += row.pay


@dataclass
class Report:
    month: dt.date
    node: AreaNode | None
    scope_name: str
    workers: list[WorkerRow]
    streets: list[UnitRow]
    communities: list[UnitRow]
    total: UnitRow
    open_count: int = 0
    closed_count: int = 0

    @property
    def all_closed(self) -> bool:
        return bool(self.workers) and self.open_count == 0

    def as_data(self) -> dict:
        def unit(u: UnitRow) -> dict:
            return {"node_id": u.node_id, "name": u.name, "workers": u.workers, "total": u.total, "earned": u.earned,
                    "deducted": u.deducted, "pay": str(u.pay), "average": u.average}

        return {
            "month": month_label(self.month), "node_id": self.node.pk if self.node else None, "scope": self.scope_name,
            "open": self.open_count, "closed": self.closed_count, "total": unit(self.total),
            "streets": [unit(u) for u in self.streets], "communities": [unit(u) for u in self.communities],
            "workers": [{"worker_month_id": r.month_id, "worker_id": r.worker_id, "name": r.name, "grid": r.grid,
                         "community": r.community, "street": r.street, "total": r.total, "earned": r.earned,
                         "deducted": r.deducted, "pay": str(r.pay), "rank": r.rank, "state": r.state,
                         "lines": r.lines, "pending_appeals": r.pending_appeals} for r in self.workers],
        }


def report_months(*, user, node: AreaNode | None, month: dt.date) -> QuerySet:
    rows = WorkerMonth.objects.visible_to(user).filter(month=month)
    if node is not None:
        rows = rows.filter(area__path__startswith=node.path)
    elif not getattr(user, "is_superuser", False) and scope.scope_paths(user) is not None:
        # no node chosen: the staff's own areas, never just their own month
        rows = rows.filter(scope.path_q(scope.scope_paths(user) or [], "area"))
    return rows


def rank(rows: list[WorkerRow]) -> None:
    """Competition ranking by total (1, 2, 2, 4), ties in name order."""
    rows.sort(key=lambda r: (-r.total, r.name, r.worker_id))
    previous, place = None, 0
    for index, row in enumerate(rows, start=1):
        if row.total != previous:
            place, previous = index, row.total
        row.rank = place


def area_report(*, user, node: AreaNode | None, month: dt.date) -> Report:
    months = list(report_months(user=user, node=node, month=month).select_related("worker", "area"))
    pending = dict(Appeal.objects.filter(state=AppealState.PENDING, line__worker_month__in=[m.pk for m in months])
                   .values_list("line__worker_month").annotate(n=Count("pk")).values_list("line__worker_month", "n"))
    step = AreaNode.steplen
    wanted = {m.area.path[: 2 * step] for m in months} | {m.area.path[: 3 * step] for m in months}
    names = {n.path: n for n in AreaNode.objects.filter(path__in=wanted)}
    workers, streets, communities = [], {}, {}
    for m in months:
        street = names.get(m.area.path[: 2 * step])
        community = names.get(m.area.path[: 3 * step])
        row = WorkerRow(m.pk, m.worker_id, str(m.worker), m.area.name,
                        community.name if community and community.kind == AreaKind.COMMUNITY else "",
                        street.name if street and street.kind == AreaKind.STREET else "",
                        m.total, m.earned, m.deducted, m.pay, m.state, m.lines_count, pending_appeals=pending.get(m.pk, 0))
        workers.append(row)
        if street is not None and street.kind == AreaKind.STREET:
            streets.setdefault(street.path, UnitRow(street.pk, street.name)).add(row)
        if community is not None and community.kind == AreaKind.COMMUNITY:
            communities.setdefault(community.path, UnitRow(community.pk, community.name)).add(row)
    rank(workers)
    total = UnitRow(node.pk if node else None, node.name if node else _("All my areas"))
    for row in workers:
        total.add(row)
    if node is not None:
        scope_name = node.name
    else:
        roots = area_roots_for(user=user)
        scope_name = "、".join(r.name for r in roots[:5]) or _("All my areas")
    return Report(
        month=month, node=node, scope_name=scope_name, workers=workers,
        streets=[streets[k] for k in sorted(streets)], communities=[communities[k] for k in sorted(communities)],
        total=total, open_count=sum(1 for w in workers if w.state == MonthState.OPEN),
        closed_count=sum(1 for w in workers if w.state == MonthState.CLOSED))


def report_lines(*, user, node: AreaNode | None, month: dt.date):
    """Every line of the report's months, for the export (streamed)."""
    return (ScoreLine.objects.filter(worker_month__in=report_months(user=user, node=node, month=month))
            .select_related("worker_month__worker", "worker_month__area", "approved_by")
            .order_by("worker_month__area__path", "worker_month__worker_id", "occurred_at", "pk"))


def chooser_nodes(*, user) -> list[AreaNode]:
    """The streets and communities (and the district) the user may report on."""
    kinds = (AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY)
    return list(AreaNode.objects.visible_to(user).filter(kind__in=kinds).order_by("path")[:300])


def grid_street(month: WorkerMonth) -> AreaNode | None:
    path = month.area.path[: 2 * AreaNode.steplen]
    return AreaNode.objects.filter(path=path, kind=AreaKind.STREET).first()


def origin_label(origin: str) -> str:
    return str(dict(LineOrigin.choices).get(origin, origin))
