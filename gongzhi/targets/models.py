"""Differentiated assessment of streets and communities (差异化考核) and the yearly star rating of
communities (星级评定).

- `Indicator`: one figure a component declares (provider key + figure key), its direction (higher
  or lower is better), its unit, and whether it is a common bottom-line (底线) indicator. Global
  master data kept by the district administrators.
- `Period`: a year or a quarter of one district. Draft while the plans are written; opened (the
  plans are locked from then on); closed (the results are frozen: never recomputed).
- `BottomLine`: the district's common target of a bottom-line indicator for the period — the same
  for every unit; pass or fail, not weighted.
- `Plan` + `PlanLine`: a street's or a community's own weights (summing to 100) and targets.
- `Template` + `TemplateLine`: a district's reusable set of weights and targets.
- `Result` + `ResultLine`: the frozen score of a unit at the close, line by line with the actual
  figure, the target, the weight and the points, and the link to the records behind the figure.
- `StarThreshold`, `StarRound`, `StarRating`: the score a star needs (data), a district's yearly
  round, and each community's proposed and final stars (the committee's review, with a reason
  where it differs).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.areas.models import AreaNode
from gongzhi.core import scope
from gongzhi.core.visibility import ScopedManager, ScopedQuerySet


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class FigureUnit(models.TextChoices):
    RATE = "rate", pgettext_lazy("unit", "Share (0–1)")
    COUNT = "count", pgettext_lazy("unit", "Count")
    HOURS = "hours", pgettext_lazy("unit", "Hours")
    DAYS = "days", pgettext_lazy("unit", "Days")
    NUMBER = "number", pgettext_lazy("unit", "Number")


class PeriodKind(models.TextChoices):
    YEAR = "year", pgettext_lazy("period", "Year")
    QUARTER = "quarter", pgettext_lazy("period", "Quarter")


class PeriodState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("assessment period", "Plans being set")
    OPEN = "open", pgettext_lazy("assessment period", "Running (plans locked)")
    CLOSED = "closed", pgettext_lazy("assessment period", "Closed (results frozen)")


class RoundState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("star round", "Under review")
    PUBLISHED = "published", pgettext_lazy("star round", "Published")


def _ancestor_paths(paths: list[str]) -> list[str]:
    step = AreaNode.steplen
    found: set[str] = set()
    for path in paths:
        found.update(path[:n] for n in range(step, len(path) + 1, step))
    return sorted(found)


def _district_visible(queryset: models.QuerySet, user, field: str) -> models.QuerySet:
    """Rows of a district the user works in: bound at it, above it or anywhere under it."""
    paths = scope.scope_paths(user)
    if paths is None:
        return queryset
    if not paths:
        return queryset.none()
    return queryset.filter(Q(**{f"{field}__path__in": _ancestor_paths(paths)}) | scope.path_q(paths, field))


class Indicator(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("indicator", "name"), max_length=100)
    provider = models.CharField(_("figure provider"), max_length=60)
    figure = models.CharField(_("figure"), max_length=80)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    unit = models.CharField(pgettext_lazy("figure", "unit"), max_length=10, choices=FigureUnit.choices,
                            default=FigureUnit.RATE)
    bottom_line = models.BooleanField(_("bottom-line indicator"), default=False)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class PeriodQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return _district_visible(self, user, "district")


class Period(models.Model):
    area_scope_field = "district"

    district = models.ForeignKey(AreaNode, verbose_name=_("district"), on_delete=models.PROTECT,
                                 related_name="target_periods")
    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))  # inclusive
    state = models.CharField(_("state"), max_length=10, choices=PeriodState.choices, default=PeriodState.DRAFT)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager.from_queryset(PeriodQuerySet)()

    class Meta:
        ordering = ["-start", "district_id", "kind"]
        verbose_name = _("assessment period")
        verbose_name_plural = _("assessment periods")
        constraints = [
            models.UniqueConstraint(fields=["district", "kind", "year", "quarter"], name="targets_period_unique"),
            models.UniqueConstraint(fields=["district", "kind", "year"], condition=Q(quarter__isnull=True),
                                    name="targets_period_year_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.district.name} {self.label}"

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.QUARTER:
            return _("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.quarter}
        return _("%(year)s (year)") % {"year": self.year}

    @property
    def end_exclusive(self) -> dt.date:
        return self.end + dt.timedelta(days=1)

    @property
    def locked(self) -> bool:
        return self.state != PeriodState.DRAFT


class BottomLine(models.Model):
    area_scope_field = "period__district"

    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.CASCADE,
                               related_name="bottom_lines")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT,
                                  related_name="+")
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4)

    class Meta:
        ordering = ["indicator__order", "indicator__code"]
        verbose_name = _("bottom line")
        verbose_name_plural = _("bottom lines")
        constraints = [models.UniqueConstraint(fields=["period", "indicator"], name="targets_bottom_line_unique")]

    def __str__(self) -> str:
        return f"{self.indicator} ≥/≤ {self.target}"



class Plan(models.Model):
    area_scope_field = "unit"

    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="plans")
    unit = models.ForeignKey(AreaNode, verbose_name=_("street or community"), on_delete=models.PROTECT,
                             related_name="target_plans")
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["unit__path"]
        verbose_name = _("unit plan")
        verbose_name_plural = _("unit plans")
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="targets_plan_unique")]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.period.label}"


class PlanLine(models.Model):
    area_scope_field = "plan__unit"

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="lines")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT,
                                  related_name="+")
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4)

    class Meta:
        ordering = ["indicator__order", "indicator__code"]
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")
        constraints = [models.UniqueConstraint(fields=["plan", "indicator"], name="targets_plan_line_unique")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.weight}"



class TemplateQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return _district_visible(self, user, "district")


class Template(models.Model):
    area_scope_field = "district"

    district = models.ForeignKey(AreaNode, verbose_name=_("district"), on_delete=models.PROTECT,
                                 related_name="target_templates")
    name = models.CharField(pgettext_lazy("template", "name"), max_length=100)

    objects = ScopedManager.from_queryset(TemplateQuerySet)()

    class Meta:
        ordering = ["name"]
        verbose_name = _("plan template")
        verbose_name_plural = _("plan templates")

    def __str__(self) -> str:
        return self.name


class TemplateLine(models.Model):
    template = models.ForeignKey(Template, verbose_name=_("plan template"), on_delete=models.CASCADE,
                                 related_name="lines")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT,
                                  related_name="+")
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4)

    class Meta:
        ordering = ["indicator__order", "indicator__code"]
        constraints = [models.UniqueConstraint(fields=["template", "indicator"], name="targets_template_line_unique")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.weight}"



class Result(models.Model):
    """A unit's score, frozen when the district closed the period."""

    area_scope_field = "unit"

    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="results")
    unit = models.ForeignKey(AreaNode, verbose_name=_("street or community"), on_delete=models.PROTECT,
                             related_name="target_results")
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2)
    raw_total = models.DecimalField(_("total before the bottom-line cap"), max_digits=7, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"))
    peers = models.PositiveIntegerField(_("of"))
    bottom_missed = models.PositiveSmallIntegerField(_("bottom lines missed"), default=0)
    computed_at = models.DateTimeField(_("computed"))

    objects = ScopedManager()

    class Meta:
        ordering = ["unit__depth", "rank", "unit__path"]
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="targets_result_unique")]

    def __str__(self) -> str:
        return f"{self.unit} {self.total}"



