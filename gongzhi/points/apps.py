from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component


class PointsConfig(AppConfig):
    """The points ledger engine: accounts, immutable entries, earning rules as data, manual
    adjustments with a second person's approval, and the consistency check (`gongzhi points-check`).
    Programmes (volunteers, the assessment's civility points) write through its services."""

    name = "gongzhi.points"
    label = "points"
    verbose_name = _("Points")
    component = Component(
        audit_actions=(
            "points.account.open",
            "points.account.update",
            "points.entry.write",
            "points.adjustment.request",
            "points.adjustment.approve",
            "points.adjustment.reject",
        ),
    )
