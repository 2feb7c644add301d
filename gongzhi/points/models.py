"""The points ledger: one engine for every programme that gives points (volunteers' 志愿积分 now,
households' 文明积分 of the assessment later).

An `Account` holds one holder's points in one programme (the holder is any row: a volunteer, a
household) and keeps its balance, so reading it costs one row; every change is an `Entry`, written
once and never changed or deleted: earning by a rule, a manual award or deduction (with its
approver), spending, a refund. An entry with a `source` (the event that earned it: "checkout:17",
"order:5") is written at most once per account, so a repeated award is harmless. The balance never
goes below zero (a constraint on both tables), and `gongzhi points-check` recomputes every balance
from its entries.

`EarningRule`s are data: points per hour, per activity of a type, a bonus; kept in the admin, each
with its validity, so a change of rule never rewrites past entries (each entry names its rule).
`Adjustment` is a manual award or deduction waiting for a second person's approval.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.areas.models import AreaNode
from gongzhi.core.visibility import ScopedManager, ScopedQuerySet


class Programme(models.TextChoices):
    VOLUNTEERS = "volunteers", _("Volunteer points")  # 志愿服务积分
    CIVILITY = "civility", _("Household civility points")  # 文明积分 (assessment)


class RuleBasis(models.TextChoices):
    PER_HOUR = "per_hour", _("Per hour served")
    PER_EVENT = "per_event", _("Per activity or event")
    BONUS = "bonus", _("Bonus")


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")  # by a rule
    AWARD = "award", _("Awarded")  # manual, approved
    DEDUCT = "deduct", _("Deducted")  # manual, approved
    SPEND = "spend", _("Spent")  # redeemed in the store
    REFUND = "refund", _("Returned")  # a cancelled redemption


class EarningRule(models.Model):
    """How many points an event earns. `key` is what the programme asks for ("hour",
    "activity:elderly", "bonus:mobilisation"); among the rules of one key, the most specific area
    that covers the holder's and is valid on the day applies."""

    area_scope_field = "area"

    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    key = models.CharField(_("key"), max_length=60, help_text=_("What the programme asks for, e.g. hour or activity:elderly."))
    label = models.CharField(_("label"), max_length=100)
    basis = models.CharField(_("basis"), max_length=10, choices=RuleBasis.choices)
    points = models.PositiveIntegerField(_("points"))
    area = models.ForeignKey(
        AreaNode, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("Empty: everywhere."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("earning rule")
        verbose_name_plural = _("earning rules")
        ordering = ["programme", "key", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="points_rule_period",
                violation_error_message=_("The end of validity cannot come before its start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.points})"



class AccountQuerySet(ScopedQuerySet):
    pass


class Account(models.Model):
    """One holder's points in one programme, with the balance kept (checked by `points-check`)."""

    area_scope_field = "area"

    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    holder_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    holder_id = models.PositiveBigIntegerField()
    holder = GenericForeignKey("holder_type", "holder_id")
    name = models.CharField(pgettext_lazy("points account", "holder"), max_length=100)
    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    balance = models.IntegerField(_("balance"), default=0)
    earned = models.PositiveIntegerField(_("earned in all"), default=0)
    spent = models.PositiveIntegerField(_("spent in all"), default=0)
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        ordering = ["programme", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "holder_type", "holder_id"], name="points_account_one_per_holder"),
            models.CheckConstraint(condition=models.Q(balance__gte=0), name="points_account_balance_not_negative",
                                   violation_error_message=_("Not enough points.")),
        ]
        indexes = [models.Index(fields=["programme", "area"], name="points_account_area_idx")]

    def __str__(self) -> str:
        return f"{self.name} · {self.balance}"


class EntryQuerySet(ScopedQuerySet):
    pass


class Entry(models.Model):
    """One change of a balance, written once (the model refuses to be saved again or deleted)."""

    area_scope_field = "account__area"

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    amount = models.IntegerField(_("points"))
    balance_after = models.IntegerField(_("balance after"))
    reason = models.CharField(_("reason"), max_length=200)
    source = models.CharField(_("source"), max_length=80, blank=True,
                              help_text=_("The event that earned or spent the points; each is written once."))
    rule = models.ForeignKey(EarningRule, verbose_name=_("earning rule"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2, null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "source"], condition=~models.Q(source=""),
                                    name="points_entry_source_once"),
            models.CheckConstraint(condition=~models.Q(amount=0), name="points_entry_not_zero"),
            models.CheckConstraint(condition=models.Q(balance_after__gte=0), name="points_entry_balance_not_negative"),
        ]
        indexes = [models.Index(fields=["account", "created_at"], name="points_entry_account_time")]

    def __str__(self) -> str:
        return f"{self.account.name} {self.amount:+d}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("A points entry is written once and never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A points entry is never deleted.")


class AdjustmentState(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", pgettext_lazy("points adjustment", "Approved")
    REJECTED = "rejected", pgettext_lazy("points adjustment", "Rejected")


class Adjustment(models.Model):
    """A manual award (positive) or deduction (negative) with its reason, written to the ledger only
    when someone other than the requester approves it."""

    area_scope_field = "account__area"

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="adjustments")
    amount = models.IntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=200)
    state = models.CharField(pgettext_lazy("points adjustment", "state"), max_length=10,
                             choices=AdjustmentState.choices, default=AdjustmentState.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=200, blank=True)
    entry = models.OneToOneField(Entry, verbose_name=_("entry"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="adjustment")
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("points adjustment")
        verbose_name_plural = _("points adjustments")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="points_adjustment_not_zero")]

    def __str__(self) -> str:
        return f"{self.account.name} {self.amount:+d}"
