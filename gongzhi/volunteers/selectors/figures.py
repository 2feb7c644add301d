"""The volunteers' figures the dashboard reads (a `FigureProvider`): activities held, people who
served and the hours they served in a period, under a node, for staff who read volunteer lists."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core.permissions import can

from ..models import Activity, ActivityState, Signup, SignupState


def dashboard_figures(*, user, node: AreaNode, start: dt.date, end: dt.date) -> list[dict]:
    """Activities finished under `node` that started in [start, end), the volunteers who served at
    them and their hours (from check-in and check-out)."""
    if not can(user, "volunteers.view_list"):
        return []
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end, dt.time.min, tzinfo=tz)
    activities = Activity.objects.visible_to(user).filter(
        area__path__startswith=node.path, starts_at__gte=since, starts_at__lt=until)
    held = activities.filter(state=ActivityState.FINISHED).count()
    served = Signup.objects.filter(activity__in=activities, state=SignupState.DONE).aggregate(
        people=Count("volunteer", distinct=True), minutes=Sum("minutes"))
    hours = (Decimal(served["minutes"] or 0) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    url = f"{reverse('volunteers:activity-list')}?{urlencode({'month': start.strftime('%Y-%m')})}"
    return [{**figure, "url": url} for figure in [
        {"key": "volunteers.activities_held", "label": _("Volunteer activities held"), "value": held},
        {"key": "volunteers.people_served", "label": _("Volunteers who served"), "value": served["people"]},
        {"key": "volunteers.hours", "label": _("Volunteer hours"), "value": hours},
    ]]
