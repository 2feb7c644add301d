"""Figures of the meetings app: per body, per level and per year, the counts seed 003 reports
("召开街道大工委联席会议43次，研究和解决辖区重大事项20余项"): meetings held against the periods due,
missed periods, attendance, matters studied, decisions made, done on time, done late, overdue.

Definitions (one place, read by the page, the API, the .xlsx export and the provider):

- **due**: the periods of a body's cadences (`BodyCadence`) whose last day falls in the span and
  before today (a period still running is not yet due), and that began after the body was set up;
  inactive bodies owe nothing.
- **held**: meetings in state HELD that started in the span (of any kind, extraordinary ones too);
  **covered**: due periods with a held meeting of that kind for that period (the meeting's
  `period_start`, or for a meeting planned by hand without one, the period its date falls in);
  **missed** = due − covered.
- **attendance**: present / expected voting attendees, summed over the held meetings
  (`Meeting.present_count` / `expected_count`, kept by `services.meetings.refresh_counts`).
- **matters studied**: agenda items of the held meetings, less a theme day's fixed contents.
- **decisions made**: decisions of the held meetings, less withdrawn ones; **done on time**: done
  on or before the deadline (local date); **done late**; **overdue**: still open past the deadline.

Set-based: six aggregate queries whatever the number of bodies (bodies, cadences, held meetings,
periods covered, agenda items, decisions), then sums in Python over at most one row per body
and period. Meetings without a body (a coordination meeting on a case) count at the level of
their area as their own row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, DateField, DateTimeField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.areas.selectors import area_node_get, area_roots_for
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.permissions import can, require

from .models import (
    CADENCE_MONTHS,
    AgendaItem,
    Body,
    BodyCadence,
    BodyKind,
    Decision,
    DecisionState,
    Meeting,
    MeetingState,
)

# Levels of the area tree a body sits at, top down; nodes below a grid count with the grid.
LEVELS = (AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID)
LEVEL_LABELS = {
    AreaKind.DISTRICT: gettext_lazy("District level"),
    AreaKind.STREET: gettext_lazy("Street level"),
    AreaKind.COMMUNITY: gettext_lazy("Community level"),
    AreaKind.GRID: gettext_lazy("Grid level"),
}
NO_BODY = "coordination"  # the row of meetings without a standing body
NO_BODY_LABEL = gettext_lazy("Meetings without a standing body (coordination on cases)")
FIRST_YEAR = 2000


@dataclass
class Counts:
    """The figures of one body, kind of body, level or area."""

    bodies: int = 0
    held: int = 0
    due: int = 0
    covered: int = 0
    expected: int = 0
    present: int = 0
    matters: int = 0
    decisions: int = 0
    done_on_time: int = 0
    done_late: int = 0
    overdue: int = 0
    open: int = 0

    def add(self, other: Counts) -> Counts:
        # Spelled out: this runs once per body and level, and a loop over fields() is slower.
        self.bodies += other.bodies
        self.held += other.held
        self.due += other.due
        self.covered += other.covered
        self.expected += other.expected
        self.present += other.present
        self.matters += other.matters
        self.decisions += other.decisions
        self.done_on_time += other.done_on_time
        self.done_late += other.done_late
        self.overdue += other.overdue
        self.open += other.open
        return self

    @property
    def missed(self) -> int:
        return max(0, self.due - self.covered)

    @property
    def attendance_rate(self) -> Decimal | None:
        return _rate(self.present, self.expected)

    @property
    def held_rate(self) -> Decimal | None:
        """Share of the due periods with a meeting held."""
        return _rate(self.covered, self.due)

    @property
    def on_time_rate(self) -> Decimal | None:
        """Share of the decisions made that were done on time."""
        return _rate(self.done_on_time, self.decisions)

    # As the page shows them ("87.5%", "—" without anything to count).
    @property
    def attendance_text(self) -> str:
        return percent(self.attendance_rate)

    @property
    def held_text(self) -> str:
        return percent(self.held_rate)

    @property
    def on_time_text(self) -> str:
        return percent(self.on_time_rate)

    def as_dict(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data.update(missed=self.missed, attendance_rate=self.attendance_rate, held_rate=self.held_rate,
                    on_time_rate=self.on_time_rate)
        return data


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass
class BodyRow:
    id: int | None
    name: str
    kind: str
    kind_label: str
    level: str
    area_id: int
    area_name: str
    area_path: str
    counts: Counts = field(default_factory=Counts)


@dataclass
class KindRow:
    kind: str
    label: str
    counts: Counts = field(default_factory=Counts)


@dataclass
class LevelTable:
    level: str
    label: str
    kinds: list[KindRow]
    total: Counts


@dataclass
class Figures:
    node: AreaNode
    start: dt.date  # first day counted
    end: dt.date  # first day after the span
    today: dt.date
    total: Counts
    levels: list[LevelTable]
    bodies: list[BodyRow]
    children: list[tuple[AreaNode, Counts]]

    @property
    def year(self) -> int:
        return self.start.year

    def bodies_at(self, level: str, kind: str | None = None) -> list[BodyRow]:
        return [b for b in self.bodies if b.level == level and (kind is None or b.kind == kind)]


# ---------------------------------------------------------------------------------------------
# Spans and periods


def year_span(year) -> tuple[dt.date, dt.date]:
    """The calendar year as [1 January, next 1 January); a year that is not a number, or outside
    2000 … next year, is refused on the field `year`."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    last = timezone.localdate().year + 1
    if not FIRST_YEAR <= year <= last:
        message = _("Choose a year between %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": last}
        raise InvalidInput(message, fields={"year": [message]})
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def _local_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _period_starts(months: int, start: dt.date, end: dt.date, today: dt.date) -> list[dt.date]:
    """First days of the periods of `months` months (aligned on 1 January) whose last day falls in
    [start, end) and before today."""
    found = []
    year, month = start.year, 1
    while True:
        first = dt.date(year, month, 1)
        nxt_month = month + months
        nxt = dt.date(year + 1, 1, 1) if nxt_month > 12 else dt.date(year, nxt_month, 1)
        last = nxt - dt.timedelta(days=1)
        if last >= end or last >= today:
            break
        if last >= start:
            found.append(first)
        year, month = nxt.year, nxt.month
    return found


