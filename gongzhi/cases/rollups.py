"""Daily roll-ups of the case figures (`CaseDayFigures`): what a case adds to the counts of the day
it was filed, at its grid, matter, channel and kind, kept incrementally.

Every save of a case goes through `Case.save`, which hands the case's contribution before and after
the write to `apply`: the difference is added to the day's row in one upsert, inside the write's
transaction (so a rolled-back transition leaves the roll-up as it was). The SLA sweep, the services
and the admin all save cases that way. Bulk writes that bypass `save` (loaders, the benchmark
generator, the demo's back-dating) end with `rebuild()`. `check()` compares the stored rows with a
full recount; `gongzhi rollups --check / --rebuild` runs them.

The figures read off the roll-ups (`totals`, `by_month`, `by_child`, `by_dimension`) are the same
numbers `cases.selectors.figures` counts from the cases themselves, so a page may take either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone

from gongzhi.areas.models import AreaNode
from gongzhi.cases.models import (
    ROLLUP_COUNTERS,
    Case,
    CaseDayFigures,
    CaseMonthFigures,
    Level,
    Rating,
    RatingSource,
    State,
)
from gongzhi.core import audit
from gongzhi.core.actors import Actor

COUNTERS = ROLLUP_COUNTERS
KEY = ("day", "node_path", "category_id", "theme", "channel", "kind")
# The case fields a contribution is made of: a save that changes none of them changes no roll-up.
FIELDS = ("created_at", "location_path", "category_id", "theme", "channel", "kind", "state", "master_id",
          "responded_at", "response_due", "rating", "rating_source", "rating_solved", "resolved_level")
GRID_DEPTH = 4
CLOSED_AT_LEVEL = {level: f"closed_{level}" for level in Level.values}


def node_path_of(location_path: str) -> str:
    """The grid a case is counted at (or the shorter path of a case located above any grid)."""
    return location_path[: GRID_DEPTH * AreaNode.steplen]


def snapshot(case: Case) -> dict | None:
    """The fields a contribution is made of, as the case holds them (None if some were deferred)."""
    deferred = case.get_deferred_fields()
    names = {"category_id": "category", "master_id": "master"}
    if any(names.get(f, f) in deferred or f in deferred for f in FIELDS):
        return None
    return {f: getattr(case, f) for f in FIELDS}


def contribution(values: dict | None) -> tuple[tuple, dict[str, int]] | None:
    """(key, counters) a case with these field values adds to its day's row; None for no row."""
    if values is None or values.get("created_at") is None:
        return None
    state = values["state"]
    key = (
        timezone.localdate(values["created_at"]),
        node_path_of(values["location_path"]),
        values["category_id"],
        values["theme"],
        values["channel"],
        values["kind"],
    )
    counts = dict.fromkeys(COUNTERS, 0)
    if state == State.REJECTED:
        counts["rejected"] = 1
        return key, counts
    counts["filed"] = 1
    master = values["master_id"] is None and state != State.MERGED
    if master:
        counts["cases"] = 1
        responded_at = values["responded_at"]
        if responded_at is not None:
            counts["responded"] = 1
            if responded_at <= values["response_due"]:
                counts["responded_in_time"] = 1
        if state == State.CLOSED:
            counts["closed"] = 1
            column = CLOSED_AT_LEVEL.get(values["resolved_level"])
            if column:
                counts[column] = 1
    rating = values["rating"]
    if rating:
        counts["rated"] = 1
        if values["rating_source"] == RatingSource.CALLBACK:
            counts["rated_by_callback"] = 1
        if values["rating_solved"]:
            counts["solved"] = 1
        if rating in (Rating.SATISFIED, Rating.BASIC, Rating.UNSATISFIED):
            counts[rating] = 1
    return key, counts


def apply(before: dict | None, after: dict | None) -> None:
    """Add `after`'s contribution and take away `before`'s (the field values of one case before and
    after a write), in at most two upserts."""
    old, new = contribution(before), contribution(after)
    if old == new:
        return
    deltas: dict[tuple, dict[str, int]] = {}
    for entry, sign in ((old, -1), (new, 1)):
        if entry is None:
            continue
        key, counts = entry
        row = deltas.setdefault(key, dict.fromkeys(COUNTERS, 0))
        for name, value in counts.items():
            row[name] += sign * value
    months: dict[tuple, dict[str, int]] = {}
    for key, counts in deltas.items():
        if any(counts.values()):
            _upsert(CaseDayFigures, DAY_COLUMNS, key, counts)
            month = months.setdefault((key[0].replace(day=1), key[1]), dict.fromkeys(COUNTERS, 0))
            for name, value in counts.items():
                month[name] += value
    for key, counts in months.items():
        if any(counts.values()):
            _upsert(CaseMonthFigures, MONTH_COLUMNS, key, counts)


