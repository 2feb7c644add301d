"""Reads of the units' problem list: the problems a user sees (filtered by state, kind, unit,
overdue), overdue flagged like meetings' decisions (a deadline passed, not solved); one problem
with its progress."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from ..models import Problem, ProblemState

UNSOLVED = (ProblemState.OPEN, ProblemState.TAKEN_UP)


def _annotated(qs: QuerySet) -> QuerySet:
    today = timezone.localdate()
    return qs.annotate(is_overdue=Case(
        When(Q(state__in=UNSOLVED, deadline__lt=today), then=Value(True)),
        default=Value(False), output_field=BooleanField()))


def problems_visible(*, user, state: str = "", kind: str = "", unit_id: int | None = None,
                     overdue: bool = False) -> QuerySet:
    qs = _annotated(Problem.objects.visible_to(user).select_related("unit", "area"))
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if overdue:
        qs = qs.filter(is_overdue=True)
    return qs.order_by("-is_overdue", "-created_at", "-id")


def problem_get(*, user, pk: int) -> Problem:
    found = Problem.objects.visible_or_404(user, pk=pk)
    return _annotated(Problem.objects.filter(pk=found.pk)).select_related("unit", "area", "owner", "raised_by").get()


def updates_of(*, problem: Problem) -> QuerySet:
    return problem.updates.select_related("author")
