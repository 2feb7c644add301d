"""The core commands: `gongzhi calendar`, `gongzhi serve`, `gongzhi worker`."""

import datetime as dt
import io
import os
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from gongzhi.core import calendar
from gongzhi.core.calendar_data import package_source, seed_calendar
from gongzhi.core.management.commands import serve, worker
from gongzhi.core.models import AuditEvent, CalendarDay, CalendarYear


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- calendar -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_calendar_sync_puts_back_missing_holidays_and_records_it():
    # given National Day 2026 lost its first day (and this process has read the calendar)
    CalendarDay.objects.filter(date=dt.date(2026, 10, 1)).delete()
    assert calendar.is_working_day(dt.date(2026, 10, 1))
    # when `gongzhi calendar sync` runs
    output = run("calendar", "sync")
    # then the day is back, the output names it, and deadlines see it at once
    assert "2026-10-01" in output
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).kind == "holiday"
    assert not calendar.is_working_day(dt.date(2026, 10, 1))
    # and an event records it with the command's label and a request id
    event = AuditEvent.objects.get(action="core.calendar.sync")
    assert event.actor_label == "command:calendar"
    assert event.source == "command:calendar"
    assert event.actor is None
    assert len(event.request_id) >= 8
    assert event.after["days"] == ["2026-10-01"]


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["before", "after"])
def test_calendar_sync_as_a_user_records_that_user_as_the_actor(where):
    # given a district administrator's account and National Day 2026 missing its first day
    admin = get_user_model().objects.create_user(username="quadmin", password="x-Strong-pass-42")
    CalendarDay.objects.filter(date=dt.date(2026, 10, 1)).delete()
    # when `gongzhi calendar sync` runs on their behalf (the option before or after `sync`)
    args = ("--as-user", "quadmin", "sync") if where == "before" else ("sync", "--as-user", "quadmin")
    run("calendar", *args)
    # then the event names the command and the user it acted for
    event = AuditEvent.objects.get(action="core.calendar.sync")
    assert event.actor == admin
    assert event.actor_label == "command:calendar (quadmin)"
    assert event.source == "command:calendar"


@pytest.mark.django_db
def test_calendar_sync_as_an_unknown_user_is_refused_and_changes_nothing():
    CalendarDay.objects.filter(date=dt.date(2026, 10, 1)).delete()
    with pytest.raises(CommandError):
        run("calendar", "--as-user", "nobody", "sync")
    assert not CalendarDay.objects.filter(date=dt.date(2026, 10, 1)).exists()
    assert not AuditEvent.objects.filter(action="core.calendar.sync").exists()


@pytest.mark.django_db
def test_calendar_sync_twice_changes_nothing_the_second_time():
    CalendarYear.objects.filter(year=2026).delete()
    run("calendar", "sync")
    output = run("calendar", "sync")
    assert "chinesecalendar" in output
    assert AuditEvent.objects.filter(action="core.calendar.sync").count() == 1


@pytest.mark.django_db
def test_calendar_sync_keeps_days_edited_by_hand():
    # given the district moved a name on a seeded holiday
    CalendarDay.objects.filter(date=dt.date(2026, 10, 1)).update(name="国庆节")
    run("calendar", "sync")
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).name == "国庆节"


@pytest.mark.django_db
def test_seed_calendar_matches_the_migration_and_is_idempotent():
    # given the database seeded by migration 0003
    days = dict(CalendarDay.objects.values_list("date", "kind"))
    years = set(CalendarYear.objects.values_list("year", flat=True))
    # when seeding again, then nothing is added
    assert seed_calendar() == {"source": package_source(), "years": [], "days": []}
    # and after emptying the tables the seed restores exactly the same rows
    CalendarDay.objects.all().delete()
    CalendarYear.objects.all().delete()
    result = seed_calendar()
    assert dict(CalendarDay.objects.values_list("date", "kind")) == days
    assert set(CalendarYear.objects.values_list("year", flat=True)) == years == set(result["years"])
    assert {2004, 2026} <= years


@pytest.mark.django_db
def test_calendar_show_lists_a_known_year():
    output = run("calendar", "show", "2026")
    assert "2026-10-10" in output  # the make-up Saturday
    assert "2026-02-16" in output
    assert "248" in output  # working days in 2026


