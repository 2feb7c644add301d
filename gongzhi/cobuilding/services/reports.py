"""双报告: the quarterly report back to a member's employer, drawn from the service log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor, actor_user, is_system
from gongzhi.core.errors import Forbidden, InvalidInput
from gongzhi.core.notifications import notify
from gongzhi.core.permissions import can, require
from gongzhi.core.workflow import apply_transition, lock_visible

from ..models import (
    Delivery,
    Evaluation,
    MemberReport,
    QuarterReport,
    QuarterReportState,
    ReportInState,
    ServiceLog,
)
from ..workflow_members import QUARTER_REPORT_WORKFLOW
from .members import employer_liaisons


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1)


def previous_quarter(day: dt.date) -> tuple[int, int]:
    year, quarter = quarter_of(day)
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def _check_quarter(year: int, quarter: int) -> None:
    if quarter not in (1, 2, 3, 4):
        raise InvalidInput(_("Choose a quarter."), fields={"quarter": [_("Choose a quarter.")]})
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("Choose a year."), fields={"year": [_("Choose a year.")]})
    if quarter_bounds(year, quarter)[1] >= timezone.localdate():
        message = _("A quarter is reported once it has ended.")
        raise InvalidInput(message, fields={"quarter": [message]})


def _draft(report: MemberReport, year: int, quarter: int) -> QuarterReport | None:
    if QuarterReport.objects.filter(report=report, year=year, quarter=quarter).exists():
        return None
    start, end = quarter_bounds(year, quarter)
    logs = list(ServiceLog.objects.filter(report=report, served_on__range=(start, end))
                .select_related("post").order_by("served_on", "id"))
    lines = [{"date": e.served_on.isoformat(), "hours": str(e.hours), "what": e.what,
              "post": e.post.get_kind_display() if e.post else ""} for e in logs]
    hours = sum((e.hours for e in logs), Decimal("0"))
    return QuarterReport.objects.create(report=report, year=year, quarter=quarter, hours=hours,
                                        services=len(logs), lines=lines)


def _draft_all(actor: Actor, reports, year: int, quarter: int) -> int:
    start, end = quarter_bounds(year, quarter)
    made = 0
    for report in reports.filter(confirmed_at__date__lte=end).exclude(ended_on__lt=start):
        created = _draft(report, year, quarter)
        if created is not None:
            made += 1
            audit.record(actor=actor, action="cobuilding.quarter_report.generate", obj=created,
                         after={"year": year, "quarter": quarter, "hours": created.hours,
                                "services": created.services})
    return made


@transaction.atomic
def generate(*, actor: Actor, community: AreaNode, year: int, quarter: int) -> int:
    """The staff draft the reports of a community's active registrations for an ended quarter
    (those already drafted are left as they are); returns how many were made."""
    require(actor, "cobuilding.keep_registrations", community)
    _check_quarter(year, quarter)
    reports = MemberReport.objects.filter(community=community, state=ReportInState.ACTIVE)
    return _draft_all(actor, reports, year, quarter)


@transaction.atomic
def draft_quarter_reports(*, actor: Actor) -> int:
    """The background job: drafts the reports of the quarter just ended for every active
    registration. Idempotent (a report a quarter per registration)."""
    require(actor, "cobuilding.sweep")
    year, quarter = previous_quarter(timezone.localdate())
    return _draft_all(actor, MemberReport.objects.filter(state=ReportInState.ACTIVE), year, quarter)


@transaction.atomic
def evaluate(*, actor: Actor, quarter_report: QuarterReport | int, evaluation: str, note: str = "") -> QuarterReport:
    row = lock_visible(QuarterReport, actor=actor, pk=getattr(quarter_report, "pk", quarter_report))
    require(actor, "cobuilding.keep_registrations", row)
    if row.state != QuarterReportState.DRAFT:
        message = _("A report already sent is not evaluated again.")
        raise InvalidInput(message, fields={"evaluation": [message]})
    if evaluation not in Evaluation.values:
        raise InvalidInput(_("Choose an evaluation."), fields={"evaluation": [_("Choose an evaluation.")]})
    before = audit.snapshot(row, ["evaluation", "evaluation_note"])
    row.evaluation, row.evaluation_note, row.evaluated_by = evaluation, (note or "").strip()[:300], actor_user(actor)
    row.save(update_fields=["evaluation", "evaluation_note", "evaluated_by"])
    audit.record(actor=actor, action="cobuilding.quarter_report.evaluate", obj=row, before=before,
                 after=audit.snapshot(row, ["evaluation", "evaluation_note"]))
    return row


def send(*, actor: Actor, quarter_report: QuarterReport | int) -> QuarterReport:
    """Send to the employer: in the app when it has liaisons (they are told), else as a PDF the
    staff print and post."""
    liaisons: list = []

    def guard(row: QuarterReport) -> None:
        if not row.evaluation:
            message = _("Evaluate the report before sending it.")
            raise InvalidInput(message, fields={"evaluation": [message]})

    def update(row: QuarterReport):
        liaisons.extend(employer_liaisons(row.report.member))
        row.delivery = Delivery.IN_APP if liaisons else Delivery.PDF
        row.sent_at = timezone.now()
        return ["delivery", "sent_at"]

    def tell(row: QuarterReport) -> None:
        notify(recipients=liaisons, kind="cobuilding.quarter_report", obj=row, url=reverse("cobuilding:employer-inbox"),
               title=_("Quarterly report of %(name)s, %(year)s Q%(quarter)s")
               % {"name": row.report.member.name, "year": row.year, "quarter": row.quarter})

    return apply_transition(QUARTER_REPORT_WORKFLOW, actor=actor, obj=quarter_report, action="send", guard=guard,
                            update=update, notify=tell)


def acknowledge(*, actor: Actor, quarter_report: QuarterReport | int) -> QuarterReport:
    """The employer's liaison confirms receipt in the app; for a posted PDF the staff record it."""

    def guard(row: QuarterReport) -> None:
        member = row.report.member
        if is_system(actor):
            return
        if row.delivery == Delivery.IN_APP:
            allowed = bool(member.employer_id) and getattr(actor, "unit_id", None) == member.employer_id
        else:
            allowed = can(actor, "cobuilding.keep_registrations", row)
        if not allowed:
            raise Forbidden(_("Only the employer's liaison (or, for a posted report, the community's staff) "
                              "confirms receipt."))

    def update(row: QuarterReport):
        row.received_at, row.received_by = timezone.now(), actor_user(actor)
        return ["received_at", "received_by"]

    return apply_transition(QUARTER_REPORT_WORKFLOW, actor=actor, obj=quarter_report, action="acknowledge",
                            guard=guard, update=update)


@transaction.atomic
def record_export(*, actor: Actor, quarter_report: QuarterReport) -> None:
    audit.record(actor=actor, action="cobuilding.quarter_report.export", obj=quarter_report,
                 after={"year": quarter_report.year, "quarter": quarter_report.quarter})

