"""Fair rotation: share a period's visits among the carers so that each carer's number of turns is
within one of every other's, never on a carer's unavailable weekdays or leave, never more than a
carer's maximum in one week, and only to carers on the visited plan's rota.

Pure Python, no database: `services.rosters` builds the `Slot`s and `Carer`s and stores the result.
A roster that cannot be fair raises `Unfair` with sentences that name the constraint that binds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


@dataclass(frozen=True)
class Carer:
    id: int
    name: str
    max_per_week: int = 2
    unavailable_weekdays: frozenset[int] = frozenset()  # Monday 0 … Sunday 6
    leave: tuple[tuple[dt.date, dt.date], ...] = ()  # inclusive periods

    def free_on(self, day: dt.date) -> bool:
        if day.weekday() in self.unavailable_weekdays:
            return False
        return not any(start <= day <= end for start, end in self.leave)


@dataclass(frozen=True)
class Slot:
    """One visit a plan needs: on `day`, or on one of the `later` days of its window (see
    `visit_windows`); `rota`: the carers on the plan's rota (ids)."""

    plan_id: int
    plan_name: str
    day: dt.date
    rota: tuple[int, ...]
    later: tuple[dt.date, ...] = ()

    @property
    def days(self) -> tuple[dt.date, ...]:
        return (self.day, *self.later)


@dataclass
class Shared:
    """The result: `assignment[i]` is the carer id of `slots[i]` and `days[i]` the day of that turn
    (the slot's first day the carer is free on, within the week the share chose); loads per carer id."""

    slots: list[Slot]
    assignment: list[int]
    days: list[dt.date] = field(default_factory=list)
    loads: dict[int, int] = field(default_factory=dict)

    @property
    def spread(self) -> int:
        return max(self.loads.values()) - min(self.loads.values()) if self.loads else 0


class Unfair(Exception):
    """The roster cannot be fair: `reasons` are sentences for the page, each naming what binds."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def visit_days(*, start: dt.date, end: dt.date, every_days: int, offset: int = 0,
               skip: Callable[[dt.date], bool] | None = None) -> list[dt.date]:
    """The days a plan is visited in [start, end]: every `every_days` days from start + offset
    (offset < every_days spreads the plans of a branch over the week). A day `skip` refuses (a
    public holiday, when the plan says so) moves to the next day that is not skipped, as long as
    that is before the next visit is due; a visit that cannot move (a holiday as long as the
    interval) is dropped."""
    every = max(1, every_days)
    days: list[dt.date] = []
    due = start + dt.timedelta(days=offset % every)
    while due <= end:
        day = due
        if skip is not None:
            limit = min(end, due + dt.timedelta(days=every - 1))
            while day <= limit and skip(day):
                day += dt.timedelta(days=1)
            if day > limit:
                day = None
        if day is not None:
            days.append(day)
        due += dt.timedelta(days=every)
    return days


def flexibility(every_days: int) -> int:
    """How many days after its due day a visit may fall, so that a carer unavailable on the due
    day can still take it: none for visits every one to three days, one for four to six, two for a
    week or longer (within the sweep's grace, `CARE_UNSEEN_GRACE_DAYS`)."""
    return 0 if every_days <= 3 else 1 if every_days <= 6 else 2


def visit_windows(*, start: dt.date, end: dt.date, every_days: int, offset: int = 0,
                  skip: Callable[[dt.date], bool] | None = None, plan_id: int = 0, plan_name: str = "",
                  rota: tuple[int, ...] = ()) -> list[Slot]:
    """The plan's visits in [start, end] as slots: each due day (`visit_days`) with the following
    `flexibility(every_days)` days that lie in the period and are not skipped."""
    slots = []
    flex = flexibility(every_days)
    for day in visit_days(start=start, end=end, every_days=every_days, offset=offset, skip=skip):
        later = tuple(d for d in (day + dt.timedelta(days=k) for k in range(1, flex + 1))
                      if d <= end and (skip is None or not skip(d)))
        slots.append(Slot(plan_id=plan_id, plan_name=plan_name, day=day, rota=tuple(rota), later=later))
    return slots


class _Flow:
    """Dinic's maximum flow on a small integer graph (adjacency lists of edge indices)."""

    def __init__(self, size: int):
        self.head: list[list[int]] = [[] for _ in range(size)]
        self.to: list[int] = []
        self.cap: list[int] = []

    def edge(self, a: int, b: int, capacity: int) -> int:
        self.head[a].append(len(self.to))
        self.to.append(b)
        self.cap.append(capacity)
        self.head[b].append(len(self.to))
        self.to.append(a)
        self.cap.append(0)
        return len(self.to) - 2

    def run(self, source: int, sink: int) -> int:
        total = 0
        to, cap, head = self.to, self.cap, self.head
        while True:
            level = [-1] * len(head)
            level[source] = 0
            queue = deque([source])
            while queue:
                node = queue.popleft()
                for e in head[node]:
                    if cap[e] > 0 and level[to[e]] < 0:
                        level[to[e]] = level[node] + 1
                        queue.append(to[e])
            if level[sink] < 0:
                return total
            pointer = [0] * len(head)
            path: list[int] = []
            node = source
            while True:
                if node == sink:
                    amount = min(cap[e] for e in path)
                    for e in path:
                        cap[e] -= amount
                        cap[e ^ 1] += amount
                    total += amount
                    path.clear()
                    node = source
                    continue
                edges = head[node]
                while pointer[node] < len(edges):
                    e = edges[pointer[node]]
                    if cap[e] > 0 and level[to[e]] == level[node] + 1:
                        break
                    pointer[node] += 1
                if pointer[node] < len(edges):
                    e = edges[pointer[node]]
                    path.append(e)
                    node = to[e]
                    continue
                if node == source:
                    break
                level[node] = -1  # a dead end in this phase
                e = path.pop()
                node = to[e ^ 1]
                pointer[node] += 1


WEEKDAYS = tuple(gettext_lazy(day) for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))


