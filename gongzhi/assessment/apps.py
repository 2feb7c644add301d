from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component


class AssessmentConfig(AppConfig):
    name = "gongzhi.assessment"
    label = "assessment"
    verbose_name = _("assessment")
    component = Component()
