from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component


class InspectionsConfig(AppConfig):
    name = "gongzhi.inspections"
    label = "inspections"
    verbose_name = _("inspections")
    component = Component()
