"""The working-day calendar: which days are working days, and deadlines in working days or hours.

Monday to Friday are working days, except for the exceptions stored as `CalendarDay` rows: a
statutory holiday (`holiday`) takes a weekday off, a make-up working day (`workday`, 调休) puts a
Saturday or Sunday on. A year without a `CalendarYear` row has no known holidays: it falls back to
Monday–Friday (plus any exceptions entered by hand) and logs a warning once per year and process —
never an error, so a deadline in a year the State Council has not announced yet still computes.

Working hours are the periods of `settings.WORKING_PERIODS` (local wall-clock time, e.g.
09:00–12:00 and 13:00–18:00) on working days. Every function takes and returns aware datetimes
(results in `settings.TIME_ZONE`); a naive datetime is refused with `ValueError`.

The calendar is read once per process and kept in memory, year by year, so that an SLA sweep over
millions of cases costs no queries. Edits go through `gongzhi.core.services`, which call
`invalidate()`: the editing process drops its copy at once; other processes notice within
`VERSION_CHECK_SECONDS` — through a version key in Django's cache when that cache is shared
(Redis, Memcached, database), or, with a per-process cache (the embedded default, LocMemCache),
through the newest calendar edit in the audit log (one small indexed query per check).
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import math
import threading
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

VERSION_KEY = "gongzhi:core:calendar:version"
# How often a process asks whether another process edited the calendar.
VERSION_CHECK_SECONDS = 2.0
# The audit actions of calendar edits (gongzhi.core.services); their newest event signals an edit
# to processes that share no cache.
EDIT_ACTIONS = (
    "core.calendar_day.create",
    "core.calendar_day.update",
    "core.calendar_day.delete",
    "core.calendar_year.create",
    "core.calendar_year.update",
    "core.calendar_year.delete",
    "core.calendar.sync",
)
# Whether to read that audit-log signal: None decides by the cache backend (yes for a per-process
# cache, except in the test suite, which runs in one process and counts queries).
USE_AUDIT_SIGNAL: bool | None = None

HOLIDAY = "holiday"
WORKDAY = "workday"

__all__ = [
    "add_working_days",
    "add_working_hours",
    "clear_cache",
    "end_of_working_day",
    "invalidate",
    "is_known_year",
    "is_working_day",
    "next_working_day",
    "working_days_between",
    "working_hours_between",
    "working_periods",
]


# ---------------------------------------------------------------------------------------------
# The in-memory calendar


@dataclass
class _Year:
    year: int
    known: bool
    start: dt.date
    working: bytearray  # working[i]: day i of the year (0 = 1 January) is a working day
    cum: list[int]  # cum[i]: working days among days 0 … i-1; cum[-1] is the year's total

    @property
    def total(self) -> int:
        return self.cum[-1]


@dataclass
class _State:
    version: object
    checked_at: float
    exceptions: dict[dt.date, str]
    known_years: frozenset[int]
    years: dict[int, _Year] = field(default_factory=dict)


_lock = threading.Lock()
_state: _State | None = None
_warned_years: set[int] = set()


def _load(version: object) -> _State:
    from .models import CalendarDay, CalendarYear

    exceptions = dict(CalendarDay.objects.values_list("date", "kind"))
    known = frozenset(CalendarYear.objects.values_list("year", flat=True))
    return _State(version=version, checked_at=time.monotonic(), exceptions=exceptions, known_years=known)


def _current() -> _State:
    global _state
    state = _state
    now = time.monotonic()
    if state is not None and now - state.checked_at < VERSION_CHECK_SECONDS:
        return state
    version = _version(state)
    if state is not None and state.version == version:
        state.checked_at = now
        return state
    with _lock:
        if _state is not None and _state is not state and _state.version == version:
            return _state
        _state = _load(version)
        return _state


def _version(state: _State | None) -> object:
    try:
        token = cache.get(VERSION_KEY)
    except Exception:  # the shared cache being down must not stop deadlines
        logger.exception("Cannot read the calendar version from the cache; keeping the calendar in memory.")
        return state.version if state is not None else None
    if not _use_audit_signal():
        return token
    from django.db.models import Count, Max

    from .models import AuditEvent

    latest = AuditEvent.objects.filter(action__in=EDIT_ACTIONS).aggregate(n=Count("id"), last=Max("id"))
    return (token, latest["n"], latest["last"])


def _use_audit_signal() -> bool:
    if USE_AUDIT_SIGNAL is not None:
        return USE_AUDIT_SIGNAL
    from django.core.cache import caches
    from django.core.cache.backends.dummy import DummyCache
    from django.core.cache.backends.locmem import LocMemCache

    if getattr(settings, "TESTING", False):
        return False
    return isinstance(caches["default"], (LocMemCache, DummyCache))


def _year(y: int) -> _Year:
    state = _current()
    data = state.years.get(y)
    if data is None:
        data = _build_year(state, y)
        state.years[y] = data
    return data


def _build_year(state: _State, y: int) -> _Year:
    known = y in state.known_years
    if not known and y not in _warned_years:
        _warned_years.add(y)
        logger.warning(
            "No holiday calendar for %s: counting Monday to Friday as working days. "
            "Add the year's holidays with `gongzhi calendar sync` or in the admin.",
            y,
        )
    start = dt.date(y, 1, 1)
    length = (dt.date(y + 1, 1, 1) - start).days if y < dt.MAXYEAR else 365
    working = bytearray(length)
    cum = [0] * (length + 1)
    exceptions = state.exceptions
    weekday = start.weekday()
    for i in range(length):
        kind = exceptions.get(start + dt.timedelta(days=i)) if exceptions else None
        if kind == HOLIDAY:
            on = False
        elif kind == WORKDAY:
            on = True
        else:
            on = (weekday + i) % 7 < 5
        working[i] = on
        cum[i + 1] = cum[i] + on
    return _Year(year=y, known=known, start=start, working=working, cum=cum)


def invalidate() -> None:
    """Forget the calendar now and, once the current transaction commits, in every process.

    Called by the services after each edit. Both: the edit is visible at once in this process (even
    inside the transaction), and after the commit nothing read from uncommitted rows survives.
    """
    _forget_local()
    transaction.on_commit(_bump_shared)


def clear_cache() -> None:
    """Forget the in-memory calendar of this process only (tests; after loading data by hand)."""
    _forget_local()


def _forget_local() -> None:
    global _state
    with _lock:
        _state = None


def _bump_shared() -> None:
    _forget_local()
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.exception("Cannot publish the calendar edit to other processes through the cache.")


# ---------------------------------------------------------------------------------------------
# Working periods (settings.WORKING_PERIODS)

_periods_source: object = None
_periods: tuple[tuple[dt.timedelta, dt.timedelta], ...] = ()
_day_length = dt.timedelta(0)


def _parse_time(value) -> dt.timedelta:
    if isinstance(value, dt.time):
        t = value
    else:
        t = dt.time.fromisoformat(str(value))
    return dt.timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def _working_periods() -> tuple[tuple[dt.timedelta, dt.timedelta], ...]:
    global _periods_source, _periods, _day_length
    source = settings.WORKING_PERIODS
    if source is not _periods_source:
        periods = tuple(sorted((_parse_time(a), _parse_time(b)) for a, b in source))
        previous_end = dt.timedelta(0)
        for a, b in periods:
            if not a < b or a < previous_end:
                raise ImproperlyConfigured(
                    "WORKING_PERIODS must be non-overlapping (start, end) pairs with start before end."
                )
            previous_end = b
        if not periods:
            raise ImproperlyConfigured("WORKING_PERIODS must name at least one period of the working day.")
        _periods = periods
        _day_length = sum((b - a for a, b in periods), dt.timedelta(0))
        _periods_source = source
    return _periods


def working_periods() -> list[tuple[dt.time, dt.time]]:
    """The periods of a working day, local time, as (start, end) pairs."""
    midnight = dt.datetime.combine(dt.date(2000, 1, 1), dt.time())
    return [((midnight + a).time(), (midnight + b).time()) for a, b in _working_periods()]


def _after(offset: dt.timedelta) -> dt.timedelta:
    """Working time of a working day from `offset` (time since midnight) to the end of the day."""
    total = dt.timedelta(0)
    for a, b in _working_periods():
        if b > offset:
            total += b - max(a, offset)
    return total


def _walk(day: dt.date, offset: dt.timedelta, amount: dt.timedelta) -> dt.datetime:
    """The moment on working day `day` after `amount` (> 0, ≤ what is left) of working time from `offset`."""
    for a, b in _working_periods():
        begin = max(a, offset)
        if b <= begin:
            continue
        if amount <= b - begin:
            return _at(day, begin + amount)
        amount -= b - begin
    return _at(day, _working_periods()[-1][1])


# ---------------------------------------------------------------------------------------------
# Helpers for dates and datetimes


def _tz():
    return timezone.get_default_timezone()


def _aware_local(value: dt.datetime, name: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if timezone.is_naive(value):
        raise ValueError(
            f"{name} is a naive datetime ({value.isoformat()}); working-time deadlines are only computed "
            "from timezone-aware datetimes (use django.utils.timezone.now() or make_aware())."
        )
    return value.astimezone(_tz())


def _as_date(value: dt.date, name: str = "d") -> dt.date:
    if isinstance(value, dt.datetime):
        return _aware_local(value, name).date()
    if not isinstance(value, dt.date):
        raise TypeError(f"{name} must be a date, not {type(value).__name__}")
    return value


def _offset(local: dt.datetime) -> dt.timedelta:
    return dt.timedelta(
        hours=local.hour, minutes=local.minute, seconds=local.second, microseconds=local.microsecond
    )


def _at(day: dt.date, offset: dt.timedelta) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=_tz()) + offset


def _is_working(day: dt.date) -> bool:
    data = _year(day.year)
    return bool(data.working[(day - data.start).days])


def _count_before(day: dt.date) -> int:
    """Working days from 1 January of day's year up to, not including, `day`."""
    data = _year(day.year)
    return data.cum[(day - data.start).days]


