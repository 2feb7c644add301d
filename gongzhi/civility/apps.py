from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component


class CivilityConfig(AppConfig):
    name = "gongzhi.civility"
    label = "civility"
    verbose_name = _("civility")
    component = Component()
