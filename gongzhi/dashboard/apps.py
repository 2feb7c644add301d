import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component, Export
from gongzhi.core.navigation import NavItem
from gongzhi.core.periodic import Periodic


def daily() -> dt.timedelta:
    return dt.timedelta(days=1)


class DashboardConfig(AppConfig):
    """The leaders' view: a dashboard per node (district, street, community, grid) read off the
    case roll-ups and every component's declared figure providers, the map of the node's children,
    the command-centre wall screen, and the monthly reports."""

    name = "gongzhi.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")
    component = Component(
        api="gongzhi.dashboard.api:router",
        urls="gongzhi.dashboard.urls",
        navigation=(NavItem(_("Dashboard"), "dashboard:home", permission="dashboard.view", order=4),),
        settings={
            # Months of trend on the dashboard (the period's month and the ones before it).
            "DASHBOARD_TREND_MONTHS": 12,
            # The wall screen reloads its figures this often (seconds).
            "DASHBOARD_WALL_REFRESH_SECONDS": 60,
            # Rows of the overdue list and of the newest cases.
            "DASHBOARD_LIST_ROWS": 10,
        },
        audit_actions=(
            "dashboard.table.export",
            "dashboard.report.generate",
            "dashboard.report.download",
        ),
        notification_kinds=("dashboard.report_ready",),
        periodic=(
            Periodic("dashboard.monthly-reports", "gongzhi.dashboard.tasks.monthly_reports", every=daily),
        ),
        exports=(
            Export("dashboard.table", "dashboard:table-export", _("A dashboard table")),
            Export("dashboard.report", "dashboard:report-download", _("Monthly report")),
        ),
        matrix="gongzhi.dashboard.tests.matrix:objects",
        demo_order=98,  # last: the reports read what every other demo made
    )
