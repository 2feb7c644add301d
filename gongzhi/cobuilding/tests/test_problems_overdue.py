"""The daily sweep of the units' problems: one taken up and past its deadline is flagged once, and
the street's staff and the unit's liaison are told once; a new deadline on reopening re-arms it;
solved ones and those still in time are left alone. It runs as the background task."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.cobuilding.models import Problem, ProblemKind
from gongzhi.cobuilding.services import problems as service
from gongzhi.cobuilding.tasks import flag_overdue_problems
from gongzhi.cobuilding.tests.factories_projects import place
from gongzhi.core.actors import SystemActor
from gongzhi.core.errors import Forbidden
from gongzhi.core.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db
SWEEP = SystemActor(label="test-sweep")


@pytest.fixture
def world():
    return place()


def taken_up(world, title="员工停车难"):
    problem = service.problem_raise(actor=world["liaison"], unit=world["unit"], area=world["nodes"]["street"],
                                    kind=ProblemKind.PARKING, title=title, description="职工车辆只能停在路边")
    return service.problem_take_up(actor=world["street"], problem=problem, owner_name="李主任", deadline=world["today"])


def overdue(problem, days=3):
    Problem.objects.filter(pk=problem.pk).update(deadline=problem.deadline - dt.timedelta(days=days))


def test_given_a_problem_past_its_deadline_when_swept_twice_then_flagged_and_told_once(world, django_capture_on_commit_callbacks):
    late, in_time = taken_up(world), taken_up(world, title="招工难")
    overdue(late)
    with django_capture_on_commit_callbacks(execute=True):
        assert service.flag_overdue(actor=SWEEP) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert service.flag_overdue(actor=SWEEP) == 0
    told = Notification.objects.filter(kind="cobuilding.problem_overdue")
    assert {n.recipient_id for n in told} >= {world["street"].pk, world["liaison"].pk}
    assert told.filter(recipient=world["street"]).count() == 1 and "员工停车难" in told.first().title
    assert AuditEvent.objects.filter(action="cobuilding.problem.overdue", object_id=str(late.pk)).count() == 1
    in_time.refresh_from_db()
    assert in_time.overdue_flagged_at is None


def test_given_a_flagged_problem_when_solved_and_reopened_with_a_new_deadline_then_it_can_be_flagged_again(world):
    problem = taken_up(world)
    overdue(problem)
    assert service.flag_overdue(actor=SWEEP) == 1
    service.problem_solve(actor=world["street"], problem=problem, solution="协调交警划出临时停车位")
    assert service.flag_overdue(actor=SWEEP) == 0
    service.problem_reopen(actor=world["street"], problem=problem, reason="临时停车位被取消", deadline=world["today"])
    problem.refresh_from_db()
    assert problem.overdue_flagged_at is None
    overdue(problem, days=1)
    assert service.flag_overdue(actor=SWEEP) == 1


def test_given_a_person_then_they_cannot_run_the_sweep(world):
    with pytest.raises(Forbidden):
        service.flag_overdue(actor=world["street"])


def test_given_the_background_task_then_it_flags_the_overdue_problem(world):
    overdue(taken_up(world))
    assert flag_overdue_problems.call() == 1
