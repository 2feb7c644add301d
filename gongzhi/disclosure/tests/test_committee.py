"""The supervision committee: its election makes its members; it reviews items (approve, question,
demand correction); a demanded correction is a rectification with an owner and a deadline, tracked
to closure and flagged when late."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.core.actors import SystemActor
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput
from gongzhi.core.models import Notification
from gongzhi.disclosure.models import ElectionResult, RectificationState, Verdict
from gongzhi.disclosure.services import committee
from gongzhi.disclosure.services.committee import Candidate
from gongzhi.disclosure.tests import factories
from gongzhi.meetings.models import BodyKind

pytestmark = pytest.mark.django_db


def elect(w, **overrides):
    values = {"community": w["community"], "held_on": dt.date(2026, 3, 20), "term_start": dt.date(2026, 4, 1),
              "term_end": dt.date(2031, 3, 31), "voters": 45,
              "candidates": [Candidate("刘建国", 41, True, capacity="chair"), Candidate("马玉兰", 38, True),
                             Candidate("赵德明", 36, True), Candidate("孙桂芳", 12, False)]}
    values.update(overrides)
    return committee.election_record(actor=w["staff"], **values)


def test_an_election_records_votes_and_makes_the_elected_members():
    w = factories.world()
    election = elect(w)
    body = election.body
    assert body.kind == BodyKind.SUPERVISION_COMMITTEE and body.area == w["community"]
    assert sorted(m.name for m in committee.sitting_members(body)) == ["刘建国", "赵德明", "马玉兰"]
    assert list(ElectionResult.objects.filter(election=election).values_list("name", "votes"))[0] == ("刘建国", 41)
    # The next election: who is not re-elected leaves at the new term.
    elect(w, held_on=dt.date(2031, 3, 20), term_start=dt.date(2031, 4, 1), term_end=dt.date(2036, 3, 31),
          candidates=[Candidate("刘建国", 40, True), Candidate("周秀珍", 33, True)])
    assert sorted(m.name for m in committee.sitting_members(body)) == ["刘建国", "周秀珍"]


def test_an_election_with_more_votes_than_cast_is_refused():
    w = factories.world()
    with pytest.raises(InvalidInput) as exc:
        elect(w, candidates=[Candidate("刘建国", 46, True)])
    assert "candidates" in exc.value.fields


def test_the_committee_questions_an_item_and_demands_a_correction_tracked_to_closure(django_capture_on_commit_callbacks):
    w = factories.world()
    item = factories.published(w["community"], actor=w["staff"], title="三季度低保金发放公示")
    with django_capture_on_commit_callbacks(execute=True):
        questioned = committee.review_item(actor=w["supervisor"], item=item, verdict=Verdict.QUESTION,
                                           comment="为什么比上季度少了两户？")
    assert questioned.after_publication
    assert Notification.objects.filter(recipient=w["staff"], kind="disclosure.reviewed").exists()
    review = committee.review_item(actor=w["supervisor"], item=item, verdict=Verdict.CORRECT,
                                   comment="补充退出低保的两户原因", deadline=timezone.localdate() + dt.timedelta(days=5))
    rect = review.rectification
    assert rect.owner == w["staff"] and rect.state == RectificationState.OPEN
    with pytest.raises(Conflict):  # not reported yet
        committee.rectification_accept(actor=w["supervisor"], rectification=rect)
    rect = committee.rectification_report(actor=w["staff"], rectification=rect, report="已发布更正版本")
    with pytest.raises(Forbidden):
        committee.rectification_accept(actor=w["staff"], rectification=rect)
    rect = committee.rectification_accept(actor=w["supervisor"], rectification=rect)
    assert rect.state == RectificationState.CLOSED and rect.closed_at


def test_only_the_committee_reviews_and_a_question_says_what():
    w = factories.world()
    item = factories.draft(w["community"])
    with pytest.raises(Forbidden):
        committee.review_item(actor=w["staff"], item=item, verdict=Verdict.APPROVE)
    with pytest.raises(InvalidInput) as exc:
        committee.review_item(actor=w["supervisor"], item=item, verdict=Verdict.QUESTION, comment="")
    assert "comment" in exc.value.fields
    assert not committee.review_item(actor=w["supervisor"], item=item, verdict=Verdict.APPROVE).after_publication


def test_a_late_rectification_is_flagged_once(django_capture_on_commit_callbacks):
    w = factories.world()
    rect = committee.rectification_create(actor=w["supervisor"], community=w["community"], title="公开栏破损未修复",
                                          owner=w["staff"], deadline=timezone.localdate())
    actor = SystemActor(label="test")
    with django_capture_on_commit_callbacks(execute=True):
        assert committee.flag_late_rectifications(actor=actor, today=timezone.localdate() + dt.timedelta(days=1)) == 1
    assert committee.flag_late_rectifications(actor=actor, today=timezone.localdate() + dt.timedelta(days=2)) == 0
    rect.refresh_from_db()
    assert rect.late_flagged_at
    assert Notification.objects.filter(recipient=w["staff"], kind="disclosure.rectification_late").exists()
    with pytest.raises(InvalidInput):
        committee.rectification_create(actor=w["supervisor"], community=w["community"], title="x", owner=w["staff"],
                                       deadline=timezone.localdate() - dt.timedelta(days=1))
