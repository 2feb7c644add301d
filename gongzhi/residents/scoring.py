"""What the assessment scores grid workers by, from the residents' registry (the extension point
"assessment.score_events", declared in this app's component): every door visit (入户走访) a grid
worker recorded. The assessment gives each kind its points by its own rules.

    score_kinds()  -> [(kind, label)]
    score_events(start=, end=, user_ids=None) -> (kind, worker's user id, source, occurred_at, summary)
    score_links(sources) -> {source: url}     (the records behind the lines a page shows)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.permissions import role_q

from .models import Visit
from .permissions import SCORED_ROLES

VISIT_DOOR = "visit.door"
PREFIX = "residents.visit"


def score_kinds() -> list[tuple[str, str]]:
    return [(VISIT_DOOR, str(_("Door visit")))]


def score_events(*, start: dt.datetime, end: dt.datetime, user_ids: Collection[int] | None = None
                 ) -> Iterator[tuple[str, int, str, dt.datetime, str]]:
    """The door visits grid workers made in [start, end)."""
    visits = Visit.objects.filter(role_q(SCORED_ROLES, field="visitor__role"), visited_at__gte=start, visited_at__lt=end)
    if user_ids is not None:
        visits = visits.filter(visitor_id__in=list(user_ids))
    rows = visits.order_by().values_list("pk", "visitor_id", "visited_at", "household__name")
    for pk, visitor_id, visited_at, household in rows.iterator(chunk_size=20000):
        yield VISIT_DOOR, visitor_id, f"{PREFIX}:{pk}", visited_at, household


def score_links(sources: Iterable[str]) -> dict[str, str]:
    """The household page of each visit (the visit is listed there)."""
    ids = {}
    for source in sources:
        prefix, _sep, rest = source.partition(":")
        if prefix == PREFIX and rest.split(":")[0].isdigit():
            ids[int(rest.split(":")[0])] = source
    if not ids:
        return {}
    households = dict(Visit.objects.filter(pk__in=list(ids)).values_list("pk", "household_id"))
    return {ids[pk]: reverse("residents:household", args=[household]) for pk, household in households.items()}
