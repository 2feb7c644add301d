from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component


class DutiesConfig(AppConfig):
    name = "gongzhi.duties"
    label = "duties"
    verbose_name = _("duties")
    component = Component()
