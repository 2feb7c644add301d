"""Scores of a period (points 3 and 4 of the issue): the same method for every unit, each unit's own
weights and targets.

- per weighted indicator: achievement = actual / target (higher is better) or target / actual
  (lower is better), at most `TARGETS_RATIO_CAP` (1.2: a unit that beats its target by more than
  a fifth earns no more); a target of 0 (lower is better: an actual of 0) counts as the cap when
  the actual meets it; no figure (nothing to count, or the provider gives none) counts 0.
  points = weight × achievement; the total is the sum (100 when every target is just met).
- bottom-line (底线) indicators are pass/fail with the district's common target: each one missed
  (or without a figure) caps the total at `TARGETS_BOTTOM_LINE_CAP` (60 by default: a unit that
  misses a bottom line cannot rank as good, whatever its other scores — 一票否优). We chose a cap
  rather than a deduction so that missing one bottom line is never outweighed by beating targets.
- ranking: among peers — the communities of the same street, the streets of the district — by
  total, highest first; equal totals share a rank (1, 1, 3).

While a period is open the scores are a preview, computed from the figures now; at the close they
are stored (`Result`, `ResultLine`) and read from there ever after, never recomputed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch
from django.utils import timezone

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import components, scope
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require

from ..models import BottomLine, Direction, Indicator, Period, PeriodState, Plan, PlanLine, Result, ResultLine
from .figures_catalogue import as_decimal, unit_figures

Q2 = Decimal("0.01")
Q4 = Decimal("0.0001")


def ratio_cap() -> Decimal:
    return Decimal(str(components.setting("TARGETS_RATIO_CAP")))


def bottom_cap() -> Decimal:
    return Decimal(str(components.setting("TARGETS_BOTTOM_LINE_CAP")))


def achievement(direction: str, actual: Decimal | None, target: Decimal, cap: Decimal) -> Decimal:
    """How far the actual figure reaches the target, 0 … cap."""
    if actual is None:
        return Decimal(0)
    if direction == Direction.LOWER:
        if actual <= 0:
            return cap if target >= 0 else Decimal(0)
        value = target / actual
    else:
        if target <= 0:
            return cap if actual >= target else Decimal(0)
        value = actual / target
    return max(Decimal(0), min(value, cap)).quantize(Q4, rounding=ROUND_HALF_UP)


def meets(direction: str, actual: Decimal | None, target: Decimal) -> bool:
    if actual is None:
        return False
    return actual <= target if direction == Direction.LOWER else actual >= target


@dataclass
class Line:
    indicator: Indicator
    bottom_line: bool
    actual: Decimal | None
    target: Decimal
    weight: Decimal
    ratio: Decimal
    points: Decimal
    met: bool
    url: str = ""

    def as_data(self) -> dict:
        return {"indicator_id": self.indicator.pk, "code": self.indicator.code, "name": self.indicator.name,
                "provider": self.indicator.provider, "figure": self.indicator.figure,
                "direction": self.indicator.direction, "unit": self.indicator.unit,
                "bottom_line": self.bottom_line, "actual": self.actual, "target": self.target,
                "weight": self.weight, "achievement": self.ratio, "points": self.points, "met": self.met,
                "url": self.url}


@dataclass
class UnitScore:
    unit: AreaNode
    lines: list[Line]
    raw_total: Decimal
    total: Decimal
    bottom_missed: int
    rank: int = 0
    peers: int = 0
    frozen: bool = False
    computed_at: dt.datetime | None = None
    plan_id: int | None = None
    parent_path: str = ""

    @property
    def weighted(self) -> list[Line]:
        return [line for line in self.lines if not line.bottom_line]

    @property
    def bottom(self) -> list[Line]:
        return [line for line in self.lines if line.bottom_line]

    def as_data(self) -> dict:
        return {"unit_id": self.unit.pk, "unit": self.unit.name, "kind": self.unit.kind, "total": self.total,
                "raw_total": self.raw_total, "bottom_missed": self.bottom_missed, "rank": self.rank,
                "peers": self.peers, "frozen": self.frozen,
                "computed_at": self.computed_at.isoformat() if self.computed_at else None,
                "lines": [line.as_data() for line in self.lines]}


def score_lines(*, plan_lines: list[PlanLine], bottom_lines: list[BottomLine], figures: dict) -> tuple[list[Line], Decimal, Decimal, int]:
    """The lines, the total before and after the bottom-line cap, and the bottom lines missed, of
    one unit whose figures are `figures` ((provider, figure) → figure dict)."""
    cap = ratio_cap()
    lines: list[Line] = []
    for pl in plan_lines:
        ind = pl.indicator
        figure = figures.get((ind.provider, ind.figure)) or {}
        actual = as_decimal(figure.get("value"))
        ratio = achievement(ind.direction, actual, pl.target, cap)
        points = (pl.weight * ratio).quantize(Q2, rounding=ROUND_HALF_UP)
        lines.append(Line(indicator=ind, bottom_line=False, actual=actual, target=pl.target, weight=pl.weight,
                          ratio=ratio, points=points, met=meets(ind.direction, actual, pl.target),
                          url=str(figure.get("url") or "")))
    missed = 0
    for bl in bottom_lines:
        ind = bl.indicator
        figure = figures.get((ind.provider, ind.figure)) or {}
        actual = as_decimal(figure.get("value"))
        ok = meets(ind.direction, actual, bl.target)
        missed += 0 if ok else 1
        lines.append(Line(indicator=ind, bottom_line=True, actual=actual, target=bl.target, weight=Decimal(0),
                          ratio=achievement(ind.direction, actual, bl.target, cap), points=Decimal(0), met=ok,
                          url=str(figure.get("url") or "")))
    raw = sum((line.points for line in lines), Decimal(0)).quantize(Q2)
    total = min(raw, bottom_cap()).quantize(Q2) if missed else raw
    return lines, raw, total, missed


def rank(scores: list[UnitScore]) -> None:
    """Rank each unit among its peers (same parent, same kind), highest total first; ties share."""
    groups: dict[tuple[str, str], list[UnitScore]] = {}
    for s in scores:
        groups.setdefault((s.parent_path, s.unit.kind), []).append(s)
    for group in groups.values():
        ordered = sorted(group, key=lambda s: -s.total)
        for i, s in enumerate(ordered):
            s.rank = i + 1 if i == 0 or s.total != ordered[i - 1].total else ordered[i - 1].rank
            s.peers = len(group)


def _parent_path(node: AreaNode) -> str:
    return node.path[: (node.depth - 1) * AreaNode.steplen]


def compute(*, user, period: Period) -> list[UnitScore]:
    """The live scores of every unit with a plan in the period (figures read now), ranked."""
    plans = list(Plan.objects.filter(period=period).select_related("unit")
                 .prefetch_related(Prefetch("lines", queryset=PlanLine.objects.select_related("indicator"))))
    bottom_lines = list(BottomLine.objects.filter(period=period).select_related("indicator"))
    end = min(period.end_exclusive, timezone.localdate() + dt.timedelta(days=1))
    now = timezone.now()
    scores = []
    for plan in plans:
        wanted = {pl.indicator.provider for pl in plan.lines.all()} | {bl.indicator.provider for bl in bottom_lines}
        figures = unit_figures(user=user, node=plan.unit, start=period.start, end=end, wanted=wanted)
        lines, raw, total, missed = score_lines(plan_lines=list(plan.lines.all()), bottom_lines=bottom_lines,
                                                figures=figures)
        scores.append(UnitScore(unit=plan.unit, lines=lines, raw_total=raw, total=total, bottom_missed=missed,
                                computed_at=now, plan_id=plan.pk, parent_path=_parent_path(plan.unit)))
    rank(scores)
    return scores


def stored(*, period: Period) -> list[UnitScore]:
    """The frozen scores of a closed period."""
    results = (Result.objects.filter(period=period).select_related("unit")
               .prefetch_related(Prefetch("lines", queryset=ResultLine.objects.select_related("indicator"))))
    scores = []
    for r in results:
        lines = [Line(indicator=line.indicator, bottom_line=line.bottom_line, actual=line.actual, target=line.target,
                      weight=line.weight, ratio=line.ratio, points=line.points, met=line.met, url=line.url)
                 for line in r.lines.all()]
        scores.append(UnitScore(unit=r.unit, lines=lines, raw_total=r.raw_total, total=r.total,
                                bottom_missed=r.bottom_missed, rank=r.rank, peers=r.peers, frozen=True,
                                computed_at=r.computed_at, parent_path=_parent_path(r.unit)))
    return scores


def _visible(user, scores: list[UnitScore]) -> list[UnitScore]:
    paths = scope.scope_paths(user)
    if paths is None:
        return scores
    return [s for s in scores if any(s.unit.path.startswith(p) for p in paths)]


def _ordered(scores: list[UnitScore]) -> list[UnitScore]:
    return sorted(scores, key=lambda s: (s.unit.depth, s.parent_path, s.rank, s.unit.path))


def period_scores(*, user, period: Period) -> list[UnitScore]:
    """The scores the user may see: frozen ones of a closed period, else a preview computed now
    (ranks count every peer, also those the user does not see)."""
    require(user, "targets.view")
    scores = stored(period=period) if period.state == PeriodState.CLOSED else compute(user=user, period=period)
    return _ordered(_visible(user, scores))


def unit_score(*, user, period: Period, unit_id: int) -> UnitScore:
    """One unit's score with its lines (the drill-down); NotFound outside the user's scope."""
    for s in period_scores(user=user, period=period):
        if s.unit.pk == unit_id:
            return s
    raise NotFound()


def latest_closed_score(*, node: AreaNode, start: dt.date, end: dt.date) -> Result | None:
    """The frozen result of `node` in the latest period closed that ended in [start, end)."""
    return (Result.objects.filter(unit=node, period__state=PeriodState.CLOSED, period__end__gte=start,
                                  period__end__lt=end).select_related("period").order_by("-period__end").first())


def unit_kinds() -> tuple[str, str]:
    return (AreaKind.STREET, AreaKind.COMMUNITY)
