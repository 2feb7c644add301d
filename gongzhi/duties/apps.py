import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.components import Component, FigureProvider
from gongzhi.core.navigation import NavItem
from gongzhi.core.periodic import Periodic


def every_day() -> dt.timedelta:
    return dt.timedelta(days=1)


class DutiesConfig(AppConfig):
    """Duty sheets (明白纸) per role — key tasks, red lines, accountability rules — kept by the district
    in versions, printed on one A4 page and shown on each person's home page; and the accountability
    records (问责记录) made from supervision outcomes and confirmed deductions against those rules."""

    name = "gongzhi.duties"
    label = "duties"
    verbose_name = _("Duty sheets and accountability")
    component = Component(
        api="gongzhi.duties.api:router",
        urls="gongzhi.duties.urls",
        navigation=(
            NavItem(pgettext_lazy("navigation", "Duty sheets"), "duties:home", permission="duties.view_sheets",
                    order=88),
        ),
        extensions={
            # The sheet of the user's role on the home page.
            "accounts.home.panels": "gongzhi.duties.selectors.sheets:home_panel",
        },
        matrix="gongzhi.duties.tests.matrix:objects",
        demo_order=101,  # after the assessment's demo (its deductions) and the cases' (their supervisions)
        settings={
            # A supervision (督办) still unanswered this many days after it was raised becomes a record.
            "DUTIES_SUPERVISION_GRACE_DAYS": 3,
            # How far back the sync looks for outcomes without a record.
            "DUTIES_SYNC_LOOKBACK_DAYS": 120,
        },
        audit_actions=(
            "duties.sheet.create",
            "duties.sheet.save_section",
            "duties.sheet.print",
            "duties.mapping.set",
            "duties.mapping.remove",
            "duties.record.create",
            "duties.record.acknowledge",
            "duties.record.note",
            "duties.record.close",
        ),
        periodic=(
            Periodic("duties.accountability-sync", "gongzhi.duties.tasks.sync_accountability", every=every_day),
        ),
        figures=(FigureProvider("duties.summary", _("Accountability records"),
                                "gongzhi.duties.selectors.records:dashboard_figures"),),
        notification_kinds=("duties.record_opened",),
    )
