"""Appeals of score lines (申诉): a grid worker appeals a line of their own month with a reason,
while the month is open or within ASSESSMENT_APPEAL_DAYS days of its closing; one pending appeal per
line. The street decides through APPEAL_WORKFLOW (row lock, audit): upheld, a new line of origin
"appeal" reverses the appealed line's points, with the reason and the approver, and the month's
total and pay share follow; dismissed, the line stands. A reason is always required. The worker is
told once the decision is committed; the street's deciders are told of a new appeal.

A line is never edited: the reversal is a new line (`corrects` names the appealed one).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import audit, components
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.notifications import notify
from gongzhi.core.permissions import require, role_q
from gongzhi.core.workflow import apply_transition

from ..models import (
    Appeal,
    AppealState,
    LineOrigin,
    MonthState,
    ScoreLine,
    WorkerMonth,
)
from ..permissions import STREET_ROLES
from ..workflow import APPEAL_WORKFLOW
from .scoring import kind_label, refresh_totals

REASON_MAX = 1000


def field_error(field: str, message: str) -> InvalidInput:
    """Bad input shown beside `field` on the form (and under `fields` in the API's error body)."""
    return InvalidInput(message, fields={field: [message]})


def object_id(value) -> int | None:
    if value in (None, ""):
        return None
    if hasattr(value, "pk"):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def clean_reason(reason: str, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not text:
        raise field_error(field, _("Give a reason."))
    if len(text) > REASON_MAX:
        raise field_error(field, _("At most %(n)d characters.") % {"n": REASON_MAX})
    return text


def appeal_days() -> int:
    return int(components.setting("ASSESSMENT_APPEAL_DAYS"))


def street_of(node: AreaNode) -> AreaNode:
    """The street (乡镇/街道) above a grid; the node itself when it has none."""
    if node.kind == AreaKind.STREET:
        return node
    path = node.path[: 2 * AreaNode.steplen]
    return AreaNode.objects.filter(path=path, kind=AreaKind.STREET).first() or node


def deciders(node: AreaNode):
    """The street's (and the district's) staff who decide appeals and approve corrections for `node`."""
    step = AreaNode.steplen
    prefixes = [node.path[:i] for i in range(step, len(node.path) + 1, step)]
    return (get_user_model().objects.filter(role_q(STREET_ROLES), is_active=True,
                                            area_bindings__node__path__in=prefixes).distinct().order_by("pk"))


def retotal(month: WorkerMonth) -> WorkerMonth:
    """The month's totals and pay share again from all its lines (the row is locked by the caller)."""
    refresh_totals([month.pk])
    month.refresh_from_db()
    return month


def lock_month(pk: int) -> WorkerMonth:
    return WorkerMonth.objects.select_for_update().select_related("area").get(pk=pk)


def month_url(month: WorkerMonth) -> str:
    return reverse("assessment:my-score") + f"?month={month.month:%Y-%m}"


# --- asking ------------------------------------------------------------------------------------------


def appeal_window_open(month: WorkerMonth, *, now: dt.datetime | None = None) -> bool:
    """Open months, and closed ones within ASSESSMENT_APPEAL_DAYS days of their closing."""
    if month.state == MonthState.OPEN:
        return True
    if month.closed_at is None:
        return False
    return (now or timezone.now()) <= month.closed_at + dt.timedelta(days=appeal_days())


def appealable(line: ScoreLine, *, pending: bool | None = None, upheld: bool | None = None) -> str:
    """Why the line cannot be appealed ("" when it can). `pending`/`upheld` spare the queries when known."""
    if line.origin == LineOrigin.APPEAL:
        return _("This line is itself the result of an appeal.")
    if line.points == 0:
        return _("This line has no points to appeal.")
    if not appeal_window_open(line.worker_month):
        return _("The time to appeal this month has passed.")
    if pending is None:
        pending = line.appeals.filter(state=AppealState.PENDING).exists()
    if pending:
        return _("This line already has a pending appeal.")
    if upheld is None:
        upheld = line.appeals.filter(state=AppealState.UPHELD).exists()
    if upheld:
        return _("An appeal of this line was already upheld.")
    return ""


def own_line(actor: Actor, line) -> ScoreLine:
    """A line of the actor's own month (anyone else's, or none: not found)."""
    user = actor_user(actor)
    row = (ScoreLine.objects.select_related("worker_month__area", "worker_month__worker")
           .filter(pk=object_id(line), worker_month__worker_id=getattr(user, "pk", None)).first())
    if row is None:
        raise NotFound()
    return row


@transaction.atomic
def appeal_file(*, actor: Actor, line, reason: str) -> Appeal:
    """The worker appeals a line of their own month; the street's deciders are told."""
    row = own_line(actor, line)
    require(actor, "assessment.appeal", row)
    month = lock_month(row.worker_month_id)
    row.worker_month = month
    text = clean_reason(reason)
    refused = appealable(row)
    if refused:
        raise field_error("line", refused)
    street = street_of(month.area)
    appeal = Appeal.objects.create(line=row, worker=month.worker, reason=text, area=street)
    audit.record(actor=actor, action="assessment.appeal.create", obj=appeal,
                 after={"line": row.pk, "points": row.points, "source": row.source, "reason": text})
    recipients = list(deciders(month.area))
    url = reverse("assessment:appeal", kwargs={"appeal_id": appeal.pk})
    transaction.on_commit(lambda: notify(
        recipients=recipients, kind="assessment.appeal_filed", obj=appeal, url=url,
        title=_("%(worker)s appeals a score line of %(month)s") % {"worker": month.worker, "month": f"{month.month:%Y-%m}"},
        body=f"{row.summary or row.kind} {row.points:+d}：{text}"))
    return appeal


# --- deciding ------------------------------------------------------------------------------------------


def _tell_worker(appeal: Appeal) -> None:
    month = appeal.line.worker_month
    if appeal.state == AppealState.UPHELD:
        title = _("Your appeal was upheld: %(points)+d points") % {"points": -appeal.line.points}
    else:
        title = _("Your appeal was dismissed")
    notify(recipients=[appeal.worker], kind="assessment.appeal_decided", obj=appeal, url=month_url(month),
           title=title, body=appeal.decision_reason)


def _decide(*, actor: Actor, appeal, action: str, reason: str) -> Appeal:
    def update(row: Appeal):
        if row.worker_id == getattr(actor_user(actor), "pk", None):
            raise field_error("reason", _("You cannot decide your own appeal."))
        row.decision_reason = clean_reason(reason)
        row.decided_by = actor_user(actor)
        row.decided_at = timezone.now()
        if action == "uphold":
            line = ScoreLine.objects.select_related("worker_month").get(pk=row.line_id)
            month = lock_month(line.worker_month_id)
            ScoreLine.objects.create(
                worker_month=month, kind=line.kind, rule=None, points=-line.points,
                source=f"assessment.appeal:{row.pk}", occurred_at=row.decided_at, origin=LineOrigin.APPEAL,
                summary=(_("Appeal upheld: %(line)s") % {"line": line.summary or kind_label(line.kind)})[:200],
                reason=row.decision_reason, approved_by=row.decided_by, corrects=line)
            retotal(month)
        return ["decision_reason", "decided_by", "decided_at"]

    return apply_transition(APPEAL_WORKFLOW, actor=actor, obj=object_id(appeal), action=action,
                            update=update, notify=_tell_worker, note=(reason or "").strip()[:200])


def appeal_uphold(*, actor: Actor, appeal, reason: str) -> Appeal:
    """Uphold: a new line reverses the appealed line's points; the month's total and pay follow."""
    return _decide(actor=actor, appeal=appeal, action="uphold", reason=reason)


def appeal_dismiss(*, actor: Actor, appeal, reason: str) -> Appeal:
    """Dismiss: the line stands (a deduction is then confirmed)."""
    return _decide(actor=actor, appeal=appeal, action="dismiss", reason=reason)


def appeal_withdraw(*, actor: Actor, appeal) -> Appeal:
    """The worker withdraws their own pending appeal."""
    def update(row: Appeal):
        row.decided_by = actor_user(actor)
        row.decided_at = timezone.now()
        row.decision_reason = _("Withdrawn by the worker.")
        return ["decision_reason", "decided_by", "decided_at"]

    return apply_transition(APPEAL_WORKFLOW, actor=actor, obj=object_id(appeal), action="withdraw", update=update)
