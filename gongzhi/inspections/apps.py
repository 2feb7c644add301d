import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.components import Component, FigureProvider
from gongzhi.core.navigation import NavItem
from gongzhi.core.periodic import Periodic


def daily() -> dt.timedelta:
    return dt.timedelta(days=1)


class InspectionsConfig(AppConfig):
    """Inspectors' spot checks (民情巡察员核查): each street's publicly selected inspectors, a monthly
    sample of the street's grid workers' door visits and closed cases (random, weighted for risk),
    the inspector's call-back or visit and finding, the street's decision; a confirmed problem is a
    deduction in the grid workers' assessment."""

    name = "gongzhi.inspections"
    label = "inspections"
    verbose_name = _("inspections")
    component = Component(
        api="gongzhi.inspections.api:router",
        urls="gongzhi.inspections.urls",
        navigation=(
            NavItem(pgettext_lazy("navigation", "Spot checks"), "inspections:home", permission="inspections.view",
                    order=72),
        ),
        matrix="gongzhi.inspections.tests.matrix:objects",
        demo_order=96,  # after the residents' visits and the cases it samples, and after circle (95)
        settings={
            # Records drawn for a street's month when the staff do not say, and the most they may ask.
            "INSPECTIONS_SAMPLE_SIZE": 20,
            "INSPECTIONS_SAMPLE_MAX": 200,
            # A record's weight in the draw: the base, plus the weight of each of its risks.
            "INSPECTIONS_WEIGHT_BASE": 1,
            "INSPECTIONS_WEIGHT_UNSATISFIED": 4,  # a case the requester rated "not satisfied"
            "INSPECTIONS_WEIGHT_REOPENED": 3,  # a case reopened after the rating
            "INSPECTIONS_WEIGHT_NO_PHOTO": 2,  # a door visit with no photo
        },
        audit_actions=(
            "inspections.inspector.add",
            "inspections.inspector.retire",
            "inspections.sample.draw",
            "inspections.finding.record",
            "inspections.finding.confirm",
            "inspections.finding.reject",
        ),
        notification_kinds=(
            "inspections.items_assigned",
            "inspections.problem_found",
            "inspections.problem_confirmed",
        ),
        periodic=(
            Periodic("inspections.monthly-samples", "gongzhi.inspections.tasks.draw_monthly_samples", every=daily),
        ),
        figures=(FigureProvider("inspections.summary", _("Inspectors' spot checks"),
                                "gongzhi.inspections.selectors.figures:dashboard_figures"),),
        extensions={
            "assessment.score_events": "gongzhi.inspections.scoring:score_events",
            "assessment.score_kinds": "gongzhi.inspections.scoring:score_kinds",
        },
    )
