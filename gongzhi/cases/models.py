"""The case pipeline (民情流水线 / 接诉即办): the catalogue of matters (事项目录 / 事权清单) with its
versioned rules, cases and their events, whistle calls (吹哨报到), supervision (督办), disputes.

Workflow logic lives in `workflow.py` (the transition table), `permissions.py` (who may do what)
and the `services` package; models hold data, choices, constraints and the one visibility rule of
cases (`Case.objects.visible_to`, `CaseQuerySet`) and of the rows that belong to a case. Columns that inbox lists, the SLA sweep and the figures filter on are
denormalised onto `Case` and indexed, so those queries stay flat as history grows.
"""

import os
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core import scope
from gongzhi.core.actors import is_system
from gongzhi.core.permissions import can
from gongzhi.core.pii import PHONE, EncryptedCharField, mask_phone
from gongzhi.core.visibility import ScopedQuerySet


class Theme(models.TextChoices):
    """The six brands of the 民情流水线 (seed 003) that every matter is counted under."""

    RELIEF = "relief", _("Help for those in difficulty")  # 扶危解困
    EMPLOYMENT = "employment", _("Employment and business")  # 就业创业
    CULTURE = "culture", _("Culture and science")  # 文化科普
    HOUSING = "housing", _("Safe and pleasant homes")  # 百姓安居
    HEALTH = "health", _("Medical care and health")  # 医疗卫生
    ELDERLY = "elderly", _("Care for the elderly")  # 养老服务


class Level(models.TextChoices):
    """Who holds a case, bottom to top: the escalation ladder."""

    BUILDING = "building", _("Building")
    GRID = "grid", _("Grid")
    COMMUNITY = "community", _("Community")
    STREET = "street", _("Street")
    DEPARTMENT = "department", _("Department")


LADDER = [Level.BUILDING, Level.GRID, Level.COMMUNITY, Level.STREET, Level.DEPARTMENT]
HANDLING_LEVELS = [Level.GRID, Level.COMMUNITY, Level.STREET, Level.DEPARTMENT]


class Authority(models.TextChoices):
    CORE = "core", _("Core authority (held by the district)")  # 核心事权
    DELEGATED = "delegated", _("Delegated service authority")  # 便民事权
    SHARED = "shared", _("Shared authority")  # 共有事权


class Kind(models.TextChoices):
    HELP = "help", _("Request for help")
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    CONSULTATION = "consultation", _("Consultation")
    REPORT = "report", _("Report of wrongdoing")
    DISPUTE = "dispute", _("Dispute")
    PRAISE = "praise", _("Praise")


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    MAILBOX = "mailbox", _("Mailbox")
    VISIT = "visit", _("Grid worker's door visit")
    HALL = "hall", _("Service hall")
    ONLINE = "online", _("Online")
    CAMERA = "camera", _("Camera alert")
    PATROL = "patrol", _("Patrol finding")
    SUPERIOR = "superior", _("Assigned by a superior")
    DELIBERATION = "deliberation", _("Raised in a meeting")


