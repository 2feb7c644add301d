import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.navigation import NavItem
from gongzhi.core.periodic import Periodic

STAFF = frozenset({"grid_worker", "community_staff", "street_staff", "department_staff", "inspector", "district_admin"})
FIGURES = frozenset({"grid_worker", "community_staff", "street_staff", "inspector", "district_admin"})


def sweep_period():
    from . import conf

    return dt.timedelta(minutes=conf.get("CASES_SWEEP_MINUTES"))


class CasesConfig(AppConfig):
    name = "gongzhi.cases"
    label = "cases"
    verbose_name = _("Cases")
    demo_order = 50
    navigation = (
        NavItem(_("Cases"), "cases:inbox", roles=STAFF, order=20),
        NavItem(_("My requests"), "cases:mine", roles=frozenset({"resident"}), order=20),
        NavItem(_("File a request"), "cases:new", roles=frozenset({"resident", "community_staff", "grid_worker"}),
                order=21),
        NavItem(_("Figures"), "cases:figures", roles=FIGURES, order=60),
        NavItem(_("Messages"), "cases:messages", order=90),
    )
    # Enqueued by `gongzhi worker` (gongzhi.core.periodic).
    periodic = (Periodic("cases.sla-sweep", "gongzhi.cases.tasks.sla_sweep", every=sweep_period),)
