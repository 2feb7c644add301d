"""Honours figures for the dashboard and the assessment (`FigureProvider` "honours.summary"), for an
area node and a period [start, end):

- **selections held**: selections of the area (or under it) whose vote closed in the period
  (counted or announced);
- **nominations**: residents' nominations made in the period in those areas' selections;
- **votes cast**: ballots of the selections' votes cast in the period (one per voter);
- **awards given**: honours put on the roll in the period (selections' winners and awards won).

Only what the user may see (the models' `visible_to`); nothing for who may not read the lists."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from gongzhi.core.permissions import can
from gongzhi.votes.models import Participation

from ..models import Honour, Nomination, Selection


def dashboard_figures(*, user, node, start: dt.date, end: dt.date) -> list[dict]:
    if not can(user, "honours.view_list"):
        return []
    selections = Selection.objects.visible_to(user)
    nominations = Nomination.objects.visible_to(user)
    honours = Honour.objects.all()
    if node is not None:
        selections = selections.filter(area__path__startswith=node.path)
        nominations = nominations.filter(selection__area__path__startswith=node.path)
        honours = honours.filter(community__path__startswith=node.path)
    held = selections.filter(vote__closed_at__date__gte=start, vote__closed_at__date__lt=end).count()
    made = nominations.filter(created_at__date__gte=start, created_at__date__lt=end).count()
    cast = Participation.objects.filter(vote__in=selections.exclude(vote=None).values("vote_id"),
                                        cast_at__date__gte=start, cast_at__date__lt=end).count()
    given = honours.filter(awarded_on__gte=start, awarded_on__lt=end).count()
    return [
        {"key": "honours.selections_held", "label": _("Selections held"), "value": held},
        {"key": "honours.nominations", "label": _("Nominations by residents"), "value": made},
        {"key": "honours.votes_cast", "label": _("Votes cast in selections"), "value": cast},
        {"key": "honours.honours_given", "label": _("Honours and awards given"), "value": given},
    ]
