"""Inspectors' spot checks (民情巡察员核查): the publicly selected inspectors of each street, the
monthly sample of the street's grid workers' door visits and closed cases (random, weighted for
risk), each item's check by an inspector (a call-back or a visit), and the street's review of the
finding. A confirmed problem is read by the assessment as a deduction (`scoring.py`).

What an item shows is copied when the sample is drawn (`summary`), with personal data masked: the
inspector never reads the registry itself and nothing here reveals it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import permissions, scope
from gongzhi.core.actors import is_system
from gongzhi.core.visibility import ScopedQuerySet


class StreetQuerySet(ScopedQuerySet):
    """THE rule of who sees the spot checks of a street: the roles that may read them
    (`inspections.view`) within their area scope, and an inspector registered (active) for the
    street wherever their account is bound."""

    street_field = "street"

    def visible_to(self, user):
        if is_system(user) or getattr(user, "is_superuser", False):
            return self
        if not permissions.can(user, "inspections.view"):
            return self.none()
        paths = scope.scope_paths(user) or []
        q = scope.path_q(paths, self.street_field)
        registered = Inspector.objects.filter(user=user, active=True).values("street_id")
        q |= Q(**{f"{self.street_field}__in": registered})
        return self.filter(q)


class SampleQuerySet(StreetQuerySet):
    street_field = "sample__street"


class ThroughItemQuerySet(StreetQuerySet):
    street_field = "item__sample__street"


class ThroughFindingQuerySet(StreetQuerySet):
    street_field = "finding__item__sample__street"


class Inspector(models.Model):
    """A publicly selected inspector (民情巡察员) of one street."""

    area_scope_field = "street"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT,
                             related_name="inspector_posts")
    street = models.ForeignKey(AreaNode, verbose_name=_("street"), on_delete=models.PROTECT,
                               related_name="inspectors", limit_choices_to={"kind": AreaKind.STREET})
    appointed_on = models.DateField(_("appointed on"))
    selection = models.CharField(_("how selected"), max_length=300,
                                 help_text=_("How the inspector was publicly selected, and the reference of the decision."))
    active = models.BooleanField(_("active"), default=True)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    retire_reason = models.CharField(_("reason for retiring"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = StreetQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")
        ordering = ["street", "-active", "appointed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "street"], condition=Q(active=True),
                                    name="inspections_inspector_active_once"),
        ]

    def __str__(self) -> str:
        return str(getattr(self.user, "display_name", "") or self.user)


class Sample(models.Model):
    """A street's monthly sample: drawn once, reproducibly (the seed is kept)."""

    area_scope_field = "street"

    street = models.ForeignKey(AreaNode, verbose_name=_("street"), on_delete=models.PROTECT,
                               related_name="inspection_samples", limit_choices_to={"kind": AreaKind.STREET})
    month = models.DateField(_("month"), help_text=_("The first day of the month sampled."))
    seed = models.BigIntegerField(_("random seed"))
    size = models.PositiveSmallIntegerField(_("size asked"))
    candidates = models.PositiveIntegerField(_("records to draw from"), default=0)
    weights = models.JSONField(_("risk weights"), default=dict)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    drawn_by_label = models.CharField(_("drawn by (label)"), max_length=150, blank=True)
    drawn_at = models.DateTimeField(_("drawn"), default=timezone.now)

    objects = StreetQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly sample")
        verbose_name_plural = _("monthly samples")
        ordering = ["-month", "street", "id"]
        constraints = [models.UniqueConstraint(fields=["street", "month"], name="inspections_sample_once_a_month")]

    def __str__(self) -> str:
        return f"{self.street.name} {self.month:%Y-%m}"


class ItemKind(models.TextChoices):
    VISIT = "visit", pgettext_lazy("inspection item", "Door visit")
    CASE = "case", pgettext_lazy("inspection item", "Closed case")


class Risk(models.TextChoices):
    UNSATISFIED = "unsatisfied", _("Rated not satisfied")
    REOPENED = "reopened", _("Reopened")
    NO_PHOTO = "no_photo", _("No photo")


