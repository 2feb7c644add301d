"""What the assessment scores grid workers by, from the care rosters (the extension point
"assessment.score_events", declared in this app's component): the care turns a grid worker (the
carer's account) did, and the turns they missed. A turn counts on its date (at noon, local time);
a done turn's visit time when it was recorded in the period.

    score_kinds()  -> [(kind, label)]
    score_events(start=, end=, user_ids=None) -> (kind, worker's user id, source, occurred_at, summary)
    score_links(sources) -> {source: url}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.permissions import role_q

from ..models import Turn, TurnState
from ..permissions import SCORED_ROLES

TURN_DONE = "care.turn_done"
TURN_MISSED = "care.turn_missed"
PREFIX = "care.turn"


def score_kinds() -> list[tuple[str, str]]:
    return [(TURN_DONE, str(_("Care turn done"))), (TURN_MISSED, str(_("Care turn missed")))]


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def score_events(*, start: dt.datetime, end: dt.datetime, user_ids: Collection[int] | None = None
                 ) -> Iterator[tuple[str, int, str, dt.datetime, str]]:
    """Grid workers' turns dated in [start, end) that were done or missed."""
    first, last = timezone.localtime(start).date(), timezone.localtime(end).date()
    turns = Turn.objects.filter(role_q(SCORED_ROLES, field="carer__user__role"), date__gte=first, date__lt=last,
                                state__in=(TurnState.DONE, TurnState.MISSED))
    if user_ids is not None:
        turns = turns.filter(carer__user_id__in=list(user_ids))
    rows = turns.order_by().values_list("pk", "carer__user_id", "state", "date", "plan__household__name")
    for pk, user_id, state, day, household in rows.iterator(chunk_size=20000):
        if state == TurnState.DONE:
            yield TURN_DONE, user_id, f"{PREFIX}:{pk}:done", _noon(day), household
        else:
            yield TURN_MISSED, user_id, f"{PREFIX}:{pk}:missed", _noon(day), household


def score_links(sources: Iterable[str]) -> dict[str, str]:
    """The care plan of each turn."""
    ids = {}
    for source in sources:
        prefix, _sep, rest = source.partition(":")
        if prefix == PREFIX and rest.split(":")[0].isdigit():
            ids[int(rest.split(":")[0])] = source
    if not ids:
        return {}
    plans = dict(Turn.objects.filter(pk__in=list(ids)).values_list("pk", "plan_id"))
    return {ids[pk]: reverse("care:plan-detail", args=[plan]) for pk, plan in plans.items()}
