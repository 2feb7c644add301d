"""Periodic jobs: `gongzhi worker` enqueues the SLA sweep when it is due, once per period however
many workers look, never while a run is still queued or running, and once after downtime."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from gongzhi.core import periodic
from gongzhi.core.models import PeriodicSchedule

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
EVERY = dt.timedelta(minutes=5)
RUNS: list[str] = []


@task(queue_name="default")
def tick() -> int:
    RUNS.append("tick")
    return len(RUNS)


JOB = periodic.Periodic("test.tick", "gongzhi.core.tests.test_periodic.tick", every=lambda: EVERY)

DB_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "sla", "notifications"]}
}


@pytest.fixture(autouse=True)
def _clear():
    RUNS.clear()


# The decision alone, on a fake clock.


def test_a_job_that_never_ran_is_due():
    assert periodic.is_due(now=T0, next_due_at=None, pending=False)


def test_a_job_is_due_from_its_due_time_on():
    assert not periodic.is_due(now=T0 - dt.timedelta(seconds=1), next_due_at=T0, pending=False)
    assert periodic.is_due(now=T0, next_due_at=T0, pending=False)
    assert periodic.is_due(now=T0 + dt.timedelta(days=3), next_due_at=T0, pending=False)


def test_a_queued_or_running_run_holds_the_next_one_back():
    assert not periodic.is_due(now=T0 + dt.timedelta(days=3), next_due_at=T0, pending=True)
    assert not periodic.is_due(now=T0, next_due_at=None, pending=True)


# Scheduling against the database, on a fake clock.


def test_due_jobs_are_enqueued_once_per_period():
    assert periodic.schedule_due(now=T0, jobs=[JOB]) == ["test.tick"]
    assert RUNS == ["tick"]  # the immediate backend of the tests runs it at once
    # another worker looking in the same period enqueues nothing
    assert periodic.schedule_due(now=T0 + dt.timedelta(minutes=4), jobs=[JOB]) == []
    assert periodic.schedule_due(now=T0 + EVERY, jobs=[JOB]) == ["test.tick"]
    assert RUNS == ["tick", "tick"]
    lease = PeriodicSchedule.objects.get(name="test.tick")
    assert lease.next_due_at == T0 + 2 * EVERY and lease.last_enqueued_at == T0 + EVERY


def test_after_downtime_the_job_runs_once_then_every_period_from_now():
    periodic.schedule_due(now=T0, jobs=[JOB])
    back = T0 + dt.timedelta(days=2)  # the workers were down for two days
    assert periodic.schedule_due(now=back, jobs=[JOB]) == ["test.tick"]
    assert periodic.schedule_due(now=back + dt.timedelta(seconds=1), jobs=[JOB]) == []
    assert RUNS == ["tick", "tick"]  # one catch-up run, not the 576 periods missed
    assert PeriodicSchedule.objects.get(name="test.tick").next_due_at == back + EVERY


def test_a_worker_schedules_only_the_jobs_of_its_queues():
    assert periodic.schedule_due(now=T0, jobs=[JOB], queues=["notifications"]) == []
    assert periodic.schedule_due(now=T0, jobs=[JOB], queues=["default"]) == ["test.tick"]


def test_a_run_still_queued_is_not_enqueued_again(settings):
    settings.TASKS = DB_TASKS
    assert periodic.schedule_due(now=T0, jobs=[JOB]) == ["test.tick"]
    # no worker took it: a period later there is still only the one queued run
    assert periodic.schedule_due(now=T0 + 3 * EVERY, jobs=[JOB]) == []
    assert DBTaskResult.objects.filter(task_path=tick.module_path, status="READY").count() == 1
    call_command("worker", "--batch", "--no-schedule", "--queues", "default", verbosity=0)
    assert RUNS == ["tick"]
    assert periodic.schedule_due(now=T0 + 3 * EVERY, jobs=[JOB]) == ["test.tick"]


def test_a_run_left_running_by_a_dead_worker_does_not_block_forever(settings):
    settings.TASKS = DB_TASKS
    periodic.schedule_due(now=T0, jobs=[JOB])
    DBTaskResult.objects.update(status="RUNNING", started_at=T0)
    assert periodic.schedule_due(now=T0 + 2 * EVERY, jobs=[JOB]) == []
    assert periodic.schedule_due(now=T0 + periodic.stale_after(EVERY) + EVERY, jobs=[JOB]) == ["test.tick"]


# The worker loop and the SLA sweep.


def test_the_cases_app_declares_the_sla_sweep_every_cases_sweep_minutes(settings):
    settings.CASES_SWEEP_MINUTES = 7
    [job] = [j for j in periodic.registered() if j.name == "cases.sla-sweep"]
    assert job.every() == dt.timedelta(minutes=7) and job.get_task().queue_name == "sla"


def _overdue_case():
    from gongzhi.cases.models import Case
    from gongzhi.cases.tests.factories import in_progress, world

    w = world()
    case = in_progress(w)
    Case.objects.filter(pk=case.pk).update(handling_due=timezone.now() - dt.timedelta(hours=1))
    return case


def test_one_round_of_the_worker_enqueues_and_runs_the_sweep():
    from gongzhi.cases.models import Supervision

    case = _overdue_case()
    call_command("worker", "--batch", verbosity=0)
    assert Supervision.objects.filter(case=case, kind="handling_overdue").exists()
    assert PeriodicSchedule.objects.get(name="cases.sla-sweep").next_due_at > timezone.now()


def test_the_worker_runs_the_sweep_through_the_database_queue(settings):
    from gongzhi.cases.models import Supervision

    settings.TASKS = DB_TASKS
    case = _overdue_case()
    call_command("worker", "--batch", verbosity=0)
    assert Supervision.objects.filter(case=case, kind="handling_overdue").exists()
    [run] = DBTaskResult.objects.filter(task_path="gongzhi.cases.tasks.sla_sweep")
    assert run.status == "SUCCESSFUL" and run.return_value["handling_overdue"] == 1
    # the next round within the period enqueues nothing more
    call_command("worker", "--batch", verbosity=0)
    assert DBTaskResult.objects.filter(task_path="gongzhi.cases.tasks.sla_sweep").count() == 1
