from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component


class TriageConfig(AppConfig):
    name = "gongzhi.triage"
    label = "triage"
    verbose_name = _("Triage")
    component = Component(
        api="gongzhi.triage.api:router",
        demo_order=55,  # after the cases it learns from
        # Triage plugs into the case intake (the case pipeline never imports triage).
        extensions={
            "cases.intake.suggest": "gongzhi.triage.predictor:suggest_for_intake",
            "cases.intake.available": "gongzhi.triage.predictor:available_for_intake",
        },
        matrix="gongzhi.triage.tests.matrix:objects",
    )