@pytest.mark.django_db
def test_calendar_show_warns_about_a_year_without_data():
    output = run("calendar", "show", "2027")
    assert "2027" in output
    assert "2027-" not in output  # no exceptions listed
    assert str(calendar.working_days_between(dt.date(2026, 12, 31), dt.date(2027, 12, 31))) in output


# --- serve and worker ---------------------------------------------------------------------------


@pytest.fixture
def calls(monkeypatch):
    """Record the commands and the process `serve`/`worker` would start, instead of starting them."""
    recorded = []
    monkeypatch.setattr(serve, "call_command", lambda *a, **kw: recorded.append(("command", a, kw)))
    monkeypatch.setattr(worker.SchedulingWorker, "run", lambda self: recorded.append(("worker", self)))
    monkeypatch.setattr(serve.os, "execv", lambda path, argv: recorded.append(("exec", path, argv)))
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.delenv("BIND", raising=False)
    return recorded


def test_serve_in_debug_runs_the_development_server_on_localhost(settings, calls, monkeypatch):
    settings.DEBUG = True
    run("serve")
    assert calls == [("command", ("runserver", "127.0.0.1:8000"), {})]
    calls.clear()
    monkeypatch.setenv("PORT", "8123")
    run("serve")
    assert calls == [("command", ("runserver", "127.0.0.1:8123"), {})]
    calls.clear()
    run("serve", "--port", "9000")
    assert calls == [("command", ("runserver", "127.0.0.1:9000"), {})]


def test_serve_in_production_collects_static_files_then_runs_gunicorn(settings, calls):
    settings.DEBUG = False
    run("serve")
    (kind, name, kwargs), (exec_kind, path, argv) = calls
    assert (kind, name, kwargs["interactive"]) == ("command", ("collectstatic",), False)
    assert exec_kind == "exec" and path == sys.executable
    assert argv[1:4] == ["-m", "gunicorn", "gongzhi.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8000"
    assert argv[argv.index("--workers") + 1] == str(2 * (os.cpu_count() or 1) + 1)


def test_serve_takes_bind_and_workers_from_options_or_the_environment(settings, calls, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setenv("BIND", "0.0.0.0:8080")
    run("serve", "--workers", "3")
    argv = calls[-1][2]
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:8080"
    assert argv[argv.index("--workers") + 1] == "3"
    run("serve", "--bind", "unix:/run/gongzhi.sock")
    argv = calls[-1][2]
    assert argv[argv.index("--bind") + 1] == "unix:/run/gongzhi.sock"
    run("serve", "--port", "9000")  # an explicit port wins over the environment's BIND
    argv = calls[-1][2]
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:9000"


def test_worker_runs_the_database_worker_on_the_three_queues_and_schedules(calls):
    run("worker")
    [(kind, first)] = calls
    assert kind == "worker" and first.queue_names == ["default", "sla", "notifications"]
    assert first.backend_name == "default" and not first.batch and first.schedule_every == 15
    run("worker", "--queues", "sla", "--batch", "--no-schedule")
    second = calls[1][1]
    assert second.queue_names == ["sla"] and second.batch is True and second.schedule_every is None


@pytest.mark.django_db
def test_the_demo_loads_into_a_freshly_migrated_database_and_never_over_data(monkeypatch):
    # given a migrated database: it holds only what migrations seed (calendar, matter catalogue,
    # camera alert types) and a superuser made before the first `make run`
    from gongzhi.areas.models import AreaNode
    from gongzhi.areas.tests.factories import district
    from gongzhi.core import components

    get_user_model().objects.create_superuser("root", password="a-long-enough-passphrase")
    loaded = []
    monkeypatch.setattr(components, "demo_loaders", lambda: [("areas", lambda ctx: loaded.append(district()))])
    # when the demo command runs, then it loads
    out = run("demo")
    assert "loaded" in out and len(loaded) == 1 and AreaNode.objects.exists()
    # and when it runs again over that data, then it leaves it alone
    out = run("demo")
    assert "already holds data" in out and len(loaded) == 1
