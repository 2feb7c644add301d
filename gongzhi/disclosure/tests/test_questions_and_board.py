"""Residents' questions answered in public and flagged when unanswered; the due board, the figures
and the reminders."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from gongzhi.core.actors import SystemActor
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput
from gongzhi.core.models import Notification
from gongzhi.disclosure import board
from gongzhi.disclosure.models import Timing
from gongzhi.disclosure.services import items, questions, reminders
from gongzhi.disclosure.tests import factories

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
SYSTEM = SystemActor(label="test")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def test_a_resident_asks_the_owner_answers_in_public(django_capture_on_commit_callbacks):
    w = factories.world()
    item = factories.published(w["community"], actor=w["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        q = questions.question_ask(actor=w["resident"], item=item, text="我家情况相同，电话13912345678，为什么没有？")
    assert "139****5678" in q.text  # masked before anyone sees it
    assert Notification.objects.filter(recipient=w["staff"], kind="disclosure.question").exists()
    with pytest.raises(Forbidden):
        questions.question_ask(actor=w["staff"], item=item, text="?")
    with pytest.raises(Forbidden):
        questions.question_answer(actor=w["supervisor"], question=q, answer="请来社区咨询。")
    with pytest.raises(InvalidInput) as exc:
        questions.question_answer(actor=w["staff"], question=q, answer="  ")
    assert "answer" in exc.value.fields
    answered = questions.question_answer(actor=w["staff"], question=q, answer="请携带材料到社区服务站申请，我们入户核查。")
    assert answered.answered_at and answered.answered_by == w["staff"]
    with pytest.raises(Conflict):
        questions.question_answer(actor=w["staff"], question=q, answer="再次回复")


def test_an_unanswered_question_is_flagged_after_the_working_days():
    w = factories.world()
    item = factories.published(w["community"], actor=w["staff"])
    questions.question_ask(actor=w["resident"], item=item, text="经费用在哪里了？", now=at(2026, 12, 4, 10))
    assert questions.flag_unanswered(actor=SYSTEM, now=at(2026, 12, 10, 10)) == 0
    assert questions.flag_unanswered(actor=SYSTEM, now=at(2026, 12, 11, 11)) == 1
    assert questions.flag_unanswered(actor=SYSTEM, now=at(2026, 12, 14, 11)) == 0


def test_the_due_board_and_figures_count_soon_missing_late_and_on_time():
    w = factories.world()
    now = at(2026, 12, 4, 10)
    # Missing: due 1 December, still a draft.
    factories.draft(w["community"], timing=Timing.MAJOR, trigger_at=at(2026, 11, 30, 10))
    # Due soon: due 8 December.
    factories.draft(w["community"], timing=Timing.MAJOR, trigger_at=at(2026, 12, 7, 10))
    # Late and on time.
    late = factories.draft(w["community"], timing=Timing.MAJOR, trigger_at=at(2026, 11, 2, 10))
    items.item_publish(actor=w["staff"], item=late, now=at(2026, 11, 10, 10))
    on_time = factories.draft(w["community"], timing=Timing.MAJOR, trigger_at=at(2026, 11, 2, 10))
    on_time = items.item_publish(actor=w["staff"], item=on_time, now=at(2026, 11, 2, 12))
    items.item_correct(actor=w["staff"], item=on_time, title=on_time.title, body="更正", reason="错字")  # counts once
    b = board.board(user=w["street_staff"], node=w["street"], now=now)
    row = b.communities[0]
    assert (row.missing, row.due_soon, row.late, row.on_time) == (1, 1, 1, 1)
    assert row.on_time_rate == round(1 / 3, 4)
    assert b.streets[0].name == w["street"].name and b.total.missing == 1
    assert [i.pk for i in board.due_items(user=w["staff"], node=w["community"], which="late", now=now)] == [late.pk]
    # Out of scope: nothing.
    assert board.board(user=w["supervisor"], node=w["community"], now=now).total.missing == 1


def test_owners_are_reminded_once_of_what_is_due(django_capture_on_commit_callbacks):
    w = factories.world()
    factories.draft(w["community"], actor=w["staff"], timing=Timing.MAJOR, trigger_at=at(2026, 12, 3, 10))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.remind_due(actor=SYSTEM, now=at(2026, 12, 4, 9)) == 1
    assert reminders.remind_due(actor=SYSTEM, now=at(2026, 12, 4, 10)) == 0
    assert Notification.objects.filter(recipient=w["staff"], kind="disclosure.due").count() == 1
