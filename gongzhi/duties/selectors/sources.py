"""Where accountability records come from: the outcome kinds a sheet's rule mapping may name, and
the outcomes themselves — the supervisions (督办) of cases that still missed their limit, and the
deductions of grid workers' monthly scores that stand (the assessment's, when it is installed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.cases import supervision_outcomes as cases_outcomes
from gongzhi.core.components import extensions

DEDUCTION = "assessment.deduction"  # any deduction that stands (the fallback of the kinds below)
DEDUCTION_PREFIX = "assessment."

SUPERVISION_LABELS = {
    cases_outcomes.UNHEEDED: gettext_lazy("Supervised (督办) and still not handled"),
    cases_outcomes.WARNING_MISSED: gettext_lazy("Warned and the handling limit still missed"),
    cases_outcomes.RESPONSE_MISSED: gettext_lazy("Requester not contacted within the response limit (督办)"),
}


@dataclass(frozen=True)
class Outcome:
    """One thing that happened which may become a record (a source is made into one record once)."""

    kind: str
    source: str
    summary: str
    url: str
    occurred_at: dt.datetime
    person_id: int | None = None
    node_id: int | None = None
    department_id: int | None = None


def source_kinds() -> list[tuple[str, str]]:
    """(kind, label) of every outcome a rule mapping may name: the supervision outcomes, any
    deduction, and each kind of score (its deductions only)."""
    kinds = [(k, str(v)) for k, v in SUPERVISION_LABELS.items()]
    kinds.append((DEDUCTION, _("A deduction of a grid worker's score that stands (any kind)")))
    seen = set()
    for provide in extensions("assessment.score_kinds"):
        for key, label in provide():
            if key not in seen:
                seen.add(key)
                kinds.append((f"{DEDUCTION_PREFIX}{key}", _("Deduction: %(kind)s") % {"kind": label}))
    return kinds


def kind_label(kind: str) -> str:
    return dict(source_kinds()).get(kind, kind)


def supervision_outcomes(*, since: dt.datetime, now: dt.datetime, grace_days: int) -> list[Outcome]:
    found = []
    for o in cases_outcomes.supervision_outcomes(since=since, now=now, grace_days=grace_days):
        raised = timezone.localtime(o.raised_at).date().isoformat()
        if o.kind == cases_outcomes.UNHEEDED:
            summary = _("Supervised (督办) on %(date)s and still not handled %(days)s days later: %(title)s") % {
                "date": raised, "days": grace_days, "title": o.case_title}
        elif o.kind == cases_outcomes.WARNING_MISSED:
            summary = _("Warned on %(date)s, and the handling limit of %(due)s was still missed: %(title)s") % {
                "date": raised, "due": timezone.localtime(o.occurred_at).date().isoformat(), "title": o.case_title}
        else:
            summary = _("The requester was not contacted within the response limit (督办 on %(date)s): %(title)s") % {
                "date": raised, "title": o.case_title}
        found.append(Outcome(kind=o.kind, source=o.source, summary=summary[:300], url=o.url,
                             occurred_at=o.occurred_at, person_id=o.handler_id, node_id=o.node_id,
                             department_id=o.department_id))
    return found


def _month_url(month) -> str:
    """The worker's month page of the assessment (its lines, where the deduction is)."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("assessment:worker-month", kwargs={"user_id": month.worker_id, "month": month.month})
    except NoReverseMatch:
        return ""


def deduction_outcomes(*, since: dt.datetime) -> list[Outcome]:
    """The confirmed deductions (closed months, or appeal dismissed) since `since`; none while the
    assessment's selector is not there."""
    try:
        from gongzhi.assessment.selectors.accountability import confirmed_deductions
    except ImportError:
        return []
    found = []
    lines = confirmed_deductions(since=since).select_related("worker_month")
    for line in lines[:5000]:
        month = line.worker_month
        summary = _("Deduction of %(points)s points (%(month)s): %(summary)s") % {
            "points": abs(line.points), "month": month.month.strftime("%Y-%m"), "summary": line.summary or line.kind}
        found.append(Outcome(kind=f"{DEDUCTION_PREFIX}{line.kind}", source=f"assessment.line:{line.pk}",
                             summary=summary[:300], url=_month_url(month), occurred_at=line.occurred_at,
                             person_id=month.worker_id, node_id=month.area_id))
    return found
