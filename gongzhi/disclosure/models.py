"""Open books (居务公开, seeds 001 and 004): what a community must publish, by when, and who checks.

An `Item` is one thing published on the community's notice board (公开栏) and public page, of one of
three kinds (政务 / 事务 / 财务) and one of five timing types (惠民政策 / 正常业务 / 重大事项 /
临时内容 / 热点问题). Each timing type has a `TimingRule` (data the district edits) that turns the
item's trigger (a policy received, a period ended, a decision taken, an event, a residents'
question) into a due time computed in working time from the calendar (`gongzhi.core.calendar`).

An item moves planned → draft → published; a published item is never edited: a correction is a new
version (same `series`, `version` + 1, `correction_reason`) and the old one becomes `superseded` —
still shown publicly, marked as such. Public pages read only `Item.objects.published_for_public`.

Money (in fen, integers): `FinancialStatement` with its lines (each may link the case, the meeting
decision — a resolution — or a project reference it paid for) and attachments; the party service
fund (党组织服务群众专项经费): one `FundAccount` per community whose balance never goes below
zero (row lock + check constraint), and its `FundEntry` rows (allocations and spending) with
receipts.

The residents' supervision committee (居务监督委员会) is a `meetings.Body` of kind
`SUPERVISION_COMMITTEE`; here are its `Election`s (date, term, votes per member), its `Review`s of
items (approve / question / demand correction) and `Rectification`s (整改) with owners and
deadlines. Residents ask `Question`s (质询) on published items, answered in public by the owner.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.areas.models import AreaNode
from gongzhi.cases.models import Case
from gongzhi.core import scope
from gongzhi.core.visibility import ScopedManager, ScopedQuerySet
from gongzhi.meetings.models import Body, BodyMember, Decision


class ItemKind(models.TextChoices):
    GOVERNMENT = "government", _("Government affairs")  # 政务
    AFFAIRS = "affairs", _("Community affairs")  # 事务
    FINANCE = "finance", _("Finances")  # 财务


class Timing(models.TextChoices):
    POLICY = "policy", _("Benefit policy (promptly)")  # 惠民政策及时公开
    REGULAR = "regular", _("Regular business (on schedule)")  # 正常业务定期公开
    MAJOR = "major", _("Major matter (immediately)")  # 重大事项立即公开
    TEMPORARY = "temporary", _("Temporary notice (at once)")  # 临时内容马上公开
    HOT = "hot", _("Hot issue (in answer to residents)")  # 热点问题随时公开


class ScheduleCadence(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Every half year")
    YEARLY = "yearly", _("Yearly")


class ItemState(models.TextChoices):
    PLANNED = "planned", _("Planned")  # a scheduled slot waiting for its content
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")  # replaced by a correction, still shown publicly


# States the public sees (current and past); the others are never shown without login.
PUBLIC_STATES = (ItemState.PUBLISHED, ItemState.SUPERSEDED)
# States of an item that is still owed.
OPEN_STATES = (ItemState.PLANNED, ItemState.DRAFT)


def yuan(fen: int) -> str:
    """12345 fen → "123.45" (for texts and pages; never a float)."""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def storage_name(instance, filename: str) -> str:
    """A random storage name (nothing in it says what it belongs to); files are served by scoped views."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"disclosure/{uuid.uuid4().hex}{extension}"


# --- rules ---------------------------------------------------------------------------------------


