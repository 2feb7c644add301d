"""Reads of the monthly reports (beside `selectors`): the reports of the user's scope, filtered by
month and area, and one report in scope (NotFound otherwise)."""

from __future__ import annotations

from gongzhi.areas.models import AreaNode
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.permissions import can

from .models import MonthlyReport
from .periods import parse_month


def reports_for(*, user, month: str | None = None, area: str | int | None = None) -> list[MonthlyReport]:
    """The reports the user may read, newest month first; `month` (YYYY-MM) and `area` (a node id of
    the scope: its report and those below it) narrow it; a bad value is refused beside its field."""
    qs = MonthlyReport.objects.visible_to(user).select_related("node")
    if month:
        qs = qs.filter(month=parse_month(month).start)
    if area not in (None, ""):
        node = None
        if str(area).isdigit():
            node = AreaNode.objects.visible_to(user).filter(pk=int(area)).first()
        if node is None:
            from django.utils.translation import gettext as _

            message = _("Choose an area of your scope.")
            raise InvalidInput(message, fields={"area": [message]})
        qs = qs.filter(node__path__startswith=node.path)
    return [r for r in qs.order_by("-month", "node__path")[:500] if can(user, "dashboard.view_reports", r)]


def report_in_scope(*, user, pk: int) -> MonthlyReport:
    report = MonthlyReport.objects.visible_to(user).select_related("node").filter(pk=pk).first()
    if report is None or not can(user, "dashboard.view_reports", report):
        raise NotFound()
    return report
