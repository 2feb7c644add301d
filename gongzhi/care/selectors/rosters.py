"""Reads of rosters: the rosters one sees (a branch's, or all of one's scope), one roster (404
outside), its board — a month grid of its turns, weeks × days — the loads per carer with the
spread, and the swap requests one decides or asked for.

Whoever sees a roster (its branch secretary, the carers it holds, the staff of its area) sees all
its turns, as the paper roster on the branch's wall shows everyone's: a carer needs the others'
turns to ask for a swap."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q, QuerySet

from gongzhi.areas.selectors import addresses
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import can

from ..models import CareBranch, Roster, RosterState, SwapRequest, SwapState, Turn, TurnState

ROSTER_RELATED = ("branch__organization", "generated_by")


def rosters_list(*, user, branch=None, state: str = "") -> QuerySet:
    rows = Roster.objects.visible_to(user).select_related(*ROSTER_RELATED)
    if branch:
        rows = rows.filter(branch_id=branch.pk if hasattr(branch, "pk") else branch)
    if state in RosterState.values:
        rows = rows.filter(state=state)
    return rows.order_by("-start_on", "branch_id", "-id")


def roster_get(*, user, pk) -> Roster:
    row = Roster.objects.visible_to(user).select_related(*ROSTER_RELATED).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def branches_to_run(*, user) -> list[CareBranch]:
    """The branches whose rosters the user may generate (the secretary's, the area staff's)."""
    rows = CareBranch.objects.visible_to(user).select_related("organization", "area").order_by("area__path", "id")[:500]
    return [b for b in rows if can(user, "care.run_roster", b)]


def roster_turns(*, roster: Roster) -> list[Turn]:
    """All the roster's turns with their household's short address (`turn.address`)."""
    turns = list(Turn.objects.filter(roster=roster).select_related("plan__household", "carer").order_by(
        "date", "plan__household__path", "id"))
    names = addresses({t.plan.household_id: t.plan.household for t in turns}.values(), short=True)
    for t in turns:
        t.address = names.get(t.plan.household_id) or t.plan.household.name
    return turns


def turn_get(*, user, pk) -> Turn:
    """A turn the user sees, directly or through its roster."""
    row = Turn.objects.select_related("roster__branch__organization", "plan__household", "carer").filter(pk=pk).first()
    if row is None or not (Turn.objects.visible_to(user).filter(pk=pk).exists()
                           or Roster.objects.visible_to(user).filter(pk=row.roster_id).exists()):
        raise NotFound()
    row.address = addresses([row.plan.household], short=True).get(row.plan.household_id) or row.plan.household.name
    return row


def swap_candidates(*, turn: Turn) -> list[Turn]:
    """The other carers' planned turns of the same roster after today, to exchange `turn` with."""
    from django.utils import timezone

    rows = [t for t in roster_turns(roster=turn.roster)
            if t.carer_id != turn.carer_id and t.state == TurnState.PLANNED and t.date > timezone.localdate()]
    return rows[:500]


def _month(roster: Roster, month: str) -> dt.date:
    try:
        year, number = (int(x) for x in (month or "").split("-", 1))
        first = dt.date(year, number, 1)
    except (TypeError, ValueError):
        first = roster.start_on.replace(day=1)
    lowest, highest = roster.start_on.replace(day=1), roster.end_on.replace(day=1)
    return min(max(first, lowest), highest)


def _shift(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def board(*, roster: Roster, month: str = "", turns: list[Turn] | None = None) -> dict:
    """The month grid of the roster: `weeks` (Monday first), each a list of 7 days
    {date, in_month, in_roster, turns}; the month shown (clamped to the roster's period), the
    previous and next months within it ("YYYY-MM", or "")."""
    first = _month(roster, month)
    turns = roster_turns(roster=roster) if turns is None else turns
    by_day: dict[dt.date, list[Turn]] = defaultdict(list)
    for t in turns:
        if t.date.year == first.year and t.date.month == first.month:
            by_day[t.date].append(t)
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append([{"date": d, "in_month": d.month == first.month, "in_roster": roster.start_on <= d <= roster.end_on,
                       "turns": by_day.get(d, []) if d.month == first.month else []} for d in week])
    previous, following = _shift(first, -1), _shift(first, 1)
    return {
        "month": first,
        "weeks": weeks,
        "previous": f"{previous:%Y-%m}" if previous >= roster.start_on.replace(day=1) else "",
        "next": f"{following:%Y-%m}" if following <= roster.end_on else "",
    }


def loads(*, roster: Roster) -> dict:
    """Turns per carer (planned, done, missed; cancelled turns left out) and the spread between the
    most and the fewest, as it stands now (swaps keep it; a withdrawn roster counts none)."""
    rows = (Turn.objects.filter(roster=roster).exclude(state=TurnState.CANCELLED).values("carer_id", "carer__name")
            .annotate(turns=Count("id"), done=Count("id", filter=Q(state=TurnState.DONE)),
                      missed=Count("id", filter=Q(state=TurnState.MISSED)))
            .order_by("carer__name", "carer_id"))
    people = [{"carer_id": r["carer_id"], "name": r["carer__name"], "turns": r["turns"], "done": r["done"],
               "missed": r["missed"]} for r in rows]
    counts = [p["turns"] for p in people]
    return {"carers": people, "spread": (max(counts) - min(counts)) if counts else 0,
            "min_load": min(counts) if counts else 0, "max_load": max(counts) if counts else 0}


SWAP_RELATED = ("turn__roster__branch__organization", "turn__plan__household", "turn__carer",
                "other_turn__plan__household", "other_turn__carer", "requested_by")


def swaps_list(*, user, state: str = "", roster=None) -> QuerySet:
    rows = SwapRequest.objects.visible_to(user).select_related(*SWAP_RELATED)
    if state in SwapState.values:
        rows = rows.filter(state=state)
    if roster is not None:
        rows = rows.filter(turn__roster_id=roster.pk if hasattr(roster, "pk") else roster)
    return rows.order_by("-requested_at", "-id")


def swap_get(*, user, pk) -> SwapRequest:
    row = SwapRequest.objects.visible_to(user).select_related(*SWAP_RELATED).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row