def _day(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _limits(carer: Carer) -> str:
    """What bounds a carer, for the reasons: unavailable weekdays, leave, the weekly maximum."""
    parts = []
    if carer.unavailable_weekdays:
        parts.append(_("not on %(days)s") % {"days": "、".join(str(WEEKDAYS[d]) for d in sorted(carer.unavailable_weekdays))})
    for start, end in carer.leave:
        parts.append(_("on leave %(start)s–%(end)s") % {"start": _day(start), "end": _day(end)})
    parts.append(ngettext("at most %(n)d turn a week", "at most %(n)d turns a week", carer.max_per_week)
                 % {"n": carer.max_per_week})
    return "；".join(parts)


def share(slots: list[Slot], carers: list[Carer]) -> Shared:
    """Assign every slot to one carer of its rota so that loads differ by at most one among
    `carers` (all of them count, also one with no slot they could take), or raise Unfair.

    Exact, by maximum flow: source → slot (1) → (carer, week) (1) → carer (weekly maximum) → sink.
    First every carer's edge to the sink holds the lower share L = ⌊visits / carers⌋: the flow must
    give everyone L. Then the edges grow to L + 1 and the flow goes on (augmenting paths never take
    a turn back from a carer), and must cover every visit."""
    by_id = {c.id: c for c in carers}
    if not carers:
        if slots:
            raise Unfair([_("No one is on the branch's rota: add party groups, members or volunteers first.")])
        return Shared(slots=[], assignment=[], loads={})
    eligible: list[list[int]] = []
    reasons: list[str] = []
    for slot in slots:
        free = [cid for cid in slot.rota if cid in by_id and any(by_id[cid].free_on(d) for d in slot.days)]
        if not free:
            rota = [by_id[cid] for cid in slot.rota if cid in by_id]
            if rota:
                reasons.append(_("%(plan)s on %(day)s: no one on its rota can come — %(why)s.") % {
                    "plan": slot.plan_name, "day": _day(slot.day),
                    "why": "；".join(f"{c.name}（{_limits(c)}）" for c in rota)})
            else:
                reasons.append(_("%(plan)s has no one on its rota.") % {"plan": slot.plan_name})
        eligible.append(free)
    if reasons:
        raise Unfair(_dedupe(reasons))

    order = sorted(by_id)
    carer_index = {cid: i for i, cid in enumerate(order)}
    weeks = sorted({d.isocalendar()[:2] for slot in slots for d in slot.days})
    week_index = {w: i for i, w in enumerate(weeks)}
    n_slots, n_carers, n_weeks = len(slots), len(order), len(weeks)
    source, sink = 0, 1
    slot_node = 2
    week_node = slot_node + n_slots  # (carer i, week j) -> week_node + i * n_weeks + j
    carer_node = week_node + n_carers * n_weeks
    flow = _Flow(carer_node + n_carers)
    slot_edges: list[list[tuple[int, int, dt.date]]] = []
    used_weeks: set[tuple[int, int]] = set()
    for s, slot in enumerate(slots):
        flow.edge(source, slot_node + s, 1)
        edges = []
        for cid in eligible[s]:
            i = carer_index[cid]
            first_by_week: dict = {}
            for d in slot.days:
                if by_id[cid].free_on(d):
                    first_by_week.setdefault(week_index[d.isocalendar()[:2]], d)
            for j, d in first_by_week.items():
                edges.append((flow.edge(slot_node + s, week_node + i * n_weeks + j, 1), cid, d))
                used_weeks.add((i, j))
        slot_edges.append(edges)
    for i, j in sorted(used_weeks):
        flow.edge(week_node + i * n_weeks + j, carer_node + i, by_id[order[i]].max_per_week)
    lower = n_slots // n_carers
    sink_edges = [flow.edge(carer_node + i, sink, lower) for i in range(n_carers)]

    got = flow.run(source, sink)
    if got < lower * n_carers:
        loads = {order[i]: lower - flow.cap[e] for i, e in enumerate(sink_edges)}
        raise Unfair(_short_of(slots, eligible, by_id, loads, lower))
    if n_slots % n_carers:
        for e in sink_edges:
            flow.cap[e] += 1
        got += flow.run(source, sink)
    if got < n_slots:
        raise Unfair(_uncovered(slots, eligible, slot_edges, flow, by_id, lower + 1))

    assignment, days = [], []
    for edges in slot_edges:
        cid, day = next((cid, day) for e, cid, day in edges if flow.cap[e] == 0)
        assignment.append(cid)
        days.append(day)
    loads = dict.fromkeys(order, 0)
    for cid in assignment:
        loads[cid] += 1
    return Shared(slots=list(slots), assignment=assignment, days=days, loads=loads)


def _dedupe(reasons: list[str], limit: int = 8) -> list[str]:
    seen: list[str] = []
    for reason in reasons:
        if reason not in seen:
            seen.append(reason)
    if len(seen) > limit:
        more = len(seen) - limit
        seen = seen[:limit] + [ngettext("… and %(n)d more like it.", "… and %(n)d more like these.", more) % {"n": more}]
    return seen


def _short_of(slots, eligible, by_id, loads, lower) -> list[str]:
    """Carers who cannot get the lower fair share: say what limits each."""
    reasons = []
    for cid, load in sorted(loads.items(), key=lambda item: (item[1], by_id[item[0]].name)):
        if load >= lower:
            continue
        carer = by_id[cid]
        mine = [s for s, free in enumerate(eligible) if cid in free]
        per_week: dict = defaultdict(int)
        for s in mine:
            per_week[slots[s].day.isocalendar()[:2]] += 1  # near enough: a window spans at most two weeks
        capacity = sum(min(count, carer.max_per_week) for count in per_week.values())
        plans = sorted({slots[s].plan_name for s in mine})
        if capacity < lower:
            reasons.append(_("%(name)s can take at most %(can)d turns in the period (%(limits)s) but a fair share is "
                             "%(fair)d: give them more households or fewer limits, or take them off the roster.")
                           % {"name": carer.name, "can": capacity, "limits": _limits(carer), "fair": lower})
        else:
            plan_ids = {slots[s].plan_id for s in mine}
            visits = sum(1 for slot in slots if slot.plan_id in plan_ids)
            sharing = {cid2 for slot in slots if slot.plan_id in plan_ids for cid2 in slot.rota if cid2 in by_id}
            if visits < lower * len(sharing):
                reasons.append(_("The households on %(name)s's rota (%(plans)s) need %(visits)d visits in the period, "
                                 "shared among %(carers)d carers — fewer than the fair share of %(fair)d each: put "
                                 "these carers on more households' rotas.")
                               % {"name": carer.name, "plans": "、".join(plans), "visits": visits,
                                  "carers": len(sharing), "fair": lower})
            else:
                reasons.append(_("%(name)s cannot get a fair share of %(fair)d turns: the visits to the households on "
                                 "their rota (%(plans)s) fall on days the others on it must take — put them on more "
                                 "households' rotas.")
                               % {"name": carer.name, "fair": lower, "plans": "、".join(plans) or "—"})
    return _dedupe(reasons)


def _uncovered(slots, eligible, slot_edges, flow, by_id, upper) -> list[str]:
    """Visits no one can take without going beyond a fair share or their weekly maximum."""
    reasons = []
    for s, edges in enumerate(slot_edges):
        if any(flow.cap[e] == 0 for e, _cid, _day in edges):
            continue
        slot = slots[s]
        names = "、".join(by_id[cid].name for cid in eligible[s])
        reasons.append(_("%(plan)s on %(day)s: everyone who can come (%(names)s) already has a fair share of %(fair)d "
                         "turns or their weekly maximum — add carers to its rota or visit it less often.")
                       % {"plan": slot.plan_name, "day": _day(slot.day), "names": names, "fair": upper})
    return _dedupe(reasons)
