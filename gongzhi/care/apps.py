import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.components import Component, Export, FigureProvider
from gongzhi.core.navigation import NavItem
from gongzhi.core.periodic import Periodic


def every_hour() -> dt.timedelta:
    return dt.timedelta(hours=1)


def every_day() -> dt.timedelta:
    return dt.timedelta(days=1)


class CareConfig(AppConfig):
    """Care for households in difficulty (困难群众关爱): care plans, the branches' fair rotation
    rosters, visits at the door, missed visits, emergencies and the figures."""

    name = "gongzhi.care"
    label = "care"
    verbose_name = _("Care for households in difficulty")
    component = Component(
        api="gongzhi.care.api:router",
        urls="gongzhi.care.urls",
        navigation=(
            NavItem(pgettext_lazy("navigation", "Care"), "care:home", permission="care.view_home", order=57),
        ),
        # The care panel on the residents' household page.
        extensions={
            "residents.household.panels": "gongzhi.care.selectors.plans:household_panel",
            # What the assessment scores grid workers by (rules as data over these events).
            "assessment.score_events": "gongzhi.care.selectors.scoring:score_events",
            "assessment.score_kinds": "gongzhi.care.selectors.scoring:score_kinds",
        },
        exports=(
            Export("care.cards", "care:branch-cards", _("Care cards with the check-in codes (PDF)")),
            Export("care.figures", "care:figures-export", _("Care figures (.xlsx)")),
        ),
        matrix="gongzhi.care.tests.matrix:objects",
        demo_order=93,  # after the party, volunteers and co-building it draws its carers from
        settings={
            # The matter an emergency at the door is filed under (the catalogue's code).
            "CARE_EMERGENCY_CATEGORY": "living-alone",
            # A household is flagged to the community this many days after its plan's interval ran out.
            "CARE_UNSEEN_GRACE_DAYS": 2,
            # A late turn becomes missed (and the branch secretary is told) this many hours after the carer was told.
            "CARE_MISSED_AFTER_HOURS": 24,
        },
        audit_actions=(
            "care.branch.create",
            "care.branch.update",
            "care.carer.add",
            "care.carer.update",
            "care.leave.add",
            "care.leave.remove",
            "care.plan.create",
            "care.plan.update",
            "care.plan.review",
            "care.plan.close",
            "care.plan.reveal_health",
            "care.contact.add",
            "care.contact.remove",
            "care.card.print",
            "care.roster.generate",
            "care.roster.publish",
            "care.roster.withdraw",
            "care.turn.visit",
            "care.turn.miss",
            "care.turn.cancel",
            "care.turn.late",
            "care.swap.request",
            "care.swap.approve",
            "care.swap.refuse",
            "care.swap.withdraw",
            "care.visit.record",
            "care.visit.to_case",
            "care.visit.to_need",
            "care.emergency.raise",
            "care.emergency.handle",
            "care.plan.unseen",
            "care.figures.export",
        ),
        periodic=(
            Periodic("care.turn-reminders", "gongzhi.care.tasks.remind_turns", every=every_hour),
            Periodic("care.reviews-due", "gongzhi.care.tasks.remind_reviews", every=every_day),
            Periodic("care.sweep", "gongzhi.care.tasks.sweep_missed", every=every_hour),
        ),
        figures=(FigureProvider("care.summary", _("Care for households in difficulty"),
                                "gongzhi.care.selectors.figures:dashboard_figures"),),
        notification_kinds=(
            "care.turn_reminder",
            "care.turn_late",
            "care.turn_missed",
            "care.household_unseen",
            "care.emergency",
            "care.roster_published",
            "care.swap_requested",
            "care.swap_decided",
            "care.review_due",
        ),
    )
