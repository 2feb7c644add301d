"""The spot checks' score events for the grid workers' assessment (extension points
"assessment.score_events" and "assessment.score_kinds", declared in apps.py; the assessment reads
them and never imports this app).

One event per problem the street confirmed: ("inspection.problem", the grid worker's user id,
"inspections.finding:<id>", the time it was confirmed). A finding is confirmed once and never
changes afterwards, so the same finding always gives the same single event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Finding, FindingState

KIND_PROBLEM = "inspection.problem"


def score_kinds() -> list[tuple[str, str]]:
    return [(KIND_PROBLEM, _("Problem confirmed in an inspector's spot check"))]


def score_events(*, start: dt.datetime, end: dt.datetime, user_ids: Collection[int] | None = None
                 ) -> Iterator[tuple[str, int, str, dt.datetime]]:
    rows = Finding.objects.filter(state=FindingState.CONFIRMED, decided_at__gte=start, decided_at__lt=end)
    if user_ids is not None:
        rows = rows.filter(item__worker_id__in=list(user_ids))
    for pk, worker_id, decided_at in rows.order_by("decided_at", "pk").values_list(
            "pk", "item__worker_id", "decided_at").iterator(chunk_size=2000):
        yield (KIND_PROBLEM, worker_id, f"inspections.finding:{pk}", decided_at)


def score_links(sources: Iterable[str]) -> dict[str, str]:
    """The record page of each confirmed finding's item (the check, the street's decision)."""
    ids: dict[int, str] = {}
    for source in sources:
        prefix, _sep, rest = source.partition(":")
        if prefix == "inspections.finding" and rest.isdigit():
            ids[int(rest)] = source
    if not ids:
        return {}
    items = Finding.objects.filter(pk__in=ids).values_list("pk", "item_id")
    return {ids[pk]: reverse("inspections:item", kwargs={"item_id": item_id}) for pk, item_id in items}
