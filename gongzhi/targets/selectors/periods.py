"""Reads of the assessment: indicators, periods, plans, templates, star rounds — scoped to the
user (a district's periods are seen by who works in it; plans, results and ratings by who has the
unit in scope). Out of scope is NotFound, the same as absent."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import scope
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require

from ..models import (
    BottomLine,
    Indicator,
    Period,
    PeriodState,
    Plan,
    PlanLine,
    RoundState,
    StarRating,
    StarRound,
    StarThreshold,
    Template,
    TemplateLine,
)


def indicators(*, user, active_only: bool = False) -> QuerySet:
    require(user, "targets.view")
    qs = Indicator.objects.all()
    return qs.filter(active=True) if active_only else qs


def indicator_get(*, user, pk: int) -> Indicator:
    require(user, "targets.view")
    found = Indicator.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def periods(*, user) -> QuerySet:
    require(user, "targets.view")
    return Period.objects.visible_to(user).select_related("district")


def period_get(*, user, pk: int) -> Period:
    require(user, "targets.view")
    return Period.objects.visible_to(user).select_related("district").visible_or_404(user, pk=pk)


def districts(*, user) -> list[AreaNode]:
    """The districts the user keeps (for the new-period and template forms)."""
    return list(AreaNode.objects.visible_to(user).filter(kind=AreaKind.DISTRICT).order_by("path")[:50])


def units_of(*, period: Period, user=None) -> list[AreaNode]:
    """The streets and communities of the period's district (those the user sees, when given)."""
    qs = AreaNode.objects.filter(path__startswith=period.district.path, is_active=True,
                                 kind__in=[AreaKind.STREET, AreaKind.COMMUNITY]).order_by("path")
    if user is not None:
        qs = scope.restrict(qs, user, field="")
    return list(qs[:2000])


def unit_get(*, user, period: Period, pk: int) -> AreaNode:
    for node in units_of(period=period, user=user):
        if node.pk == pk:
            return node
    raise NotFound()


def plans(*, user, period: Period) -> dict[int, Plan]:
    """unit id → plan, for the units the user sees."""
    qs = (Plan.objects.visible_to(user).filter(period=period).select_related("unit")
          .prefetch_related(Prefetch("lines", queryset=PlanLine.objects.select_related("indicator"))))
    return {p.unit_id: p for p in qs}


def plan_of(*, user, period: Period, unit: AreaNode) -> Plan | None:
    return plans(user=user, period=period).get(unit.pk)


def bottom_lines(*, period: Period) -> list[BottomLine]:
    return list(BottomLine.objects.filter(period=period).select_related("indicator"))


def previous_period(period: Period) -> Period | None:
    return (Period.objects.filter(district=period.district, kind=period.kind, start__lt=period.start)
            .order_by("-start").first())


def templates(*, user, district: AreaNode | None = None) -> QuerySet:
    require(user, "targets.view")
    qs = Template.objects.visible_to(user).prefetch_related(
        Prefetch("lines", queryset=TemplateLine.objects.select_related("indicator")))
    return qs.filter(district=district) if district is not None else qs


def template_get(*, user, pk: int) -> Template:
    require(user, "targets.view")
    return Template.objects.visible_or_404(user, pk=pk)


def thresholds(*, district: AreaNode) -> list[StarThreshold]:
    return list(StarThreshold.objects.filter(district=district).order_by("-stars"))


def rounds(*, user) -> QuerySet:
    require(user, "targets.view")
    return StarRound.objects.visible_to(user).select_related("district")


def round_get(*, user, pk: int) -> StarRound:
    require(user, "targets.view")
    return StarRound.objects.select_related("district").visible_or_404(user, pk=pk)


def ratings(*, user, star_round: StarRound) -> QuerySet:
    return (StarRating.objects.visible_to(user).filter(round=star_round)
            .select_related("community", "reviewed_by").order_by("-final", "-proposed", "community__path"))


def rating_get(*, user, pk: int) -> StarRating:
    require(user, "targets.view")
    return StarRating.objects.select_related("round", "community").visible_or_404(user, pk=pk)


def published(*, user) -> QuerySet:
    """The published ratings the user may read (everyone signed in reads a published list)."""
    return (StarRating.objects.filter(round__state=RoundState.PUBLISHED)
            .filter(round__in=StarRound.objects.visible_to(user))
            .select_related("round", "community").order_by("-round__year", "-final", "community__path"))


def closed_periods_of_year(*, district: AreaNode, year: int) -> list[Period]:
    return list(Period.objects.filter(district=district, year=year, state=PeriodState.CLOSED).order_by("start"))
