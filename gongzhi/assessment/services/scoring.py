"""The monthly computation of the grid workers' scores.

`month_compute` builds or refreshes, for every grid worker under a node, the open month
(`WorkerMonth`): it reads the events the other apps yield through the extension point
"assessment.score_events", gives each the points of the rule in force for its kind, the worker's
grid and its date (the most specific area wins, then the latest start), upserts one rule line per
event by its source (idempotent: a second run changes nothing; a line whose event is gone is
removed unless it was appealed), and totals the lines and the pay share in SQL. Closed months are
never recomputed: a rule change reaches only open months.

On PostgreSQL the lines are streamed with COPY into a temporary table and merged with one
INSERT … ON CONFLICT DO UPDATE (millions of lines in seconds); elsewhere with bulk upserts.

`month_close` computes a street's month once more and freezes it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case as When_
from django.db.models import Count, Q, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.models import AreaBinding
from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import audit, components, notifications
from gongzhi.core.actors import Actor, is_system
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.permissions import require, role_q

from ..models import (
    LineOrigin,
    MonthState,
    PayFormula,
    ScoreLine,
    ScoreRule,
    WorkerMonth,
    month_start,
    next_month,
)
from ..permissions import SCORED_ROLES

SCORE_EVENTS = "assessment.score_events"
SCORE_KINDS = "assessment.score_kinds"
BATCH = 5000

# The labels of the kinds the platform's apps yield today, kept here too so that the assessment's
# own catalogue translates them (the apps' labels win when installed; these name a kind whose app
# is not installed, e.g. on an old line).
KIND_LABELS = {
    "visit.door": gettext_lazy("Door visit"),
    "case.reported": gettext_lazy("Finding reported"),
    "case.claimed": gettext_lazy("Case claimed"),
    "case.resolved_on_time": gettext_lazy("Case resolved on time"),
    "case.overdue": gettext_lazy("Case overdue"),
    "verification.passed": gettext_lazy("Verification passed"),
    "verification.failed": gettext_lazy("Verification failed"),
    "complaint.justified": gettext_lazy("Justified complaint"),
    "care.turn_done": gettext_lazy("Care turn done"),
    "care.turn_missed": gettext_lazy("Care turn missed"),
    "meeting.attended": gettext_lazy("Meeting attended"),
    "inspection.problem": gettext_lazy("Problem confirmed in an inspector's spot check"),
}


# --- the kinds and sources the other apps declare ---------------------------------------------------


def kinds() -> dict[str, str]:
    """Every kind of event the installed apps yield, with its label."""
    labels: dict[str, str] = {kind: str(label) for kind, label in KIND_LABELS.items()}
    for fn in components.extensions(SCORE_KINDS):
        for kind, label in fn():
            labels[kind] = str(label)
    return labels


def kind_label(kind: str) -> str:
    return kinds().get(kind, kind)


def event_sources() -> list[Callable]:
    return components.extensions(SCORE_EVENTS)


def _link_resolvers() -> list[Callable]:
    """`score_links(sources) -> {source: url}` beside each app's `score_events` (optional)."""
    import importlib

    resolvers = []
    for fn in event_sources():
        resolver = getattr(importlib.import_module(fn.__module__), "score_links", None)
        if resolver is not None:
            resolvers.append(resolver)
    return resolvers


def links(sources: Iterable[str]) -> dict[str, str]:
    """The page of the record behind each source (where an app says)."""
    wanted = [s for s in sources if s]
    found: dict[str, str] = {}
    for resolver in _link_resolvers():
        found.update(resolver(wanted))
    return found


# --- months, workers, rules ----------------------------------------------------------------------------