# ---------------------------------------------------------------------------------------------
# The figures


def figures(*, user, node: AreaNode, start, end, today: dt.date | None = None) -> Figures:
    """The figures of the bodies and meetings in `node`'s subtree over [start, end) (dates or
    aware datetimes), as `user` may see them: the node must be in the user's scope (else
    NotFound) and the user may read figures (else Forbidden)."""
    node = area_node_get(user=user, pk=node.pk)
    require(user, "meetings.view_figures", node)
    start, end = _local_date(start), _local_date(end)
    today = today or timezone.localdate()
    since, until = _aware(start), _aware(end)
    path = node.path

    # 1. The bodies of the subtree, with their area.
    bodies: dict[int, BodyRow] = {}
    created: dict[int, dt.date] = {}
    active: set[int] = set()
    kind_labels = {k: str(v) for k, v in BodyKind.choices}
    for row in (
        Body.objects.visible_to(user).filter(area__path__startswith=path)
        .values_list("id", "name", "kind", "area_id", "area__name", "area__path", "area__kind", "created_at",
                     "is_active")
    ):
        pk, name, kind, area_id, area_name, area_path, area_kind, created_at, is_active = row
        bodies[pk] = BodyRow(pk, name, kind, kind_labels.get(kind, kind), _level(area_kind), area_id, area_name,
                             area_path, Counts(bodies=1))
        created[pk] = timezone.localdate(created_at)
        if is_active:
            active.add(pk)

    # 2. What each body owes: its cadences' periods ending in the span, each named by its first
    # month as an integer (202503: March 2025; integers load faster than dates).
    owed: dict[tuple[int, str], tuple[int, frozenset[int]]] = {}
    starts_cache: dict[int, tuple[list[dt.date], frozenset[int]]] = {}
    for body_id, kind, cadence in BodyCadence.objects.filter(
        body__area__path__startswith=path, body__is_active=True
    ).values_list("body_id", "kind", "cadence"):
        months = CADENCE_MONTHS.get(cadence)
        if not months or body_id not in active:
            continue
        if months not in starts_cache:
            firsts = _period_starts(months, start, end, today)
            starts_cache[months] = (firsts, frozenset(p.year * 100 + p.month for p in firsts))
        firsts, periods = starts_cache[months]
        setup = created[body_id]
        if firsts and setup > firsts[0]:
            periods = frozenset(p.year * 100 + p.month for p in firsts if p >= setup)
        owed[(body_id, kind)] = (months, periods)
        bodies[body_id].counts.due += len(periods)

    # 3. Held meetings in the span, with their attendance.
    held = Meeting.objects.visible_to(user).filter(
        area__path__startswith=path, state=MeetingState.HELD, starts_at__gte=since, starts_at__lt=until
    )
    loose: dict[str, BodyRow] = {}  # meetings without a body, by area path

    def row_for(body_id, area_path, area_kind, area_id=0, area_name="") -> BodyRow:
        if body_id is not None:
            return bodies[body_id]
        if area_path not in loose:
            loose[area_path] = BodyRow(None, str(NO_BODY_LABEL), NO_BODY, str(NO_BODY_LABEL), _level(area_kind),
                                       area_id, area_name, area_path)
        return loose[area_path]

    for body_id, area_id, area_path, area_kind, area_name, n, expected, present in (
        held.values("body_id", "area_id", "area__path", "area__kind", "area__name")
        .annotate(n=Count("id"), expected=Sum("expected_count"), present=Sum("present_count"))
        .values_list("body_id", "area_id", "area__path", "area__kind", "area__name", "n", "expected", "present")
    ):
        if body_id is not None and body_id not in bodies:
            continue
        counts = row_for(body_id, area_path, area_kind, area_id, area_name).counts
        counts.held += n
        counts.expected += expected or 0
        counts.present += present or 0

    # 4. The due periods a held meeting covers (its period, or the month it was held in).
    month = Coalesce("period_start", TruncMonth("starts_at", output_field=DateField()))
    covered: set[tuple[int, str, int]] = set()
    for body_id, kind, key in (
        Meeting.objects.visible_to(user)
        .filter(body__isnull=False, area__path__startswith=path, state=MeetingState.HELD)
        .filter(Q(period_end__gte=start, period_end__lt=end)
                | Q(period_start__isnull=True, starts_at__gte=since, starts_at__lt=until))
        .annotate(key=ExtractYear(month) * 100 + ExtractMonth(month))
        .order_by().values_list("body_id", "kind", "key").distinct()
    ):
        found = owed.get((body_id, kind))
        if found is None:
            continue
        months, periods = found
        if key not in periods:  # a meeting planned by hand: the period its month falls in
            year, month_number = divmod(key, 100)
            key = year * 100 + (month_number - 1) // months * months + 1
            if key not in periods:
                continue
        covered.add((body_id, kind, key))
    for body_id, _kind, _key in covered:
        bodies[body_id].counts.covered += 1

    # Agenda items and decisions are read through their held meeting (a join, not an IN list: the
    # planner hashes it): the node's subtree lies inside the user's scope (checked above), and the
    # meeting's area is that of its row in step 3.
    loose_by_area = {r.area_id: r for r in loose.values()}
    of_held = {"meeting__state": MeetingState.HELD, "meeting__starts_at__gte": since,
               "meeting__starts_at__lt": until, "meeting__area__path__startswith": path}

    # 5. Matters studied: agenda items of the held meetings (a theme day's fixed contents aside).
    for body_id, area_id, n in (
        AgendaItem.objects.filter(is_fixed_content=False, **of_held)
        .values("meeting__body_id", "meeting__area_id").annotate(n=Count("id"))
        .values_list("meeting__body_id", "meeting__area_id", "n")
    ):
        row = bodies.get(body_id) if body_id is not None else loose_by_area.get(area_id)
        if row is not None:
            row.counts.matters += n

    # 6. Decisions of the held meetings, and how they stand today (done on time: on or before the
    # deadline, local date; late = done − on time: one time-zone conversion a row, not two).
    for body_id, area_id, made, done, on_time, overdue, still_open in (
        Decision.objects.filter(**of_held).exclude(state=DecisionState.CANCELLED)
        .values("meeting__body_id", "meeting__area_id")
        .annotate(
            made=Count("id"),
            done=Count("id", filter=Q(state=DecisionState.DONE)),
            on_time=Count("id", filter=Q(state=DecisionState.DONE) & _done_by_deadline(start, end)),
            overdue=Count("id", filter=Q(state=DecisionState.OPEN, deadline__lt=today)),
            still_open=Count("id", filter=Q(state=DecisionState.OPEN, deadline__gte=today)),
        )
        .values_list("meeting__body_id", "meeting__area_id", "made", "done", "on_time", "overdue", "still_open")
    ):
        row = bodies.get(body_id) if body_id is not None else loose_by_area.get(area_id)
        if row is None:
            continue
        counts = row.counts
        counts.decisions += made
        counts.done_on_time += on_time
        counts.done_late += done - on_time
        counts.overdue += overdue
        counts.open += still_open

    rows = sorted(bodies.values(), key=lambda b: (b.area_path, b.kind, b.name)) + sorted(
        loose.values(), key=lambda b: b.area_path
    )
    return Figures(node=node, start=start, end=end, today=today, total=_sum(r.counts for r in rows),
                   levels=_levels(rows), bodies=rows, children=_children(user, node, rows))


