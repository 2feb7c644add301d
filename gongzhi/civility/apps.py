from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.components import Component, Export, FigureProvider
from gongzhi.core.navigation import NavItem


class CivilityConfig(AppConfig):
    """Household civility points (文明积分): standards as data, checks at the door with photos,
    points in the ledger, the yearly bonus (文明奖金) by a formula, the public building page with
    names only where the household agreed, and the yearly household stars (星级文明户)."""

    name = "gongzhi.civility"
    label = "civility"
    verbose_name = _("civility")
    component = Component(
        api="gongzhi.civility.api:router",
        urls="gongzhi.civility.urls",
        navigation=(
            NavItem(pgettext_lazy("navigation", "Civility points"), "civility:home", permission="civility.view",
                    order=66),
        ),
        exports=(Export("civility.bonus", "civility:bonus-export", _("Civility bonus list (.xlsx)")),),
        matrix="gongzhi.civility.tests.matrix:objects",
        demo_order=99,  # after care and the other apps: the points of two buildings of the main community
        audit_actions=(
            "civility.standard.create",
            "civility.check.record",
            "civility.consent.record",
            "civility.consent.revoke",
            "civility.bonus.compute",
            "civility.bonus.approve",
            "civility.bonus.export",
            "civility.stars.propose",
            "civility.stars.review",
        ),
        figures=(FigureProvider("civility.summary", _("Household civility points"),
                                "gongzhi.civility.selectors.figures:dashboard_figures"),),
    )
