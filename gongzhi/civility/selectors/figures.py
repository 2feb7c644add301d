"""Civility figures for the dashboard and the assessment (`FigureProvider` "civility.summary"):
in the period [start, end) under `node`, counting what the user may see —

- households checked: distinct households with at least one check;
- share of standards met: checks met / checks;
- points issued: the points the checks moved in the ledger (deductions counted against them);
- bonus total: the approved bonuses of the years the period touches."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from gongzhi.core.permissions import can

from ..models import BonusRun, BonusState, Check


def summary(*, user, node, start: dt.date, end: dt.date) -> dict:
    checks = Check.objects.visible_to(user).filter(checked_on__gte=start, checked_on__lt=end)
    runs = BonusRun.objects.visible_to(user).filter(state=BonusState.APPROVED, year__gte=start.year,
                                                    year__lte=(end - dt.timedelta(days=1)).year)
    if node is not None:
        checks = checks.filter(household__path__startswith=node.path)
        runs = runs.filter(community__path__startswith=node.path)
    row = checks.aggregate(households=Count("household", distinct=True), checks=Count("id"),
                           met=Count("id", filter=Q(met=True)), points=Sum("applied"))
    total = runs.aggregate(total=Sum("total"))["total"]
    return {
        "households": row["households"] or 0,
        "checks": row["checks"] or 0,
        "met_share": round(row["met"] / row["checks"], 4) if row["checks"] else None,
        "points": row["points"] or 0,
        "bonus_total": float(total) if total is not None else 0.0,
    }


def dashboard_figures(*, user, node, start: dt.date, end: dt.date) -> list[dict]:
    """The figure provider (end exclusive); nothing for who may not read civility points."""
    if not can(user, "civility.view"):
        return []
    s = summary(user=user, node=node, start=start, end=end)
    return [
        {"key": "civility.households_checked", "label": _("Households checked"), "value": s["households"]},
        {"key": "civility.met_share", "label": _("Share of standards met"), "value": s["met_share"]},
        {"key": "civility.points_issued", "label": _("Civility points issued"), "value": s["points"]},
        {"key": "civility.bonus_total", "label": _("Civility bonus approved (yuan)"), "value": s["bonus_total"]},
    ]