def _done_by_deadline(start: dt.date, end: dt.date) -> Q:
    """Done on or before the deadline's local day. On PostgreSQL with a time zone of one offset over
    the span (Asia/Shanghai has had no summer time since 1991): before the local midnight ending the
    deadline, as UTC (the connection's zone), which spares a time-zone conversion per row."""
    tz = timezone.get_current_timezone()
    days = [dt.datetime(year, month, 1, 12) for year in range(start.year - 1, end.year + 1) for month in (1, 4, 7, 10)]
    offsets = {tz.utcoffset(day) for day in days}
    if connection.vendor != "postgresql" or len(offsets) != 1:
        return Q(done_at__date__lte=F("deadline"))
    (offset,) = offsets
    return Q(done_at__lt=ExpressionWrapper(F("deadline") + (dt.timedelta(days=1) - offset), output_field=DateTimeField()))


def _level(area_kind: str) -> str:
    return area_kind if area_kind in LEVELS else AreaKind.GRID


def _sum(items) -> Counts:
    total = Counts()
    for c in items:
        total.add(c)
    return total


def _levels(rows: list[BodyRow]) -> list[LevelTable]:
    """One table per level present, a row per kind of body (in the order of BodyKind)."""
    labels = LEVEL_LABELS
    order = {k: i for i, k in enumerate([*BodyKind.values, NO_BODY])}
    tables = []
    for level in LEVELS:
        kinds: dict[str, KindRow] = {}
        for r in rows:
            if r.level != level:
                continue
            kinds.setdefault(r.kind, KindRow(r.kind, r.kind_label)).counts.add(r.counts)
        if kinds:
            ordered = sorted(kinds.values(), key=lambda k: order.get(k.kind, 99))
            tables.append(LevelTable(level, str(labels[level]), ordered, _sum(k.counts for k in ordered)))
    return tables