class TimingRule(models.Model):
    """When an item of a timing type is due, as data the district edits. A rule with a district
    applies to that district's communities; the rule without one is the default. Due time =
    trigger + `working_days` working days + `working_hours` working hours (calendar)."""

    area_scope_field = "district"

    district = models.ForeignKey(
        AreaNode, verbose_name=_("district"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="disclosure_timing_rules",
    )
    timing = models.CharField(_("timing type"), max_length=12, choices=Timing.choices)
    working_days = models.PositiveSmallIntegerField(_("working days"), default=0)
    working_hours = models.PositiveSmallIntegerField(_("working hours"), default=0)
    # Regular business: the schedule and how many periods ahead slots are generated.
    cadence = models.CharField(_("cadence"), max_length=12, choices=ScheduleCadence.choices, blank=True)
    periods_ahead = models.PositiveSmallIntegerField(_("periods planned ahead"), default=1)
    # How many working days before the due time the owner is reminded ("due soon").
    remind_days = models.PositiveSmallIntegerField(_("remind days before"), default=2)
    description = models.CharField(_("description"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("timing rule")
        verbose_name_plural = _("timing rules")
        ordering = ["district_id", "timing"]
        constraints = [
            models.UniqueConstraint(fields=["district", "timing"], name="disclosure_rule_unique_district"),
            models.UniqueConstraint(fields=["timing"], condition=models.Q(district__isnull=True),
                                    name="disclosure_rule_unique_default"),
        ]

    def __str__(self) -> str:
        return f"{self.get_timing_display()}: {self.working_days}d {self.working_hours}h"


# --- items ---------------------------------------------------------------------------------------


class ItemQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """Staff see every item of their area scope (drafts included); users without an area scope
        (residents, party members …) see what the public sees; superusers and the system all."""
        paths = scope.scope_paths(user)
        if paths is None:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if paths:
            return self.filter(scope.path_q(paths, "community"))
        return self.filter(state__in=PUBLIC_STATES)

    def published_for_public(self, community: AreaNode | int) -> models.QuerySet:
        """What the public page of a community shows without login: published items and the
        superseded versions they replaced — never planned slots or drafts."""
        return self.filter(community=community, state__in=PUBLIC_STATES)

    def current_for_public(self, community: AreaNode | int) -> models.QuerySet:
        """The current version of every published item of a community."""
        return self.filter(community=community, state=ItemState.PUBLISHED)


class Item(models.Model):
    """One publication owed or made by a community. A correction is a new row of the same series."""

    area_scope_field = "community"

    community = models.ForeignKey(AreaNode, verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="disclosure_items")
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices)
    timing = models.CharField(_("timing type"), max_length=12, choices=Timing.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    state = models.CharField(_("state"), max_length=12, choices=ItemState.choices, default=ItemState.DRAFT)
    # What starts the clock: the policy received, the decision taken, the event, the question asked;
    # for regular business the end of the period.
    trigger_at = models.DateTimeField(_("trigger"))
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    is_late = models.BooleanField(_("published late"), default=False)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    # Versions: `series` is the first version (itself for version 1).
    series = models.ForeignKey("self", verbose_name=_("first version"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField("self", verbose_name=_("corrects"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="superseded_by")
    correction_reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    # Where it comes from, for idempotent publication by other apps ("topic:12", "fund:2026").
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="disclosure_items")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager.from_queryset(ItemQuerySet)()

    class Meta:
        verbose_name = _("disclosure item")
        verbose_name_plural = _("disclosure items")
        ordering = ["-published_at", "-due_at", "-id"]
        indexes = [
            # The due board: what is owed, by due time, per community.
            models.Index(fields=["state", "due_at"], name="disclosure_item_state_due"),
            models.Index(fields=["community", "state", "due_at"], name="disclosure_item_comm_due"),
            # The public page: a community's published items by kind, newest first.
            models.Index(fields=["community", "state", "kind", "-published_at"], name="disclosure_item_public"),
            # The public page without a kind: a community's public items, newest first (partial).
            models.Index(fields=["community", "-published_at"], name="disclosure_item_public_all",
                         condition=models.Q(state__in=["published", "superseded"])),
            # Figures by period.
            models.Index(fields=["community", "due_at"], name="disclosure_item_comm_period"),
            models.Index(fields=["reference"], name="disclosure_item_reference"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "reference"], condition=~models.Q(reference="") & models.Q(version=1),
                name="disclosure_item_unique_reference",
                violation_error_message=_("An item with this reference already exists."),
            ),
            models.UniqueConstraint(fields=["series", "version"], name="disclosure_item_unique_version"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.state in PUBLIC_STATES

    @property
    def series_id_or_self(self) -> int:
        return self.series_id or self.pk


class Schedule(models.Model):
    """Regular business a community publishes on a schedule (正常业务定期公开): e.g. the monthly
    accounts (财务, monthly), the quarterly work report (事务, quarterly). The planner creates a
    planned item for each period ahead; it is due `working_days` of the regular rule after the
    period ends."""

    area_scope_field = "community"

    community = models.ForeignKey(AreaNode, verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="disclosure_schedules")
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices)
    title = models.CharField(_("title"), max_length=200)
    cadence = models.CharField(_("cadence"), max_length=12, choices=ScheduleCadence.choices,
                               default=ScheduleCadence.MONTHLY)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("from"))
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("publication schedule")
        verbose_name_plural = _("publication schedules")
        ordering = ["community_id", "kind", "title"]

    def __str__(self) -> str:
        return self.title


class ItemAttachment(models.Model):
    """A document or image published with an item (checked by its first bytes)."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=storage_name)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(pgettext_lazy("file", "content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("item attachment")
        verbose_name_plural = _("item attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class QuestionQuerySet(ScopedQuerySet):
    """Questions of items in the user's area scope; a user without one (a resident) sees the
    questions they asked here (the public pages show the others, without the asker)."""

    def visible_to(self, user) -> models.QuerySet:
        paths = scope.scope_paths(user)
        if paths is None:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if paths:
            return self.filter(scope.path_q(paths, "item__community"))
        return self.filter(asked_by=user)


# --- residents' questions (质询) -------------------------------------------------------------------


class Question(models.Model):
    """A signed-in resident's question on a published item, answered in public by the owner."""

    area_scope_field = "item__community"

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT,
                                 related_name="disclosure_questions")
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField(_("asked"), auto_now_add=True)
    answer_due_at = models.DateTimeField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    flagged_at = models.DateTimeField(_("flagged unanswered"), null=True, blank=True)

    objects = ScopedManager.from_queryset(QuestionQuerySet)()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["asked_at", "id"]
        indexes = [models.Index(fields=["answered_at", "answer_due_at"], name="disclosure_question_open")]

    def __str__(self) -> str:
        return self.text[:40]


# --- the supervision committee -------------------------------------------------------------------


class Election(models.Model):
    """The election of a supervision committee: when, how many voted, the term."""

    area_scope_field = "body__area"

    body = models.ForeignKey(Body, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="elections")
    held_on = models.DateField(_("held on"))
    term_start = models.DateField(_("term from"))
    term_end = models.DateField(_("term to"))
    voters = models.PositiveIntegerField(_("votes cast"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("committee election")
        verbose_name_plural = _("committee elections")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(term_end__gt=models.F("term_start")),
                                   name="disclosure_election_term_order",
                                   violation_error_message=_("The term ends after it starts.")),
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.held_on}"


class ElectionResult(models.Model):
    """The votes one candidate received, and whether elected (then a member of the body)."""

    election = models.ForeignKey(Election, verbose_name=_("election"), on_delete=models.CASCADE, related_name="results")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    member = models.ForeignKey(BodyMember, verbose_name=_("member"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="election_results")
    votes = models.PositiveIntegerField(_("votes received"))
    elected = models.BooleanField(_("elected"), default=False)

    class Meta:
        verbose_name = _("election result")
        verbose_name_plural = _("election results")
        ordering = ["-votes", "id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.votes}"


class Verdict(models.TextChoices):
    APPROVE = "approve", _("Approve")
    QUESTION = "question", pgettext_lazy("verdict", "Question")
    CORRECT = "correct", _("Demand correction")


class Review(models.Model):
    """A committee member's review of an item, before or after publication."""

    area_scope_field = "item__community"

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT,
                                 related_name="disclosure_reviews")
    verdict = models.CharField(_("verdict"), max_length=12, choices=Verdict.choices)
    comment = models.TextField(_("comment"), blank=True)
    after_publication = models.BooleanField(_("after publication"), default=False)
    created_at = models.DateTimeField(_("reviewed"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_verdict_display()}"


class RectificationState(models.TextChoices):
    OPEN = "open", _("Open")
    REPORTED = "reported", _("Reported done")
    CLOSED = "closed", _("Closed")


class Rectification(models.Model):
    """A problem the committee pointed out, with an owner and a deadline (限期整改)."""

    area_scope_field = "community"

    community = models.ForeignKey(AreaNode, verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="disclosure_rectifications")
    item = models.ForeignKey(Item, verbose_name=_("item"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="rectifications")
    review = models.OneToOneField(Review, verbose_name=_("review"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="rectification")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="disclosure_rectifications")
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=12, choices=RectificationState.choices,
                             default=RectificationState.OPEN)
    report = models.TextField(_("report"), blank=True)
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    late_flagged_at = models.DateTimeField(_("flagged late"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["community", "state", "deadline"], name="disclosure_rect_open")]

    def __str__(self) -> str:
        return self.title


# --- money ---------------------------------------------------------------------------------------


class StatementState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class FinancialStatement(models.Model):
    """Income, spending and balance of a period; refused unless opening + income − spending equals
    the closing balance and the totals equal the lines. Amounts in fen."""

    area_scope_field = "community"

    community = models.ForeignKey(AreaNode, verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="disclosure_statements")
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    opening_balance = models.BigIntegerField(_("opening balance (fen)"))
    income_total = models.BigIntegerField(_("income (fen)"))
    spending_total = models.BigIntegerField(_("spending (fen)"))
    closing_balance = models.BigIntegerField(_("closing balance (fen)"))
    state = models.CharField(_("state"), max_length=12, choices=StatementState.choices, default=StatementState.DRAFT)
    item = models.OneToOneField(Item, verbose_name=_("published as"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="statement")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("financial statement")
        verbose_name_plural = _("financial statements")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closing_balance=models.F("opening_balance") + models.F("income_total")
                                   - models.F("spending_total")),
                name="disclosure_statement_balanced",
                violation_error_message=_("Opening balance plus income minus spending must equal the closing balance."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class LineDirection(models.TextChoices):
    INCOME = "income", _("Income")
    SPENDING = "spending", _("Spending")


class StatementLine(models.Model):
    statement = models.ForeignKey(FinancialStatement, verbose_name=_("statement"), on_delete=models.CASCADE,
                                  related_name="lines")
    direction = models.CharField(_("direction"), max_length=10, choices=LineDirection.choices)
    description = models.CharField(_("description"), max_length=200)
    amount = models.BigIntegerField(_("amount (fen)"))
    case = models.ForeignKey(Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    decision = models.ForeignKey(Decision, verbose_name=_("resolution"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    project = models.CharField(_("project"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="disclosure_line_positive")]

    def __str__(self) -> str:
        return self.description


class StatementAttachment(models.Model):
    statement = models.ForeignKey(FinancialStatement, verbose_name=_("statement"), on_delete=models.CASCADE,
                                  related_name="attachments")
    file = models.FileField(_("file"), upload_to=storage_name)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(pgettext_lazy("file", "content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("statement attachment")
        verbose_name_plural = _("statement attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class FundAccount(models.Model):
    """The party service fund (党组织服务群众专项经费) of a community: its balance in fen, never
    below zero (check constraint; spending locks the row)."""

    area_scope_field = "community"

    community = models.OneToOneField(AreaNode, verbose_name=_("community"), on_delete=models.PROTECT,
                                     related_name="service_fund")
    balance = models.BigIntegerField(_("balance (fen)"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("service fund")
        verbose_name_plural = _("service funds")
        constraints = [models.CheckConstraint(condition=models.Q(balance__gte=0), name="disclosure_fund_not_negative",
                                              violation_error_message=_("The fund's balance cannot go below zero."))]

    def __str__(self) -> str:
        return f"{self.community} {self.balance}"


class FundEntryKind(models.TextChoices):
    ALLOCATION = "allocation", _("Allocation")
    SPENDING = "spending", _("Spending")


class FundEntry(models.Model):
    """An allocation to, or a spending from, a community's service fund."""

    area_scope_field = "account__community"

    account = models.ForeignKey(FundAccount, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=12, choices=FundEntryKind.choices)
    amount = models.BigIntegerField(_("amount (fen)"))
    occurred_on = models.DateField(_("date"))
    purpose = models.CharField(_("purpose"), max_length=300)
    approval = models.CharField(_("approval"), max_length=300, blank=True)  # who approved, the meeting or document
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    case = models.ForeignKey(Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    decision = models.ForeignKey(Decision, verbose_name=_("resolution"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    project = models.CharField(_("project"), max_length=100, blank=True)
    balance_after = models.BigIntegerField(_("balance after (fen)"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("fund entry")
        verbose_name_plural = _("fund entries")
        ordering = ["occurred_on", "id"]
        indexes = [models.Index(fields=["account", "occurred_on"], name="disclosure_fund_entry_date"),
                   models.Index(fields=["case"], name="disclosure_fund_entry_case")]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="disclosure_fund_amount_positive"),
                       models.CheckConstraint(condition=models.Q(balance_after__gte=0),
                                              name="disclosure_fund_entry_not_negative")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class FundReceipt(models.Model):
    """A receipt (photo or document) of a spending."""

    entry = models.ForeignKey(FundEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="receipts")
    file = models.FileField(_("file"), upload_to=storage_name)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(pgettext_lazy("file", "content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name
