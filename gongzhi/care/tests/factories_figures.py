"""Test data of the care figures, on top of `factories.care_world()`: a small world whose numbers
are known.

In district 1's community (瓜州路社区), for the last 30 days:

- grid A: 101室 (household A) — two people tagged 独居老人 and 低保, with the world's plan;
  102室 — a veteran (not a difficulty tag) with a plan started by staff; 103室 — a 空巢 tag ended
  last year (not counted). Grid B: household B — one person on 特困, no plan.
  → tagged 1 + 1, with a plan 1 + 0, plans 2 + 0.
- a published roster: on 101室 the member's turns 9 days ago (done), 5 days ago (missed), 3 days
  ago (cancelled), the volunteer's 2 days ago (done); on 102室 the volunteer's in 3 days (not due
  yet); a draft roster's turn 4 days ago (not counted). → due 3, done 2, missed 1; the member
  2/1/1, the volunteer 1/1/0.
- visits: 101室 9, 6 and 3 days ago (3 days apart; the member twice, the volunteer once); 102室
  10 and 2 days ago (8 days apart; the volunteer) → 5.5 days on average; visits: member 2,
  volunteer 3."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.care.models import CareVisit, CheckIn, Roster, RosterState, Turn, TurnState
from gongzhi.residents.models import PersonTag, TagKind
from gongzhi.residents.tests.factories import person

from . import factories
from .factories_rosters import household


def tag(household_node, kind: str, *, name: str = "", start_on: dt.date | None = None,
        end_on: dt.date | None = None):
    who = person(household_node, name=name) if name else person(household_node)
    PersonTag.objects.create(person=who, kind=kind, start_on=start_on or dt.date(2020, 1, 1), end_on=end_on)
    return who


def visit(plan, carer, days_ago: int) -> CareVisit:
    return CareVisit.objects.create(plan=plan, carer=carer, visitor=carer.user, check_in=CheckIn.CODE,
                                    visited_at=timezone.now() - dt.timedelta(days=days_ago), done=["company"])


def world() -> dict:
    w = factories.care_world()
    today = timezone.localdate()
    first = tag(w["household_a"], TagKind.ELDERLY_ALONE, name="张桂英")
    PersonTag.objects.create(person=first, kind=TagKind.SUBSISTENCE, start_on=dt.date(2021, 3, 1))
    tag(w["household_a"], TagKind.SUBSISTENCE, name="刘长青")
    second = household(w, "102室")
    tag(second, TagKind.VETERAN, name="陈国强")
    w["plan2"] = factories.plan(second, w["care_branch"], every_days=3,
                                carers=[w["carer_member"], w["carer_volunteer"]])
    third = household(w, "103室")
    tag(third, TagKind.EMPTY_NEST, name="孙淑珍", start_on=dt.date(2020, 1, 1), end_on=today - dt.timedelta(days=300))
    tag(w["household_b"], TagKind.EXTREME_POVERTY, name="周福来")

    roster = Roster.objects.create(branch=w["care_branch"], start_on=today - dt.timedelta(days=14),
                                   end_on=today + dt.timedelta(days=14), state=RosterState.PUBLISHED,
                                   published_at=timezone.now())
    member, volunteer = w["carer_member"], w["carer_volunteer"]
    for carer, plan, days_ago, state in ((member, w["plan"], 9, TurnState.DONE),
                                         (member, w["plan"], 5, TurnState.MISSED),
                                         (member, w["plan"], 3, TurnState.CANCELLED),
                                         (volunteer, w["plan"], 2, TurnState.DONE),
                                         (volunteer, w["plan2"], -3, TurnState.PLANNED)):
        Turn.objects.create(roster=roster, plan=plan, carer=carer, date=today - dt.timedelta(days=days_ago),
                            state=state)
    draft = Roster.objects.create(branch=w["care_branch"], start_on=today - dt.timedelta(days=7), end_on=today,
                                  state=RosterState.DRAFT)
    Turn.objects.create(roster=draft, plan=w["plan"], carer=member, date=today - dt.timedelta(days=4))
    for carer, plan, days_ago in ((member, w["plan"], 9), (member, w["plan"], 6), (volunteer, w["plan"], 3),
                                  (volunteer, w["plan2"], 10), (volunteer, w["plan2"], 2)):
        visit(plan, carer, days_ago)
    w["roster"] = roster
    return w