DAY_COLUMNS = ["day", "node_path", "category_id", "theme", "channel", "kind"]
MONTH_COLUMNS = ["month", "node_path"]


def _upsert(model, key_columns: list[str], key: tuple, counts: dict[str, int]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    q = connection.ops.quote_name
    columns = key_columns + list(COUNTERS)
    updates = ", ".join(f"{q(c)} = {table}.{q(c)} + excluded.{q(c)}" for c in COUNTERS)
    # Table and column names come from the model, values are parameters.
    insert = f"INSERT INTO {table} ({', '.join(q(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    sql = f"{insert} ON CONFLICT ({', '.join(q(c) for c in key_columns)}) DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*key, *(counts[c] for c in COUNTERS)])


# ---------------------------------------------------------------------------------------------
# Full recount


def _recounted_rows(since: dt.date | None = None):
    """The roll-up rows a full count of the cases gives (filed on or after `since`), one by one."""
    master = Q(master=None) & ~Q(state=State.MERGED) & ~Q(state=State.REJECTED)
    live = ~Q(state=State.REJECTED)
    rated = live & ~Q(rating="")
    closed = master & Q(state=State.CLOSED)
    aggregates = {
        "filed": Count("pk", filter=live),
        "cases": Count("pk", filter=master),
        "responded": Count("pk", filter=master & Q(responded_at__isnull=False)),
        "responded_in_time": Count("pk", filter=master & Q(responded_at__lte=F("response_due"))),
        "rated": Count("pk", filter=rated),
        "rated_by_callback": Count("pk", filter=rated & Q(rating_source=RatingSource.CALLBACK)),
        "solved": Count("pk", filter=rated & Q(rating_solved=True)),
        "satisfied": Count("pk", filter=live & Q(rating=Rating.SATISFIED)),
        "basic": Count("pk", filter=live & Q(rating=Rating.BASIC)),
        "unsatisfied": Count("pk", filter=live & Q(rating=Rating.UNSATISFIED)),
        "closed": Count("pk", filter=closed),
        **{column: Count("pk", filter=closed & Q(resolved_level=level)) for level, column in CLOSED_AT_LEVEL.items()},
        "rejected": Count("pk", filter=Q(state=State.REJECTED)),
    }
    qs = Case.objects.all()
    if since is not None:
        qs = qs.filter(created_at__gte=_day_start(since))
    rows = (
        qs.annotate(day=TruncDate("created_at"), node=Substr("location_path", 1, GRID_DEPTH * AreaNode.steplen))
        .values("day", "node", "category_id", "theme", "channel", "kind")
        .annotate(**aggregates)
        .order_by()
    )
    for r in rows.iterator(chunk_size=5000):
        yield (r["day"], r["node"], r["category_id"], r["theme"], r["channel"], r["kind"]), {c: r[c] for c in COUNTERS}


def _recount(since: dt.date | None = None) -> dict[tuple, dict[str, int]]:
    return dict(_recounted_rows(since))


def _months_of(days: dict[tuple, dict[str, int]]) -> dict[tuple, dict[str, int]]:
    months: dict[tuple, dict[str, int]] = {}
    for key, counts in days.items():
        month = months.setdefault((key[0].replace(day=1), key[1]), dict.fromkeys(COUNTERS, 0))
        for name, value in counts.items():
            month[name] += value
    return months


def _stored(model, key: tuple[str, ...], since: dt.date | None) -> dict[tuple, dict[str, int]]:
    qs = model.objects.all()
    if since is not None:
        qs = qs.filter(**{f"{key[0]}__gte": since})
    return {
        tuple(r[k] for k in key): {c: r[c] for c in COUNTERS}
        for r in qs.values(*key, *COUNTERS).iterator(chunk_size=5000)
    }


def _month_start(since: dt.date | None) -> dt.date | None:
    return since.replace(day=1) if since is not None else None


def check(*, since: dt.date | None = None) -> list[dict]:
    """Where the stored roll-ups (daily and monthly) differ from a full recount: one entry per key,
    with both counts. Rows whose counters are all zero equal a missing row. With `since`, the
    months are compared from the first of that month on."""
    since_month = _month_start(since)
    counted_days = _recount(since_month)
    grains = [
        ("day", KEY, CaseDayFigures, {k: v for k, v in counted_days.items() if since is None or k[0] >= since}),
        ("month", ("month", "node_path"), CaseMonthFigures, _months_of(counted_days)),
    ]
    zero = dict.fromkeys(COUNTERS, 0)
    differences = []
    for grain, key_names, model, counted in grains:
        stored = _stored(model, key_names, since if grain == "day" else since_month)
        for key in sorted(set(counted) | set(stored), key=str):
            expected, kept = counted.get(key, zero), stored.get(key, zero)
            if expected != kept:
                differences.append({"grain": grain, "key": dict(zip(key_names, key, strict=True)),
                                    "counted": expected, "stored": kept})
    return differences


