from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "gongzhi.integrations"
    label = "integrations"
    verbose_name = _("Integrations")
    demo_order = 60