class ResultLine(models.Model):
    result = models.ForeignKey(Result, verbose_name=_("assessment result"), on_delete=models.PROTECT,
                               related_name="lines")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT,
                                  related_name="+")
    bottom_line = models.BooleanField(_("bottom-line indicator"), default=False)
    actual = models.DecimalField(_("actual"), max_digits=16, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=0)
    ratio = models.DecimalField(_("achievement"), max_digits=7, decimal_places=4, default=0)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, default=0)
    met = models.BooleanField(_("met"), default=False)
    url = models.CharField(_("records"), max_length=500, blank=True)

    class Meta:
        ordering = ["bottom_line", "indicator__order", "indicator__code"]

    def __str__(self) -> str:
        return f"{self.indicator} {self.points}"



class StarThresholdQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return _district_visible(self, user, "district")


class StarThreshold(models.Model):
    """The least yearly score a community needs for `stars` stars in the district."""

    area_scope_field = "district"

    district = models.ForeignKey(AreaNode, verbose_name=_("district"), on_delete=models.CASCADE,
                                 related_name="star_thresholds")
    stars = models.PositiveSmallIntegerField(_("stars"))
    min_score = models.DecimalField(_("least score"), max_digits=7, decimal_places=2)

    objects = ScopedManager.from_queryset(StarThresholdQuerySet)()

    class Meta:
        ordering = ["district_id", "-stars"]
        constraints = [models.UniqueConstraint(fields=["district", "stars"], name="targets_star_threshold_unique")]

    def __str__(self) -> str:
        return f"{self.stars} ≥ {self.min_score}"



class StarRoundQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return _district_visible(self, user, "district")


class StarRound(models.Model):
    area_scope_field = "district"

    district = models.ForeignKey(AreaNode, verbose_name=_("district"), on_delete=models.PROTECT,
                                 related_name="star_rounds")
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(_("state"), max_length=10, choices=RoundState.choices, default=RoundState.PROPOSED)
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = ScopedManager.from_queryset(StarRoundQuerySet)()

    class Meta:
        ordering = ["-year", "district_id"]
        verbose_name = _("star rating round")
        verbose_name_plural = _("star rating rounds")
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="targets_star_round_unique")]

    def __str__(self) -> str:
        return _("%(district)s star rating %(year)s") % {"district": self.district.name, "year": self.year}


class StarRating(models.Model):
    area_scope_field = "community"

    round = models.ForeignKey(StarRound, verbose_name=_("star rating round"), on_delete=models.CASCADE,
                              related_name="ratings")
    community = models.ForeignKey(AreaNode, verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="star_ratings")
    score = models.DecimalField(_("yearly score"), max_digits=7, decimal_places=2, null=True, blank=True)
    proposed = models.PositiveSmallIntegerField(_("proposed stars"), default=0)
    final = models.PositiveSmallIntegerField(_("final stars"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["community__path"]
        verbose_name = _("star rating")
        verbose_name_plural = _("star ratings")
        constraints = [models.UniqueConstraint(fields=["round", "community"], name="targets_star_rating_unique")]

    def __str__(self) -> str:
        return f"{self.community} {self.stars}"

    @property
    def stars(self) -> int:
        return self.final if self.final is not None else self.proposed

