"""Whistle calls (吹哨报到): a street calls departments on a case it handles; each department
reports in (报到) by the deadline and reports its part. The case keeps its state and its lead;
these are records on it, checked by the gate like every action ("cases.whistle",
"cases.acknowledge", "cases.report_part") and audited under their historical names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import Department
from gongzhi.core import calendar
from gongzhi.core.actors import Actor, actor_user, is_system
from gongzhi.core.errors import Conflict, InvalidInput, NotFound

from .. import routing
from ..models import Case, WhistleCall
from . import notify
from .attachments import check_attachments
from .events import audit_case, check, event, lock, required_text


@transaction.atomic
def case_whistle(
    *,
    actor: Actor,
    case: Case,
    departments: Sequence[Department],
    reason: str,
    acknowledge_by: dt.datetime | None = None,
    hours: int | None = None,
) -> list[WhistleCall]:
    """A street calls departments on a case it handles: each must report in by the deadline and
    report its part; the case stays with its lead."""
    case = lock(actor, case)
    check(actor, case, "whistle")
    reason = required_text(reason, "reason", _("Say what the departments are called for."))
    if not departments:
        message = _("Choose at least one department.")
        raise InvalidInput(message, fields={"departments": [message]})
    district = routing.prefix(case.location_path, 1)
    for d in departments:
        if d.district.path != district or not d.is_active:
            message = _("“%(name)s” is not an active department of this district.") % {"name": d}
            raise InvalidInput(message, fields={"departments": [message]})
    if acknowledge_by is None:
        acknowledge_by = calendar.add_working_hours(timezone.now(), hours or 2)
    if timezone.is_naive(acknowledge_by):
        raise InvalidInput(_("The time must carry a time zone."), fields={"acknowledge_by": [_("Invalid time.")]})
    if acknowledge_by <= timezone.now():
        message = _("The deadline to report in must be in the future.")
        raise InvalidInput(message, fields={"acknowledge_by": [message]})
    taken = set(case.whistle_calls.filter(reported_at=None, department__in=departments).values_list(
        "department__short_name", flat=True))
    if taken:
        message = _("Already called and not yet reported: %(names)s") % {"names": "、".join(sorted(taken))}
        raise Conflict(message, code="already_called")
    calls = [
        WhistleCall.objects.create(
            case=case, department=d, called_by=actor_user(actor), reason=reason, acknowledge_by=acknowledge_by
        )
        for d in departments
    ]
    event(case, actor, "whistle", from_state=case.state, note=reason,
          params={"departments": [d.code for d in departments], "acknowledge_by": acknowledge_by})
    audit_case(actor, case, "whistle", {}, {"departments": [d.code for d in departments]}, note=reason)
    notify.notify_later(lambda: notify.department_staff([d.pk for d in departments]),
                        _("Whistle call: report in on %(title)s") % {"title": case.title}, reason, case,
                        "cases.whistle")
    return calls


def _lock_call(actor: Actor, call: WhistleCall | int) -> tuple[WhistleCall, Case]:
    """The call and its case, locked; a call on another department is not found."""
    pk = call.pk if isinstance(call, WhistleCall) else call
    locked = WhistleCall.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise NotFound(_("No such call."))
    case = lock(actor, locked.case_id)
    if not (is_system(actor) or actor.is_superuser) and getattr(actor, "department_id", None) != locked.department_id:
        raise NotFound(_("No such call."))
    return locked, case


@transaction.atomic
def whistle_acknowledge(*, actor: Actor, call: WhistleCall | int, note: str = "") -> WhistleCall:
    """报到: the department answers the call (late if after the deadline)."""
    call, case = _lock_call(actor, call)
    check(actor, case, "acknowledge")
    if call.acknowledged_at:
        raise Conflict(_("The department has already reported in."), code="already_acknowledged")
    now = timezone.now()
    call.acknowledged_at, call.acknowledged_by, call.late = now, actor_user(actor), now > call.acknowledge_by
    call.save(update_fields=["acknowledged_at", "acknowledged_by", "late"])
    event(case, actor, "acknowledge", from_state=case.state, note=note,
          params={"call": call.pk, "department": call.department.code, "late": call.late})
    audit_case(actor, case, "acknowledge", {}, {"call": call.pk, "late": call.late}, note=note)
    return call


@transaction.atomic
def whistle_report(
    *, actor: Actor, call: WhistleCall | int, report: str, attachments: Sequence[UploadedFile] = ()
) -> WhistleCall:
    """The department's report on its part (reporting in first if it had not)."""
    call, case = _lock_call(actor, call)
    check(actor, case, "report_part")
    if call.reported_at:
        raise Conflict(_("The department has already reported its part."), code="already_reported")
    report = required_text(report, "report", _("Describe what the department did."))
    check_attachments(attachments)
    now = timezone.now()
    changed = ["report", "reported_at"]
    if not call.acknowledged_at:
        call.acknowledged_at, call.acknowledged_by, call.late = now, actor_user(actor), now > call.acknowledge_by
        changed += ["acknowledged_at", "acknowledged_by", "late"]
    call.report, call.reported_at = report, now
    call.save(update_fields=changed)
    event(case, actor, "report_part", from_state=case.state, note=report,
          params={"call": call.pk, "department": call.department.code}, attachments=attachments)
    audit_case(actor, case, "report_part", {}, {"call": call.pk})
    notify.notify_later(lambda: notify.handler(case),
                        _("%(dept)s reported on: %(title)s") % {"dept": call.department, "title": case.title}, report,
                        case, "cases.whistle_report")
    return call