class SampleItem(models.Model):
    """One drawn record and the inspector who checks it."""

    area_scope_field = "sample__street"

    sample = models.ForeignKey(Sample, verbose_name=_("sample"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("order drawn"))
    kind = models.CharField(_("kind"), max_length=8, choices=ItemKind.choices)
    visit = models.ForeignKey("residents.Visit", verbose_name=_("door visit"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("grid worker"), on_delete=models.PROTECT,
                               related_name="inspected_items")
    happened_at = models.DateTimeField(_("when it was done"))
    weight = models.PositiveSmallIntegerField(_("weight"))
    risks = models.JSONField(_("risks"), default=list)
    summary = models.JSONField(_("what was recorded"), default=dict)
    inspector = models.ForeignKey(Inspector, verbose_name=_("inspector"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="items")

    objects = SampleQuerySet.as_manager()

    class Meta:
        verbose_name = _("sampled record")
        verbose_name_plural = _("sampled records")
        ordering = ["sample", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "position"], name="inspections_item_position"),
            models.CheckConstraint(
                condition=(Q(kind="visit") & Q(case__isnull=True)) | (Q(kind="case") & Q(visit__isnull=True)),
                name="inspections_item_one_record"),
        ]

    def __str__(self) -> str:
        return f"{self.sample} #{self.position}"

    @property
    def risk_labels(self) -> list[str]:
        return [str(Risk(r).label) for r in self.risks if r in Risk.values]


class Method(models.TextChoices):
    CALL_BACK = "call_back", _("Call-back (回访电话)")
    VISIT = "visit", pgettext_lazy("inspection method", "Visit at the door (上门)")


class Outcome(models.TextChoices):
    NO_PROBLEM = "no_problem", _("No problem")
    PROBLEM = "problem", _("Problem found")


class ProblemKind(models.TextChoices):
    NOT_VISITED = "not_visited", _("Did not enter the home (未入户)")
    FALSE_RECORD = "false_record", _("Record not true (记录不实)")
    ATTITUDE = "attitude", _("Attitude (态度问题)")
    LATE = "late", _("Not handled on time (未按时处理)")
    OTHER = "other", pgettext_lazy("problem kind", "Other")


class FindingState(models.TextChoices):
    NO_PROBLEM = "no_problem", _("No problem")
    PENDING = "pending", pgettext_lazy("inspection finding", "Awaiting the street")
    CONFIRMED = "confirmed", pgettext_lazy("inspection finding", "Confirmed")
    REJECTED = "rejected", pgettext_lazy("inspection finding", "Rejected")


class Finding(models.Model):
    """The inspector's check of one item; a problem waits for the street to confirm or reject it."""

    area_scope_field = "item__sample__street"

    item = models.OneToOneField(SampleItem, verbose_name=_("sampled record"), on_delete=models.CASCADE,
                                related_name="finding")
    method = models.CharField(_("how checked"), max_length=10, choices=Method.choices)
    outcome = models.CharField(_("finding"), max_length=10, choices=Outcome.choices)
    problem_kind = models.CharField(_("kind of problem"), max_length=14, choices=ProblemKind.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=FindingState.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("checked"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason of the decision"), blank=True)

    objects = ThroughItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["state", "decided_at"], name="inspections_finding_decided")]
        constraints = [
            models.CheckConstraint(condition=Q(outcome="no_problem") | ~Q(problem_kind=""),
                                   name="inspections_problem_has_kind"),
            models.CheckConstraint(condition=Q(state__in=FindingState.values), name="inspections_finding_state"),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.get_outcome_display()}"


class FindingPhoto(models.Model):
    area_scope_field = "finding__item__sample__street"

    finding = models.ForeignKey(Finding, verbose_name=_("finding"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to="inspections/%Y/%m/")
    content_type = models.CharField(_("type"), max_length=30)
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = ThroughFindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding photo")
        verbose_name_plural = _("finding photos")
        ordering = ["finding", "id"]

    def __str__(self) -> str:
        return self.file.name
