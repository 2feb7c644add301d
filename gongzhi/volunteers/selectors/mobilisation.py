"""Reads of mobilisation (吹哨报到): the calls of one's scope, the whistles that reach one, a call's
answers, and the four-level evaluation (社区/网格/楼栋/单元): per level and per called node, over a
period — calls, people reached, answered, arrived, answer rate, median minutes to answer and to
arrive — ranked within each level."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import scope
from gongzhi.core.errors import NotFound
from gongzhi.party.models import PartyMember
from gongzhi.residents.models import Person, PersonStatus

from ..models import (
    Mobilisation,
    MobilisationResponse,
    MobilisationState,
    ResponseState,
    Volunteer,
    VolunteerStatus,
)
from ..services.mobilisation import CALLED_KINDS, reaches

LEVELS = tuple(CALLED_KINDS)


def mobilisations_visible(*, user, state: str = "") -> QuerySet:
    qs = Mobilisation.objects.visible_to(user).select_related("area", "called_by")
    if state in MobilisationState.values:
        qs = qs.filter(state=state)
    return qs


def mobilisation_get(*, user, pk: int) -> Mobilisation:
    """A call the user sees by scope or that reached them; NotFound otherwise."""
    found = Mobilisation.objects.select_related("area", "called_by").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    if Mobilisation.objects.visible_to(user).filter(pk=pk).exists() or reaches(found, user):
        return found
    raise NotFound()


def _prefixes(path: str) -> list[str]:
    step = AreaNode.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


def whistles_for(*, user, days: int = 30) -> list[Mobilisation]:
    """The calls that reach the user, open ones first, then those of the last `days` days; each with
    `mine` (the user's answer or None)."""
    if not getattr(user, "is_authenticated", False):
        return []
    paths = set(Volunteer.objects.filter(user=user, status=VolunteerStatus.ACTIVE).values_list("area__path", flat=True))
    living = Person.objects.filter(status=PersonStatus.LIVING).filter(Q(is_party_member=True) | Q(party_member__isnull=False))
    paths |= set(living.filter(Q(user=user) | Q(party_member__user=user)).values_list("household__path", flat=True))
    prefixes = {p for path in paths for p in _prefixes(path)}
    communities = list(PartyMember.objects.filter(user=user, home_community__isnull=False)
                       .values_list("home_community_id", flat=True))
    since = timezone.now() - dt.timedelta(days=days)
    q = Q(area__path__in=prefixes, area__kind__in=CALLED_KINDS)
    if communities:
        q |= Q(area_id__in=communities, area__kind=AreaKind.COMMUNITY)
    calls = list(Mobilisation.objects.filter(q).filter(Q(state=MobilisationState.OPEN) | Q(called_at__gte=since))
                 .select_related("area").order_by("state", "-called_at")[:50])
    mine = {r.mobilisation_id: r for r in MobilisationResponse.objects.filter(user=user, mobilisation__in=calls)}
    for call in calls:
        call.mine = mine.get(call.pk)
    return calls


def responses_of(*, mobilisation: Mobilisation) -> dict[str, list[MobilisationResponse]]:
    rows = mobilisation.responses.select_related("user", "volunteer")
    grouped: dict[str, list[MobilisationResponse]] = {s: [] for s in ResponseState.values}
    for row in rows:
        grouped[row.state].append(row)
    return grouped


def reached_not_answered(*, mobilisation: Mobilisation) -> list:
    """Those the call reaches who have not answered yet (for the caller to check in)."""
    from django.contrib.auth import get_user_model

    from ..services.mobilisation import audience

    answered = set(mobilisation.responses.values_list("user_id", flat=True))
    ids = [pk for pk in audience(mobilisation.area) if pk not in answered]
    return list(get_user_model().objects.filter(pk__in=ids).order_by("display_name", "username")[:200])


# --- the four-level evaluation -----------------------------------------------------------------------


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


@dataclass
class NodeFigures:
    node_id: int
    name: str
    path: str
    level: str
    calls: int = 0
    reached: int = 0
    answered: int = 0
    arrived: int = 0
    answer_minutes: list[float] = field(default_factory=list, repr=False)
    arrive_minutes: list[float] = field(default_factory=list, repr=False)
    rank: int = 0

    @property
    def answer_rate(self) -> float | None:
        return round(self.answered / self.reached, 3) if self.reached else None

    @property
    def answer_rate_text(self) -> str:
        rate = self.answer_rate
        return "—" if rate is None else f"{rate * 100:.0f}%"

    @property
    def median_answer_minutes(self) -> float | None:
        return _median(self.answer_minutes)

    @property
    def median_arrive_minutes(self) -> float | None:
        return _median(self.arrive_minutes)


@dataclass
class LevelFigures:
    level: str
    label: str
    nodes: list[NodeFigures]


def period_of(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """The period asked for, else the last 365 days to today."""
    today = timezone.localdate()
    end = end or today
    start = start or end - dt.timedelta(days=364)
    return start, end


def evaluation(*, user, start: dt.date, end: dt.date) -> list[LevelFigures]:
    """Per level (community, grid, building, unit), the called nodes of the user's scope with their
    figures over [start, end] (calls made on those days), ranked: answer rate, then arrivals, then
    the quicker median answer. Communities and grids of the scope without calls are listed too."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    calls = list(Mobilisation.objects.visible_to(user).filter(called_at__gte=since, called_at__lt=until)
                 .select_related("area"))
    figures: dict[int, NodeFigures] = {}
    nodes = scope.restrict(AreaNode.objects.filter(kind__in=(AreaKind.COMMUNITY, AreaKind.GRID)), user, field="")
    for node in nodes.order_by("path")[:2000]:
        figures[node.pk] = NodeFigures(node.pk, node.name, node.path, node.kind)
    by_call: dict[int, NodeFigures] = {}
    for call in calls:
        row = figures.setdefault(call.area_id, NodeFigures(call.area_id, call.area.name, call.area.path, call.area.kind))
        row.calls += 1
        row.reached += call.reached
        by_call[call.pk] = row
    starts = {c.pk: c.called_at for c in calls}
    for r in MobilisationResponse.objects.filter(mobilisation_id__in=starts).values(
            "mobilisation_id", "answered_at", "arrived_at", "state"):
        row = by_call[r["mobilisation_id"]]
        called = starts[r["mobilisation_id"]]
        row.answered += 1
        row.answer_minutes.append(max(0.0, (r["answered_at"] - called).total_seconds() / 60))
        if r["arrived_at"] is not None:
            row.arrived += 1
            row.arrive_minutes.append(max(0.0, (r["arrived_at"] - called).total_seconds() / 60))
    labels = dict(AreaKind.choices)
    levels = []
    for level in LEVELS:
        rows = [f for f in figures.values() if f.level == level]
        rows.sort(key=lambda f: (-(f.answer_rate or 0), -f.arrived,
                                 f.median_answer_minutes if f.median_answer_minutes is not None else float("inf"),
                                 f.path))
        for i, f in enumerate(rows, 1):
            f.rank = i
        levels.append(LevelFigures(level, str(labels[level]), rows))
    return levels
