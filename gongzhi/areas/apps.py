from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.navigation import NavItem


class AreasConfig(AppConfig):
    name = "gongzhi.areas"
    label = "areas"
    verbose_name = _("Areas")
    navigation = (
        NavItem(
            _("Areas"),
            "areas:tree",
            roles=frozenset({"grid_worker", "community_staff", "street_staff", "inspector", "supervision", "district_admin"}),
            order=20,
        ),
    )
    demo_order = 10
