import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component, FigureProvider
from gongzhi.core.navigation import NavItem
from gongzhi.core.periodic import Periodic


def sweep_period():
    from . import conf

    return dt.timedelta(minutes=conf.get("CASES_SWEEP_MINUTES"))


class CasesConfig(AppConfig):
    name = "gongzhi.cases"
    label = "cases"
    verbose_name = _("Cases")
    component = Component(
        api="gongzhi.cases.api:router",
        urls="gongzhi.cases.urls",
        navigation=(
            NavItem(_("Cases"), "cases:inbox", permission="cases.view_inbox", order=20),
            NavItem(_("My requests"), "cases:mine", permission="cases.view_mine", order=20),
            NavItem(_("File a request"), "cases:new", permission="cases.file", order=21),
            NavItem(_("Figures"), "cases:figures", permission="cases.view_figures", order=60),
        ),
        demo_order=50,
        # Enqueued by `gongzhi worker` (gongzhi.core.periodic).
        periodic=(Periodic("cases.sla-sweep", "gongzhi.cases.tasks.sla_sweep", every=sweep_period),),
        # What the residents app (below cases) finds through its extension points.
        extensions={
            "residents.household.cases": "gongzhi.cases.selectors:household_cases",
            "residents.visit.case_categories": "gongzhi.cases.selectors:visit_case_categories",
            "residents.visit.raise_case": "gongzhi.cases.services.intake:case_from_visit",
            # What the assessment scores grid workers by (rules as data over these events).
            "assessment.score_events": "gongzhi.cases.scoring:score_events",
            "assessment.score_kinds": "gongzhi.cases.scoring:score_kinds",
        },
        matrix="gongzhi.cases.tests.matrix:objects",
        figures=(FigureProvider("cases.summary", _("Cases"), "gongzhi.cases.figures:summary"),),
    )
