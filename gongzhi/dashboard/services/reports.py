"""Make the monthly report of a street or community: the overview of the month read as the system
(the worker) or the staff member who asked, written as .xlsx and PDF (embedded font), kept on the
`MonthlyReport` row of (node, month); making it again replaces the files."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import audit, calendar, notifications
from gongzhi.core import permissions as core_permissions
from gongzhi.core.errors import InvalidInput

from .. import report_pdf, report_xlsx, selectors
from ..formatting import cell_text
from ..models import MonthlyReport
from ..periods import Month, month_of
from ..permissions import TOLD_REPORT_READY
from ..tables import COUNT, RATE, plain

REPORT_KINDS = (AreaKind.STREET, AreaKind.COMMUNITY)
# The tables the PDF prints (with a row limit); the .xlsx has every table of the overview.
PDF_TABLES = (("trend", None), ("levels", None), ("by_matter", 10), ("times", None), ("ranking", None),
              ("programmes", 10))


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return plain(value)


def _summary(ov: selectors.Overview) -> list[tuple[str, object, str]]:
    h = ov.headline
    c = h["counts"]
    return [
        (pgettext("figure", "Response rate"), h.get("response_rate"), RATE),
        (pgettext("figure", "Resolution rate"), h.get("resolution_rate"), RATE),
        (pgettext("figure", "Satisfaction rate"), h.get("satisfaction_rate"), RATE),
        (pgettext("figure", "Composite"), h.get("composite"), RATE),
        (_("Requests"), c.get("cases"), COUNT),
        (_("Closed"), c.get("closed"), COUNT),
        (_("Open requests now"), h["now"].get("open"), COUNT),
        (_("Overdue now"), h["now"].get("red"), COUNT),
    ]


def report_title(node: AreaNode, month: Month) -> str:
    return _("%(area)s monthly report, %(month)s") % {"area": node.name, "month": month.label()}


def _staff(node: AreaNode) -> list:
    User = get_user_model()  # noqa: N806
    return list(User.objects.filter(core_permissions.role_q(TOLD_REPORT_READY[node.kind]),
                                     area_bindings__node_id=node.pk, is_active=True).distinct())


def make_report(*, actor, node: AreaNode, month: Month, now: dt.datetime | None = None) -> MonthlyReport:
    """Make (or make again) the report of `node` for `month`; `node` must be a street or community."""
    if node.kind not in REPORT_KINDS:
        message = _("Monthly reports are made for streets and communities only.")
        raise InvalidInput(message, fields={"node": [message]})
    now = now or timezone.now()
    ov = selectors.overview(user=actor, node=node, month=month, now=now)
    summary = _summary(ov)
    title = report_title(node, month)
    made_at = timezone.localtime(now)
    tables = {t.key: t for t in ov.tables}
    xlsx = report_xlsx.build(summary_title=pgettext("report sheet", "Summary"),
                             summary=[(_("Area"), node.name), (pgettext("figure", "Month"), month.key),
                                      *[(label, value) for label, value, _kind in summary]],
                             tables=ov.tables)
    pdf = io.BytesIO()
    lines = [_("Area: %(area)s") % {"area": node.full_name},
             "；".join(f"{label} {cell_text(value, kind)}" for label, value, kind in summary)]
    report_pdf.build(pdf, title=title, lines=lines,
                     tables=[(tables[key], limit) for key, limit in PDF_TABLES if key in tables],
                     footer=_("Made at %(time)s.") % {"time": f"{made_at:%Y-%m-%d %H:%M}"})
    with transaction.atomic():
        report, created = MonthlyReport.objects.select_for_update().get_or_create(node=node, month=month.start)
        # The old files go only once the new ones are saved and committed: a failure leaves the
        # report as it was.
        old_files = [(field.storage, field.name) for field in (report.xlsx, report.pdf) if field]
        stem = f"{node.code}-{month.key}"
        report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
        report.pdf.save(f"{stem}.pdf", ContentFile(pdf.getvalue()), save=False)
        report.made_by = str(getattr(actor, "label", "") or getattr(actor, "username", ""))[:100]
        report.figures = {"headline": _plain(ov.headline), "tables": [t.as_data() for t in ov.tables]}
        report.save()
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in old_files])
        audit.record(actor=actor, action="dashboard.report.generate", obj=report,
                     after={"node": node.code, "month": month.key, "again": not created})
        recipients = _staff(node)
        transaction.on_commit(lambda: notifications.notify(
            recipients=recipients, title=_("Monthly report ready: %(title)s") % {"title": title},
            url=f"/dashboard/reports/?month={month.key}", obj=report, kind="dashboard.report_ready"))
    return report


def first_working_day(month: Month) -> dt.date:
    return calendar.next_working_day(month.start, include=True)


def make_due_reports(*, actor, today: dt.date | None = None, force: bool = False,
                     month: Month | None = None, nodes=None) -> list[MonthlyReport]:
    """On the first working day of a month (or whenever `month` is given), make last month's report of
    every active street and community that has none yet (all of them with `force`). Idempotent."""
    today = today or timezone.localdate()
    if month is None:
        if today != first_working_day(month_of(today)):
            return []
        month = month_of(today).shifted(-1)
    qs = AreaNode.objects.filter(kind__in=REPORT_KINDS, is_active=True) if nodes is None else nodes
    if not force:
        qs = qs.exclude(monthly_reports__month=month.start)
    return [make_report(actor=actor, node=node, month=month) for node in qs.order_by("path")]


@transaction.atomic
def record_download(*, actor, report: MonthlyReport, fmt: str) -> None:
    """A report's file leaves the system: who took which one, audited."""
    audit.record(actor=actor, action="dashboard.report.download", obj=report, after={"format": fmt})

