"""What the assessment scores grid workers by, from the case pipeline (the extension point
"assessment.score_events", declared in this app's component). How each kind is read:

    case.reported          a finding the worker registered from a door visit or a patrol (channel
                           visit/patrol, registered by the worker; not rejected), when submitted
    case.claimed           the worker's "claim" event
    case.resolved_on_time  the worker's "resolve" event at or before the case's handling limit
    case.overdue           a case the worker holds whose handling limit passed in the period
                           before it was resolved (counted at the limit)
    verification.passed    a "verify_pass" event on a case the worker handles (resolved)
    verification.failed    a "verify_fail" event on a case the worker handles
    complaint.justified    the requester's rating or callback that reopened a case the worker
                           handled (the complaint that it was not solved, held good)

Sources are unique per event ("cases.case:55:claimed:812"); a case's overdue once
("cases.case:55:overdue").

    score_kinds()  -> [(kind, label)]
    score_events(start=, end=, user_ids=None) -> (kind, worker's user id, source, occurred_at, summary)
    score_links(sources) -> {source: url}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.permissions import role_q

from .models import Case, CaseEvent, Channel, State
from .permissions import SCORED_ROLES

CASE_REPORTED = "case.reported"
CASE_CLAIMED = "case.claimed"
CASE_RESOLVED_ON_TIME = "case.resolved_on_time"
CASE_OVERDUE = "case.overdue"
VERIFICATION_PASSED = "verification.passed"
VERIFICATION_FAILED = "verification.failed"
COMPLAINT_JUSTIFIED = "complaint.justified"
PREFIX = "cases.case"
FINDING_CHANNELS = (Channel.VISIT, Channel.PATROL)


def score_kinds() -> list[tuple[str, str]]:
    return [
        (CASE_REPORTED, str(_("Finding reported"))),
        (CASE_CLAIMED, str(_("Case claimed"))),
        (CASE_RESOLVED_ON_TIME, str(_("Case resolved on time"))),
        (CASE_OVERDUE, str(_("Case overdue"))),
        (VERIFICATION_PASSED, str(_("Verification passed"))),
        (VERIFICATION_FAILED, str(_("Verification failed"))),
        (COMPLAINT_JUSTIFIED, str(_("Justified complaint"))),
    ]


def _users(queryset, field: str, user_ids: Collection[int] | None):
    queryset = queryset.filter(role_q(SCORED_ROLES, field=f"{field}__role"))
    if user_ids is not None:
        queryset = queryset.filter(**{f"{field}_id__in": list(user_ids)})
    return queryset


def score_events(*, start: dt.datetime, end: dt.datetime, user_ids: Collection[int] | None = None
                 ) -> Iterator[tuple[str, int, str, dt.datetime, str]]:
    """The grid workers' case events in [start, end)."""
    reported = _users(Case.objects.filter(channel__in=FINDING_CHANNELS, created_at__gte=start, created_at__lt=end)
                      .exclude(state=State.REJECTED), "created_by", user_ids)
    for pk, user_id, at, title in reported.order_by().values_list("pk", "created_by_id", "created_at", "title").iterator(
            chunk_size=10000):
        yield CASE_REPORTED, user_id, f"{PREFIX}:{pk}:reported", at, title[:200]

    events = CaseEvent.objects.filter(created_at__gte=start, created_at__lt=end)
    own = _users(events.filter(action__in=("claim", "resolve")), "actor", user_ids)
    for pk, case_id, user_id, action, at, due, title in own.order_by().values_list(
            "pk", "case_id", "actor_id", "action", "created_at", "case__handling_due", "case__title").iterator(
            chunk_size=10000):
        if action == "claim":
            yield CASE_CLAIMED, user_id, f"{PREFIX}:{case_id}:claimed:{pk}", at, title[:200]
        elif due is None or at <= due:
            yield CASE_RESOLVED_ON_TIME, user_id, f"{PREFIX}:{case_id}:resolved_on_time:{pk}", at, title[:200]

    handled = _users(events.filter(Q(action__in=("verify_pass", "verify_fail"))
                                   | Q(action__in=("rate", "callback"), to_state=State.REOPENED)),
                     "case__assignee", user_ids)
    for pk, case_id, user_id, action, at, title in handled.order_by().values_list(
            "pk", "case_id", "case__assignee_id", "action", "created_at", "case__title").iterator(chunk_size=10000):
        if action == "verify_pass":
            yield VERIFICATION_PASSED, user_id, f"{PREFIX}:{case_id}:verify_pass:{pk}", at, title[:200]
        elif action == "verify_fail":
            yield VERIFICATION_FAILED, user_id, f"{PREFIX}:{case_id}:verify_fail:{pk}", at, title[:200]
        else:
            yield COMPLAINT_JUSTIFIED, user_id, f"{PREFIX}:{case_id}:complaint:{pk}", at, title[:200]

    now = timezone.now()
    overdue = _users(Case.objects.filter(handling_due__gte=start, handling_due__lt=min(end, now))
                     .exclude(state__in=(State.REJECTED, State.MERGED))
                     .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gt=F("handling_due"))), "assignee", user_ids)
    for pk, user_id, due, title in overdue.order_by().values_list("pk", "assignee_id", "handling_due", "title").iterator(
            chunk_size=10000):
        yield CASE_OVERDUE, user_id, f"{PREFIX}:{pk}:overdue", due, title[:200]


def score_links(sources: Iterable[str]) -> dict[str, str]:
    """The case's page."""
    links = {}
    for source in sources:
        prefix, _sep, rest = source.partition(":")
        case_id = rest.split(":")[0]
        if prefix == PREFIX and case_id.isdigit():
            links[source] = reverse("cases:detail", args=[int(case_id)])
    return links