def parse_month(value: str | dt.date | None, *, field_name: str = "month") -> dt.date:
    """"2026-11" (or a date) as the month's first day; refused beside the field otherwise."""
    if value is None or value == "":
        return month_start(timezone.localdate())
    if isinstance(value, dt.date):
        return month_start(value)
    try:
        year, month = str(value).strip()[:7].split("-")
        parsed = dt.date(int(year), int(month), 1)
    except (ValueError, TypeError):
        message = _("Give the month as YYYY-MM, e.g. 2026-11.")
        raise InvalidInput(message, fields={field_name: [message]}) from None
    if not 2000 <= parsed.year <= 2100:
        message = _("Give a month between 2000 and 2100.")
        raise InvalidInput(message, fields={field_name: [message]})
    return parsed


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the month in local time."""
    start = timezone.make_aware(dt.datetime.combine(month, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(next_month(month), dt.time.min))
    return start, end


def grid_workers(node: AreaNode | None = None) -> dict[int, tuple[int, str]]:
    """{user id: (grid id, grid path)} of the active grid workers bound to a grid under `node`
    (a worker bound to several grids counts in the first)."""
    bindings = AreaBinding.objects.filter(role_q(SCORED_ROLES, field="user__role"), user__is_active=True,
                                          node__kind=AreaKind.GRID)
    if node is not None:
        bindings = bindings.filter(node__path__startswith=node.path)
    workers: dict[int, tuple[int, str]] = {}
    for user_id, node_id, path in bindings.order_by("node__path", "pk").values_list("user_id", "node_id", "node__path"):
        workers.setdefault(user_id, (node_id, path))
    return workers


@dataclass
class RuleBook:
    """The rules in force during a month, resolved per kind, grid and day."""

    rules: dict[str, list[tuple[int, dt.date, dt.date | None, str, int, int]]]
    _cache: dict[tuple[str, str], list] = field(default_factory=dict)

    @classmethod
    def for_month(cls, month: dt.date) -> RuleBook:
        rows = (ScoreRule.objects.filter(valid_from__lt=next_month(month))
                .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=month))
                .values_list("pk", "kind", "valid_from", "valid_until", "area__path", "points"))
        rules: dict[str, list] = defaultdict(list)
        for pk, kind, valid_from, valid_until, path, points in rows:
            rules[kind].append((pk, valid_from, valid_until, path or "", points, len(path or "")))
        return cls(rules=dict(rules))

    def candidates(self, kind: str, grid_path: str) -> list:
        key = (kind, grid_path)
        found = self._cache.get(key)
        if found is None:
            found = [r for r in self.rules.get(kind, ()) if grid_path.startswith(r[3])]
            # The most specific area first, then the latest start, then the newest rule.
            found.sort(key=lambda r: (r[5], r[1], r[0]), reverse=True)
            self._cache[key] = found
        return found

    def rule_for(self, kind: str, grid_path: str, day: dt.date) -> tuple[int, int] | None:
        """(rule id, points) in force for the kind in the grid on the day, or None."""
        for pk, valid_from, valid_until, _path, points, _depth in self.candidates(kind, grid_path):
            if valid_from <= day and (valid_until is None or day <= valid_until):
                return pk, points
        return None


def formula_for(grid_path: str, month: dt.date, formulas: list[PayFormula] | None = None) -> PayFormula | None:
    """The pay formula in force for a grid in a month: valid on the month's first day, the most
    specific area first, then the latest start."""
    if formulas is None:
        formulas = list(PayFormula.objects.select_related("area"))
    fitting = [
        f for f in formulas
        if f.valid_from <= month and (f.valid_until is None or f.valid_until >= month)
        and (f.area is None or grid_path.startswith(f.area.path))
    ]
    if not fitting:
        return None
    return max(fitting, key=lambda f: (len(f.area.path) if f.area else 0, f.valid_from, f.pk))


# --- the computation -----------------------------------------------------------------------------------


@dataclass
class ComputeResult:
    month: dt.date
    workers: int = 0
    events: int = 0
    lines: int = 0
    removed: int = 0
    closed_skipped: int = 0
    seconds: float = 0.0


def _check_node(actor: Actor, node: AreaNode | None, action: str) -> None:
    if is_system(actor) or getattr(actor, "is_superuser", False):
        return
    if node is None:
        require(actor, action)
        # Staff compute their own area: without a node, a non-system actor must name one.
        message = _("Choose the area to compute.")
        raise InvalidInput(message, fields={"node": [message]})
    if not AreaNode.objects.visible_to(actor).filter(pk=node.pk).exists():
        raise NotFound()
    require(actor, action, node)


def _ensure_months(month: dt.date, workers: dict[int, tuple[int, str]]) -> dict[int, tuple[int, int, str]]:
    """{user id: (worker month id, grid id, grid path)} of the workers' OPEN months (created if missing;
    an open month follows the worker to a new grid)."""
    existing = {
        worker_id: (pk, state, area_id)
        for pk, worker_id, state, area_id in WorkerMonth.objects.filter(month=month, worker_id__in=list(workers))
        .values_list("pk", "worker_id", "state", "area_id")
    } if len(workers) <= 20000 else {}
    missing = [WorkerMonth(worker_id=w, month=month, area_id=grid) for w, (grid, _p) in workers.items() if w not in existing]
    for start in range(0, len(missing), BATCH):
        WorkerMonth.objects.bulk_create(missing[start:start + BATCH], ignore_conflicts=True)
    rows = WorkerMonth.objects.filter(month=month, worker_id__in=list(workers)).values_list("pk", "worker_id", "state", "area_id")
    open_months: dict[int, tuple[int, int, str]] = {}
    moved: list[WorkerMonth] = []
    for pk, worker_id, state, area_id in rows:
        if state != MonthState.OPEN:
            continue
        grid, path = workers[worker_id]
        open_months[worker_id] = (pk, grid, path)
        if area_id != grid:
            moved.append(WorkerMonth(pk=pk, area_id=grid))
    if moved:
        WorkerMonth.objects.bulk_update(moved, ["area"], batch_size=BATCH)
    return open_months


def _lines(month: dt.date, open_months: dict[int, tuple[int, int, str]], *, narrow: bool, result: ComputeResult
           ) -> Iterator[tuple]:
    """(worker month id, kind, rule id, points, source, summary, occurred_at) of every event of the
    month that a rule in force gives points to."""
    start, end = month_bounds(month)
    book = RuleBook.for_month(month)
    tz = timezone.get_current_timezone()
    user_ids = list(open_months) if narrow else None
    for source_fn in event_sources():
        for event in source_fn(start=start, end=end, user_ids=user_ids):
            kind, user_id, source, occurred_at = event[0], event[1], event[2], event[3]
            summary = event[4] if len(event) > 4 else ""
            result.events += 1
            target = open_months.get(user_id)
            if target is None:
                continue
            wm_id, _grid, path = target
            local = occurred_at.astimezone(tz)
            day = local.date()
            found = book.rule_for(kind, path, day)
            if found is None or found[1] == 0:
                continue
            yield wm_id, kind, found[0], found[1], source[:120], (summary or "")[:200], occurred_at


def _write_postgresql(rows: Iterator[tuple], open_ids: list[int]) -> tuple[int, int]:
    """COPY the lines into a temporary table, remove the open months' rule lines whose event is gone
    (unless appealed or corrected), and upsert the rest in one statement. (written, removed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE assessment_stage (worker_month_id integer, kind varchar(50), rule_id integer, "
            "points integer, source varchar(120), summary varchar(200), occurred_at timestamptz) ON COMMIT DROP"
        )
        written = 0
        # The events are read through server-side cursors of this same connection, which cannot run
        # while a COPY is open: copy chunk by chunk, between the reads.
        chunk: list[tuple] = []

        def copy_chunk() -> None:
            with cursor.cursor.copy(
                "COPY assessment_stage (worker_month_id, kind, rule_id, points, source, summary, occurred_at) "
                "FROM STDIN"
            ) as copy:
                for row in chunk:
                    copy.write_row(row)
            chunk.clear()

        for row in rows:
            chunk.append(row)
            written += 1
            if len(chunk) >= 50_000:
                copy_chunk()
        if chunk:
            copy_chunk()
        cursor.execute("CREATE INDEX ON assessment_stage (worker_month_id, source)")
        cursor.execute("ANALYZE assessment_stage")
        # The tables are ScoreLine's and Appeal's (assessment_scoreline, assessment_appeal).
        cursor.execute(
            "DELETE FROM assessment_scoreline l WHERE l.worker_month_id = ANY(%s) AND l.origin = %s "
            "AND NOT EXISTS (SELECT 1 FROM assessment_stage s WHERE s.worker_month_id = l.worker_month_id "
            "AND s.source = l.source) "
            "AND NOT EXISTS (SELECT 1 FROM assessment_appeal a WHERE a.line_id = l.id) "
            "AND NOT EXISTS (SELECT 1 FROM assessment_scoreline c WHERE c.corrects_id = l.id) "
            "AND NOT EXISTS (SELECT 1 FROM assessment_correction k WHERE k.corrects_id = l.id)",
            [open_ids, LineOrigin.RULE],
        )
        removed = cursor.rowcount
        cursor.execute(
            "INSERT INTO assessment_scoreline (worker_month_id, kind, rule_id, points, source, summary, occurred_at, "
            "origin, reason, created_at) "
            "SELECT DISTINCT ON (worker_month_id, source) worker_month_id, kind, rule_id, points, source, summary, "
            "occurred_at, %s, '', now() FROM assessment_stage ORDER BY worker_month_id, source "
            "ON CONFLICT ON CONSTRAINT assessment_scoreline_unique DO UPDATE SET kind = EXCLUDED.kind, "
            "rule_id = EXCLUDED.rule_id, points = EXCLUDED.points, summary = EXCLUDED.summary, "
            "occurred_at = EXCLUDED.occurred_at "
            "WHERE assessment_scoreline.origin = %s AND (assessment_scoreline.kind, assessment_scoreline.rule_id, "
            "assessment_scoreline.points, assessment_scoreline.summary, assessment_scoreline.occurred_at) "
            "IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.rule_id, EXCLUDED.points, EXCLUDED.summary, "
            "EXCLUDED.occurred_at)",
            [LineOrigin.RULE, LineOrigin.RULE],
        )
        cursor.execute("DROP TABLE assessment_stage")
    return written, removed


def _write_portable(rows: Iterator[tuple], open_ids: list[int]) -> tuple[int, int]:
    """Bulk upserts by source, then remove the rule lines whose event is gone."""
    seen: dict[int, set[str]] = defaultdict(set)
    written = 0
    batch: list[ScoreLine] = []
    now = timezone.now()

    def flush() -> None:
        if batch:
            ScoreLine.objects.bulk_create(
                batch, update_conflicts=True, unique_fields=["worker_month", "source"],
                update_fields=["kind", "rule", "points", "summary", "occurred_at"],
            )
            batch.clear()

    for wm_id, kind, rule_id, points, source, summary, occurred_at in rows:
        if source in seen[wm_id]:
            continue
        seen[wm_id].add(source)
        batch.append(ScoreLine(worker_month_id=wm_id, kind=kind, rule_id=rule_id, points=points, source=source,
                               summary=summary, occurred_at=occurred_at, origin=LineOrigin.RULE, created_at=now))
        written += 1
        if len(batch) >= BATCH:
            flush()
    flush()
    removed = 0
    for start in range(0, len(open_ids), 500):
        chunk = open_ids[start:start + 500]
        stale = [
            pk for pk, wm_id, source in ScoreLine.objects.filter(
                worker_month_id__in=chunk, origin=LineOrigin.RULE, appeals__isnull=True, corrections__isnull=True,
            ).values_list("pk", "worker_month_id", "source")
            if source not in seen.get(wm_id, ())
        ]
        if stale:
            removed += ScoreLine.objects.filter(pk__in=stale).delete()[0]
    return written, removed


def refresh_totals(month_ids: list[int], *, month: dt.date | None = None) -> None:
    """The months' totals from their lines (aggregated in SQL) and their pay from the formula."""
    if not month_ids:
        return
    now = timezone.now()
    formulas = list(PayFormula.objects.select_related("area"))
    totals: dict[int, tuple[int, int, int, int]] = {}
    for start in range(0, len(month_ids), 5000):
        chunk = month_ids[start:start + 5000]
        for row in (ScoreLine.objects.filter(worker_month_id__in=chunk).order_by().values("worker_month_id")
                    .annotate(total=Sum("points"),
                              earned=Sum(When_(When(points__gt=0, then="points"), default=0)),
                              deducted=Sum(When_(When(points__lt=0, then="points"), default=0)),
                              n=Count("pk"))):
            totals[row["worker_month_id"]] = (row["total"] or 0, row["earned"] or 0, -(row["deducted"] or 0), row["n"])
    months = list(WorkerMonth.objects.filter(pk__in=month_ids).select_related("area").only(
        "pk", "month", "area__path", "total", "earned", "deducted", "lines_count", "pay", "formula", "computed_at"))
    for wm in months:
        total, earned, deducted, count = totals.get(wm.pk, (0, 0, 0, 0))
        formula = formula_for(wm.area.path, wm.month, formulas)
        wm.total, wm.earned, wm.deducted, wm.lines_count = total, earned, deducted, count
        wm.pay = formula.pay_for(total) if formula else Decimal("0.00")
        wm.formula = formula
        wm.computed_at = now
    WorkerMonth.objects.bulk_update(months, ["total", "earned", "deducted", "lines_count", "pay", "formula", "computed_at"],
                                    batch_size=1000)


@transaction.atomic
def month_compute(*, actor: Actor, month: dt.date | str, node: AreaNode | None = None) -> ComputeResult:
    """Build or refresh the open months of every grid worker under `node` (everywhere: None)."""
    began = time.monotonic()
    month = parse_month(month)
    if month > month_start(timezone.localdate()):
        message = _("A month that has not begun cannot be computed.")
        raise InvalidInput(message, fields={"month": [message]})
    _check_node(actor, node, "assessment.compute")
    result = ComputeResult(month=month)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [20_000_000 + month.year * 100 + month.month])
    workers = grid_workers(node)
    open_months = _ensure_months(month, workers)
    result.workers = len(open_months)
    result.closed_skipped = len(workers) - len(open_months)
    open_ids = [wm_id for wm_id, _grid, _path in open_months.values()]
    if open_ids:
        narrow = node is not None and len(open_months) <= 20000
        rows = _lines(month, open_months, narrow=narrow, result=result)
        writer = _write_postgresql if connection.vendor == "postgresql" else _write_portable
        result.lines, result.removed = writer(rows, open_ids)
        refresh_totals(open_ids)
    result.seconds = round(time.monotonic() - began, 3)
    audit.record(actor=actor, action="assessment.month.compute", obj=node,
                 after={"month": month.isoformat(), "workers": result.workers, "lines": result.lines,
                        "removed": result.removed, "closed_skipped": result.closed_skipped})
    return result


