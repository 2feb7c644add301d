"""Test data for honours: the votes world (a community whose residents' accounts are linked to the
registry, its staff, an outsider), a selection taking nominations, one with its short list put to
the vote, and an award round with criteria and a panel."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.honours.models import AwardKind, SelectionKind
from gongzhi.honours.services import awards, selections
from gongzhi.residents.models import Person
from gongzhi.votes.tests import factories as vote_factories

REASONS = [
    "每天早上义务打扫楼道，十年如一日。",
    "照顾独居的邻居老人，买菜送饭从不推辞。",
    "带头清理小区堆放的杂物，还组织了旧物交换。",
]


def world(households: int = 4) -> SimpleNamespace:
    w = vote_factories.world(households=households)
    w.street_staff = user(Role.STREET_STAFF, nodes=[w.nodes["street"]])
    return w


def person_of(account) -> Person:
    return Person.objects.get(user=account)


def selection(w, *, kind: str = SelectionKind.GOOD_PERSON, open_for: dt.timedelta = dt.timedelta(days=5), **extra):
    now = timezone.now()
    return selections.selection_create(
        actor=w.staff, area=w.community, kind=kind, year=now.year, month=now.month,
        nominations_open_at=now - dt.timedelta(days=1), nominations_close_at=now + open_for, **extra)


def nominated(w, row, count: int = 3):
    """`count` nominations, each by a different resident of someone else."""
    made = []
    for n in range(count):
        nominator, nominee = w.residents[n], w.residents[(n + 1) % len(w.residents)]
        made.append(selections.nomination_add(actor=nominator, selection=row, person=person_of(nominee),
                                              reason=REASONS[n % len(REASONS)]))
    return made


def voting(w, *, count: int = 3, **extra):
    """A selection whose `count` nominations are on the short list and put to the open vote."""
    row = selection(w)
    made = nominated(w, row, count)
    selections.selection_shortlist(actor=w.staff, selection=row, nominations=[n.pk for n in made],
                                   note="社区两委会议讨论确定")
    now = timezone.now()
    row = selections.selection_start_vote(actor=w.staff, selection=row, opens_at=now - dt.timedelta(minutes=1),
                                          closes_at=now + dt.timedelta(hours=2), **extra)
    row.refresh_from_db()
    return row, made


def award_round(w, *, panel: int = 3, winners: int = 1):
    row = awards.round_create(
        actor=w.street_staff, area=w.nodes["street"], kind=AwardKind.PARTY_INNOVATION, year=timezone.now().year,
        nominations_close_at=timezone.now() + dt.timedelta(days=7), winners=winners,
        criteria=[("创新性", 30), ("实效性", 40), ("可推广性", 30)])
    members = [user(Role.DISTRICT_ADMIN, nodes=[w.nodes["district"]]) for _ in range(panel)]
    for member in members:
        awards.panel_add(actor=w.street_staff, award_round=row, user=member)
    return row, members
