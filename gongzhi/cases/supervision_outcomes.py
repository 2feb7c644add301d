"""What came of the supervisions (督办) the SLA sweep raised: the cases that, once supervised or
warned, still missed their limit. Read by the duties app (accountability records, 问责记录) — an
unscoped selector for the system sync, like the assessment's score events.

Three outcomes, each with a stable source reference (unique per supervision):

- "supervision.unheeded": a supervision (督办) on the handling limit, and the case still not
  resolved `grace_days` after it was raised (source "cases.supervision:<id>:unheeded");
- "supervision.warning_missed": a warning that the limit was near, and the case then missed the
  limit all the same ("cases.supervision:<id>:warning_missed");
- "supervision.response_missed": a supervision because the requester was not contacted within the
  response limit ("cases.supervision:<id>:response_missed").

Each names who was concerned: the node that held the case, its department (if sent to one) and
the handler (the staff member the case was assigned to). Rejected and merged cases never count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .models import Case, State, Supervision, SupervisionKind

UNHEEDED = "supervision.unheeded"
WARNING_MISSED = "supervision.warning_missed"
RESPONSE_MISSED = "supervision.response_missed"

# The outcome kinds (the duties app names them in its own catalogue).
OUTCOME_KINDS = (UNHEEDED, WARNING_MISSED, RESPONSE_MISSED)

_KIND_OF = {
    SupervisionKind.HANDLING_OVERDUE: UNHEEDED,
    SupervisionKind.HANDLING_WARNING: WARNING_MISSED,
    SupervisionKind.RESPONSE_OVERDUE: RESPONSE_MISSED,
}


@dataclass(frozen=True)
class SupervisionOutcome:
    kind: str  # one of OUTCOME_KINDS
    source: str  # stable, unique per outcome
    supervision_id: int
    case_id: int
    case_title: str
    node_id: int | None  # the node that held the case
    department_id: int | None
    handler_id: int | None  # the user the case was assigned to
    raised_at: dt.datetime  # when the supervision was raised
    occurred_at: dt.datetime  # when the outcome became final (the limit missed, the grace over)
    url: str  # the case's page


def _unresolved_at(case: Case, moment: dt.datetime, now: dt.datetime) -> bool:
    """Whether the case was still unresolved at `moment` (which has passed)."""
    if moment > now:
        return False
    return case.resolved_at is None or case.resolved_at > moment


def supervision_outcomes(*, since: dt.datetime | None = None, now: dt.datetime | None = None,
                         grace_days: int = 3, limit: int = 5000) -> list[SupervisionOutcome]:
    """The outcomes of the supervisions raised since `since` (all when None), as of `now`, oldest
    first; at most `limit`."""
    now = now or timezone.now()
    rows = (Supervision.objects.select_related("case").exclude(case__state__in=[State.REJECTED, State.MERGED])
            .order_by("created_at", "pk"))
    if since is not None:
        rows = rows.filter(Q(created_at__gte=since))
    found: list[SupervisionOutcome] = []
    for s in rows.iterator(chunk_size=500):
        case = s.case
        kind = _KIND_OF.get(s.kind)
        if kind == UNHEEDED:
            moment = s.created_at + dt.timedelta(days=grace_days)
            if not _unresolved_at(case, moment, now):
                continue
        elif kind == WARNING_MISSED:
            moment = case.handling_due
            if not _unresolved_at(case, moment, now):
                continue
        elif kind == RESPONSE_MISSED:
            moment = s.created_at
        else:
            continue
        found.append(SupervisionOutcome(
            kind=kind, source=f"cases.supervision:{s.pk}:{kind.split('.', 1)[1]}", supervision_id=s.pk,
            case_id=case.pk, case_title=case.title, node_id=case.area_id, department_id=case.department_id,
            handler_id=case.assignee_id, raised_at=s.created_at, occurred_at=moment,
            url=reverse("cases:detail", kwargs={"pk": case.pk})))
        if len(found) >= limit:
            break
    return found
