"""Residents' questions (质询) on published items, answered in public by the item's owner; a
question unanswered after DISCLOSURE_QUESTION_ANSWER_DAYS working days is flagged."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit, calendar, components, notifications, permissions
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, InvalidInput, NotFound

from .. import personal_data
from ..models import Item, ItemState, Question
from ..permissions import REMINDED_ROLES

TEXT_LIMIT = 2000


def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("This field is required."), fields={field: [_("This field is required.")]})
    if len(value) > TEXT_LIMIT:
        message = _("At most %(n)d characters.") % {"n": TEXT_LIMIT}
        raise InvalidInput(message, fields={field: [message]})
    return value


@transaction.atomic
def question_ask(*, actor: Actor, item: Item | int, text: str, now: dt.datetime | None = None) -> Question:
    """A signed-in resident asks about a published item. The question is shown in public with
    anything personal in it masked (the asker is never named)."""
    pk = item.pk if isinstance(item, Item) else item
    row = Item.objects.visible_to(actor).filter(pk=pk).select_related("community", "owner").first()
    if row is None:
        raise NotFound()
    permissions.require(actor, "disclosure.ask", row)
    if row.state != ItemState.PUBLISHED:
        raise Conflict(_("Ask about the current version of the notice."), code="invalid_transition")
    text = personal_data.mask(_text(text, "text"), community=row.community)
    now = now or timezone.now()
    due = calendar.add_working_days(now, components.setting("DISCLOSURE_QUESTION_ANSWER_DAYS"))
    question = Question(item=row, asked_by=actor_user(actor), text=text, answer_due_at=due)
    audit.save(actor=actor, obj=question, action="disclosure.question.ask", fields=["item", "text", "answer_due_at"])
    if now != timezone.now():
        Question.objects.filter(pk=question.pk).update(asked_at=now)
    if row.owner_id:
        transaction.on_commit(lambda: notifications.notify(
            recipients=[row.owner], title=_("A resident asks about: %(title)s") % {"title": row.title},
            body=text, url=f"/disclosure/items/{row.pk}/", obj=row, kind="disclosure.question"))
    return question


@transaction.atomic
def question_answer(*, actor: Actor, question: Question | int, answer: str) -> Question:
    """The item's owner (or the community's staff) answers in public; nothing personal."""
    pk = question.pk if isinstance(question, Question) else question
    row = Question.objects.visible_to(actor).select_for_update().filter(pk=pk).first()
    if row is None:
        raise NotFound()
    row = Question.objects.select_related("item__community", "asked_by").get(pk=row.pk)
    permissions.require(actor, "disclosure.answer", row)
    if row.answered_at:
        raise Conflict(_("This question is answered already."), code="invalid_transition")
    answer = _text(answer, "answer")
    personal_data.check_publishable({"answer": answer}, community=row.item.community)
    before = audit.snapshot(row, ["answer", "answered_at"])
    row.answer, row.answered_by, row.answered_at = answer, actor_user(actor), timezone.now()
    audit.save(actor=actor, obj=row, action="disclosure.question.answer", fields=["answer", "answered_at"],
               before=before)
    transaction.on_commit(lambda: notifications.notify(
        recipients=[row.asked_by], title=_("Your question was answered: %(title)s") % {"title": row.item.title},
        body=answer, url=f"/disclosure/items/{row.item_id}/", obj=row.item, kind="disclosure.answered"))
    return row


@transaction.atomic
def flag_unanswered(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Flag (once) the questions past their answer time; tell the owner and the community's staff."""
    permissions.require(actor, "disclosure.flag")
    now = now or timezone.now()
    rows = list(Question.objects.select_for_update(skip_locked=True).filter(
        answered_at__isnull=True, flagged_at__isnull=True, answer_due_at__lt=now))
    if not rows:
        return 0
    Question.objects.filter(pk__in=[q.pk for q in rows]).update(flagged_at=now)
    User = get_user_model()
    for q in Question.objects.filter(pk__in=[q.pk for q in rows]).select_related("item__owner", "item__community"):
        audit.record(actor=actor, action="disclosure.question.unanswered", obj=q, after={"due": q.answer_due_at})
        staff = list(User.objects.filter(permissions.role_q(REMINDED_ROLES), area_bindings__node=q.item.community,
                                         is_active=True))
        transaction.on_commit(lambda q=q, staff=staff: notifications.notify(
            recipients=[q.item.owner, *staff], title=_("A resident's question waits for an answer: %(title)s") % {
                "title": q.item.title}, body=q.text, url=f"/disclosure/items/{q.item_id}/", obj=q.item,
            kind="disclosure.question_unanswered"))
    return len(rows)
