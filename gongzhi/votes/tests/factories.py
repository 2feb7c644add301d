"""Test data for votes: a community whose residents' accounts are linked to the registry, staff,
online votes of each electorate, and a meeting in session with members present."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import child, tree
from gongzhi.core.actors import SystemActor
from gongzhi.meetings.models import AttendanceStatus, BodyKind
from gongzhi.meetings.services import sessions
from gongzhi.meetings.tests import factories as meeting_factories
from gongzhi.residents import services as residents
from gongzhi.residents.tests.factories import id_number, person
from gongzhi.votes import services
from gongzhi.votes.models import Electorate, VoteMethod

ACTOR = SystemActor(label="test")
_serial = itertools.count(1)


def resident(household, *, born: dt.date | None = None, name: str | None = None):
    """A resident account linked to a living person of `household` (adult unless `born` says not)."""
    born = born or dt.date(1970, 5, 1)
    account = user(Role.RESIDENT)
    record = person(household, name=name or f"居民{next(_serial)}", birth_date=born, id_number=id_number(born=born))
    residents.person_link_account(actor=ACTOR, person=record, user=account)
    return account


def world(*, households: int = 4, per_household: int = 1) -> SimpleNamespace:
    """tree() with `households` households in building A (each with `per_household` adult
    residents) and one in building B; community staff; an outsider resident of another district."""
    nodes = tree()
    homes = [nodes["household_a"]] + [child(nodes["unit_a"], name=f"{n}02室") for n in range(1, households)]
    people = [[resident(home) for _ in range(per_household)] for home in homes]
    far = tree()
    return SimpleNamespace(
        nodes=nodes, community=nodes["community"], building=nodes["building_a"], homes=homes, people=people,
        residents=[p for home in people for p in home],
        staff=user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]]),
        resident_b=resident(nodes["household_b"]),
        outsider=resident(far["household_a"]),
        other_staff=user(Role.COMMUNITY_STAFF, nodes=[far["community"]]),
    )


def online_vote(w, *, area=None, electorate: str = Electorate.HOUSEHOLDS, open_now: bool = True,
                closes_in: dt.timedelta = dt.timedelta(hours=2), **extra):
    now = timezone.now()
    vote = services.vote_create(
        actor=w.staff, title="增设非机动车棚", question="是否同意在3号楼西侧空地增设非机动车棚？", method=VoteMethod.ONLINE,
        area=area or w.building, electorate=electorate, opens_at=now - dt.timedelta(minutes=1),
        closes_at=now + closes_in, **extra,
    )
    return services.vote_open(actor=w.staff, vote=vote) if open_now else vote


def meeting_in_session(w, *, members: int = 5, present: int = 3, kind: str = BodyKind.RESIDENTS_ASSEMBLY):
    """A body of `members` voting members (chair and secretary among them) whose meeting is in
    session with the first `present` of them marked present."""
    body = meeting_factories.body_with_members(w.community, kind=kind, members=members - 2)
    meeting = meeting_factories.meeting(body, starts_at=timezone.now() + dt.timedelta(minutes=5))
    attendances = list(meeting.attendances.filter(counts_for_quorum=True).order_by("pk"))
    for attendance in attendances[:present]:
        sessions.attendance_mark(actor=ACTOR, attendance=attendance, status=AttendanceStatus.PRESENT)
    meeting = sessions.meeting_open(actor=ACTOR, meeting=meeting)
    meeting.refresh_from_db()
    return meeting, attendances


def meeting_vote(w, meeting, *, method: str = VoteMethod.ROLL_CALL, open_now: bool = True, **extra):
    vote = services.vote_create(actor=w.staff, title="加装电梯机房空调", question="是否同意为3号楼电梯机房加装空调？",
                                method=method, meeting=meeting, **extra)
    return services.vote_open(actor=w.staff, vote=vote) if open_now else vote
