"""Household civility points (文明积分): the standards households are checked against (as data),
the checks grid workers, inspectors and community staff record at the door, the households' consent
to be named on the public building page, the yearly bonus (文明奖金) by a formula kept as data, and
the yearly stars (星级文明户) proposed from the points and set by the community's review.

The points themselves live in the points ledger (`gongzhi.points`, programme CIVILITY): one account
per household node; each check writes one entry whose source is "civility.check:<id>:<code>", so it
is never written twice. A household's points of a year are what the year's checks moved in the
ledger (`Check.applied`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.areas.models import AreaNode
from gongzhi.core import scope
from gongzhi.core.visibility import ScopedManager, ScopedQuerySet
from gongzhi.points.models import Entry


class EverywhereOrScopedQuerySet(ScopedQuerySet):
    """Rules kept as data: a row without an area applies everywhere and everybody signed in sees it;
    a row of an area is seen within the area scope."""

    def visible_to(self, user):
        paths = scope.scope_paths(user)
        if paths is None:
            return self
        if not paths:
            return self.none()
        return self.filter(Q(area__isnull=True) | scope.path_q(paths, "area"))


class Standard(models.Model):
    """One civility standard (门前三包, 垃圾分类 …): points for meeting it, a deduction for breaking
    it, valid from a date, for an area (a community, a street) or everywhere. A change is a new row
    of the same code valid from a later date; the checks name the row they used. An area drops a
    standard with a row of its code that is not active."""

    area_scope_field = "area"

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=300, blank=True)
    points_met = models.PositiveSmallIntegerField(_("points for meeting it"))
    points_broken = models.PositiveSmallIntegerField(_("points deducted for breaking it"))
    area = models.ForeignKey(AreaNode, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", help_text=_("Empty: everywhere."))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("checked"), default=True,
                                    help_text=_("Off: the code is not checked in the area from this date on."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = EverywhereOrScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("civility standard")
        verbose_name_plural = _("civility standards")
        ordering = ["order", "code", "-valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="civility_standard_period",
                violation_error_message=_("The end of validity cannot come before its start."),
            ),
            models.CheckConstraint(condition=Q(points_met__gt=0) | Q(points_broken__gt=0),
                                   name="civility_standard_points"),
        ]

    def __str__(self) -> str:
        return self.name


class Check(models.Model):
    """One standard checked at one household on one day: met or not, by whom, with a note and
    photos. `points` is what the standard gives (+) or takes (−); `applied` what the ledger moved
    (a deduction stops at zero: `applied` may be smaller than `points`, or 0)."""

    area_scope_field = "household"

    household = models.ForeignKey(AreaNode, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="civility_checks")
    standard = models.ForeignKey(Standard, verbose_name=_("civility standard"), on_delete=models.PROTECT,
                                 related_name="checks")
    code = models.SlugField(_("code"), max_length=40)
    checked_on = models.DateField(_("day"), db_index=True)
    met = models.BooleanField(_("met"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    points = models.SmallIntegerField(_("points"))
    applied = models.SmallIntegerField(_("points in the ledger"), default=0)
    entry = models.OneToOneField(Entry, verbose_name=_("points entry"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    checker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True,
                                on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("civility check")
        verbose_name_plural = _("civility checks")
        ordering = ["-checked_on", "household", "standard__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "code", "checked_on"], name="civility_check_once_a_day"),
        ]
        indexes = [models.Index(fields=["household", "checked_on"], name="civility_check_household_day")]

    def __str__(self) -> str:
        return f"{self.household.name} {self.code} {self.checked_on}"


class CheckPhoto(models.Model):
    area_scope_field = "record__household"

    record = models.ForeignKey(Check, verbose_name=_("civility check"), on_delete=models.CASCADE,
                              related_name="photos")
    file = models.FileField(_("photo"), upload_to="civility/checks/%Y/%m/")
    content_type = models.CharField(_("type"), max_length=30)
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("check photo")
        verbose_name_plural = _("check photos")
        ordering = ["record", "id"]

    def __str__(self) -> str:
        return self.file.name


class NameConsent(models.Model):
    """The household agreed to be named on the public building page as `display_name` (王家,
    张老师家): recorded by staff with who and when, revocable (a revoked consent stays as history)."""

    area_scope_field = "household"

    household = models.ForeignKey(AreaNode, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="civility_consents")
    display_name = models.CharField(_("name shown"), max_length=12)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("consent to be named")
        verbose_name_plural = _("consents to be named")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["household"], condition=Q(revoked_at__isnull=True),
                                    name="civility_consent_one_active"),
        ]

    def __str__(self) -> str:
        return self.display_name


class BonusFormula(models.Model):
    """The yearly bonus (文明奖金) of a household: (points − floor) × amount per point, nothing at or
    below the floor, at most the cap; per area (a community) or everywhere, from a date. The formula
    valid on the last day of the year applies to that year."""

    area_scope_field = "area"

    name = models.CharField(_("name"), max_length=60)
    area = models.ForeignKey(AreaNode, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", help_text=_("Empty: everywhere."))
    valid_from = models.DateField(_("valid from"))
    floor = models.PositiveIntegerField(_("points floor"), default=0)
    per_point = models.DecimalField(_("yuan per point above the floor"), max_digits=8, decimal_places=2)
    cap = models.DecimalField(_("cap (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = EverywhereOrScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("bonus formula")
        verbose_name_plural = _("bonus formulas")
        ordering = ["-valid_from", "id"]
        constraints = [models.CheckConstraint(condition=Q(per_point__gte=0), name="civility_formula_rate")]

    def __str__(self) -> str:
        return self.name


class BonusState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("civility bonus", "Draft")
    APPROVED = "approved", pgettext_lazy("civility bonus", "Approved")


class BonusRun(models.Model):
    """A community's bonus of one year: computed (again, while a draft) then approved by the
    community, after which it is frozen: never recomputed."""

    area_scope_field = "community"

    community = models.ForeignKey(AreaNode, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    formula = models.ForeignKey(BonusFormula, verbose_name=_("bonus formula"), on_delete=models.PROTECT,
                                related_name="runs")
    state = models.CharField(pgettext_lazy("civility bonus", "state"), max_length=10, choices=BonusState.choices,
                             default=BonusState.DRAFT)
    households = models.PositiveIntegerField(_("households"), default=0)
    total = models.DecimalField(_("total (yuan)"), max_digits=12, decimal_places=2, default=0)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("computed by"), null=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("civility bonus")
        verbose_name_plural = _("civility bonuses")
        ordering = ["-year", "community", "id"]
        constraints = [models.UniqueConstraint(fields=["community", "year"], name="civility_bonus_once_a_year")]

    def __str__(self) -> str:
        return f"{self.community.name} {self.year}"


class BonusLine(models.Model):
    area_scope_field = "household"

    run = models.ForeignKey(BonusRun, verbose_name=_("civility bonus"), on_delete=models.CASCADE, related_name="lines")
    household = models.ForeignKey(AreaNode, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+")
    points = models.IntegerField(_("points"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("bonus line")
        verbose_name_plural = _("bonus lines")
        ordering = ["run", "household__path"]
        constraints = [models.UniqueConstraint(fields=["run", "household"], name="civility_bonus_line_once")]

    def __str__(self) -> str:
        return f"{self.household.name} {self.amount}"


class StarThreshold(models.Model):
    """A household earns `stars` (1–5) with at least `min_points` in a year; per area or everywhere,
    from a date (the thresholds valid on the year's last day apply)."""

    area_scope_field = "area"

    area = models.ForeignKey(AreaNode, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", help_text=_("Empty: everywhere."))
    valid_from = models.DateField(_("valid from"))
    stars = models.PositiveSmallIntegerField(_("stars"))
    min_points = models.PositiveIntegerField(_("at least points"))

    objects = EverywhereOrScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("star threshold")
        verbose_name_plural = _("star thresholds")
        ordering = ["-valid_from", "stars"]
        constraints = [models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="civility_threshold_stars")]

    def __str__(self) -> str:
        return f"{self.stars} ≥ {self.min_points}"


class StarState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("civility stars", "Proposed")
    REVIEWED = "reviewed", pgettext_lazy("civility stars", "Reviewed")


class HouseholdStar(models.Model):
    """A household's stars of a year (星级文明户): proposed from the year's points by the thresholds,
    then set by the community's review committee (a reason where the final stars differ)."""

    area_scope_field = "household"

    household = models.ForeignKey(AreaNode, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    points = models.IntegerField(_("points"))
    proposed = models.PositiveSmallIntegerField(_("proposed stars"))
    final = models.PositiveSmallIntegerField(_("final stars"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    state = models.CharField(pgettext_lazy("civility stars", "state"), max_length=10, choices=StarState.choices,
                             default=StarState.PROPOSED)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("household stars")
        verbose_name_plural = _("household stars")
        ordering = ["-year", "household__path"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="civility_stars_once_a_year"),
            models.CheckConstraint(condition=Q(proposed__lte=5) & (Q(final__isnull=True) | Q(final__lte=5)),
                                   name="civility_stars_range"),
        ]

    def __str__(self) -> str:
        return f"{self.household.name} {self.year}"
