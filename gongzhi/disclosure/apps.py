import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component, Export, FigureProvider
from gongzhi.core.navigation import NavItem
from gongzhi.core.periodic import Periodic


def hourly() -> dt.timedelta:
    return dt.timedelta(hours=1)


def daily() -> dt.timedelta:
    return dt.timedelta(days=1)


class DisclosureConfig(AppConfig):
    name = "gongzhi.disclosure"
    label = "disclosure"
    verbose_name = _("Disclosure")
    component = Component(
        api="gongzhi.disclosure.api:router",
        urls="gongzhi.disclosure.urls",
        navigation=(
            NavItem(_("Open books"), "disclosure:board", permission="disclosure.view", order=45),
        ),
        settings={
            # Files published with an item, a statement or a receipt (documents and images only).
            "DISCLOSURE_ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
            "DISCLOSURE_ATTACHMENTS_PER_UPLOAD": 9,
            # "Due soon" on the due board: due within this many working days.
            "DISCLOSURE_DUE_SOON_DAYS": 3,
            # A resident's question unanswered after this many working days is flagged.
            "DISCLOSURE_QUESTION_ANSWER_DAYS": 5,
        },
        audit_actions=(
            "disclosure.item.create",
            "disclosure.item.compose",
            "disclosure.item.edit",
            "disclosure.item.attach",
            "disclosure.item.publish",
            "disclosure.item.correct",
            "disclosure.item.correct_version",
            "disclosure.item.remind",
            "disclosure.schedule.create",
            "disclosure.schedule.plan",
            "disclosure.statement.create",
            "disclosure.statement.publish",
            "disclosure.fund.allocation",
            "disclosure.fund.spending",
            "disclosure.fund.receipt",
            "disclosure.election.record",
            "disclosure.review.approve",
            "disclosure.review.question",
            "disclosure.review.correct",
            "disclosure.rectification.create",
            "disclosure.rectification.report",
            "disclosure.rectification.accept",
            "disclosure.rectification.reject",
            "disclosure.rectification.late",
            "disclosure.question.ask",
            "disclosure.question.answer",
            "disclosure.question.unanswered",
            "disclosure.figures.export",
        ),
        notification_kinds=(
            "disclosure.due",
            "disclosure.reviewed",
            "disclosure.rectification_assigned",
            "disclosure.rectification_late",
            "disclosure.question",
            "disclosure.answered",
            "disclosure.question_unanswered",
        ),
        periodic=(
            Periodic("disclosure.plan-schedules", "gongzhi.disclosure.tasks.plan_schedules", every=daily),
            Periodic("disclosure.remind-due", "gongzhi.disclosure.tasks.remind_due", every=hourly),
            Periodic("disclosure.flag-late", "gongzhi.disclosure.tasks.flag_late", every=hourly),
        ),
        exports=(Export("disclosure.figures", "disclosure:figures-export", _("Open books figures")),),
        figures=(FigureProvider("disclosure.on_time", _("Open books on time"), "gongzhi.disclosure.board:figures"),),
        extensions={
            "cases.case.panels": "gongzhi.disclosure.selectors:case_panel",
        },
        matrix="gongzhi.disclosure.tests.matrix:objects",
        demo_order=95,
    )