def _children(user, node: AreaNode, rows: list[BodyRow]) -> list[tuple[AreaNode, Counts]]:
    """The node's children (district → streets → communities → grids) with the figures of their
    subtrees, for drilling down; only children holding a body or a meeting."""
    children = [c for c in AreaNode.objects.get_children(node).visible_to(user).order_by("code")
                if c.kind in LEVELS]
    if not children:
        return []
    width = len(node.path) + AreaNode.steplen
    by_path = {c.path: Counts() for c in children}
    for r in rows:
        target = by_path.get(r.area_path[:width])
        if target is not None:
            target.add(r.counts)
    return [(c, by_path[c.path]) for c in children if by_path[c.path].bodies or by_path[c.path].held]


# ---------------------------------------------------------------------------------------------
# The provider (FigureProvider "meetings.summary") and plain data for the API


SUMMARY_LABELS = {
    "held": gettext_lazy("Meetings held"),
    "due": gettext_lazy("Meetings due"),
    "missed": gettext_lazy("Periods missed"),
    "attendance_rate": gettext_lazy("Attendance rate"),
    "matters": gettext_lazy("Matters studied"),
    "decisions": gettext_lazy("Decisions made"),
    "done_on_time": gettext_lazy("Done on time"),
    "done_late": gettext_lazy("Done late"),
    "overdue": gettext_lazy("Overdue"),
}


def summary(*, user, node=None, start=None, end=None) -> list[dict]:
    """The totals of the user's scope (or of `node`) over [start, end) (default: this year so
    far), as `{"key", "label", "value"}` (rates as a share 0–1 or None)."""
    if not can(user, "meetings.view_figures"):
        return []
    today = timezone.localdate()
    start = _local_date(start) if start else dt.date(today.year, 1, 1)
    end = _local_date(end) if end else today + dt.timedelta(days=1)
    nodes = [node] if node is not None else area_roots_for(user=user)
    total = Counts()
    for n in nodes:
        try:
            total.add(figures(user=user, node=n, start=start, end=end, today=today).total)
        except NotFound:
            if node is not None:
                raise
    data = total.as_dict()
    params = {"year": start.year, **({"node_id": node.pk} if node is not None else {})}
    url = f"{reverse('meetings:figures')}?{urlencode(params)}"
    return [{"key": key, "label": str(label), "value": data[key], "url": url} for key, label in SUMMARY_LABELS.items()]


