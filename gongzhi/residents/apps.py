from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.navigation import NavItem

STAFF_ROLES = frozenset({"grid_worker", "community_staff", "street_staff", "district_admin", "inspector"})


class ResidentsConfig(AppConfig):
    name = "gongzhi.residents"
    label = "residents"
    verbose_name = _("Residents")
    demo_order = 40
    navigation = (NavItem(_("Residents"), "residents:roster", roles=STAFF_ROLES, order=40),)

    def ready(self) -> None:
        # Mask ID numbers and phones in every log line (request lines carry search terms).
        from gongzhi.core.pii import install_log_redaction

        install_log_redaction()
