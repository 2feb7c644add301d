"""The SLA sweep: warnings (黄灯) to the holder, supervision (督办) to the level above when overdue,
idempotent, catching up after downtime, and few queries for many cases."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.cases import services, tasks
from gongzhi.cases.models import CaseEvent, Supervision, SupervisionKind
from gongzhi.cases.tests.factories import dispatched, in_progress
from gongzhi.core.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db



def test_nothing_is_raised_before_the_warning_share(w):
    in_progress(w)
    counts = tasks.sweep(now=timezone.now())
    assert counts["handling_overdue"] == counts["handling_warning"] == 0
    assert not Supervision.objects.exists()


def test_overdue_case_is_supervised_by_the_level_above_and_running_twice_notifies_once(w):
    case = in_progress(w)  # held by grid A
    services.case_record_contact(actor=w.worker_a, case=case, method="phone", note="已联系")
    later = case.handling_due + dt.timedelta(minutes=1)
    tasks.sweep(now=later)
    supervision = Supervision.objects.get(case=case, kind=SupervisionKind.HANDLING_OVERDUE)
    assert supervision.level == "community" and supervision.node == w.community
    told = Notification.objects.filter(kind="cases.handling_overdue")
    assert list(told.values_list("recipient", flat=True)) == [w.cstaff.pk]
    tasks.sweep(now=later)
    tasks.sweep(now=later + dt.timedelta(hours=1))
    assert Supervision.objects.filter(case=case).count() == 1
    assert told.count() == 1
    # the timeline shows it once, by the system, naming the level; one audit event for the run
    [event] = CaseEvent.objects.filter(case=case, action="supervise")
    assert event.actor is None and event.actor_label == "system" and event.internal
    assert "社区" in event.note and event.params == {
        "supervision": supervision.pk, "kind": "handling_overdue", "level": "community"}
    [run] = AuditEvent.objects.filter(action="cases.sla.sweep")
    assert run.actor_label == "task:sla-sweep" and run.after["handling_overdue"] == 1
    assert run.after["notifications"] == 1


def test_the_warning_share_raises_a_yellow_warning_to_the_holder(w):
    case = in_progress(w)
    services.case_record_contact(actor=w.worker_a, case=case, method="phone", note="已联系")
    tasks.sweep(now=case.handling_warn_at + dt.timedelta(seconds=1))
    warning = Supervision.objects.get(case=case)
    assert warning.kind == SupervisionKind.HANDLING_WARNING and warning.level == "grid"
    assert "网格" in CaseEvent.objects.get(case=case, action="supervise").note
    assert Notification.objects.filter(kind="cases.handling_warning", recipient=w.worker_a).count() == 1


def test_no_contact_within_the_response_limit_is_supervised(w):
    case = dispatched(w)
    tasks.sweep(now=case.response_due + dt.timedelta(minutes=1))
    assert Supervision.objects.filter(case=case, kind=SupervisionKind.RESPONSE_OVERDUE, level="community").exists()


def test_catching_up_after_downtime_raises_everything_that_fell_due_meanwhile(w):
    cases = [in_progress(w) for _ in range(3)]
    # the worker was down for a month: one run raises all of it, once
    tasks.sweep(now=timezone.now() + dt.timedelta(days=30))
    for case in cases:
        kinds = set(Supervision.objects.filter(case=case).values_list("kind", flat=True))
        assert kinds == {SupervisionKind.HANDLING_OVERDUE, SupervisionKind.RESPONSE_OVERDUE}
        events = CaseEvent.objects.filter(case=case, action="supervise")
        assert sorted(e.params["kind"] for e in events) == ["handling_overdue", "response_overdue"]
    [run] = AuditEvent.objects.filter(action="cases.sla.sweep")
    assert run.after["handling_overdue"] == run.after["response_overdue"] == 3
    # a second catch-up run finds nothing new: no event, no audit
    tasks.sweep(now=timezone.now() + dt.timedelta(days=31))
    assert CaseEvent.objects.filter(action="supervise").count() == 6
    assert AuditEvent.objects.filter(action="cases.sla.sweep").count() == 1


def test_an_escalated_overdue_case_is_supervised_again_at_the_new_level(w):
    case = in_progress(w)
    later = timezone.now() + dt.timedelta(days=30)
    tasks.sweep(now=later)
    services.case_escalate(actor=w.worker_a, case=case, reason="网格解决不了")
    tasks.sweep(now=later)
    levels = set(Supervision.objects.filter(case=case, kind=SupervisionKind.HANDLING_OVERDUE).values_list("level", flat=True))
    assert levels == {"community", "street"}


def test_the_sweep_is_set_based(w, settings):
    settings.CASES_SWEEP_BATCH = 1000
    for _ in range(12):
        in_progress(w)
    with CaptureQueriesContext(connection) as few:
        tasks.sweep(now=timezone.now() + dt.timedelta(days=30))
    assert Supervision.objects.count() == 24
    # the number of queries does not grow with the number of cases
    for _ in range(12):
        in_progress(w)
    with CaptureQueriesContext(connection) as more:
        tasks.sweep(now=timezone.now() + dt.timedelta(days=30))
    assert Supervision.objects.count() == 48
    assert CaseEvent.objects.filter(action="supervise").count() == 48
    assert len(more.captured_queries) <= len(few.captured_queries) + 2


def test_the_management_command_runs_the_sweep(w, capsys):
    from django.core.management import call_command

    call_command("cases", "sla-sweep")
    assert "handling_overdue=0" in capsys.readouterr().out


def test_the_task_runs_on_the_immediate_backend(w):
    result = tasks.sla_sweep.enqueue()
    assert result.return_value["notifications"] == 0


def test_supervision_notifications_are_delivered_after_commit(w, django_capture_on_commit_callbacks):
    case = in_progress(w)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep(now=case.handling_due + dt.timedelta(minutes=1))
    told = Notification.objects.filter(kind="cases.handling_overdue")
    assert told.count() == 1 and told.get().delivered_at is not None
    assert told.get().url == f"/cases/{case.pk}/" and case.title in told.get().title
    supervision = Supervision.objects.get(case=case, kind=SupervisionKind.HANDLING_OVERDUE)
    assert supervision.due == case.handling_due and supervision.notified_at is not None


def test_the_level_above_sees_the_supervision_on_the_case_page_and_in_the_api(w, client):
    from gongzhi.accounts.tests.factories import PASSWORD

    case = in_progress(w)  # held by grid A: supervised by the community
    tasks.sweep(now=case.handling_due + dt.timedelta(minutes=1))
    client.force_login(w.cstaff)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="supervision"' in page and w.community.name in page
    assert "督办" in page  # the timeline's "supervise" event has its label
    assert client.login(username=w.cstaff.username, password=PASSWORD)
    kinds = {(s["kind"], s["level"], s["node"]) for s in client.get(f"/api/cases/{case.pk}").json()["supervisions"]}
    assert ("handling_overdue", "community", w.community.name) in kinds
    # the requester sees neither the section nor the rows
    client.force_login(case.requester)
    assert 'id="supervision"' not in client.get(f"/cases/{case.pk}/").content.decode()
    assert client.get(f"/api/cases/{case.pk}").json()["supervisions"] == []
