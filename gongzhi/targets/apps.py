from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component


class TargetsConfig(AppConfig):
    name = "gongzhi.targets"
    label = "targets"
    verbose_name = _("targets")
    component = Component()