def as_data(result: Figures) -> dict:
    """The figures as JSON-ready data (rates as floats, shares 0–1)."""

    def share(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    def counts(c: Counts) -> dict:
        return {"bodies": c.bodies, "held": c.held, "due": c.due, "covered": c.covered, "missed": c.missed,
                "expected": c.expected, "present": c.present, "matters": c.matters, "decisions": c.decisions,
                "done_on_time": c.done_on_time, "done_late": c.done_late, "overdue": c.overdue, "open": c.open,
                "attendance_rate": share(c.present, c.expected), "held_rate": share(c.covered, c.due),
                "on_time_rate": share(c.done_on_time, c.decisions)}

    def body(b: BodyRow) -> dict:
        return {"id": b.id, "name": b.name, "kind": b.kind, "kind_label": b.kind_label, "level": b.level,
                "area_id": b.area_id or None, "area_name": b.area_name, **counts(b.counts)}

    return {
        "node": {"id": result.node.pk, "name": result.node.name, "kind": result.node.kind},
        "year": result.year,
        "start": result.start.isoformat(),
        "end": (result.end - dt.timedelta(days=1)).isoformat(),
        "as_of": result.today.isoformat(),
        "total": counts(result.total),
        "levels": [
            {"level": t.level, "label": t.label, "total": counts(t.total),
             "kinds": [{"kind": k.kind, "label": k.label, **counts(k.counts)} for k in t.kinds]}
            for t in result.levels
        ],
        "children": [{"id": c.pk, "name": c.name, "kind": c.kind, **counts(n)} for c, n in result.children],
        "bodies": [body(b) for b in result.bodies],
    }


# ---------------------------------------------------------------------------------------------
# The .xlsx workbook (the export service audits it)

# The columns of every table: (key in Counts.as_dict(), label, is a rate).
COLUMNS = [
    ("bodies", gettext_lazy("Number of bodies"), False),
    ("due", gettext_lazy("Meetings due"), False),
    ("held", gettext_lazy("Meetings held"), False),
    ("missed", gettext_lazy("Periods missed"), False),
    ("held_rate", gettext_lazy("Periods kept"), True),
    ("attendance_rate", gettext_lazy("Attendance rate"), True),
    ("matters", gettext_lazy("Matters studied"), False),
    ("decisions", gettext_lazy("Decisions made"), False),
    ("done_on_time", gettext_lazy("Done on time"), False),
    ("done_late", gettext_lazy("Done late"), False),
    ("overdue", gettext_lazy("Overdue"), False),
    ("open", gettext_lazy("In progress"), False),
    ("on_time_rate", gettext_lazy("On-time rate"), True),
]
PERCENT = "0.0%"


def title_of(result: Figures) -> str:
    last = result.end - dt.timedelta(days=1)
    counted_to = min(last, result.today - dt.timedelta(days=1))
    return _("Meeting figures · %(area)s · %(year)d (periods ended by %(day)s)") % {
        "area": result.node.name, "year": result.year, "day": counted_to.isoformat()}


def workbook(result: Figures) -> bytes:
    """Two sheets written by the platform's one .xlsx writer (`core.xlsx`): by level and kind of
    body, and by body; the title row, the scope and the period, a bold frozen header, totals in
    bold, rates as percentages."""
    from gongzhi.core.xlsx import INTEGER, Book, Column, Total

    figure_columns = [Column(str(label), 11, PERCENT if is_rate else INTEGER) for _key, label, is_rate in COLUMNS]

    def figures_of(counts: Counts) -> list:
        data = counts.as_dict()
        return [float(data[key]) if is_rate and data[key] is not None else data[key] for key, _l, is_rate in COLUMNS]

    level_rows: list = []
    for table in result.levels:
        for k in table.kinds:
            level_rows.append([table.label, k.label, *figures_of(k.counts)])
        level_rows.append(Total([table.label, _("Total"), *figures_of(table.total)]))
    level_rows.append(Total([_("All levels"), _("Total"), *figures_of(result.total)]))
    body_rows = (
        [str(LEVEL_LABELS.get(b.level, b.level)), b.area_name, b.name, b.kind_label, *figures_of(b.counts)]
        for b in result.bodies
    )
    title, scope = title_of(result), result.node.name
    period = f"{result.start.isoformat()} — {(result.end - dt.timedelta(days=1)).isoformat()}"
    book = Book()
    book.table(_("By level"), title=title, scope=scope, period=period,
               columns=[Column(_("Level"), 12), Column(_("Kind of body"), 30), *figure_columns], rows=level_rows)
    book.table(_("By body"), title=title, scope=scope, period=period,
               columns=[Column(_("Level"), 12), Column(_("Area"), 16), Column(_("Body"), 34),
                        Column(_("Kind of body"), 24), *figure_columns], rows=body_rows)
    return book.to_bytes()
