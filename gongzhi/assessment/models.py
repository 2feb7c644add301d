"""Grid workers' assessment (网格员量化考核): scores from rules kept as data, over the events the
other apps already record (door visits, findings reported, cases claimed and resolved on time,
verifications, care turns, meetings attended, inspectors' confirmed problems).

    ScoreRule    points for one kind of event (negative: a deduction), for an area (the most
                 specific area covering the worker's grid wins; none: everywhere), valid from a
                 date (until a date). A change is a new rule from a date; closed months are never
                 recomputed, so a change never reaches them.
    PayFormula   the pay share: base + amount per point, floored and capped, per area from a date.
    WorkerMonth  one grid worker's month: totals and pay; open (recomputed) or closed (frozen).
    ScoreLine    one traceable line of a month: the kind, the rule, the points, the source event
                 ("residents.visit:812"), a summary. Rule lines of an open month are refreshed by
                 the computation; corrections and upheld appeals are new lines (origin), never edits.
    Appeal       a worker's appeal of a line, decided by the street with a reason; upheld: a new
                 line reverses it.
    Correction   a change of a month's score by hand: a new line, approved by a second person.

Who sees what (`visible_to`): a worker sees their own months and lines; the staff the gate lets
read scores ("assessment.view_scores") see those of the workers of their area scope.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.areas.models import AreaNode
from gongzhi.core import permissions, scope
from gongzhi.core.visibility import ScopedQuerySet


def month_start(day: dt.date) -> dt.date:
    """The first day of the month of `day`."""
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _own_or_scope(queryset: models.QuerySet, user, *, worker_field: str, area_field: str) -> models.QuerySet:
    """One's own rows; and the rows of the area scope for staff who read scores."""
    paths = scope.scope_paths(user)
    if paths is None:
        return queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    own = Q(**{worker_field: user.pk})
    if paths and permissions.can(user, "assessment.view_scores"):
        return queryset.filter(own | scope.path_q(paths, area_field))
    return queryset.filter(own)


# --- rules ---------------------------------------------------------------------------------------


class RuleQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """Rules are policy: everyone signed in reads the rules for everywhere and those of the areas
        above, at or below their own (a district's rules are not another district's business)."""
        paths = scope.scope_paths(user)
        if paths is None:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        above = {path[:end] for path in paths for end in range(AreaNode.steplen, len(path) + 1, AreaNode.steplen)}
        return self.filter(Q(area__isnull=True) | Q(area__path__in=sorted(above)) | scope.path_q(paths, "area"))

    def valid_on(self, day: dt.date) -> models.QuerySet:
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day), valid_from__lte=day)


class ScoreRule(models.Model):
    """Points for one kind of event in an area from a date (negative points: a deduction)."""

    area_scope_field = "area"

    kind = models.CharField(_("kind of event"), max_length=50, db_index=True)
    label = models.CharField(pgettext_lazy("score rule", "label"), max_length=100)
    points = models.IntegerField(_("points"))
    area = models.ForeignKey(AreaNode, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="score_rules", help_text=_("Empty: every area."))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = RuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("score rule")
        verbose_name_plural = _("score rules")
        ordering = ["kind", "valid_from", "pk"]

    def __str__(self) -> str:
        return f"{self.label} {self.points:+d}"

    @property
    def is_deduction(self) -> bool:
        return self.points < 0


