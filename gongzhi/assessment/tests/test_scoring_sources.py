"""Each app's score events (the extension point "assessment.score_events"): the right events for
the right grid worker, each with a stable source, and nobody else's."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.assessment.models import ScoreLine, WorkerMonth
from gongzhi.assessment.services import links, month_bounds, month_compute
from gongzhi.care.selectors import scoring as care_scoring
from gongzhi.cases import scoring as cases_scoring
from gongzhi.cases.models import Channel, Rating, Result
from gongzhi.meetings import scoring as meetings_scoring
from gongzhi.meetings.models import AttendanceStatus
from gongzhi.residents import scoring as residents_scoring

from . import factories as f

pytestmark = pytest.mark.django_db


def events(module, month):
    start, end = month_bounds(month)
    return sorted((kind, user, source) for kind, user, source, *_rest in module.score_events(start=start, end=end))


def test_residents_yield_grid_workers_door_visits_of_the_month():
    w = f.scoring_world()
    month = f.this_month()
    mine = f.visit(w["worker_a"], w["household_a"], f.at(month, 2))
    f.visit(w["worker_a"], w["household_a"], f.at(f.last_month(), 2))  # another month
    f.visit(w["cstaff"], w["household_a"], f.at(month, 2))  # not a grid worker
    assert events(residents_scoring, month) == [("visit.door", w["worker_a"].pk, f"residents.visit:{mine.pk}")]
    assert links([f"residents.visit:{mine.pk}"]) == {
        f"residents.visit:{mine.pk}": f"/residents/households/{w['household_a'].pk}/"}


def test_care_yields_turns_done_and_missed_of_grid_worker_carers():
    w = f.scoring_world()
    month = f.this_month()
    done = f.turn(w, month.replace(day=2))
    missed = f.turn(w, month.replace(day=3), state="missed")
    f.turn(w, month.replace(day=4), state="planned")  # not yet due: nothing
    f.turn(w, month.replace(day=5), carer_row=w["carer_volunteer"])  # a volunteer, not a grid worker
    assert events(care_scoring, month) == [
        ("care.turn_done", w["worker_a"].pk, f"care.turn:{done.pk}:done"),
        ("care.turn_missed", w["worker_a"].pk, f"care.turn:{missed.pk}:missed"),
    ]


def test_meetings_yield_attendance_of_grid_workers_at_held_meetings():
    w = f.scoring_world()
    month = f.last_month()
    present = f.attended(w["worker_a"], f.at(month, 8, 19), area=w["community"])
    f.attended(w["worker_b"], f.at(month, 9, 19), area=w["community"], status=AttendanceStatus.EXCUSED)
    assert events(meetings_scoring, month) == [("meeting.attended", w["worker_a"].pk, f"meetings.attendance:{present.pk}")]
    assert links([f"meetings.attendance:{present.pk}"])[f"meetings.attendance:{present.pk}"].startswith("/meetings/")


@pytest.fixture
def cw():
    from gongzhi.cases.tests.factories import world

    return world()


def test_cases_yield_findings_claims_on_time_resolutions_and_verifications(cw):
    from gongzhi.cases import services
    from gongzhi.cases.tests.factories import in_progress, submit

    # given worker A reports a finding from a door visit, and handles a broken manhole cover:
    finding = submit(cw, "shared-bikes", actor=cw.worker_a, channel=Channel.VISIT)
    submit(cw, "shared-bikes")  # a resident's own request: no finding of a worker
    case = in_progress(cw, "manhole-cover", title="井盖破损", description="3号楼前井盖裂了")
    case = services.case_resolve(actor=cw.worker_a, case=case, result=Result.SOLVED, feedback="已更换井盖")
    # the community's check fails once, then passes
    case = services.case_verify(actor=cw.cstaff, case=case, passed=False, note="井盖未固定")
    case = services.case_resolve(actor=cw.worker_a, case=case, result=Result.SOLVED, feedback="已固定")
    case = services.case_verify(actor=cw.cstaff, case=case, passed=True)

    found = events(cases_scoring, f.this_month())
    kinds = sorted((kind, source.split(":")[1]) for kind, user, source in found if user == cw.worker_a.pk)

    # then worker A has a finding, a claim, two resolutions on time, one failed and one passed check
    assert kinds == sorted([
        ("case.reported", str(finding.pk)), ("case.claimed", str(case.pk)),
        ("case.resolved_on_time", str(case.pk)), ("case.resolved_on_time", str(case.pk)),
        ("verification.failed", str(case.pk)), ("verification.passed", str(case.pk)),
    ])
    assert {user for _k, user, _s in found} == {cw.worker_a.pk}
    assert links([f"cases.case:{case.pk}:claimed:1"]) == {f"cases.case:{case.pk}:claimed:1": f"/cases/{case.pk}/"}


def test_cases_yield_overdue_and_justified_complaints(cw):
    from gongzhi.cases import services
    from gongzhi.cases.models import Case
    from gongzhi.cases.tests.factories import in_progress

    # given a case worker A holds whose handling limit passed yesterday
    late = in_progress(cw, "shared-bikes")
    Case.objects.filter(pk=late.pk).update(handling_due=timezone.now() - dt.timedelta(days=1))
    # and a case worker A resolved that the requester found unsolved (reopened)
    rated = in_progress(cw, "shared-bikes", title="楼道灯坏了")
    services.case_resolve(actor=cw.worker_a, case=rated, result=Result.PARTLY, feedback="换了一个灯泡")
    services.case_rate(actor=cw.resident, case=rated, rating=Rating.UNSATISFIED, solved=False)

    found = events(cases_scoring, f.this_month())
    assert ("case.overdue", cw.worker_a.pk, f"cases.case:{late.pk}:overdue") in found
    assert [k for k, _u, s in found if s.startswith(f"cases.case:{rated.pk}:complaint")] == ["complaint.justified"]


def test_every_kind_a_source_yields_has_a_default_rule_and_a_label():
    from gongzhi.assessment.models import ScoreRule
    from gongzhi.assessment.services import kinds

    labels = kinds()
    for kind in ("visit.door", "case.reported", "case.claimed", "case.resolved_on_time", "verification.passed",
                 "case.overdue", "verification.failed", "complaint.justified", "care.turn_done", "care.turn_missed",
                 "meeting.attended"):
        assert kind in labels
        assert ScoreRule.objects.filter(kind=kind, area=None).exists()


def test_a_month_from_every_source_adds_up():
    # given worker A's month: 2 visits (+2), a care turn done (+2) and one missed (-2), a meeting (+1)
    w = f.scoring_world()
    month = f.last_month()
    f.visits(w["worker_a"], w["household_a"], month, [3, 4])
    f.turn(w, month.replace(day=5))
    f.turn(w, month.replace(day=6), state="missed")
    f.attended(w["worker_a"], f.at(month, 8, 19), area=w["community"])

    month_compute(actor=w["sstaff"], month=month, node=w["street"])

    wm = WorkerMonth.objects.get(worker=w["worker_a"], month=month)
    assert (wm.total, wm.earned, wm.deducted, wm.lines_count) == (3, 5, 2, 5)
    assert sorted(ScoreLine.objects.filter(worker_month=wm).values_list("kind", "points")) == sorted([
        ("visit.door", 1), ("visit.door", 1), ("care.turn_done", 2), ("care.turn_missed", -2), ("meeting.attended", 1)])