class QuestionType(models.TextChoices):
    STRING = "string", _("Text")
    TEXT = "text", _("Long text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    SINGLE = "singlevaluelist", _("One choice")
    MULTI = "multivaluelist", _("Several choices")


class Category(models.Model):
    """A matter of the catalogue. Top-level categories group; leaves carry the rules a case is
    routed and timed by. Every change of a leaf's rules adds a `CategoryRevision`, and a case keeps
    the revision it was routed by."""

    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    theme = models.CharField(_("theme"), max_length=12, choices=Theme.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # The rules (leaves only).
    kind = models.CharField(_("usual kind"), max_length=14, choices=Kind.choices, default=Kind.HELP)
    level = models.CharField(_("handling level"), max_length=10, choices=Level.choices, blank=True)
    authority = models.CharField(_("authority type"), max_length=10, choices=Authority.choices, blank=True)
    lead_department_code = models.SlugField(_("lead department (code)"), max_length=30, blank=True)
    lead_cost_share = models.DecimalField(
        _("lead department's share of cost (%)"), max_digits=5, decimal_places=2, default=Decimal("100")
    )
    response_hours = models.PositiveSmallIntegerField(_("response limit (working hours)"), default=4)
    handling_days = models.PositiveSmallIntegerField(_("handling limit (working days)"), default=5)
    warning_share = models.DecimalField(
        _("warning at share of the limit"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.80"),
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("0.99"))],
    )
    verification_required = models.BooleanField(_("verification required"), default=False)
    version = models.PositiveIntegerField(_("rule version"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_leaf(self) -> bool:
        return self.parent_id is not None


class CategoryCoDepartment(models.Model):
    """A department that works with the lead on a matter (配合责任) and its share of the cost."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="co_departments"
    )
    department_code = models.SlugField(_("department (code)"), max_length=30)
    cost_share = models.DecimalField(_("share of cost (%)"), max_digits=5, decimal_places=2, default=Decimal("0"))

    class Meta:
        verbose_name = _("co-department")
        verbose_name_plural = _("co-departments")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "department_code"],
                name="cases_codept_unique",
                violation_error_message=_("This department is already listed for the category."),
            )
        ]

    def __str__(self) -> str:
        return self.department_code


class CategoryQuestion(models.Model):
    """An extra question asked at intake for a matter (served as an Open311 attribute)."""

    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("question"), max_length=200)
    datatype = models.CharField(_("type of answer"), max_length=16, choices=QuestionType.choices)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # For choice questions: [{"key": "...", "name": "..."}].
    values = models.JSONField(_("choices"), default=list, blank=True)

    class Meta:
        verbose_name = _("intake question")
        verbose_name_plural = _("intake questions")
        ordering = ["category", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "code"],
                name="cases_question_unique_code",
                violation_error_message=_("The category already has a question with this code."),
            )
        ]

    def __str__(self) -> str:
        return self.label


class CategoryRevision(models.Model):
    """The rules of a leaf as they stood at one version (frozen JSON: level, departments and
    shares, limits, warning share, verification, questions). Never changed once written."""

    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField(_("version"))
    rules = models.JSONField(_("rules"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("category revision")
        verbose_name_plural = _("category revisions")
        ordering = ["category", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["category", "version"], name="cases_revision_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.category} v{self.version}"


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    DISPATCHED = "dispatched", _("Dispatched")
    IN_PROGRESS = "in_progress", _("In progress")
    VERIFYING = "verifying", _("Being verified")
    AWAITING_RATING = "awaiting_rating", _("Awaiting rating")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged")


# States in which a case still runs against its time limits.
OPEN_STATES = [State.SUBMITTED, State.ACCEPTED, State.DISPATCHED, State.IN_PROGRESS, State.REOPENED]
TERMINAL_STATES = [State.CLOSED, State.REJECTED, State.MERGED]


class Result(models.TextChoices):
    SOLVED = "solved", _("Solved")
    PARTLY = "partly", _("Partly solved")
    EXPLAINED = "explained", _("Explained why it cannot be solved")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Not satisfied")


class RatingSource(models.TextChoices):
    """Who gave a rating: the requester on the case page, or staff who called them back (回访) and
    recorded what they said. The figures count the two apart."""

    REQUESTER = "requester", _("The requester's own rating")
    CALLBACK = "callback", _("Recorded on a callback")


def held_under(paths: list[str]) -> Q:
    """Cases held in these subtrees (`core.scope.path_q`'s rule on the holder's path copied onto the
    case, `area_path`, so no join to the area tree)."""
    return Q(*[Q(area_path__startswith=p) for p in paths], _connector=Q.OR) if paths else Q(pk__in=[])


def located_under(paths: list[str]) -> Q:
    """Cases located in these subtrees (`location_path`, copied onto the case)."""
    return Q(*[Q(location_path__startswith=p) for p in paths], _connector=Q.OR) if paths else Q(pk__in=[])


class CaseQuerySet(ScopedQuerySet):
    """THE rule of which cases a user sees. Area staff see a case held in their subtree or located
    in it (so a community still sees a case it escalated to the street); a department's staff see
    the cases their department holds or was called on; everyone sees the requests they filed. The
    area rule is `gongzhi.core.scope`'s, applied to the paths denormalised on the case
    (`area_path`, `location_path`), so a scoped inbox is one indexed scan without a join."""

    def visible_to(self, user):
        if is_system(user) or getattr(user, "is_superuser", False):
            return self
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        q = Q(requester=user)
        if getattr(user, "department_id", None) and can(user, "cases.department_work"):
            called = WhistleCall.objects.filter(case=models.OuterRef("pk"), department_id=user.department_id)
            return self.filter(q | Q(department_id=user.department_id) | models.Exists(called))
        paths = scope.scope_paths(user) or []
        if paths:
            q |= held_under(paths) | located_under(paths)
        return self.filter(q)


class ThroughCaseQuerySet(ScopedQuerySet):
    """Rows that belong to a case (its events, attachments, whistle calls, supervision, dispute):
    visible with their case."""

    def visible_to(self, user):
        if is_system(user) or getattr(user, "is_superuser", False):
            return self
        return self.filter(case__in=Case.objects.visible_to(user).values("pk"))


class Case(models.Model):
    """One request (诉求) from intake to a rated, closed result.

    `area` is the node that currently holds the case (its scope field); `location` is where the
    matter is (a building or household, or the grid that coordinates resolved to). Their paths are
    copied into `area_path` / `location_path` so that scoped lists and figures need no join."""

    area_scope_field = "area"

    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.SUBMITTED)
    channel = models.CharField(_("channel"), max_length=14, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="cases")
    rule = models.ForeignKey(
        CategoryRevision, verbose_name=_("rule version"), on_delete=models.PROTECT, related_name="cases"
    )
    theme = models.CharField(_("theme"), max_length=12, choices=Theme.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    answers = models.JSONField(_("answers to intake questions"), default=dict, blank=True)

    # Where the matter is.
    location = models.ForeignKey(
        "areas.AreaNode", verbose_name=_("location"), on_delete=models.PROTECT, related_name="cases_located"
    )
    location_path = models.CharField(_("location path"), max_length=255, db_index=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    # Who holds it.
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    area = models.ForeignKey(
        "areas.AreaNode", verbose_name=_("held by"), on_delete=models.PROTECT, related_name="cases_held"
    )
    area_path = models.CharField(_("holder path"), max_length=255, db_index=True)
    department = models.ForeignKey(
        "areas.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_assigned",
    )
    dispatcher_node = models.ForeignKey(
        "areas.AreaNode",
        verbose_name=_("dispatched from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_dispatched",
    )
    return_count = models.PositiveSmallIntegerField(_("returns"), default=0)

    # Who asked.
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_requested",
    )
    caller_name = models.CharField(_("caller's name"), max_length=50, blank=True)
    caller_phone = EncryptedCharField(_("caller's phone"), kind=PHONE, max_length=20)
    caller_phone_index = models.CharField(_("caller's phone (index)"), max_length=64, blank=True, db_index=True)
    anonymous = models.BooleanField(_("anonymous to handlers"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_registered",
    )

    master = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    # Time limits.
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    response_due = models.DateTimeField(_("respond by"))
    responded_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    handling_due = models.DateTimeField(_("handle by"))
    handling_warn_at = models.DateTimeField(_("warning from"))
    extension_days = models.PositiveSmallIntegerField(_("extension requested (working days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extended = models.BooleanField(_("extension approved"), default=False)
    reopened = models.BooleanField(_("reopened once"), default=False)

    # Outcome.
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    feedback = models.TextField(_("feedback to the requester"), blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_level = models.CharField(_("resolved at level"), max_length=10, choices=Level.choices, blank=True)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    rating_solved = models.BooleanField(_("solved in the requester's view"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    rating_source = models.CharField(
        _("rating given by"), max_length=10, choices=RatingSource.choices, blank=True, default="", db_default=""
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # What triage suggested at intake: {"model_version", "top3": [{"label", "probability"}],
    # "explanation": [{"term", "weight"}], "requested": the matter the requester chose ("" if none)};
    # null when no model was active. Both columns have database defaults so bulk loaders may omit them.
    triage = models.JSONField(_("triage suggestion"), null=True, blank=True)
    auto_routed = models.BooleanField(_("routed by triage"), default=False, db_default=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Inboxes: what a node (or department) holds, by state.
            models.Index(fields=["area", "state", "handling_due"], name="case_holder_idx"),
            models.Index(fields=["department", "state", "handling_due"], name="case_dept_idx"),
            models.Index(fields=["requester", "created_at"], name="case_requester_idx"),
            models.Index(fields=["caller_phone_index"], name="case_caller_idx", condition=~Q(caller_phone_index="")),
            # The SLA sweep: open cases by deadline.
            models.Index(fields=["handling_due"], name="case_open_handling_idx", condition=Q(state__in=OPEN_STATES)),
            models.Index(
                fields=["handling_warn_at"], name="case_open_warning_idx", condition=Q(state__in=OPEN_STATES)
            ),
            models.Index(
                fields=["response_due"],
                name="case_open_response_idx",
                condition=Q(responded_at=None, state__in=OPEN_STATES),
            ),
            models.Index(
                fields=["resolved_at"], name="case_awaiting_rating_idx", condition=Q(state="awaiting_rating")
            ),
            # Figures: by place and period, by category and period.
            models.Index(fields=["location_path", "created_at"], name="case_location_time_idx"),
            models.Index(fields=["category", "created_at"], name="case_category_time_idx"),
            models.Index(fields=["master"], name="case_master_idx", condition=Q(master__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=State.values), name="case_state_valid"),
            models.CheckConstraint(
                condition=Q(master__isnull=True) | Q(state=State.MERGED), name="case_merged_has_master"
            ),
            models.CheckConstraint(
                condition=~Q(level=Level.DEPARTMENT) | Q(department__isnull=False), name="case_department_level"
            ),
        ]

    def __str__(self) -> str:
        # The reference alone: titles may hold numbers people typed, and this label is kept in the
        # audit log (object_repr) and shown in history pages.
        return self.reference

    def save(self, *args, **kwargs):
        """Saves the case and moves its counts in the day's roll-up (`cases.rollups`) in the same
        transaction."""
        from gongzhi.cases import rollups

        before = None
        if self.pk is not None and not self._state.adding:
            before = getattr(self, "_rollup_before", None)
            if before is None:
                before = Case.objects.filter(pk=self.pk).values(*rollups.FIELDS).first()
        super().save(*args, **kwargs)
        after = rollups.snapshot(self)
        update_fields = kwargs.get("update_fields")
        if after is None:  # some fields were deferred: read what the row holds now
            after = Case.objects.filter(pk=self.pk).values(*rollups.FIELDS).first()
        elif before is not None and update_fields is not None:
            changed = {f for f in rollups.FIELDS if f in update_fields or f.removesuffix("_id") in update_fields}
            after = {f: (after[f] if f in changed else before[f]) for f in rollups.FIELDS}
        rollups.apply(before, after)
        self._rollup_before = after

    def delete(self, *args, **kwargs):
        from gongzhi.cases import rollups

        before = Case.objects.filter(pk=self.pk).values(*rollups.FIELDS).first()
        result = super().delete(*args, **kwargs)
        rollups.apply(before, None)
        return result

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        from gongzhi.cases import rollups

        instance._rollup_before = rollups.snapshot(instance)
        return instance

    @property
    def reference(self) -> str:
        stamp = self.created_at.strftime("%Y%m%d") if self.created_at else "00000000"
        return f"GZ{stamp}{self.pk or 0:07d}"

    @property
    def caller_phone_masked(self) -> str:
        return mask_phone(self.caller_phone)


class CaseEvent(models.Model):
    """One thing that happened to a case: a transition or a record (note, contact, part report).
    The case's timeline; written by the services only, never changed."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_events",
    )
    actor_label = models.CharField(_("actor label"), max_length=150)
    action = models.CharField(_("action"), max_length=24)
    from_state = models.CharField(pgettext_lazy("state", "from"), max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(pgettext_lazy("state", "to"), max_length=16, choices=State.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    params = models.JSONField(_("details"), default=dict, blank=True)
    # Hidden from the requester (internal notes).
    internal = models.BooleanField(_("internal"), default=False)

    objects = ThroughCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["case", "created_at"], name="case_event_case_idx"),
            models.Index(fields=["action", "created_at"], name="case_event_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.from_state}→{self.to_state}"


def attachment_path(instance: "CaseAttachment", filename: str) -> str:
    """The old, guessable storage name (cases/<case id>/<name>): kept for migration 0001 only."""
    return f"cases/{instance.case_id}/{filename}"


def attachment_storage_name(instance: "CaseAttachment", filename: str) -> str:
    """A random storage name (cases/<uuid4 hex>.<ext>): nothing in it says which case the file
    belongs to, and nothing can be guessed from a neighbour's name. Files are served only by
    the scoped `cases:attachment` view, never from MEDIA_URL."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"cases/{uuid.uuid4().hex}{extension}"


class CaseAttachment(models.Model):
    """A photo, recording or document attached to a case event (type and size checked on upload)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent, verbose_name=_("event"), null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_storage_name)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(pgettext_lazy("file", "content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = ThroughCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class WhistleCall(models.Model):
    """A street's call (吹哨) on a department for one case: the department answers (报到) and
    reports its part; the case stays with its lead."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="whistle_calls")
    department = models.ForeignKey(
        "areas.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="whistle_calls"
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("called by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    called_at = models.DateTimeField(_("called"), auto_now_add=True)
    reason = models.TextField(_("what is asked"))
    acknowledge_by = models.DateTimeField(_("report in by"))
    acknowledged_at = models.DateTimeField(_("reported in"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported in by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    late = models.BooleanField(_("late"), default=False)
    report = models.TextField(_("report of its part"), blank=True)
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)

    objects = ThroughCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("whistle call")
        verbose_name_plural = _("whistle calls")
        ordering = ["called_at", "id"]
        indexes = [models.Index(fields=["department", "reported_at"], name="whistle_dept_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "department"],
                condition=Q(reported_at__isnull=True),
                name="whistle_one_open_call",
                violation_error_message=_("This department has already been called on this case."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.department}"


class SupervisionKind(models.TextChoices):
    RESPONSE_OVERDUE = "response_overdue", _("No contact within the response limit")
    HANDLING_WARNING = "handling_warning", _("Handling limit nearly reached")
    HANDLING_OVERDUE = "handling_overdue", _("Handling limit passed")


class Supervision(models.Model):
    """A warning or supervision (督办) raised on a case by the SLA sweep: unique per case, level and
    kind, so a sweep that runs twice (or catches up after downtime) notifies once."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="supervisions")
    kind = models.CharField(_("kind"), max_length=20, choices=SupervisionKind.choices)
    level = models.CharField(_("raised to level"), max_length=10)
    node = models.ForeignKey(
        "areas.AreaNode", verbose_name=_("supervising node"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "areas.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    due = models.DateTimeField(_("deadline concerned"))
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)

    objects = ThroughCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at"], name="supervision_pending_idx", condition=Q(notified_at=None))
        ]
        constraints = [
            models.UniqueConstraint(fields=["case", "level", "kind"], name="supervision_unique_case_level_kind")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} → {self.level}"


class DisputeStage(models.TextChoices):
    MEDIATION = "mediation", _("Mediation")
    COLLECTIVE = "collective", _("Collective mediation (议事站)")
    JUDICIAL = "judicial", _("Judicial office")


class DisputeOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    AGREED = "agreed", _("Agreement reached")
    FAILED = "failed", _("No agreement")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Dispute(models.Model):
    """The mediation record of a case of kind dispute (矛盾纠纷): stage, outcome, agreement."""

    area_scope_field = "case__area"  # where the case is held, as for cases

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="dispute")
    stage = models.CharField(_("stage"), max_length=12, choices=DisputeStage.choices, default=DisputeStage.MEDIATION)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=DisputeOutcome.choices, default=DisputeOutcome.PENDING
    )
    agreement = models.TextField(_("mediation agreement"), blank=True)
    agreement_signed_at = models.DateTimeField(_("agreement signed"), null=True, blank=True)

    objects = ThroughCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_stage_display()}"


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    RESPONDENT = "respondent", _("Respondent")
    OTHER = "other", _("Other party")


class DisputeParty(models.Model):
    dispute = models.ForeignKey(Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=10, choices=PartyRole.choices)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    phone = EncryptedCharField(_("phone"), kind=PHONE, max_length=20)
    household = models.ForeignKey(
        "areas.AreaNode", verbose_name=_("household"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("party to a dispute")
        verbose_name_plural = _("parties to a dispute")
        ordering = ["dispute", "role", "id"]

    def __str__(self) -> str:
        return self.name


class MediatorKind(models.TextChoices):
    # What a mediator is (stored on each session); a grid worker or party member mediates as such,
    # with the same code as their role.
    GRID_WORKER = "grid_worker", _("Grid worker")
    PARTY_MEMBER = "party_member", _("Party member")
    VOLUNTEER = "volunteer", _("Volunteer")
    REPRESENTATIVE = "representative", _("Residents' representative")
    STAFF = "staff", _("Staff")
    LAWYER = "lawyer", _("Lawyer / judicial officer")


class MediationSession(models.Model):
    """One mediation meeting: when, where, who mediated, what came of it."""

    dispute = models.ForeignKey(Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="sessions")
    stage = models.CharField(_("stage"), max_length=12, choices=DisputeStage.choices)
    held_at = models.DateTimeField(_("held"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    # [{"name": ..., "kind": MediatorKind, "user_id" or "party_member_id": optional}]
    mediators = models.JSONField(_("mediators"), default=list)
    summary = models.TextField(_("summary"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=DisputeOutcome.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["dispute", "held_at"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.held_at:%Y-%m-%d}"

    @property
    def mediator_list(self) -> list[dict]:
        """The mediators with their kind's label, for pages and the API."""
        labels = dict(MediatorKind.choices)
        return [{**m, "kind_label": str(labels.get(m.get("kind"), m.get("kind", "")))} for m in self.mediators]


# The counters a day's roll-up keeps, in the order of `cases.rollups.COUNTERS`. Each mirrors one
# count of `cases.selectors.figures`, so the figures read off the roll-ups equal a full recount.
ROLLUP_COUNTERS = (
    "filed",  # every record not rejected, merged duplicates included (volume)
    "cases",  # masters: not merged, not rejected
    "responded",
    "responded_in_time",
    "rated",
    "rated_by_callback",
    "solved",
    "satisfied",
    "basic",
    "unsatisfied",
    "closed",
    "closed_building",
    "closed_grid",
    "closed_community",
    "closed_street",
    "closed_department",
    "rejected",
)


class RollupCounters(models.Model):
    """The counters both roll-ups keep (`ROLLUP_COUNTERS`), declared once."""

    filed = models.IntegerField(default=0)
    cases = models.IntegerField(default=0)
    responded = models.IntegerField(default=0)
    responded_in_time = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    rated_by_callback = models.IntegerField(default=0)
    solved = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    basic = models.IntegerField(default=0)
    unsatisfied = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_building = models.IntegerField(default=0)
    closed_grid = models.IntegerField(default=0)
    closed_community = models.IntegerField(default=0)
    closed_street = models.IntegerField(default=0)
    closed_department = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)

    class Meta:
        abstract = True


class CaseDayFigures(RollupCounters):
    """The day's roll-up of the cases filed that day at one grid (or the community or street a case
    is located at when it lies above any grid), of one matter, channel and kind: the counts the
    figures and the dashboard read, so that a district-year needs a few thousand rows, not the
    cases. Kept incrementally by `Case.save` (`cases.rollups`), inside the write's transaction;
    `gongzhi rollups --check` compares them with a full recount and `--rebuild` redoes them."""

    day = models.DateField(_("day filed"))
    node_path = models.CharField(_("place path"), max_length=32)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="+")
    theme = models.CharField(_("theme"), max_length=12, choices=Theme.choices)
    channel = models.CharField(_("channel"), max_length=14, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)

    class Meta:
        verbose_name = _("daily case figures")
        verbose_name_plural = _("daily case figures")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "node_path", "category", "theme", "channel", "kind"], name="case_rollup_key"
            ),
        ]
        indexes = [models.Index(fields=["node_path", "day"], name="case_rollup_place_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.node_path} {self.category_id} {self.channel} {self.kind}"


class CaseMonthFigures(RollupCounters):
    """The month's roll-up of the cases filed in it at one grid (all matters, channels and kinds
    together): the same counters as `CaseDayFigures`, kept by the same writes, so the trend, the
    headline and the ranking of a district-year read a few thousand rows."""

    month = models.DateField(_("month filed"))
    node_path = models.CharField(_("place path"), max_length=32)

    class Meta:
        verbose_name = _("monthly case figures")
        verbose_name_plural = _("monthly case figures")
        constraints = [models.UniqueConstraint(fields=["month", "node_path"], name="case_month_rollup_key")]
        indexes = [models.Index(fields=["node_path", "month"], name="case_month_rollup_place_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.node_path}"