@transaction.atomic
def month_close(*, actor: Actor, month: dt.date | str, node: AreaNode) -> int:
    """Compute a street's month once more and close it: from now on it is never recomputed (a rule
    change does not reach it; corrections and upheld appeals are new lines). Returns the months closed."""
    month = parse_month(month)
    if month >= month_start(timezone.localdate()):
        message = _("Only a month that has ended can be closed.")
        raise InvalidInput(message, fields={"month": [message]})
    _check_node(actor, node, "assessment.close_month")
    month_compute(actor=actor, month=month, node=node)
    now = timezone.now()
    months = WorkerMonth.objects.filter(month=month, state=MonthState.OPEN, area__path__startswith=node.path)
    workers = list(months.values_list("worker_id", flat=True))
    closed = months.update(state=MonthState.CLOSED, closed_at=now,
                           closed_by=actor if not is_system(actor) else None)
    audit.record(actor=actor, action="assessment.month.close", obj=node,
                 after={"month": month.isoformat(), "closed": closed})
    if workers:
        from django.contrib.auth import get_user_model
        from django.urls import reverse

        recipients = list(get_user_model().objects.filter(pk__in=workers))
        title = _("Your score for %(month)s is final") % {"month": month.strftime("%Y-%m")}
        url = reverse("assessment:my-score") + f"?month={month:%Y-%m}" if _has_page() else ""
        notifications.notify(recipients=recipients, title=title, url=url, kind="assessment.month_closed")
    return closed


def _has_page() -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("assessment:my-score")
    except NoReverseMatch:
        return False
    return True


def current_month_compute(*, actor: Actor) -> ComputeResult:
    """The periodic job: the current month, everywhere (open months only)."""
    return month_compute(actor=actor, month=month_start(timezone.localdate()))
