"""Items: due times from the timing rules and the calendar, publishing, corrections as new versions,
the schedule of regular business, what the public sees, and the door for the deliberation app."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent
from gongzhi.disclosure.models import Item, ItemState, Timing, TimingRule
from gongzhi.disclosure.services import items
from gongzhi.disclosure.tests import factories

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def test_a_benefit_policy_is_due_five_working_days_after_it_arrived():
    w = factories.world()
    # Friday 4 December 2026, 10:00: five working days later is Friday 11 December.
    item = factories.draft(w["community"], actor=w["staff"], timing=Timing.POLICY, trigger_at=at(2026, 12, 4, 10))
    assert item.due_at == at(2026, 12, 11, 10)
    assert item.owner == w["staff"]


def test_the_district_edits_the_rule_and_new_items_follow_it():
    w = factories.world()
    TimingRule.objects.create(district=w["district"], timing=Timing.POLICY, working_days=2)
    item = factories.draft(w["community"], timing=Timing.POLICY, trigger_at=at(2026, 12, 4, 10))
    assert item.due_at == at(2026, 12, 8, 10)


def test_a_major_matter_is_due_the_next_working_day_and_a_temporary_notice_within_hours():
    w = factories.world()
    major = factories.draft(w["community"], timing=Timing.MAJOR, trigger_at=at(2026, 12, 4, 15))
    assert major.due_at == at(2026, 12, 7, 15)  # Friday → Monday
    temporary = factories.draft(w["community"], timing=Timing.TEMPORARY, trigger_at=at(2026, 12, 4, 16))
    assert temporary.due_at > at(2026, 12, 4, 16) and temporary.due_at.date() == dt.date(2026, 12, 7)


def test_publishing_on_time_and_late():
    w = factories.world()
    item = factories.draft(w["community"], timing=Timing.POLICY, trigger_at=at(2026, 12, 4, 10))
    on_time = items.item_publish(actor=w["staff"], item=item, now=at(2026, 12, 10, 9))
    assert on_time.state == ItemState.PUBLISHED and not on_time.is_late
    other = factories.draft(w["community"], timing=Timing.POLICY, trigger_at=at(2026, 12, 4, 10))
    late = items.item_publish(actor=w["staff"], item=other, now=at(2026, 12, 14, 9))
    assert late.is_late
    assert AuditEvent.objects.filter(action="disclosure.item.publish", object_id=str(item.pk)).exists()


def test_a_published_item_is_corrected_as_a_new_version_and_the_old_one_stays_visible():
    w = factories.world()
    first = factories.published(w["community"], actor=w["staff"], title="三季度低保金发放公示", body="共计12户。")
    with pytest.raises(Conflict):  # never edited in place
        items.item_edit(actor=w["staff"], item=first, title="改", body="改")
    second = items.item_correct(actor=w["staff"], item=first, title="三季度低保金发放公示", body="共计13户。",
                                reason="漏列一户")
    first.refresh_from_db()
    assert first.state == ItemState.SUPERSEDED and second.state == ItemState.PUBLISHED
    assert second.version == 2 and second.supersedes == first and second.correction_reason == "漏列一户"
    assert [i.pk for i in Item.objects.published_for_public(w["community"]).order_by("version")] == [first.pk, second.pk]
    assert list(Item.objects.current_for_public(w["community"])) == [second]
    assert [i.version for i in items.item_history(first)] == [1, 2]
    with pytest.raises(InvalidInput) as exc:
        items.item_correct(actor=w["staff"], item=second, title="x", body="y", reason="")
    assert "reason" in exc.value.fields


def test_the_public_never_sees_drafts_or_planned_slots():
    w = factories.world()
    factories.draft(w["community"])
    factories.schedule(w["community"], starts_on=dt.date(2026, 11, 1))
    items.schedule_plan(actor=factories.ACTOR, today=dt.date(2026, 12, 4))
    shown = factories.published(w["community"])
    assert list(Item.objects.published_for_public(w["community"])) == [shown]
    # A resident (no area scope) sees what the public sees; the staff see the drafts too.
    assert list(Item.objects.visible_to(w["resident"])) == [shown]
    assert Item.objects.visible_to(w["staff"]).count() > 1


def test_the_schedule_plans_regular_business_ahead_once():
    w = factories.world()
    factories.schedule(w["community"], title="财务收支情况", starts_on=dt.date(2026, 10, 1))
    created = items.schedule_plan(actor=factories.ACTOR, today=dt.date(2026, 12, 4))
    titles = list(Item.objects.filter(state=ItemState.PLANNED).order_by("period_start").values_list("title", flat=True))
    assert titles[:3] == ["2026年10月财务收支情况", "2026年11月财务收支情况", "2026年12月财务收支情况"]
    assert created == len(titles) and "2027年1月财务收支情况" in titles
    assert items.schedule_plan(actor=factories.ACTOR, today=dt.date(2026, 12, 4)) == 0
    november = Item.objects.get(title="2026年11月财务收支情况")
    # Ten working days after 30 November 23:59.
    assert november.due_at.astimezone(TZ).date() == dt.date(2026, 12, 14)
    # Writing a planned slot makes it a draft.
    written = items.item_edit(actor=w["staff"], item=november, title=november.title, body="收入3000元，支出1200元。")
    assert written.state == ItemState.DRAFT


def test_only_the_communitys_staff_publish_and_outside_is_not_found():
    w = factories.world()
    other = tree()
    item = factories.draft(w["community"])
    with pytest.raises(Forbidden):
        items.item_publish(actor=w["supervisor"], item=item)
    outsider = user(Role.COMMUNITY_STAFF, nodes=[other["community"]])
    with pytest.raises(NotFound):
        items.item_publish(actor=outsider, item=item)
    with pytest.raises(NotFound):
        factories.draft(w["community"], actor=outsider)


def test_attachments_are_documents_or_images_by_their_first_bytes():
    w = factories.world()
    item = factories.draft(w["community"], attachments=[factories.png(), factories.pdf()])
    assert sorted(item.attachments.values_list("content_type", flat=True)) == ["application/pdf", "image/png"]
    with pytest.raises(InvalidInput) as exc:
        factories.draft(w["community"], attachments=[factories.exe()])
    assert "attachments" in exc.value.fields
    assert not Item.objects.filter(title__contains="批低保", attachments__name="明细表.pdf",
                                   attachments__content_type="application/octet-stream").exists()


def test_publish_from_programme_is_idempotent_per_reference():
    w = factories.world()
    kwargs = {"community": w["community"], "title": "关于加装电梯的议事结果", "body": "同意28票，反对3票，弃权1票。",
                  "timing": Timing.MAJOR, "reference": "topic:12"}
    first = items.publish_from_programme(actor=w["staff"], **kwargs)
    again = items.publish_from_programme(actor=w["staff"], **kwargs)
    assert first.state == ItemState.PUBLISHED and again.pk == first.pk
    assert Item.objects.filter(reference="topic:12").count() == 1
    corrected = items.item_correct(actor=w["staff"], item=first, title=first.title, body="同意29票。", reason="计票更正")
    assert items.publish_from_programme(actor=w["staff"], **kwargs).pk == corrected.pk
