from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component


class TriageConfig(AppConfig):
    name = "gongzhi.triage"
    label = "triage"
    verbose_name = _("Triage")
    component = Component(api="gongzhi.triage.api:router", demo_order=55, matrix="gongzhi.triage.tests.matrix:objects")  # after the cases it learns from
