"""Co-building (共驻共建): in-service party members and resident units who report in to the
community (双报到) and report back to their employer (双报告); the three two-way lists — needs
(需求清单), resources (资源清单), projects (项目清单) — and the units' problem list (问题清单);
the household contact cards (民情联系卡).

Who sees what is written once per model in its queryset's `visible_to`: the staff of the area scope
see everything of their areas; a member sees their own registration, log and reports; a unit's
liaisons see their unit's registration, resources, projects and problems, and the employer's
liaisons see the registrations and reports of their unit's members; members and units reported to
a community see its open needs (to claim them); a resident sees the needs they raised or benefit
from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.areas.models import AreaNode, Unit
from gongzhi.cases.models import Case
from gongzhi.core import scope
from gongzhi.core.pii import PHONE, EncryptedCharField, PersonalCopiesMixin
from gongzhi.core.visibility import ScopedQuerySet
from gongzhi.meetings.models import Decision
from gongzhi.party.models import PartyMember
from gongzhi.residents.models import Person, PersonStatus, Visit


def _scoped(user, *lookups: str) -> Q | None:
    """The area-scope condition over one or more area lookups; None for an unrestricted user,
    an impossible condition for a user without areas."""
    paths = scope.scope_paths(user)
    if paths is None:
        return None
    if not paths:
        return Q(pk__in=[])
    condition = Q(pk__in=[])
    for lookup in lookups:
        condition |= scope.path_q(paths, lookup)
    return condition


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# --- categories (shared by needs and resources) ----------------------------------------------


class Category(models.Model):
    """What a need asks for and a resource offers (助餐, 课业辅导, 维修, 就业, 场地 …): master
    data the district keeps, so a need and a resource can be matched by category."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("co-building category")
        verbose_name_plural = _("co-building categories")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


# --- 双报到 of members ------------------------------------------------------------------------


class ReportInState(models.TextChoices):
    PENDING = "pending", _("Awaiting the employer's confirmation")
    ACTIVE = "active", pgettext_lazy("registration", "Reported in")
    REFUSED = "refused", pgettext_lazy("registration", "Not confirmed")
    ENDED = "ended", pgettext_lazy("registration", "Ended")


OPEN_REPORT_STATES = (ReportInState.PENDING, ReportInState.ACTIVE)


class MemberReportQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """The community's staff; the member themself; the liaisons of the member's employer."""
        condition = _scoped(user, "community")
        if condition is None:
            return self
        if _signed_in(user):
            condition |= Q(member__user=user)
            if getattr(user, "unit_id", None):
                condition |= Q(member__employer_id=user.unit_id)
        return self.filter(condition)


class MemberReport(models.Model):
    """An in-service member's registration with the community where they live (双报到). One open
    registration per member: reporting to a second community means ending the first."""

    area_scope_field = "community"

    member = models.ForeignKey(PartyMember, verbose_name=_("party member"), on_delete=models.PROTECT,
                               related_name="reports_in")
    community = models.ForeignKey(AreaNode, verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="member_reports")
    state = models.CharField(pgettext_lazy("registration", "state"), max_length=10, choices=ReportInState.choices,
                             default=ReportInState.PENDING)
    skills = models.CharField(_("what I can offer"), max_length=200, blank=True)
    duty = models.CharField(_("duty"), max_length=100, blank=True,
                            help_text=_("亮职责: what the member takes on in the community, in a line."))
    public_profile = models.BooleanField(_("show my profile to residents"), default=False,
                                         help_text=_("三亮一树: name, branch, duty and services done on the community's page."))
    requested_at = models.DateTimeField(pgettext_lazy("registration", "reported"), auto_now_add=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    decision_note = models.CharField(_("note"), max_length=200, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)

    objects = MemberReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("member's registration")
        verbose_name_plural = _("members' registrations")
        ordering = ["community", "member__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(state__in=["pending", "active"]), name="cobuilding_member_one_open_report",
                violation_error_message=_("This member is already registered with a community."),
            ),
        ]
        indexes = [models.Index(fields=["community", "state"], name="cobuilding_mreport_comm_idx")]

    def __str__(self) -> str:
        return f"{self.member} → {self.community}"