def _nth_after(day: dt.date, n: int) -> dt.date:
    """The n-th working day (n ≥ 1) strictly after `day`."""
    data = _year(day.year)
    index = (day - data.start).days + 1  # first day to consider, as an index into the year
    while True:
        done = data.cum[index]
        if data.total - done >= n:
            k = bisect.bisect_left(data.cum, done + n)
            return data.start + dt.timedelta(days=k - 1)
        n -= data.total - done
        data = _year(data.year + 1)
        index = 0


# ---------------------------------------------------------------------------------------------
# The public API


def is_working_day(d: dt.date) -> bool:
    """Whether `d` is a working day (an aware datetime counts as its local date)."""
    return _is_working(_as_date(d))


def is_known_year(year: int) -> bool:
    """Whether the statutory holidays of `year` are in the calendar (else Mon–Fri is assumed)."""
    return year in _current().known_years


def next_working_day(d: dt.date, *, include: bool = False) -> dt.date:
    """The first working day after `d` (or `d` itself if `include` and it is a working day)."""
    d = _as_date(d)
    if include and _is_working(d):
        return d
    return _nth_after(d, 1)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative if end is before start)."""
    start, end = _as_date(start, "start"), _as_date(end, "end")
    if end < start:
        return -working_days_between(end, start)
    first, last = start + dt.timedelta(days=1), end + dt.timedelta(days=1)  # [first, last)
    total = 0
    while first < last:
        if first.year == last.year:
            return total + _count_before(last) - _count_before(first)
        total += _year(first.year).total - _count_before(first)
        first = dt.date(first.year + 1, 1, 1)
    return total


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The same local time of day on the `days`-th working day after `start`'s date.

    A start on a non-working day counts from the next working day, as if the matter had arrived
    then: Saturday 10:00 + 1 → Tuesday 10:00 (Monday being the day it is taken as received).
    `days` = 0 returns `start` (in local time).
    """
    local = _aware_local(start, "start")
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError("days must be an integer number of working days")
    if days < 0:
        raise ValueError("days must not be negative")
    if days == 0:
        return local
    day = local.date()
    if not _is_working(day):
        day = _nth_after(day, 1)
    return _at(_nth_after(day, days), _offset(local))


