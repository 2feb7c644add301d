"""Corrections: the community's staff ask (points ±, a reason); a second person of the street
approves — a new line with the approver, the month's total and pay follow — or rejects with a
reason; the person who asked cannot approve it; nothing is ever edited."""

from decimal import Decimal

import pytest

from gongzhi.assessment.models import CorrectionState, LineOrigin, ScoreLine
from gongzhi.assessment.services import corrections as services
from gongzhi.core.errors import Forbidden, InvalidInput, NotFound
from gongzhi.core.models import Notification

from .factories_appeals import line, score_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return score_world()


def test_an_approved_correction_is_a_new_line_with_its_approver(w, django_capture_on_commit_callbacks):
    month = w["month"]
    correction = services.correction_request(actor=w["community_staff"], worker_month=month, points=2,
                                             reason="12日协助处置燃气泄漏，系统未记录")
    month.refresh_from_db()
    assert correction.state == CorrectionState.PENDING and month.total == -1  # nothing changes before approval
    with django_capture_on_commit_callbacks(execute=True):
        services.correction_approve(actor=w["street_staff"], correction=correction, note="情况属实")
    correction.refresh_from_db()
    month.refresh_from_db()
    added = ScoreLine.objects.get(origin=LineOrigin.CORRECTION)
    assert correction.state == CorrectionState.APPROVED and correction.line == added
    assert added.points == 2 and added.approved_by == w["street_staff"] and added.reason.startswith("12日")
    assert month.total == 1 and month.pay == Decimal("2010.00")
    assert Notification.objects.filter(recipient=w["worker"], kind="assessment.correction_decided").exists()


def test_the_person_who_asked_cannot_approve_it(w):
    correction = services.correction_request(actor=w["street_staff"], worker_month=w["month"], points=-2,
                                             reason="重复计分", corrects=line(w["month"], "visit.door"))
    with pytest.raises(Forbidden):
        services.correction_approve(actor=w["street_staff"], correction=correction)
    services.correction_approve(actor=w["street_staff_2"], correction=correction)
    w["month"].refresh_from_db()
    assert w["month"].total == -3


def test_rejecting_needs_a_reason_and_changes_nothing(w):
    correction = services.correction_request(actor=w["community_staff"], worker_month=w["month"], points=5,
                                             reason="加班")
    with pytest.raises(InvalidInput) as refused:
        services.correction_reject(actor=w["street_staff"], correction=correction, note="")
    assert "note" in refused.value.fields
    services.correction_reject(actor=w["street_staff"], correction=correction, note="加班另有补贴，不计分")
    correction.refresh_from_db()
    w["month"].refresh_from_db()
    assert correction.state == CorrectionState.REJECTED and w["month"].total == -1


def test_bad_points_and_a_missing_reason_are_refused_beside_their_fields(w):
    for points, reason, field in ((0, "无", "points"), (500, "太多", "points"), (3, "", "reason")):
        with pytest.raises(InvalidInput) as refused:
            services.correction_request(actor=w["community_staff"], worker_month=w["month"], points=points,
                                        reason=reason)
        assert field in refused.value.fields


def test_a_month_outside_the_scope_is_not_found_and_a_worker_cannot_ask(w):
    from gongzhi.accounts.tests.factories import user
    from gongzhi.areas.tests.factories import tree

    elsewhere = user("community_staff", nodes=[tree()["community"]])
    with pytest.raises(NotFound):
        services.correction_request(actor=elsewhere, worker_month=w["month"], points=1, reason="试试")
    with pytest.raises((Forbidden, NotFound)):
        services.correction_request(actor=w["other_worker"], worker_month=w["other_month"], points=1, reason="给自己加分")
