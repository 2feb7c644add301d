"""A worker killed in the middle of the SLA sweep (issue 12, item 9): the sweep runs as a real
process (`gongzhi cases sla-sweep`), which is killed (SIGKILL, as the kernel or an operator does)
while it waits on a row or table lock another session holds — in the middle of a step, or between
cases of the auto-close loop. What it had not committed is gone, what it had committed stays, and
the next run finishes the work: every overdue case supervised once with one timeline event and one
notification per person told, every unrated case closed once. Needs PostgreSQL (real sessions,
locks and a process to kill)."""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from gongzhi.cases import services
from gongzhi.cases.models import Case, CaseEvent, State, Supervision, SupervisionKind
from gongzhi.cases.tests.factories import in_progress, world
from gongzhi.core.models import AuditEvent, Notification

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: concurrent sessions, row locks and a real process to kill"),
]

ROOT = Path(__file__).resolve().parents[3]


def sweep_process() -> subprocess.Popen:
    """`gongzhi cases sla-sweep` in its own process, on the test database."""
    s = connection.settings_dict
    url = f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "GONGZHI_TESTING": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "cases", "sla-sweep"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


class Blocker:
    """Another session holding a lock the sweep will have to wait for."""

    def __init__(self, *statements):
        import psycopg

        s = connection.settings_dict
        self.conn = psycopg.connect(host=s["HOST"] or None, port=s["PORT"] or None, dbname=s["NAME"],
                                    user=s["USER"] or None, password=s["PASSWORD"] or None)
        for sql in statements:
            self.conn.execute(sql)  # a transaction is open from the first statement: the locks are held
        self.pid = self.conn.info.backend_pid

    def waiting_pid(self, process: subprocess.Popen, timeout: float = 180) -> int:
        """The session (the sweep's) that waits on a lock: it has reached the blocked step."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"the sweep ended before the locked step: {process.communicate()}")
            # the blocker's transaction stays open: drop its cached view of the activity each time
            self.conn.execute("SELECT pg_stat_clear_snapshot()")
            row = self.conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
                "AND pid <> pg_backend_pid()").fetchone()
            if row:
                return row[0]
            time.sleep(0.05)
        raise AssertionError("the sweep never reached the locked step")

    def release_and_wait_gone(self, pid: int | None) -> None:
        """Let go; the killed process's session then finds its client gone and rolls back."""
        self.conn.rollback()
        deadline = time.monotonic() + 30
        while pid is not None and time.monotonic() < deadline:
            with self.conn.transaction():
                if not self.conn.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                    break
            time.sleep(0.05)
        self.conn.close()


def kill_mid_sweep(blocker: Blocker) -> None:
    process = sweep_process()
    pid = None
    try:
        pid = blocker.waiting_pid(process)
        process.kill()  # SIGKILL: no clean-up, no rollback from the client side
        process.wait(timeout=30)
        assert process.returncode == -9
    finally:
        if process.poll() is None:
            process.kill()
        blocker.release_and_wait_gone(pid)


def rerun_sweep() -> str:
    process = sweep_process()
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out


@pytest.fixture
def backlog():
    """Four overdue cases (handled by grid A, nobody contacted: handling and response overdue, both
    supervised by the community) and three resolved cases left unrated past the auto-close limit."""
    w = world()
    past = timezone.now() - dt.timedelta(hours=1)
    overdue = [in_progress(w) for _ in range(4)]
    Case.objects.filter(pk__in=[c.pk for c in overdue]).update(handling_due=past, handling_warn_at=past,
                                                               response_due=past)
    unrated = []
    for _ in range(3):
        case = in_progress(w)
        services.case_record_contact(actor=w.worker_a, case=case, method="phone", note="已电话联系居民")
        unrated.append(services.case_resolve(actor=w.worker_a, case=case, result="solved", feedback="单车已清运"))
    Case.objects.filter(pk__in=[c.pk for c in unrated]).update(resolved_at=timezone.now() - dt.timedelta(days=30))
    assert {c.state for c in unrated} == {State.AWAITING_RATING}
    return w, overdue, unrated


def assert_done_exactly_once(w, overdue, unrated):
    for case in overdue:
        kinds = sorted(Supervision.objects.filter(case=case).values_list("kind", flat=True))
        assert kinds == [SupervisionKind.HANDLING_OVERDUE, SupervisionKind.RESPONSE_OVERDUE]
        events = sorted(CaseEvent.objects.filter(case=case, action="supervise").values_list("params__kind", flat=True))
        assert events == ["handling_overdue", "response_overdue"]
        told = Notification.objects.filter(object_id=str(case.pk), kind__in=["cases.handling_overdue",
                                                                              "cases.response_overdue"])
        assert sorted(told.values_list("recipient", "kind")) == [
            (w.cstaff.pk, "cases.handling_overdue"), (w.cstaff.pk, "cases.response_overdue")]
    for case in unrated:
        case.refresh_from_db()
        assert case.state == State.CLOSED
        assert CaseEvent.objects.filter(case=case, action="auto_close").count() == 1
    assert not Supervision.objects.filter(notified_at=None).exists()


def test_killed_in_the_middle_of_raising_supervision_nothing_half_written_and_the_next_run_does_it_once(backlog):
    w, overdue, unrated = backlog
    # given a session holding the case timeline's table, so the sweep stops after inserting the
    # supervision rows and before writing their timeline events, inside one transaction
    blocker = Blocker(f"LOCK TABLE {CaseEvent._meta.db_table} IN SHARE MODE")  # noqa: S608

    # when the sweep's process is killed right there
    kill_mid_sweep(blocker)

    # then none of the step is left: no supervision without its event, nobody told, nothing closed
    assert not Supervision.objects.exists()
    assert not CaseEvent.objects.filter(action="supervise").exists()
    assert not Notification.objects.filter(kind__in=[f"cases.{kind}" for kind in SupervisionKind.values]).exists()
    assert not AuditEvent.objects.filter(action="cases.sla.sweep").exists()
    assert Case.objects.filter(pk__in=[c.pk for c in unrated], state=State.AWAITING_RATING).count() == 3

    # when the next run comes
    out = rerun_sweep()

    # then it does all of it, once, and audits the run
    assert "handling_overdue=4" in out and "auto_closed=3" in out
    assert_done_exactly_once(w, overdue, unrated)
    assert AuditEvent.objects.filter(action="cases.sla.sweep").count() == 1


def test_killed_between_two_cases_of_the_auto_close_the_next_run_closes_the_rest_once(backlog):
    w, overdue, unrated = backlog
    # given a member of staff with the second unrated case open for editing (its row locked)
    second = sorted(unrated, key=lambda c: c.pk)[1]
    blocker = Blocker(f"SELECT id FROM {Case._meta.db_table} WHERE id = {second.pk} FOR UPDATE")  # noqa: S608

    # when the sweep's process is killed while it waits for that case
    kill_mid_sweep(blocker)

    # then what it committed before stays — supervision raised and told, the first case closed —
    # and the case it was on is untouched
    assert Supervision.objects.count() == 8 and not Supervision.objects.filter(notified_at=None).exists()
    states = dict(Case.objects.filter(pk__in=[c.pk for c in unrated]).values_list("pk", "state"))
    assert sorted(states.values()) == [State.AWAITING_RATING, State.AWAITING_RATING, State.CLOSED]
    assert states[second.pk] == State.AWAITING_RATING

    # when the next run comes
    out = rerun_sweep()

    # then it raises and tells nothing twice, and closes the two left, once each
    assert "handling_overdue=0" in out and "notifications=0" in out and "auto_closed=2" in out
    assert_done_exactly_once(w, overdue, unrated)
