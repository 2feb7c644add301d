import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.components import Component, Export, FigureProvider
from gongzhi.core.navigation import NavItem
from gongzhi.core.periodic import Periodic


def every_hour() -> dt.timedelta:
    return dt.timedelta(hours=1)


# A2: navigation items, audit actions and notification kinds of the pages, appeals, corrections
# and reports are appended to the tuples below in the blocks marked "# A2".
NAVIGATION = (
    NavItem(pgettext_lazy("navigation", "My score"), "assessment:my-score", permission="assessment.view_own", order=60),
    # A2
    NavItem(pgettext_lazy("navigation", "Grid workers' scores"), "assessment:months",
            permission="assessment.view_scores", order=61),
)

AUDIT_ACTIONS = (
    "assessment.rule.create",
    "assessment.rule.end",
    "assessment.formula.create",
    "assessment.month.compute",
    "assessment.month.close",
    "assessment.appeal.create",
    "assessment.appeal.uphold",
    "assessment.appeal.dismiss",
    "assessment.appeal.withdraw",
    "assessment.correction.create",
    "assessment.correction.approve",
    "assessment.correction.reject",
    # A2
    "assessment.report.export",
)

NOTIFICATION_KINDS = (
    "assessment.month_closed",
    # A2
    "assessment.appeal_filed",
    "assessment.appeal_decided",
    "assessment.correction_requested",
    "assessment.correction_decided",
)


class AssessmentConfig(AppConfig):
    """Grid workers' assessment (网格员量化考核): monthly scores from rules kept as data over the
    events other apps record, every point traceable, the pay share from a formula, appeals and
    corrections as new lines."""

    name = "gongzhi.assessment"
    label = "assessment"
    verbose_name = _("assessment")
    component = Component(
        api="gongzhi.assessment.api:router",
        urls="gongzhi.assessment.urls",
        navigation=NAVIGATION,
        matrix="gongzhi.assessment.tests.matrix:objects",
        demo_order=97,
        # A2: the month's report of an area (.xlsx, audited).
        exports=(Export("assessment.report", "assessment:months-export", _("Grid workers' scores of a month (.xlsx)")),),
        settings={
            # The worker recomputes the current month's open scores every hour (idempotent); False: only
            # by hand (`gongzhi assessment-compute`, the API or the months page).
            "ASSESSMENT_COMPUTE_CURRENT_MONTH": True,
            # A2: a worker may appeal a line while the month is open and this many days after it is closed.
            "ASSESSMENT_APPEAL_DAYS": 10,
        },
        audit_actions=AUDIT_ACTIONS,
        notification_kinds=NOTIFICATION_KINDS,
        periodic=(
            Periodic("assessment.compute-current", "gongzhi.assessment.tasks.compute_current_month", every=every_hour),
        ),
        figures=(FigureProvider("assessment.summary", _("Grid workers' assessment"),
                                "gongzhi.assessment.selectors.figures:dashboard_figures"),),
    )
