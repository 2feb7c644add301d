"""Care figures (issue #19 item 6). So far only the dashboard's figure provider; the per-node
tables, by branch and by person, the page, the API and the .xlsx are still to come."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.permissions import can

from ..models import CarePlan, PlanState, RosterState, Turn, TurnState


def dashboard_figures(*, user, node, start: dt.date, end: dt.date) -> list[dict]:
    """The figure provider the dashboard reads (`FigureProvider`, end exclusive): active plans and
    turns due, done and missed under `node`, counting only what `user` may see."""
    if not can(user, "care.view_list"):
        return []
    plans = CarePlan.objects.visible_to(user).filter(household__path__startswith=node.path,
                                                     state=PlanState.ACTIVE)
    turns = (Turn.objects.visible_to(user)
             .filter(plan__household__path__startswith=node.path, roster__state=RosterState.PUBLISHED,
                     date__gte=start, date__lt=end, date__lte=timezone.localdate())
             .exclude(state=TurnState.CANCELLED))
    return [
        {"key": "care.plans", "label": _("Households with a care plan"), "value": plans.count()},
        {"key": "care.turns_due", "label": _("Visits due"), "value": turns.count()},
        {"key": "care.turns_done", "label": _("Visits done"), "value": turns.filter(state=TurnState.DONE).count()},
        {"key": "care.turns_missed", "label": _("Missed turns"),
         "value": turns.filter(state=TurnState.MISSED).count()},
    ]
