"""Deliberation's figures the dashboard reads (a `FigureProvider`): topics opened in a period,
topics being deliberated now, resolutions being carried out and those past their deadline, under a
node, for the staff who read topics."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core.permissions import can

from .models import Resolution, ResolutionState, Topic, TopicState


def dashboard_figures(*, user, node: AreaNode, start: dt.date, end: dt.date) -> list[dict]:
    if not can(user, "deliberation.view_topics"):
        return []
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end, dt.time.min, tzinfo=tz)
    topics = Topic.objects.visible_to(user).filter(area__path__startswith=node.path)
    resolutions = Resolution.objects.visible_to(user).filter(topic__area__path__startswith=node.path,
                                                             state=ResolutionState.IMPLEMENTING)
    today = timezone.localdate()
    url = reverse("deliberation:topics")
    return [{**figure, "url": url} for figure in [
        {"key": "deliberation.topics_opened", "label": _("Topics raised"),
         "value": topics.filter(created_at__gte=since, created_at__lt=until).count()},
        {"key": "deliberation.topics_in_progress", "label": _("Topics being deliberated now"),
         "value": topics.filter(state=TopicState.IN_PROGRESS).count()},
        {"key": "deliberation.resolutions_open", "label": _("Resolutions being carried out"),
         "value": resolutions.count()},
        {"key": "deliberation.resolutions_late", "label": _("Resolutions past their deadline"),
         "value": resolutions.filter(deadline__lt=today).count()},
    ]]