def _to_timedelta(hours: float | Decimal | int) -> dt.timedelta:
    if isinstance(hours, bool) or not isinstance(hours, (int, float, Decimal)):
        raise TypeError("hours must be a number")
    if isinstance(hours, Decimal):
        if not hours.is_finite():
            raise ValueError("hours must be a finite number")
        micro = int((hours * 3_600_000_000).to_integral_value())
    else:
        if not math.isfinite(hours):
            raise ValueError("hours must be a finite number")
        micro = round(hours * 3_600_000_000)
    if micro < 0:
        raise ValueError("hours must not be negative")
    return dt.timedelta(microseconds=micro)


def add_working_hours(start: dt.datetime, hours: float | Decimal) -> dt.datetime:
    """The moment `hours` of working time after `start`, counting only working periods of working days.

    A start outside a working period begins at the next one. A deadline that uses up a period
    exactly ends at that period's end (09:00 + 3 h → 12:00, 09:00 + 8 h → 18:00 the same day).
    """
    local = _aware_local(start, "start")
    amount = _to_timedelta(hours)
    if not amount:
        return local
    periods = _working_periods()
    day, offset = local.date(), _offset(local)
    if _is_working(day):
        left = _after(offset)
        if amount <= left:
            return _walk(day, offset, amount)
        amount -= left
    full_days, rest = divmod(amount, _day_length)
    if not rest:
        full_days, rest = full_days - 1, _day_length
    return _walk(_nth_after(day, full_days + 1), periods[0][0], rest)


def working_hours_between(start: dt.datetime, end: dt.datetime) -> float:
    """Working hours from `start` to `end` (the inverse of `add_working_hours`; negative if end < start)."""
    s, e = _aware_local(start, "start"), _aware_local(end, "end")
    if e < s:
        return -working_hours_between(end, start)
    _working_periods()
    s_day, e_day = s.date(), e.date()
    if s_day == e_day:
        amount = _after(_offset(s)) - _after(_offset(e)) if _is_working(s_day) else dt.timedelta(0)
    else:
        amount = _after(_offset(s)) if _is_working(s_day) else dt.timedelta(0)
        between = working_days_between(s_day, e_day - dt.timedelta(days=1))
        amount += _day_length * between
        if _is_working(e_day):
            amount += _day_length - _after(_offset(e))
    return amount / dt.timedelta(hours=1)


def end_of_working_day(d: dt.date) -> dt.datetime:
    """Close of business (the end of the last working period) on `d`, or on the next working day
    if `d` is not one. An aware datetime counts as its local date."""
    day = next_working_day(_as_date(d), include=True)
    return _at(day, _working_periods()[-1][1])
