from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component
from gongzhi.core.navigation import NavItem


class ResidentsConfig(AppConfig):
    name = "gongzhi.residents"
    label = "residents"
    verbose_name = _("Residents")
    component = Component(
        api="gongzhi.residents.api:router",
        urls="gongzhi.residents.urls",
        navigation=(NavItem(_("Residents"), "residents:roster", permission="residents.view", order=40),),
        demo_order=40,
        matrix="gongzhi.residents.tests.matrix:objects",
    )

    def ready(self) -> None:
        # Mask ID numbers and phones in every log line (request lines carry search terms).
        from gongzhi.core.pii import install_log_redaction

        install_log_redaction()
