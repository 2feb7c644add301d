import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.components import Component, Export, FigureProvider
from gongzhi.core.navigation import NavItem
from gongzhi.core.periodic import Periodic


def every_ten_minutes() -> dt.timedelta:
    return dt.timedelta(minutes=10)


def every_hour() -> dt.timedelta:
    return dt.timedelta(hours=1)


class VolunteersConfig(AppConfig):
    """Volunteers: registration, teams, activities with sign-up and check-in by a rotating code,
    hours, the record and its certificate, points in the ledger engine and the store that spends
    them, the monthly publicity, mobilisation (吹哨报到) and donation campaigns."""

    name = "gongzhi.volunteers"
    label = "volunteers"
    verbose_name = _("Volunteers")
    component = Component(
        api="gongzhi.volunteers.api:router",
        urls="gongzhi.volunteers.urls",
        navigation=(
            NavItem(pgettext_lazy("navigation", "Volunteers"), "volunteers:home", permission="volunteers.view_home", order=50),
        ),
        matrix="gongzhi.volunteers.tests.matrix:objects",
        figures=(FigureProvider("volunteers.summary", _("Volunteers"),
                                "gongzhi.volunteers.selectors.figures:dashboard_figures"),),
        demo_order=90,
        audit_actions=(
            "volunteers.volunteer.register",
            "volunteers.volunteer.update",
            "volunteers.volunteer.leave",
            "volunteers.volunteer.reveal",
            "volunteers.team.create",
            "volunteers.team.update",
            "volunteers.team.member",
            "volunteers.activity.create",
            "volunteers.activity.update",
            "volunteers.activity.publish",
            "volunteers.activity.finish",
            "volunteers.activity.cancel",
            "volunteers.signup.create",
            "volunteers.signup.cancel",
            "volunteers.signup.promote",
            "volunteers.signup.check_in",
            "volunteers.signup.check_out",
            "volunteers.signup.no_show",
            "volunteers.record.add",
            "volunteers.certificate.issue",
            "volunteers.goods.create",
            "volunteers.goods.update",
            "volunteers.order.place",
            "volunteers.order.pick_up",
            "volunteers.order.cancel",
            "volunteers.publicity.publish",
            "volunteers.publicity.export",
            "volunteers.mobilisation.call",
            "volunteers.mobilisation.answer",
            "volunteers.mobilisation.arrive",
            "volunteers.mobilisation.close",
            "volunteers.campaign.create",
            "volunteers.campaign.update",
            "volunteers.pledge.create",
            "volunteers.donation.record",
        ),
        periodic=(
            Periodic("volunteers.remind-upcoming", "gongzhi.volunteers.tasks.remind_upcoming", every=every_ten_minutes),
            Periodic("volunteers.close-finished", "gongzhi.volunteers.tasks.close_finished", every=every_hour),
        ),
        exports=(
            Export("volunteers.publicity", "volunteers:publicity-export", _("Monthly points publicity (.xlsx)")),
            Export("volunteers.certificate", "volunteers:certificate-pdf", _("Service record certificate (PDF)")),
        ),
        notification_kinds=(
            "volunteers.reminder",
            "volunteers.promoted",
            "volunteers.activity_cancelled",
            "volunteers.order_ready",
            "volunteers.whistle",
        ),
    )
