from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component


class IntegrationsConfig(AppConfig):
    name = "gongzhi.integrations"
    label = "integrations"
    verbose_name = _("Integrations")
    component = Component(api="gongzhi.integrations.api:router", urls="gongzhi.integrations.urls", url_prefix="",
                          demo_order=60, matrix="gongzhi.integrations.tests.matrix:objects")