class PostKind(models.TextChoices):
    BUILDING_HEAD = "building_head", _("Building head")  # 楼栋长
    VOLUNTEER = "volunteer", _("Volunteer")  # 志愿者
    MEDIATOR = "mediator", _("Mediator")  # 调解员
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee candidate")  # 业委会候选
    CARE_PAIR = "care_pair", _("Pairs with a household in difficulty")  # 包保困难群众
    OTHER = "other", _("Other post")


class ThroughReportQuerySet(ScopedQuerySet):
    """Rows that belong to a member's registration: visible with it."""

    def visible_to(self, user) -> models.QuerySet:
        return self.filter(report__in=MemberReport.objects.visible_to(user))


class ServicePost(models.Model):
    """A post a reported member takes (认岗): building head of a building, mediator, the member
    paired with a household in difficulty (包保), …"""

    area_scope_field = "report__community"

    report = models.ForeignKey(MemberReport, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="posts")
    kind = models.CharField(_("post"), max_length=20, choices=PostKind.choices)
    place = models.ForeignKey(AreaNode, verbose_name=_("where"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", help_text=_("The building, grid or household the post is for."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = ThroughReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("service post")
        verbose_name_plural = _("service posts")
        ordering = ["report", "kind", "id"]
        indexes = [models.Index(fields=["kind", "place"], name="cobuilding_post_place_idx")]

    def __str__(self) -> str:
        return self.get_kind_display()


class ServiceLog(models.Model):
    """A service a reported member did (服务记录): the source of the quarterly report back."""

    area_scope_field = "report__community"

    report = models.ForeignKey(MemberReport, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="logs")
    post = models.ForeignKey(ServicePost, verbose_name=_("post"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="logs")
    need = models.ForeignKey("Need", verbose_name=_("need"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="service_logs")
    served_on = models.DateField(_("date of service"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    what = models.CharField(pgettext_lazy("service", "what was done"), max_length=300)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("logged by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    objects = ThroughReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("service log entry")
        verbose_name_plural = _("service log")
        ordering = ["-served_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24), name="cobuilding_log_hours_range",
                                   violation_error_message=_("Hours lie between 0.5 and 24.")),
        ]
        indexes = [models.Index(fields=["report", "served_on"], name="cobuilding_log_served_idx")]

    def __str__(self) -> str:
        return self.what[:60]


# --- 双报告 -------------------------------------------------------------------------------------


class QuarterReportState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("report", "Draft")
    SENT = "sent", pgettext_lazy("report", "Sent")
    RECEIVED = "received", pgettext_lazy("report", "Received")


class Evaluation(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class Delivery(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    PDF = "pdf", _("As a PDF")


class QuarterReport(models.Model):
    """The quarterly report back to the employer's party organisation (双报告), drawn from the
    service log of the quarter, with the community's evaluation. `lines` keeps what was reported
    (a later change of the log does not change a report already sent)."""

    area_scope_field = "report__community"

    report = models.ForeignKey(MemberReport, verbose_name=_("registration"), on_delete=models.PROTECT,
                               related_name="quarter_reports")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, default=0)
    services = models.PositiveIntegerField(_("services"), default=0)
    lines = models.JSONField(_("services reported"), default=list, blank=True)
    evaluation = models.CharField(_("community's evaluation"), max_length=10, choices=Evaluation.choices, blank=True)
    evaluation_note = models.CharField(_("comment"), max_length=300, blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("evaluated by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    state = models.CharField(pgettext_lazy("report", "state"), max_length=10, choices=QuarterReportState.choices,
                             default=QuarterReportState.DRAFT)
    delivery = models.CharField(_("sent"), max_length=10, choices=Delivery.choices, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    received_at = models.DateTimeField(_("receipt confirmed"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("receipt confirmed by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ThroughReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")
        ordering = ["-year", "-quarter", "report"]
        constraints = [
            models.UniqueConstraint(fields=["report", "year", "quarter"], name="cobuilding_one_report_a_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="cobuilding_quarter_range"),
        ]

    def __str__(self) -> str:
        return f"{self.report.member} {self.period_label}"

    @property
    def period_label(self) -> str:
        return _("%(year)s, quarter %(quarter)s") % {"year": self.year, "quarter": self.quarter}


# --- units' 双报到 and the resources list -----------------------------------------------------


class UnitReportState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("registration", "Reported in")
    ENDED = "ended", pgettext_lazy("registration", "Ended")


class UnitReportQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """The community's staff; the unit's own liaisons; everyone signed in who works in the
        community sees who reported (a member or a unit that claims a need)."""
        condition = _scoped(user, "community")
        if condition is None:
            return self
        if getattr(user, "unit_id", None):
            condition |= Q(unit_id=user.unit_id)
        return self.filter(condition)


class UnitReport(PersonalCopiesMixin, models.Model):
    """A resident unit's registration with a community (单位双报到), with the liaison the
    community calls. The liaison's phone is personal data: encrypted, masked, reveals audited."""

    area_scope_field = "community"

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reports_in")
    community = models.ForeignKey(AreaNode, verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="unit_reports")
    state = models.CharField(pgettext_lazy("registration", "state"), max_length=10, choices=UnitReportState.choices,
                             default=UnitReportState.ACTIVE)
    liaison_name = models.CharField(_("liaison"), max_length=50)
    liaison_phone = EncryptedCharField(_("liaison's phone"), kind=PHONE, max_length=20)
    liaison_phone_masked = models.CharField(_("liaison's phone"), max_length=20, blank=True, editable=False)
    liaison_phone_hash = models.CharField(_("liaison's phone hash"), max_length=64, blank=True, editable=False)
    commitment = models.TextField(_("what we will do"), blank=True,
                                  help_text=_("晒出服务事项: the unit's service commitments in its own words."))
    registered_at = models.DateTimeField(pgettext_lazy("registration", "reported"), auto_now_add=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    ended_on = models.DateField(_("ended"), null=True, blank=True)

    objects = UnitReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit's registration")
        verbose_name_plural = _("units' registrations")
        ordering = ["community", "unit__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "community"], condition=Q(state="active"), name="cobuilding_unit_one_open_report",
                violation_error_message=_("This unit is already registered with this community."),
            ),
        ]
        permissions = [("reveal_liaison", "Can reveal the phone of a unit's liaison")]

    def __str__(self) -> str:
        return f"{self.unit} → {self.community}"


class ResourceKind(models.TextChoices):
    VENUE = "venue", _("Venue")
    SKILL = "skill", _("Skill or service")
    EQUIPMENT = "equipment", _("Equipment")
    FUNDS = "funds", _("Funds")
    VOLUNTEER_HOURS = "hours", _("Volunteer hours")
    JOBS = "jobs", _("Jobs")


class ResourceQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """The community's staff; the unit's liaisons and the member who offers it."""
        condition = _scoped(user, "community")
        if condition is None:
            return self
        if getattr(user, "unit_id", None):
            condition |= Q(unit_report__unit_id=user.unit_id)
        if _signed_in(user):
            condition |= Q(member_report__member__user=user)
        return self.filter(condition)


class Resource(models.Model):
    """An entry of the resources list (资源清单): what a unit (or a member) offers the community —
    a venue, a skill, equipment, funds, volunteer hours — with its capacity, how much is used,
    when it is available and on what conditions. `location` is where it is, for distance."""

    area_scope_field = "community"

    community = models.ForeignKey(AreaNode, verbose_name=_("community"), on_delete=models.PROTECT, related_name="resources")
    unit_report = models.ForeignKey(UnitReport, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="resources")
    member_report = models.ForeignKey(MemberReport, verbose_name=_("party member"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="resources")
    kind = models.CharField(_("kind"), max_length=12, choices=ResourceKind.choices)
    category = models.ForeignKey(Category, verbose_name=pgettext_lazy("co-building", "category"), on_delete=models.PROTECT, related_name="resources")
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), help_text=_("How many times, places, hours or yuan in all."))
    capacity_unit = models.CharField(_("counted in"), max_length=10, default="次")
    used = models.PositiveIntegerField(_("used"), default=0)
    availability = models.CharField(_("when"), max_length=200, blank=True)
    conditions = models.CharField(_("conditions"), max_length=200, blank=True)
    location = models.ForeignKey(AreaNode, verbose_name=_("where"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    valid_until = models.DateField(_("offered until"), null=True, blank=True)
    is_active = models.BooleanField(_("offered"), default=True)
    created_at = models.DateTimeField(_("published"), auto_now_add=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["community", "category", "title", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(used__lte=F("capacity")), name="cobuilding_resource_not_overused",
                                   violation_error_message=_("The resource has no capacity left.")),
            models.CheckConstraint(
                condition=Q(unit_report__isnull=False) | Q(member_report__isnull=False),
                name="cobuilding_resource_has_provider",
                violation_error_message=_("A resource is offered by a unit or a party member."),
            ),
        ]
        indexes = [models.Index(fields=["category", "is_active"], name="cobuilding_resource_cat_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.used, 0)

    @property
    def provider_name(self) -> str:
        if self.unit_report_id:
            return self.unit_report.unit.name
        return self.member_report.member.name if self.member_report_id else ""


# --- the needs list -----------------------------------------------------------------------------


class NeedSource(models.TextChoices):
    STAFF = "staff", _("Raised by staff")
    WISH = "wish", _("A resident's wish")  # 微心愿
    CASE = "case", _("From residents' requests")  # hot issues of the case pipeline
    VISIT = "visit", _("From a door visit")


class Urgency(models.TextChoices):
    LOW = "low", pgettext_lazy("urgency", "Can wait")
    NORMAL = "normal", pgettext_lazy("urgency", "Normal")
    HIGH = "high", pgettext_lazy("urgency", "Urgent")


class NeedState(models.TextChoices):
    OPEN = "open", pgettext_lazy("need", "Open")
    CLAIMED = "claimed", pgettext_lazy("need", "Claimed")
    DONE = "done", pgettext_lazy("need", "Done, awaiting confirmation")
    CONFIRMED = "confirmed", pgettext_lazy("need", "Met")
    PROJECT = "project", pgettext_lazy("need", "Became a project")
    WITHDRAWN = "withdrawn", pgettext_lazy("need", "Withdrawn")


class NeedQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """The area's staff; whoever raised it or benefits from it; the members and units reported
        to its community see it while it is open to claim, and what they claimed."""
        condition = _scoped(user, "area")
        if condition is None:
            return self
        if not _signed_in(user):
            return self.none()
        condition |= Q(raised_by=user) | Q(beneficiary_user=user) | Q(claimed_member__member__user=user)
        communities = MemberReport.objects.filter(member__user=user, state=ReportInState.ACTIVE).values("community__path")
        condition |= Q(state=NeedState.OPEN, community_path__in=communities)
        if getattr(user, "unit_id", None):
            condition |= Q(claimed_unit__unit_id=user.unit_id)
            unit_communities = UnitReport.objects.filter(unit_id=user.unit_id, state=UnitReportState.ACTIVE).values(
                "community__path")
            condition |= Q(state=NeedState.OPEN, community_path__in=unit_communities)
        return self.filter(condition)


class Need(models.Model):
    """An entry of the needs list (需求清单): what a household, a building or the community needs,
    with its category, scope (the area node it is for), urgency and beneficiaries. Claimed (认领)
    by a reported member or unit, possibly with one of their resources; done and confirmed by the
    beneficiary, or turned into a project. `community_path` is the path of its community (set by
    the service), so members and units of that community find it."""

    area_scope_field = "area"

    area = models.ForeignKey(AreaNode, verbose_name=_("for"), on_delete=models.PROTECT, related_name="needs")
    community_path = models.CharField(_("community"), max_length=255, db_index=True, editable=False)
    category = models.ForeignKey(Category, verbose_name=pgettext_lazy("co-building", "category"), on_delete=models.PROTECT, related_name="needs")
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    beneficiaries = models.CharField(_("who benefits"), max_length=200, blank=True)
    beneficiary_count = models.PositiveIntegerField(_("number of beneficiaries"), default=1)
    beneficiary_person = models.ForeignKey(Person, verbose_name=_("resident"), null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="needs")
    beneficiary_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by (beneficiary)"),
                                         null=True, blank=True, on_delete=models.SET_NULL, related_name="wishes",
                                         help_text=_("The account that confirms the need was met."))
    source = models.CharField(_("source"), max_length=10, choices=NeedSource.choices, default=NeedSource.STAFF)
    case = models.ForeignKey(Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="needs")
    visit = models.ForeignKey(Visit, verbose_name=_("door visit"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="needs")
    state = models.CharField(pgettext_lazy("need", "state"), max_length=10, choices=NeedState.choices,
                             default=NeedState.OPEN)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("need", "raised by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    claimed_member = models.ForeignKey(MemberReport, verbose_name=_("claimed by member"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="claimed_needs")
    claimed_unit = models.ForeignKey(UnitReport, verbose_name=_("claimed by unit"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="claimed_needs")
    resource = models.ForeignKey(Resource, verbose_name=_("resource used"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="needs")
    resource_amount = models.PositiveIntegerField(_("amount of the resource used"), default=0)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    done_at = models.DateTimeField(pgettext_lazy("need", "done"), null=True, blank=True)
    done_note = models.CharField(pgettext_lazy("service", "what was done"), max_length=300, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmation_note = models.CharField(_("beneficiary's word"), max_length=300, blank=True)
    project = models.ForeignKey("Project", verbose_name=_("project"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="needs")
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(claimed_member__isnull=False, claimed_unit__isnull=False),
                name="cobuilding_need_one_claimant",
                violation_error_message=_("A need is claimed by one member or one unit."),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "community_path"], name="cobuilding_need_open_idx"),
            models.Index(fields=["category", "state"], name="cobuilding_need_cat_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def claimant_name(self) -> str:
        if self.claimed_member_id:
            return self.claimed_member.member.name
        return self.claimed_unit.unit.name if self.claimed_unit_id else ""


# --- projects -----------------------------------------------------------------------------------


class ProjectState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("project", "Planned")
    ACTIVE = "active", pgettext_lazy("project", "Under way")
    COMPLETED = "completed", pgettext_lazy("project", "Completed")
    CLOSED = "closed", pgettext_lazy("project", "Closed")


class ProjectQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """The area's staff; the liaisons of the owner unit and of partner units; partner members;
        residents living in the project's area (who evaluate it)."""
        condition = _scoped(user, "area")
        if condition is None:
            return self
        if getattr(user, "unit_id", None):
            condition |= Q(owner_unit_id=user.unit_id) | Q(partners__unit_id=user.unit_id)
        if _signed_in(user):
            condition |= Q(partners__member_report__member__user=user)
            homes = Person.objects.filter(user=user, status=PersonStatus.LIVING).values_list("household__path", flat=True)
            steplen = AreaNode.steplen
            above = {path[:depth] for path in homes for depth in range(steplen, len(path), steplen)}
            if above:
                condition |= Q(area__path__in=sorted(above))
        return self.filter(pk__in=self.model.objects.filter(condition).values("pk"))


class Project(models.Model):
    """An entry of the projects list (项目清单): a need matched to resources, bound by an agreement
    (契约化: parties, duties, term, the signed PDF) between the community and the owner unit and
    its partners, with milestones, a budget, an outcome and the residents' evaluation. A project
    may be decided in an alliance meeting (`decision`) and renewed into a new one (`renewed_from`)."""

    area_scope_field = "area"

    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="cobuilding_projects")
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(Category, verbose_name=pgettext_lazy("co-building", "category"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="projects")
    owner_unit = models.ForeignKey(Unit, verbose_name=_("owner unit"), on_delete=models.PROTECT,
                                   related_name="cobuilding_projects")
    state = models.CharField(pgettext_lazy("project", "state"), max_length=10, choices=ProjectState.choices,
                             default=ProjectState.PLANNED)
    agreement_parties = models.TextField(_("parties to the agreement"), blank=True)
    agreement_duties = models.TextField(_("duties"), blank=True)
    term_start = models.DateField(pgettext_lazy("agreement", "term from"))
    term_end = models.DateField(_("term until"))
    agreement_file = models.FileField(_("signed agreement (PDF)"), upload_to="cobuilding/agreements/%Y/%m/", blank=True)
    agreement_signed_on = models.DateField(_("signed on"), null=True, blank=True)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2, default=0)
    outcome = models.TextField(_("outcome"), blank=True)
    decision = models.ForeignKey(Decision, verbose_name=_("decided at"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="cobuilding_projects")
    renewed_from = models.ForeignKey("self", verbose_name=_("renewal of"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="renewals")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("co-building project")
        verbose_name_plural = _("co-building projects")
        ordering = ["-term_start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(term_end__gt=F("term_start")), name="cobuilding_project_term_range",
                                   violation_error_message=_("The term must end after it starts.")),
            models.CheckConstraint(condition=Q(budget__gte=0), name="cobuilding_project_budget_positive"),
        ]
        indexes = [models.Index(fields=["area", "state"], name="cobuilding_project_area_idx")]

    def __str__(self) -> str:
        return self.title


class ThroughProjectQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return self.filter(project__in=Project.objects.visible_to(user))


class ProjectPartner(models.Model):
    """A partner of a project besides its owner: a unit or a reported member, with their duties."""

    area_scope_field = "project__area"

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="partners")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    member_report = models.ForeignKey(MemberReport, verbose_name=_("party member"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="project_partnerships")
    duties = models.CharField(_("duties"), max_length=300, blank=True)

    objects = ThroughProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project partner")
        verbose_name_plural = _("project partners")
        ordering = ["project", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(unit__isnull=False) | Q(member_report__isnull=False),
                                   name="cobuilding_partner_is_someone"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.unit.name if self.unit_id else self.member_report.member.name


class Milestone(models.Model):
    area_scope_field = "project__area"

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=100)
    due_on = models.DateField(pgettext_lazy("milestone", "due"))
    done_on = models.DateField(pgettext_lazy("milestone", "done"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ThroughProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class ProjectEvaluation(models.Model):
    """A resident's evaluation of a project (群众评议): a rating and a word, one per account."""

    area_scope_field = "project__area"

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="evaluations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resident"), on_delete=models.CASCADE,
                             related_name="+")
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("evaluated"), auto_now_add=True)

    objects = ThroughProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project evaluation")
        verbose_name_plural = _("project evaluations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="cobuilding_one_evaluation_each"),
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5), name="cobuilding_rating_range"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.rating}"


# --- the problem list ---------------------------------------------------------------------------


class ProblemKind(models.TextChoices):
    PARKING = "parking", _("Parking")
    HIRING = "hiring", _("Hiring")
    PERMITS = "permits", _("Permits and approvals")
    PREMISES = "premises", _("Premises and surroundings")
    OTHER = "other", _("Other")


class ProblemState(models.TextChoices):
    OPEN = "open", pgettext_lazy("problem", "Raised")
    TAKEN_UP = "taken_up", pgettext_lazy("problem", "Taken up")
    SOLVED = "solved", pgettext_lazy("problem", "Solved")
    WITHDRAWN = "withdrawn", pgettext_lazy("problem", "Withdrawn")


class ProblemQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """The area's staff (street and community); the raising unit's liaisons."""
        condition = _scoped(user, "area")
        if condition is None:
            return self
        if getattr(user, "unit_id", None):
            condition |= Q(unit_id=user.unit_id)
        return self.filter(condition)


class Problem(models.Model):
    """An entry of the problem list (问题清单): a difficulty a unit raises (parking, hiring, permits)
    that the street takes up with an owner and a deadline, and reports on until solved — tracked
    like a meeting's decision."""

    area_scope_field = "area"

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cobuilding_problems")
    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="unit_problems")
    kind = models.CharField(_("kind"), max_length=10, choices=ProblemKind.choices)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(pgettext_lazy("problem", "state"), max_length=10, choices=ProblemState.choices,
                             default=ProblemState.OPEN)
    owner_name = models.CharField(_("who takes it up"), max_length=100, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    solution = models.TextField(_("how it was solved"), blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("need", "raised by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)
    taken_up_at = models.DateTimeField(_("taken up"), null=True, blank=True)
    solved_at = models.DateTimeField(pgettext_lazy("problem", "solved"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("overdue flagged"), null=True, blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit's problem")
        verbose_name_plural = _("units' problems")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["area", "state"], name="cobuilding_problem_area_idx")]

    def __str__(self) -> str:
        return self.title


class ThroughProblemQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return self.filter(problem__in=Problem.objects.visible_to(user))


class ProblemUpdate(models.Model):
    area_scope_field = "problem__area"

    problem = models.ForeignKey(Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("progress"))
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)

    objects = ThroughProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


# --- 民情联系卡 ---------------------------------------------------------------------------------


class ContactCard(models.Model):
    """A household's contact card (民情联系卡) as printed: who was on it and a digest of what it
    said, so a change of grid worker, paired member or a number shows which cards to reprint. One current card per household; a
    reprint keeps the earlier ones (`is_current` False)."""

    area_scope_field = "household"

    household = models.ForeignKey(AreaNode, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="contact_cards")
    grid_worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("grid worker"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    member = models.ForeignKey(PartyMember, verbose_name=_("paired party member"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    # A keyed digest of what was printed (names and numbers): a card whose digest differs from the
    # household's contacts today is out of date. The numbers themselves are not copied here.
    digest = models.CharField(_("digest"), max_length=64, editable=False)
    printed_at = models.DateTimeField(_("printed"), auto_now_add=True)
    printed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("printed by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    is_current = models.BooleanField(_("current"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact card")
        verbose_name_plural = _("contact cards")
        ordering = ["household", "-printed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["household"], condition=Q(is_current=True), name="cobuilding_one_current_card"),
        ]

    def __str__(self) -> str:
        return str(self.household)


class CommunityPhone(PersonalCopiesMixin, models.Model):
    """The number a community's service desk answers (社区服务电话), printed on every household's
    contact card. Often a staff member's mobile, so kept like every number of the product:
    encrypted, a masked copy on screen; the cards print it in full (the print is audited)."""

    area_scope_field = "community"

    community = models.OneToOneField(AreaNode, verbose_name=_("community"), on_delete=models.CASCADE,
                                     related_name="service_phone")
    phone = EncryptedCharField(_("community's service phone"), kind=PHONE, max_length=30)
    phone_masked = models.CharField(_("community's service phone"), max_length=30, blank=True, editable=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("community's service phone")
        verbose_name_plural = _("communities' service phones")

    def __str__(self) -> str:
        return f"{self.community}: {self.phone_masked}"
