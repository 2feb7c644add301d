"""The figure provider of the assessment (`targets.summary`): for a street or community, its
frozen total and rank in the latest period closed within [start, end); for a district (or any
node), how many of its units were scored in the periods closed then, and their average."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core import scope
from gongzhi.core.permissions import can

from ..models import PeriodState, Result, RoundState, StarRating
from .scores import latest_closed_score


def summary(*, user, node=None, start: dt.date | None = None, end: dt.date | None = None) -> list[dict]:
    if not can(user, "targets.view") or node is None or not scope.covers_path(user, node.path):
        return []
    start = start or dt.date(2000, 1, 1)
    end = end or dt.date(2100, 1, 1)
    own = latest_closed_score(node=node, start=start, end=end)
    under = (Result.objects.filter(unit__path__startswith=node.path, period__state=PeriodState.CLOSED,
                                   period__end__gte=start, period__end__lt=end)
             .aggregate(n=Count("pk"), avg=Avg("total")))
    average = under["avg"]
    stars = StarRating.objects.filter(community__path__startswith=node.path, round__state=RoundState.PUBLISHED,
                                      round__year__gte=start.year, round__year__lt=end.year + 1)
    list_url = reverse("targets:periods")
    return [
        {"key": "targets.score", "label": _("Assessment score"), "value": own.total if own else None,
         "url": reverse("targets:unit", args=[own.period_id, own.unit_id]) if own else list_url},
        {"key": "targets.rank", "label": _("Rank among peers"), "value": own.rank if own else None,
         "url": list_url},
        {"key": "targets.units_scored", "label": _("Units scored"), "value": under["n"], "url": list_url},
        {"key": "targets.average_score", "label": _("Average score"),
         "value": Decimal(average).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if average is not None else None,
         "url": list_url},
        {"key": "targets.four_stars", "label": _("Communities with four or five stars"),
         "value": stars.filter(final__gte=4).count(), "url": reverse("targets:stars-published")},
    ]
