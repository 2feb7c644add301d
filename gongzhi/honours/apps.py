from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component


class HonoursConfig(AppConfig):
    name = "gongzhi.honours"
    label = "honours"
    verbose_name = _("honours")
    component = Component()
