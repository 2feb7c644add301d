"""Appeals as the services see them: a worker appeals their own line with a reason; the street
upholds (a new line reverses the points, the month's total and pay follow, the worker is told) or
dismisses, always with a reason; someone else's line is not found; one pending appeal per line;
the window closes N days after the month is closed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gongzhi.assessment.models import AppealState, LineOrigin, MonthState, ScoreLine
from gongzhi.assessment.services import appeals as services
from gongzhi.core.errors import Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent, Notification

from .factories_appeals import line, score_world, worker_month

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return score_world()


def test_given_a_deduction_when_the_street_upholds_the_appeal_then_total_and_pay_rise(w, django_capture_on_commit_callbacks):
    month = w["month"]
    assert month.total == -1 and month.pay == Decimal("1990.00")  # 2000 + 10 × (−1)
    deduction = line(month, "inspection.problem")
    appeal = services.appeal_file(actor=w["worker"], line=deduction, reason="那天我去了，住户记错了日子")
    assert appeal.state == AppealState.PENDING and appeal.area == w["street"]

    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_uphold(actor=w["street_staff"], appeal=appeal, reason="回访核实：住户记错了日期")

    appeal.refresh_from_db()
    month.refresh_from_db()
    reversal = ScoreLine.objects.get(origin=LineOrigin.APPEAL)
    assert appeal.state == AppealState.UPHELD and appeal.decided_by == w["street_staff"]
    assert reversal.points == 5 and reversal.corrects == deduction and reversal.approved_by == w["street_staff"]
    assert reversal.reason == "回访核实：住户记错了日期"
    assert month.total == 4 and month.deducted == 5 and month.pay == Decimal("2040.00")
    assert Notification.objects.filter(recipient=w["worker"], kind="assessment.appeal_decided").exists()
    assert AuditEvent.objects.filter(action="assessment.appeal.uphold").exists()
    deduction.refresh_from_db()
    assert deduction.points == -5  # the appealed line itself is never edited


def test_given_a_closed_month_an_upheld_appeal_still_changes_its_total(w):
    month = worker_month(w["other_worker"], w["grid_b"], month=w["month"].month - dt.timedelta(days=40),
                         lines=[("case.overdue", -3, "超期：垃圾清运")], state=MonthState.CLOSED,
                         closed_at=timezone.now())
    appeal = services.appeal_file(actor=w["other_worker"], line=line(month, "case.overdue"), reason="延期已批准")
    services.appeal_uphold(actor=w["street_staff"], appeal=appeal, reason="延期申请已获批准，不算超期")
    month.refresh_from_db()
    assert month.total == 0 and month.state == MonthState.CLOSED


def test_dismissing_needs_a_reason_beside_the_field(w):
    appeal = services.appeal_file(actor=w["worker"], line=line(w["month"], "inspection.problem"), reason="不认可")
    with pytest.raises(InvalidInput) as refused:
        services.appeal_dismiss(actor=w["street_staff"], appeal=appeal, reason="  ")
    assert "reason" in refused.value.fields
    appeal.refresh_from_db()
    assert appeal.state == AppealState.PENDING
    services.appeal_dismiss(actor=w["street_staff"], appeal=appeal, reason="回访录音证实问题属实")
    appeal.refresh_from_db()
    w["month"].refresh_from_db()
    assert appeal.state == AppealState.DISMISSED and w["month"].total == -1


def test_a_worker_cannot_appeal_another_workers_line(w):
    with pytest.raises(NotFound):
        services.appeal_file(actor=w["other_worker"], line=line(w["month"], "inspection.problem"), reason="不对")


def test_an_appeal_needs_a_reason_and_one_pending_per_line(w):
    deduction = line(w["month"], "inspection.problem")
    with pytest.raises(InvalidInput) as refused:
        services.appeal_file(actor=w["worker"], line=deduction, reason="")
    assert "reason" in refused.value.fields
    services.appeal_file(actor=w["worker"], line=deduction, reason="住户记错了")
    with pytest.raises(InvalidInput) as twice:
        services.appeal_file(actor=w["worker"], line=deduction, reason="再申诉一次")
    assert "line" in twice.value.fields


def test_the_window_closes_days_after_the_month_is_closed(w, settings):
    settings.ASSESSMENT_APPEAL_DAYS = 10
    old = worker_month(w["other_worker"], w["grid_b"], month=w["month"].month - dt.timedelta(days=70),
                       lines=[("care.turn_missed", -2, "漏访")], state=MonthState.CLOSED,
                       closed_at=timezone.now() - dt.timedelta(days=11))
    with pytest.raises(InvalidInput):
        services.appeal_file(actor=w["other_worker"], line=line(old, "care.turn_missed"), reason="那天请了假")


def test_only_the_street_decides_and_outside_its_scope_the_appeal_is_not_found(w):
    appeal = services.appeal_file(actor=w["worker"], line=line(w["month"], "inspection.problem"), reason="不认可")
    from gongzhi.accounts.tests.factories import user
    from gongzhi.areas.tests.factories import tree

    with pytest.raises(Forbidden):
        services.appeal_uphold(actor=user("inspector", nodes=[w["street"]]), appeal=appeal, reason="同意")

    elsewhere = user("street_staff", nodes=[tree()["street"]])
    with pytest.raises(NotFound):
        services.appeal_uphold(actor=elsewhere, appeal=appeal, reason="同意")


def test_the_worker_withdraws_their_own_pending_appeal(w):
    appeal = services.appeal_file(actor=w["worker"], line=line(w["month"], "inspection.problem"), reason="不认可")
    services.appeal_withdraw(actor=w["worker"], appeal=appeal)
    appeal.refresh_from_db()
    assert appeal.state == AppealState.DISMISSED