class PayFormula(models.Model):
    """The monthly pay share: base + per_point × score, at least `floor`, at most `cap` (if set),
    for an area (none: everywhere; the most specific wins) from a date."""

    area_scope_field = "area"

    area = models.ForeignKey(AreaNode, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="pay_formulas", help_text=_("Empty: every area."))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    base = models.DecimalField(_("base pay"), max_digits=10, decimal_places=2, default=Decimal("0"))
    per_point = models.DecimalField(_("amount per point"), max_digits=10, decimal_places=2, default=Decimal("0"))
    floor = models.DecimalField(_("floor"), max_digits=10, decimal_places=2, default=Decimal("0"))
    cap = models.DecimalField(_("cap"), max_digits=10, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = RuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("pay formula")
        verbose_name_plural = _("pay formulas")
        ordering = ["valid_from", "pk"]

    def __str__(self) -> str:
        return f"{self.base} + {self.per_point}/pt"

    def pay_for(self, total: int) -> Decimal:
        pay = self.base + self.per_point * Decimal(total)
        pay = max(pay, self.floor)
        if self.cap is not None:
            pay = min(pay, self.cap)
        return pay.quantize(Decimal("0.01"))


# --- months and lines ------------------------------------------------------------------------------


class MonthState(models.TextChoices):
    OPEN = "open", pgettext_lazy("score month", "Open")
    CLOSED = "closed", pgettext_lazy("score month", "Closed")


class WorkerMonthQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return _own_or_scope(self, user, worker_field="worker", area_field="area")


class WorkerMonth(models.Model):
    """One grid worker's month: the totals of its lines and the pay share."""

    area_scope_field = "area"

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("grid worker"), on_delete=models.PROTECT,
                               related_name="score_months")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    area = models.ForeignKey(AreaNode, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="score_months")
    total = models.IntegerField(_("score"), default=0)
    earned = models.IntegerField(_("points earned"), default=0)
    deducted = models.IntegerField(_("points deducted"), default=0)
    lines_count = models.IntegerField(_("lines"), default=0)
    pay = models.DecimalField(_("pay share"), max_digits=10, decimal_places=2, default=Decimal("0"))
    formula = models.ForeignKey(PayFormula, verbose_name=_("pay formula"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=MonthState.choices, default=MonthState.OPEN)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    objects = WorkerMonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("worker's month")
        verbose_name_plural = _("workers' months")
        ordering = ["-month", "-total", "pk"]
        constraints = [models.UniqueConstraint(fields=["worker", "month"], name="assessment_workermonth_unique")]
        indexes = [models.Index(fields=["month", "state"], name="assessment_wm_month_state")]

    def __str__(self) -> str:
        return f"{self.worker} {self.month:%Y-%m}"

    @property
    def is_open(self) -> bool:
        return self.state == MonthState.OPEN


class LineOrigin(models.TextChoices):
    RULE = "rule", pgettext_lazy("score line", "Rule")
    CORRECTION = "correction", pgettext_lazy("score line", "Correction")
    APPEAL = "appeal", pgettext_lazy("score line", "Appeal")


class ScoreLineQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return _own_or_scope(self, user, worker_field="worker_month__worker", area_field="worker_month__area")

    def deductions(self) -> models.QuerySet:
        return self.filter(points__lt=0)


class ScoreLine(models.Model):
    """One line of a worker's month, traceable to the event (`source`) that earned it."""

    area_scope_field = "worker_month__area"

    # Indexed by the unique constraint (worker_month, source); the other foreign keys by partial
    # indexes, so that the millions of rule lines a district writes a month carry few indexes.
    worker_month = models.ForeignKey(WorkerMonth, verbose_name=_("worker's month"), on_delete=models.CASCADE,
                                     related_name="lines", db_index=False)
    kind = models.CharField(_("kind of event"), max_length=50)
    rule = models.ForeignKey(ScoreRule, verbose_name=_("rule"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="lines", db_index=False)
    points = models.IntegerField(_("points"))
    # "residents.visit:812", "cases.case:55:resolved_on_time", "assessment.correction:3" …
    source = models.CharField(_("source"), max_length=120)
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("occurred"))
    origin = models.CharField(_("origin"), max_length=12, choices=LineOrigin.choices, default=LineOrigin.RULE)
    reason = models.TextField(_("reason"), blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", db_index=False)
    corrects = models.ForeignKey("self", verbose_name=_("corrects"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="corrections", db_index=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = ScoreLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("score line")
        verbose_name_plural = _("score lines")
        ordering = ["occurred_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["worker_month", "source"], name="assessment_scoreline_unique")]
        indexes = [
            models.Index(fields=["corrects"], name="assessment_line_corrects", condition=Q(corrects__isnull=False)),
            models.Index(fields=["approved_by"], name="assessment_line_approver", condition=Q(approved_by__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.points:+d} ({self.source})"

    @property
    def source_prefix(self) -> str:
        """"residents.visit" of "residents.visit:812"."""
        return self.source.split(":", 1)[0]

    @property
    def source_id(self) -> str:
        parts = self.source.split(":")
        return parts[1] if len(parts) > 1 else ""


# --- appeals and corrections -------------------------------------------------------------------------


class AppealState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("appeal", "Pending")
    UPHELD = "upheld", pgettext_lazy("appeal", "Upheld")
    DISMISSED = "dismissed", pgettext_lazy("appeal", "Dismissed")


class AppealQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return _own_or_scope(self, user, worker_field="worker", area_field="area")


class Appeal(models.Model):
    """A worker's appeal of one line, decided by the street with a reason. Upheld: a new line of
    origin "appeal" reverses the appealed line's points."""

    area_scope_field = "area"

    line = models.ForeignKey(ScoreLine, verbose_name=_("score line"), on_delete=models.PROTECT, related_name="appeals")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("grid worker"), on_delete=models.PROTECT,
                               related_name="score_appeals")
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=10, choices=AppealState.choices, default=AppealState.PENDING)
    area = models.ForeignKey(AreaNode, verbose_name=_("street"), on_delete=models.PROTECT, related_name="score_appeals")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.line} ({self.get_state_display()})"


class CorrectionState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("correction", "Pending")
    APPROVED = "approved", pgettext_lazy("correction", "Approved")
    REJECTED = "rejected", pgettext_lazy("correction", "Rejected")


class CorrectionQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return _own_or_scope(self, user, worker_field="worker_month__worker", area_field="worker_month__area")


class Correction(models.Model):
    """A change of a month's score by hand, with a reason, approved by a second person; approved:
    a new line of origin "correction" (`line`)."""

    area_scope_field = "worker_month__area"

    worker_month = models.ForeignKey(WorkerMonth, verbose_name=_("worker's month"), on_delete=models.PROTECT,
                                     related_name="corrections")
    points = models.IntegerField(_("points"))
    reason = models.TextField(_("reason"))
    corrects = models.ForeignKey(ScoreLine, verbose_name=_("corrects"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="correction_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT,
                                     related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=CorrectionState.choices, default=CorrectionState.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)
    line = models.OneToOneField(ScoreLine, verbose_name=_("score line"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="correction")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.worker_month} {self.points:+d} ({self.get_state_display()})"