@transaction.atomic
def rebuild(*, actor: Actor, since: dt.date | None = None) -> int:
    """Replace the roll-ups (from the first of `since`'s month on, or all) by a full recount;
    returns the daily rows written. Audited as one event (`cases.rollups_rebuilt`)."""
    since = _month_start(since)
    before = 0
    for model, field in ((CaseDayFigures, "day"), (CaseMonthFigures, "month")):
        qs = model.objects.all()
        if since is not None:
            qs = qs.filter(**{f"{field}__gte": since})
        before += qs.count() if model is CaseDayFigures else 0
        qs.delete()
    # Streamed: a district of millions of cases is written in batches, never held in memory.
    written, batch, months = 0, [], {}
    for key, counts in _recounted_rows(since):
        batch.append(CaseDayFigures(**dict(zip(KEY, key, strict=True)), **counts))
        month = months.setdefault((key[0].replace(day=1), key[1]), dict.fromkeys(COUNTERS, 0))
        for name, value in counts.items():
            month[name] += value
        if len(batch) >= 5000:
            CaseDayFigures.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    CaseDayFigures.objects.bulk_create(batch)
    written += len(batch)
    CaseMonthFigures.objects.bulk_create(
        [CaseMonthFigures(month=key[0], node_path=key[1], **counts) for key, counts in months.items()], batch_size=2000)
    audit.record(actor=actor, action="cases.rollups_rebuilt", before={"rows": before},
                 after={"rows": written, "since": since.isoformat() if since else None})
    return written


# ---------------------------------------------------------------------------------------------
# Reading


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def rows(*, path: str, start: dt.date, end: dt.date, categories: Iterable[int] | None = None):
    """The daily roll-up rows of the places under `path`, for the days in [start, end)."""
    qs = CaseDayFigures.objects.filter(day__gte=start, day__lt=end)
    if path:
        qs = qs.filter(node_path__startswith=path)
    if categories is not None:
        qs = qs.filter(category_id__in=list(categories))
    return qs


def month_rows(*, path: str, start: dt.date, end: dt.date):
    """The monthly roll-up rows under `path` for the months that begin in [start, end)."""
    qs = CaseMonthFigures.objects.filter(month__gte=start, month__lt=end)
    if path:
        qs = qs.filter(node_path__startswith=path)
    return qs


def _whole_months(start: dt.date, end: dt.date) -> bool:
    return start.day == 1 and end.day == 1


def _sums():
    return {c: Sum(c) for c in COUNTERS}


def _filled(row: dict) -> dict[str, int]:
    return {c: row.get(c) or 0 for c in COUNTERS}


def totals(*, path: str, start: dt.date, end: dt.date, categories: Iterable[int] | None = None) -> dict[str, int]:
    """The counters summed over the places under `path` and the days in [start, end) (read off the
    monthly rows when the period is whole months and no matter is picked)."""
    if categories is None and _whole_months(start, end):
        return _filled(month_rows(path=path, start=start, end=end).aggregate(**_sums()))
    return _filled(rows(path=path, start=start, end=end, categories=categories).aggregate(**_sums()))


def by_month(*, path: str, start: dt.date, end: dt.date) -> dict[dt.date, dict[str, int]]:
    """The counters per month (keyed by the month's first day) for the months beginning in [start, end)."""
    qs = month_rows(path=path, start=start, end=end).values("month").annotate(**_sums()).order_by("month")
    return {row["month"]: _filled(row) for row in qs}


def by_child(*, path: str, depth: int, start: dt.date, end: dt.date) -> dict[str, dict[str, int]]:
    """The counters per child path (the first `depth` steps of each place) under `path`, for the
    months beginning in [start, end)."""
    length = depth * AreaNode.steplen
    qs = (
        month_rows(path=path, start=start, end=end)
        .annotate(child=Substr("node_path", 1, length))
        .values("child")
        .annotate(**_sums())
        .order_by("child")
    )
    return {row["child"]: _filled(row) for row in qs if len(row["child"]) == length}


def by_dimension(*, path: str, start: dt.date, end: dt.date, dimension: str) -> dict:
    """The counters per value of `dimension` (theme, channel, kind or category_id) over the days in [start, end)."""
    if dimension not in ("theme", "channel", "kind", "category_id"):
        raise ValueError(dimension)
    qs = rows(path=path, start=start, end=end).values(dimension).annotate(**_sums()).order_by(dimension)
    return {row[dimension]: _filled(row) for row in qs}
