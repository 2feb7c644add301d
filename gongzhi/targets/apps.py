from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.components import Component, Export, FigureProvider
from gongzhi.core.navigation import NavItem


class TargetsConfig(AppConfig):
    """Differentiated assessment of streets and communities (差异化考核): indicators from every
    component's declared figures, each unit's own weights and targets per period, scores and
    rankings frozen at the close with drill-down to the figures; the yearly star rating of
    communities (星级评定) with the committee's review."""

    name = "gongzhi.targets"
    label = "targets"
    verbose_name = _("targets")
    component = Component(
        api="gongzhi.targets.api:router",
        urls="gongzhi.targets.urls",
        navigation=(
            NavItem(pgettext_lazy("navigation", "Assessment of units"), "targets:periods", permission="targets.view",
                    order=66),
        ),
        exports=(Export("targets.scores", "targets:export", _("Assessment scores of a period (.xlsx)")),),
        matrix="gongzhi.targets.tests.matrix:objects",
        demo_order=98,  # after every programme whose figures it reads
        settings={
            # An indicator's achievement (actual / target) counts at most this much.
            "TARGETS_RATIO_CAP": "1.2",
            # A unit that misses any bottom-line indicator scores at most this total.
            "TARGETS_BOTTOM_LINE_CAP": 60,
        },
        audit_actions=(
            "targets.indicator.create",
            "targets.indicator.update",
            "targets.period.create",
            "targets.period.open",
            "targets.period.close",
            "targets.bottom_line.set",
            "targets.bottom_line.remove",
            "targets.plan.set",
            "targets.plan.copy",
            "targets.template.save",
            "targets.thresholds.set",
            "targets.stars.propose",
            "targets.stars.review",
            "targets.round.publish",
            "targets.scores.export",
        ),
        figures=(FigureProvider("targets.summary", _("Assessment of units"), "gongzhi.targets.selectors.summary:summary"),),
    )
