from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component
from gongzhi.core.navigation import NavItem


class PartyConfig(AppConfig):
    name = "gongzhi.party"
    label = "party"
    verbose_name = _("Party")
    component = Component(
        api="gongzhi.party.api:router",
        urls="gongzhi.party.urls",
        navigation=(NavItem(_("Party organisations"), "party:tree", order=30),),
        demo_order=30,
        matrix="gongzhi.party.tests.matrix:objects",
    )
