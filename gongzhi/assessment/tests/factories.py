"""Test data of the assessment's scoring: a street with two grids and their workers, the staff
above them, a second district outside everyone's scope, and the events the other apps record
(door visits, care turns, meeting attendance; cases through the case pipeline's own services)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.models import AreaNode
from gongzhi.areas.tests.factories import child, tree
from gongzhi.assessment.models import month_start
from gongzhi.care.models import Roster, RosterState, Turn, TurnState
from gongzhi.care.tests.factories import care_world, carer
from gongzhi.core.actors import SystemActor
from gongzhi.meetings.models import Attendance, AttendanceStatus
from gongzhi.residents.models import Visit

SYSTEM = SystemActor(label="test")
_serial = itertools.count(1)


def this_month() -> dt.date:
    return month_start(timezone.localdate())


def last_month() -> dt.date:
    return month_start(this_month() - dt.timedelta(days=1))


def at(month: dt.date, day: int, hour: int = 10) -> dt.datetime:
    """A local time in `month`."""
    return timezone.make_aware(dt.datetime.combine(month.replace(day=day), dt.time(hour)))


def scoring_world() -> dict:
    """care_world() (district 1: a street, a community with grids A and B, a second community with
    grid C, a care branch with a plan for household A) with grid worker A (also a carer), grid worker
    B, the community's, street's and district's staff, a resident, and district 2 with its own grid
    worker and street staff."""
    w = care_world()
    w["worker_a"] = w["grid_worker"]
    w["worker_b"] = user(Role.GRID_WORKER, nodes=[w["grid_b"]])
    w["cstaff"] = w["community_staff"]
    w["sstaff"] = user(Role.STREET_STAFF, nodes=[w["street"]])
    w["sstaff2"] = user(Role.STREET_STAFF, nodes=[w["street"]])
    w["admin"] = user(Role.DISTRICT_ADMIN, nodes=[w["district"]])
    w["resident"] = user(Role.RESIDENT)
    w["carer_worker"] = carer(w["care_branch"], name="网格员甲", user=w["worker_a"])
    other = tree()
    w["d2"] = other
    w["worker_x"] = user(Role.GRID_WORKER, nodes=[other["grid_a"]])
    w["sstaff_x"] = user(Role.STREET_STAFF, nodes=[other["street"]])
    return w


def visit(worker, household: AreaNode, when: dt.datetime, **extra) -> Visit:
    return Visit.objects.create(household=household, visitor=worker, visited_at=when, **extra)


def visits(worker, household: AreaNode, month: dt.date, days) -> list[Visit]:
    return [visit(worker, household, at(month, d)) for d in days]


def turn(w: dict, day: dt.date, *, state: str = TurnState.DONE, carer_row=None) -> Turn:
    carer_row = carer_row or w["carer_worker"]
    roster = Roster.objects.filter(branch=w["care_branch"], start_on__lte=day, end_on__gte=day).first()
    if roster is None:
        roster = Roster.objects.create(branch=w["care_branch"], start_on=month_start(day),
                                       end_on=month_start(day) + dt.timedelta(days=30), state=RosterState.PUBLISHED)
    return Turn.objects.create(roster=roster, plan=w["plan"], carer=carer_row, date=day, state=state)


def attended(worker, when: dt.datetime, *, area: AreaNode, status: str = AttendanceStatus.PRESENT) -> Attendance:
    from gongzhi.meetings.tests import factories as meetings

    body = meetings.body(area)
    meeting = meetings.held(meetings.meeting(body, starts_at=when, title=f"居民议事会第{next(_serial)}次会议"))
    return Attendance.objects.create(meeting=meeting, user=worker, name=worker.username, status=status)


def household(w: dict, key: str = "a", name: str | None = None) -> AreaNode:
    return child(w[f"unit_{key}"], name=name or f"{next(_serial) + 200}室")
