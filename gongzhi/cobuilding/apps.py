import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.components import Component, Export, FigureProvider
from gongzhi.core.navigation import NavItem
from gongzhi.core.periodic import Periodic


def every_day() -> dt.timedelta:
    return dt.timedelta(days=1)


class CobuildingConfig(AppConfig):
    """Co-building (共驻共建): members' and units' 双报到 and 双报告, the needs, resources, projects
    and problem lists with matching and claims, the household contact cards, and the figures."""

    name = "gongzhi.cobuilding"
    label = "cobuilding"
    verbose_name = _("Co-building")
    component = Component(
        api="gongzhi.cobuilding.api:router",
        urls="gongzhi.cobuilding.urls",
        navigation=(
            NavItem(pgettext_lazy("navigation", "Co-building"), "cobuilding:home", permission="cobuilding.view_home",
                    order=55),
        ),
        matrix="gongzhi.cobuilding.tests.matrix:objects",
        extensions={
            "meetings.decision.panels": "gongzhi.cobuilding.selectors.projects:decision_panel",
            "cases.case.panels": "gongzhi.cobuilding.selectors.needs:case_panel",
            "cases.hot_issue.actions": "gongzhi.cobuilding.selectors.needs:hot_issue_actions",
            "residents.visit.actions": "gongzhi.cobuilding.selectors.needs:visit_actions",
        },
        demo_order=92,
        audit_actions=(
            "cobuilding.member_report.register",
            "cobuilding.member_report.update",
            "cobuilding.member_report.confirm",
            "cobuilding.member_report.refuse",
            "cobuilding.member_report.end",
            "cobuilding.post.add",
            "cobuilding.post.end",
            "cobuilding.log.add",
            "cobuilding.log.remove",
            "cobuilding.quarter_report.generate",
            "cobuilding.quarter_report.evaluate",
            "cobuilding.quarter_report.send",
            "cobuilding.quarter_report.acknowledge",
            "cobuilding.quarter_report.export",
            "cobuilding.unit_report.register",
            "cobuilding.unit_report.update",
            "cobuilding.unit_report.end",
            "cobuilding.unit_report.reveal",
            "cobuilding.resource.create",
            "cobuilding.resource.update",
            "cobuilding.resource.withdraw",
            "cobuilding.need.raise",
            "cobuilding.need.update",
            "cobuilding.need.claim",
            "cobuilding.need.release",
            "cobuilding.need.complete",
            "cobuilding.need.confirm",
            "cobuilding.need.dispute",
            "cobuilding.need.to_project",
            "cobuilding.need.withdraw",
            "cobuilding.project.create",
            "cobuilding.project.update",
            "cobuilding.project.agreement",
            "cobuilding.project.renew",
            "cobuilding.project.start",
            "cobuilding.project.complete",
            "cobuilding.project.close",
            "cobuilding.project.evaluate",
            "cobuilding.partner.add",
            "cobuilding.partner.remove",
            "cobuilding.milestone.add",
            "cobuilding.milestone.done",
            "cobuilding.problem.raise",
            "cobuilding.problem.report",
            "cobuilding.problem.take_up",
            "cobuilding.problem.solve",
            "cobuilding.problem.reopen",
            "cobuilding.problem.withdraw",
            "cobuilding.problem.overdue",
            "cobuilding.card.print",
            "cobuilding.community_phone.set",
            "cobuilding.figures.export",
        ),
        periodic=(
            Periodic("cobuilding.quarter-reports", "gongzhi.cobuilding.tasks.draft_quarter_reports", every=every_day),
            Periodic("cobuilding.problems-overdue", "gongzhi.cobuilding.tasks.flag_overdue_problems", every=every_day),
        ),
        figures=(FigureProvider("cobuilding.summary", _("Co-building"),
                                "gongzhi.cobuilding.selectors.figures:dashboard_figures"),),
        exports=(
            Export("cobuilding.figures", "cobuilding:figures-export", _("Co-building figures (.xlsx)")),
            Export("cobuilding.cards", "cobuilding:cards-pdf", _("Household contact cards (PDF)")),
            Export("cobuilding.quarter_report", "cobuilding:quarter-report-pdf", _("Quarterly report to the employer (PDF)")),
        ),
        notification_kinds=(
            "cobuilding.confirm_registration",
            "cobuilding.registration_confirmed",
            "cobuilding.quarter_report",
            "cobuilding.need_claimed",
            "cobuilding.need_done",
            "cobuilding.need_confirmed",
            "cobuilding.problem_update",
            "cobuilding.problem_overdue",
        ),
    )
