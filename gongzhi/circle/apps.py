import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.components import Component, Export, FigureProvider
from gongzhi.core.navigation import NavItem
from gongzhi.core.periodic import Periodic


def every_quarter_hour() -> dt.timedelta:
    return dt.timedelta(minutes=15)


def every_hour() -> dt.timedelta:
    return dt.timedelta(hours=1)


class CircleConfig(AppConfig):
    """The 10-minute service circle (10分钟生活圈): service points and providers, the nearest help
    within a walk, 点单 → 派单 → 接单 → 评单, room bookings, and the one-stop hall's service guide
    with appointments."""

    name = "gongzhi.circle"
    label = "circle"
    verbose_name = _("10-minute service circle")
    component = Component(
        api="gongzhi.circle.api:router",
        urls="gongzhi.circle.urls",
        navigation=(
            NavItem(pgettext_lazy("navigation", "Service circle"), "circle:home", permission="circle.view", order=58),
        ),
        exports=(Export("circle.figures", "circle:figures-export", _("Service circle figures (.xlsx)")),),
        matrix="gongzhi.circle.tests.matrix:objects",
        demo_order=95,  # after the volunteers and co-building whose teams and units provide services
        settings={
            # Nearest within a walk: minutes, metres a minute, and the factor from straight line to streets.
            "CIRCLE_WALK_MINUTES": 10,
            "CIRCLE_WALK_METRES_PER_MINUTE": 75,
            "CIRCLE_WALK_FACTOR": 1.3,
            # Hours the centre has to dispatch an order (派单); the provider's limits are per service.
            "CIRCLE_DISPATCH_WITHIN_HOURS": 4,
            # A provider checks in within this many metres of the order's place.
            "CIRCLE_CHECKIN_METRES": 300,
            # A booked room or hall slot nobody checked in to this many minutes after it began is a no-show.
            "CIRCLE_NO_SHOW_AFTER_MINUTES": 30,
            # Appointments are reminded this many hours ahead.
            "CIRCLE_REMIND_HOURS": 24,
        },
        audit_actions=(
            "circle.point.create",
            "circle.point.update",
            "circle.point.photo",
            "circle.point.rate",
            "circle.room.create",
            "circle.room.update",
            "circle.provider.create",
            "circle.provider.update",
            "circle.provider.reveal_phone",
            "circle.offering.set",
            "circle.offering.remove",
            "circle.theme.set",
            "circle.order.create",
            "circle.order.dispatch",
            "circle.order.accept",
            "circle.order.decline",
            "circle.order.deliver",
            "circle.order.rate",
            "circle.order.cancel",
            "circle.order.withdraw",
            "circle.order.overdue",
            "circle.booking.create",
            "circle.booking.check_in",
            "circle.booking.cancel",
            "circle.booking.no_show",
            "circle.matter.create",
            "circle.matter.update",
            "circle.appointment.create",
            "circle.appointment.arrive",
            "circle.appointment.serve",
            "circle.appointment.cancel",
            "circle.appointment.no_show",
            "circle.figures.export",
        ),
        periodic=(
            Periodic("circle.orders-overdue", "gongzhi.circle.tasks.flag_overdue_orders", every=every_quarter_hour),
            Periodic("circle.no-shows", "gongzhi.circle.tasks.record_no_shows", every=every_quarter_hour),
            Periodic("circle.reminders", "gongzhi.circle.tasks.remind_appointments", every=every_hour),
        ),
        figures=(FigureProvider("circle.summary", _("10-minute service circle"),
                                "gongzhi.circle.selectors.figures:dashboard_figures"),),
        notification_kinds=(
            "circle.order_placed",
            "circle.order_dispatched",
            "circle.order_accepted",
            "circle.order_declined",
            "circle.order_delivered",
            "circle.order_overdue",
            "circle.order_cancelled",
            "circle.booking_made",
            "circle.appointment_reminder",
        ),
    )
