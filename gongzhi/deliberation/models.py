"""Residents decide: topics (议题), the declared paths they take (六步协商, 楼院协商, 小区协商), the
resolutions they end in, and how those are carried out and supervised (seeds 001, 003, 004).

A `Topic` is a matter of a scope (a building, an estate, a grid, a community) raised by residents'
proposals with co-signatures, from hot issues of the case pipeline, by one of the four consultation
groups (党群, 民生, 综治, 城市管理), by a body's meeting, or by a unit. It follows a `Path`: steps
declared as data by the district (who acts, what the step must produce, a time limit in working
days, whether it may send the topic back or drop it). Each step the topic takes is a `TopicStep`
row: the timeline on its page. A step that must produce a meeting, a vote, a consultation of the
affected households or a publication links what it produced.

A passed topic has a `Resolution`: owners, milestones, budget and spending, progress with photos,
watched by the residents' supervision committee (rectifications with deadlines, a sign-off), and
published on the community's public page. A `Hearing` (公开听证) is a public meeting on a topic with
registration, a speakers' list and a record of the views.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.areas.models import AreaKind, AreaNode, Department, Estate, Unit
from gongzhi.cases.models import Case
from gongzhi.core import scope
from gongzhi.core.pii import PHONE, EncryptedCharField, PersonalCopiesMixin
from gongzhi.core.visibility import ScopedManager, ScopedQuerySet
from gongzhi.meetings.models import BodyKind, Decision, Meeting
from gongzhi.votes.models import Vote, ancestor_paths, home_paths


class ConsultationGroup(models.TextChoices):
    """The four consultation groups of seed 001 (四个协商小组)."""

    PARTY_MASSES = "party_masses", _("Party and masses")  # 党群
    LIVELIHOOD = "livelihood", _("People's livelihood")  # 民生
    PUBLIC_SAFETY = "public_safety", _("Public safety and order")  # 综治
    URBAN_MANAGEMENT = "urban_management", _("Urban management")  # 城市管理


class TopicSource(models.TextChoices):
    PROPOSAL = "proposal", _("Residents' proposal")  # 居民提议 (with co-signatures)
    CASE = "case", _("Hot issue of the requests")  # 诉求热点
    GROUP = "group", _("Consultation group")  # 协商小组
    MEETING = "meeting", _("Meeting of a body")
    UNIT = "unit", _("Proposal of a unit")


class ScopeKind(models.TextChoices):
    BUILDING = "building", _("Building")  # 楼院
    ESTATE = "estate", _("Estate")  # 小区
    GRID = "grid", _("Grid")
    COMMUNITY = "community", _("Community")


# The area node kind a topic of each scope hangs on (an estate's topic hangs on its community and
# names the estate).
SCOPE_AREA_KIND = {
    ScopeKind.BUILDING: AreaKind.BUILDING,
    ScopeKind.ESTATE: AreaKind.COMMUNITY,
    ScopeKind.GRID: AreaKind.GRID,
    ScopeKind.COMMUNITY: AreaKind.COMMUNITY,
}


class StepActor(models.TextChoices):
    """Who acts at a step."""

    PARTY_COMMITTEE = "party_committee", _("Community party committee")  # 社区党委 提议
    TWO_COMMITTEES = "two_committees", _("Community two committees")  # 两委 商议
    PARTY_ASSEMBLY = "party_assembly", _("Party members' assembly")  # 党员大会 审议
    RESIDENTS_ASSEMBLY = "residents_assembly", _("Residents' representatives assembly")  # 居民代表大会 决议
    SUPERVISION_COMMITTEE = "supervision_committee", _("Residents' supervision committee")  # 监督委员会 监事
    COMMUNITY_STAFF = "community_staff", _("Community staff")  # 公示, 征询
    AFFECTED_HOUSEHOLDS = "affected_households", _("The affected households")  # 楼院/小区 协商


# The kind of body that meets at a step, where the step is a meeting.
ACTOR_BODY_KIND = {
    StepActor.TWO_COMMITTEES: BodyKind.TWO_COMMITTEES,
    StepActor.RESIDENTS_ASSEMBLY: BodyKind.RESIDENTS_ASSEMBLY,
    StepActor.SUPERVISION_COMMITTEE: BodyKind.SUPERVISION_COMMITTEE,
}


class StepOutput(models.TextChoices):
    """What a step must produce before the topic moves on."""

    PROPOSAL = "proposal", _("A written proposal")  # 提议书
    MEETING = "meeting", _("A meeting held, with minutes")  # 会议及纪要
    VOTE = "vote", _("A vote passed")  # 表决通过
    CONSULTATION = "consultation", _("A consultation of the affected households")  # 入户征询 records
    SUPERVISION = "supervision", _("The supervision committee's opinion")  # 监事意见
    PUBLICATION = "publication", _("The result published")  # 决议结果公示


class PathQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """Paths are the district's rules: everyone signed in reads them (a topic's page shows its
        path); only the district edits them (the gate)."""
        if not getattr(user, "is_authenticated", False) and scope.scope_paths(user) is not None:
            return self.none()
        return self


class Path(models.Model):
    """A declared way to decide a kind of topic (议事路径), edited by the district as data."""

    area_scope_field = "district"

    district = models.ForeignKey(
        AreaNode, verbose_name=_("district"), on_delete=models.PROTECT, related_name="deliberation_paths",
        limit_choices_to={"kind": AreaKind.DISTRICT},
    )
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    # The scopes this path is offered for (comma-separated ScopeKind values; empty: all).
    scope_kinds = models.CharField(_("for scopes"), max_length=60, blank=True)
    is_default = models.BooleanField(_("default for these scopes"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager.from_queryset(PathQuerySet)()

    class Meta:
        verbose_name = _("deliberation path")
        verbose_name_plural = _("deliberation paths")
        ordering = ["district", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "key"], name="deliberation_path_unique_key",
                violation_error_message=_("The district already has a path with this key."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def offered_for(self, scope_kind: str) -> bool:
        kinds = [k for k in self.scope_kinds.split(",") if k]
        return not kinds or scope_kind in kinds


class PathStep(models.Model):
    """One step of a path: who acts, what it must produce, its time limit and whether it may send
    the topic back or drop it."""

    area_scope_field = "path__district"

    path = models.ForeignKey(Path, verbose_name=_("path"), on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=60)
    actor = models.CharField(_("who acts"), max_length=24, choices=StepActor.choices)
    output = models.CharField(_("must produce"), max_length=16, choices=StepOutput.choices)
    time_limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"), default=10)
    may_send_back = models.BooleanField(_("may send back"), default=True)
    may_drop = models.BooleanField(_("may drop"), default=True)
    instructions = models.TextField(_("instructions"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("path step")
        verbose_name_plural = _("path steps")
        ordering = ["path", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["path", "position"], name="deliberation_step_unique_position",
                violation_error_message=_("The path already has a step at this position."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class ProposalRule(models.Model):
    """How many co-signatures open a residents' proposal as a topic, per scope (district data)."""

    area_scope_field = "district"

    district = models.ForeignKey(
        AreaNode, verbose_name=_("district"), on_delete=models.PROTECT, related_name="deliberation_proposal_rules",
        limit_choices_to={"kind": AreaKind.DISTRICT},
    )
    scope_kind = models.CharField(_("scope"), max_length=12, choices=ScopeKind.choices)
    signatures_needed = models.PositiveSmallIntegerField(_("co-signatures needed"), default=10)
    # Days a proposal may collect signatures before it lapses.
    collect_days = models.PositiveSmallIntegerField(_("days to collect"), default=30)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("proposal rule")
        verbose_name_plural = _("proposal rules")
        ordering = ["district", "scope_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "scope_kind"], name="deliberation_rule_unique_scope",
                violation_error_message=_("The district already has a rule for this scope."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_kind_display()}: {self.signatures_needed}"


# --- topics ----------------------------------------------------------------------------------------


class TopicState(models.TextChoices):
    PROPOSED = "proposed", _("Collecting co-signatures")  # 征集联署
    IN_PROGRESS = "in_progress", _("Being deliberated")  # 协商中
    RESOLVED = "resolved", _("Resolved, being carried out")  # 已决议, 落实中
    IMPLEMENTED = "implemented", _("Carried out")  # 已落实
    DROPPED = "dropped", _("Dropped")  # 终止 (with the reason)
    LAPSED = "lapsed", _("Lapsed")  # too few co-signatures in time


class TopicQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """Topics of the user's area scope; for a resident, every topic above the household they
        live in except proposals still being drafted by someone else; topics the user proposed or
        co-signed."""
        paths = scope.scope_paths(user)
        if paths is None:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        mine = models.Q(proposed_by=user) | models.Q(pk__in=Signature.objects.filter(user=user).values("topic_id"))
        homes = home_paths(user)
        if homes:
            above = sorted({p for home in homes for p in ancestor_paths(home)})
            mine |= models.Q(area__path__in=above)
        return self.filter(scope.path_q(paths, "area") | mine if paths else mine)

    def public(self) -> models.QuerySet:
        """What a community's public page shows without login: topics past the proposal."""
        return self.exclude(state__in=(TopicState.PROPOSED, TopicState.LAPSED))


class Topic(models.Model):
    """A matter to deliberate (议题)."""

    area_scope_field = "area"

    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="topics")
    scope_kind = models.CharField(_("scope"), max_length=12, choices=ScopeKind.choices)
    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), null=True, blank=True, on_delete=models.PROTECT, related_name="topics"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    group = models.CharField(_("consultation group"), max_length=20, choices=ConsultationGroup.choices)
    source = models.CharField(_("raised by"), max_length=10, choices=TopicSource.choices)
    path = models.ForeignKey(Path, verbose_name=_("path"), on_delete=models.PROTECT, related_name="topics")
    state = models.CharField(_("state"), max_length=12, choices=TopicState.choices, default=TopicState.PROPOSED)
    state_reason = models.TextField(_("reason"), blank=True)  # why dropped
    # The step the topic is at (a position of its path's steps; 0 before the first).
    step_position = models.PositiveSmallIntegerField(_("step"), default=0)
    signatures_needed = models.PositiveSmallIntegerField(_("co-signatures needed"), default=0)
    signature_count = models.PositiveIntegerField(_("co-signatures"), default=0)
    collect_until = models.DateField(_("collect co-signatures until"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="proposed_topics",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="topics"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("raised at meeting"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="raised_topics",
    )
    cases = models.ManyToManyField(Case, verbose_name=_("cases"), through="TopicCase", related_name="topics", blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager.from_queryset(TopicQuerySet)()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["area", "state"], name="delib_topic_area_state_idx"),
            models.Index(fields=["state", "collect_until"], name="delib_topic_collect_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class ThroughTopicQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return self.filter(topic__in=Topic.objects.visible_to(user).values("pk"))


class Signature(models.Model):
    """A resident's co-signature (联署) on a proposal: one per account, from a resident of its scope."""

    area_scope_field = "topic__area"

    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="signatures")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT, related_name="topic_signatures"
    )
    signed_at = models.DateTimeField(_("signed"), auto_now_add=True)

    objects = ThroughTopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("co-signature")
        verbose_name_plural = _("co-signatures")
        ordering = ["topic", "signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "user"], name="deliberation_signature_once",
                violation_error_message=_("You have already co-signed this proposal."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} · {self.user_id}"


class TopicCase(models.Model):
    """A case a topic came from: its requester is told how the topic ends."""

    area_scope_field = "topic__area"

    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="topic_links")
    requester_told_at = models.DateTimeField(_("requester told"), null=True, blank=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = ThroughTopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("case of a topic")
        verbose_name_plural = _("cases of topics")
        ordering = ["topic", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "case"], name="deliberation_topic_case_once",
                violation_error_message=_("This case is already linked to the topic."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} · {self.case_id}"


def document_storage_name(instance, filename: str) -> str:
    """A random storage name; files are served only by the scoped views."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"deliberation/{uuid.uuid4().hex}{extension}"


class TopicDocument(models.Model):
    """A document of a topic (a plan, a quote, a drawing, a photo)."""

    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="documents")
    step = models.ForeignKey(
        "TopicStep", verbose_name=_("step"), null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    file = models.FileField(_("file"), upload_to=document_storage_name)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(pgettext_lazy("file", "content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    is_public = models.BooleanField(_("shown on the public page"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("topic document")
        verbose_name_plural = _("topic documents")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class StepState(models.TextChoices):
    CURRENT = "current", _("Under way")
    DONE = "done", _("Done")
    SENT_BACK = "sent_back", _("Sent back")
    DROPPED = "dropped", _("Dropped here")


class TopicStep(models.Model):
    """One step a topic took (its timeline): started, due, finished, with what it produced. A step
    sent back leaves its row; the step before it starts again as a new row."""

    area_scope_field = "topic__area"

    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="steps")
    path_step = models.ForeignKey(PathStep, verbose_name=_("step of the path"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=60)  # copied: the timeline keeps what the step was called
    state = models.CharField(_("state"), max_length=10, choices=StepState.choices, default=StepState.CURRENT)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    due_at = models.DateTimeField(_("due by"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("finished by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.TextField(_("outcome"), blank=True)  # what the step concluded, in words
    reason = models.TextField(_("reason"), blank=True)  # why sent back or dropped
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), null=True, blank=True, on_delete=models.PROTECT, related_name="topic_steps"
    )
    vote = models.ForeignKey(
        Vote, verbose_name=_("vote"), null=True, blank=True, on_delete=models.PROTECT, related_name="topic_steps"
    )
    # A consultation of the affected households: how many were asked, for, against.
    households_consulted = models.PositiveIntegerField(_("households consulted"), null=True, blank=True)
    households_in_favour = models.PositiveIntegerField(_("in favour"), null=True, blank=True)
    households_against = models.PositiveIntegerField(_("against"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("overdue flagged"), null=True, blank=True)

    objects = ThroughTopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("step of a topic")
        verbose_name_plural = _("steps of topics")
        ordering = ["topic", "started_at", "id"]
        indexes = [models.Index(fields=["state", "due_at"], name="delib_step_due_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["topic"], condition=models.Q(state="current"), name="deliberation_one_current_step",
                violation_error_message=_("The topic is already at a step."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} · {self.name}"

    @property
    def is_overdue(self) -> bool:
        return self.state == StepState.CURRENT and self.due_at is not None and self.due_at < timezone.now()


# --- resolutions: carried out, supervised, published ------------------------------------------------


class ResolutionState(models.TextChoices):
    IMPLEMENTING = "implementing", _("Being carried out")
    DONE = "done", _("Carried out")  # awaiting / with the committee's sign-off


class ResolutionQuerySet(ThroughTopicQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """Resolutions of the topics the user sees, and those the user, the user's unit or the
        user's department carries out (an owner without an area scope still sees its own work)."""
        seen = super().visible_to(user)
        if scope.scope_paths(user) is None or not getattr(user, "is_authenticated", False):
            return seen
        owned = models.Q(user=user)
        if getattr(user, "unit_id", None):
            owned |= models.Q(unit_id=user.unit_id)
        if getattr(user, "department_id", None):
            owned |= models.Q(department_id=user.department_id)
        mine = ResolutionOwner.objects.filter(owned).values("resolution_id")
        return self.filter(models.Q(pk__in=seen.values("pk")) | models.Q(pk__in=mine))


class Resolution(models.Model):
    """What a topic resolved (决议), and how it is carried out (Decidim's accountability)."""

    area_scope_field = "topic__area"

    topic = models.OneToOneField(Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="resolution")
    vote = models.ForeignKey(
        Vote, verbose_name=_("vote"), null=True, blank=True, on_delete=models.PROTECT, related_name="resolutions"
    )
    # The decision recorded in the meeting that passed it, where there was one (it then shows among
    # the body's decisions too).
    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), null=True, blank=True, on_delete=models.SET_NULL, related_name="resolutions"
    )
    text = models.TextField(_("resolution"))
    budget_fen = models.BigIntegerField(_("budget (fen)"), default=0)
    spent_fen = models.BigIntegerField(_("spent (fen)"), default=0)  # kept equal to the sum of spendings
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    state = models.CharField(
        _("state"), max_length=14, choices=ResolutionState.choices, default=ResolutionState.IMPLEMENTING
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Where the result was published as a disclosure item ("disclosure:<id>"), when it was.
    publication_reference = models.CharField(_("publication"), max_length=60, blank=True)
    signed_off_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed off by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    sign_off_note = models.TextField(_("committee's opinion"), blank=True)
    created_at = models.DateTimeField(_("resolved"), auto_now_add=True)

    objects = ScopedManager.from_queryset(ResolutionQuerySet)()

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="deliberation_progress_at_most_100",
                violation_error_message=_("Progress is at most 100%."),
            ),
            models.CheckConstraint(
                condition=models.Q(budget_fen__gte=0) & models.Q(spent_fen__gte=0), name="deliberation_money_not_negative",
                violation_error_message=_("Amounts are not negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ThroughResolutionQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return self.filter(resolution__in=Resolution.objects.visible_to(user).values("pk"))


class ResolutionOwner(models.Model):
    """Who carries a resolution out: a person with an account, a unit, a department, or a named party."""

    area_scope_field = "resolution__topic__area"

    resolution = models.ForeignKey(Resolution, verbose_name=_("resolution"), on_delete=models.CASCADE, related_name="owners")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="owned_resolutions",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="owned_resolutions"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="owned_resolutions",
    )
    name = models.CharField(_("owner"), max_length=100)

    objects = ThroughResolutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("resolution owner")
        verbose_name_plural = _("resolution owners")
        ordering = ["resolution", "id"]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """A step of carrying a resolution out, with its due date; flagged when overdue."""

    area_scope_field = "resolution__topic__area"

    resolution = models.ForeignKey(Resolution, verbose_name=_("resolution"), on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due by"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    overdue_flagged_at = models.DateTimeField(_("overdue flagged"), null=True, blank=True)

    objects = ThroughResolutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["resolution", "position", "due_on"]
        indexes = [models.Index(fields=["done_on", "due_on"], name="delib_milestone_due_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.done_on is None and self.due_on < timezone.localdate()


class Spending(models.Model):
    """Money spent on a resolution (in fen), with what it paid for."""

    area_scope_field = "resolution__topic__area"

    resolution = models.ForeignKey(Resolution, verbose_name=_("resolution"), on_delete=models.CASCADE, related_name="spendings")
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    spent_on = models.DateField(_("date"))
    purpose = models.CharField(_("purpose"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ThroughResolutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("spending")
        verbose_name_plural = _("spendings")
        ordering = ["resolution", "spent_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_fen__gt=0), name="deliberation_spending_positive",
                violation_error_message=_("An amount spent is more than zero."),
            )
        ]

    def __str__(self) -> str:
        return self.purpose


class ResolutionUpdate(models.Model):
    """A progress report on a resolution, with the progress it reached and photos."""

    area_scope_field = "resolution__topic__area"

    resolution = models.ForeignKey(Resolution, verbose_name=_("resolution"), on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("progress"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)

    objects = ThroughResolutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("resolution progress")
        verbose_name_plural = _("resolution progress")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class ResolutionPhoto(models.Model):
    update = models.ForeignKey(ResolutionUpdate, verbose_name=_("progress"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to=document_storage_name)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(pgettext_lazy("file", "content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress photo")
        verbose_name_plural = _("progress photos")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class RectificationState(models.TextChoices):
    OPEN = "open", _("To rectify")
    DONE = "done", _("Rectified")  # the owner says it is done
    CLOSED = "closed", _("Accepted")  # the committee accepts it


class Rectification(models.Model):
    """A problem the supervision committee found in carrying a resolution out (限期整改): an owner,
    a deadline, tracked to closure, flagged when late."""

    area_scope_field = "resolution__topic__area"

    resolution = models.ForeignKey(
        Resolution, verbose_name=_("resolution"), on_delete=models.CASCADE, related_name="rectifications"
    )
    problem = models.TextField(_("problem"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="deliberation_rectifications",
    )
    owner_name = models.CharField(_("owner"), max_length=100)
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=8, choices=RectificationState.choices, default=RectificationState.OPEN)
    response = models.TextField(_("what was done"), blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)
    done_at = models.DateTimeField(_("rectified"), null=True, blank=True)
    closed_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    late_flagged_at = models.DateTimeField(_("late flagged"), null=True, blank=True)

    objects = ThroughResolutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["state", "deadline"], name="delib_rectification_due_idx")]

    def __str__(self) -> str:
        return self.problem[:60]

    @property
    def is_late(self) -> bool:
        return self.state == RectificationState.OPEN and self.deadline < timezone.localdate()


# --- hearings ---------------------------------------------------------------------------------------


class Hearing(models.Model):
    """A public hearing (公开听证) on a topic: a meeting of kind "hearing" open to the public, with
    registration and a speakers' list."""

    area_scope_field = "topic__area"

    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="hearings")
    meeting = models.OneToOneField(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="hearing")
    registration_closes_at = models.DateTimeField(_("registration closes"))
    seats = models.PositiveIntegerField(_("seats"), default=50)
    speakers_limit = models.PositiveSmallIntegerField(_("speakers"), default=10)
    minutes_per_speaker = models.PositiveSmallIntegerField(_("minutes per speaker"), default=5)

    objects = ScopedManager.from_queryset(ThroughTopicQuerySet)()

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["-registration_closes_at", "-id"]

    def __str__(self) -> str:
        return str(self.meeting)


class ThroughHearingQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return self.filter(hearing__in=Hearing.objects.visible_to(user).values("pk"))


class HearingRegistration(PersonalCopiesMixin, models.Model):
    """Someone registered to attend a hearing, and to speak if they asked (the speakers' list is the
    order of those who asked, up to the limit). A resident registers from their account; staff
    register others by name and phone (personal data)."""

    area_scope_field = "hearing__topic__area"

    hearing = models.ForeignKey(Hearing, verbose_name=_("hearing"), on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="hearing_registrations",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    affiliation = models.CharField(_("who they speak for"), max_length=100, blank=True)  # 住户 / 业委会 / 物业 …
    phone = EncryptedCharField(_("phone"), kind=PHONE, max_length=20)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    wants_to_speak = models.BooleanField(_("wishes to speak"), default=False)
    speaking_order = models.PositiveSmallIntegerField(_("speaking order"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)

    objects = ThroughHearingQuerySet.as_manager()

    class Meta:
        verbose_name = _("hearing registration")
        verbose_name_plural = _("hearing registrations")
        ordering = ["hearing", "registered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hearing", "user"], condition=models.Q(user__isnull=False, cancelled_at__isnull=True),
                name="deliberation_registration_once",
                violation_error_message=_("You are already registered for this hearing."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class ViewPosition(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    OTHER = "other", _("Other view")


class HearingView(models.Model):
    """A view put at a hearing (the record of views 听证意见), by a registered speaker or from the floor."""

    area_scope_field = "hearing__topic__area"

    hearing = models.ForeignKey(Hearing, verbose_name=_("hearing"), on_delete=models.CASCADE, related_name="views")
    registration = models.ForeignKey(
        HearingRegistration, verbose_name=_("speaker"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="views",
    )
    speaker = models.CharField(_("speaker"), max_length=100)  # as minuted: "3号楼住户 王女士"
    position = models.CharField(_("position"), max_length=8, choices=ViewPosition.choices, default=ViewPosition.OTHER)
    text = models.TextField(_("view"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ThroughHearingQuerySet.as_manager()

    class Meta:
        verbose_name = _("hearing view")
        verbose_name_plural = _("hearing views")
        ordering = ["hearing", "recorded_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]
