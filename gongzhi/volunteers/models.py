"""Volunteers (志愿服务): who volunteers, in which teams, at which activities, for how long; their
record and its certificate; the points store; mobilisation calls (吹哨报到); donation campaigns.

Points are not kept here: every volunteer has an account in the points ledger engine
(`gongzhi.points`, programme "volunteers"), and the store spends from it.

The 志愿服务条例 asks for a truthful record of each volunteer's service (art. 20–21) and a free
certificate drawn from it on request: hours come only from check-in and check-out at an activity
(capped by its length) or from a training entered by staff, and a certificate keeps a snapshot of
what it certified with a code anyone can check.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.areas.models import AreaNode, Unit
from gongzhi.core.pii import PHONE, EncryptedCharField, PersonalCopiesMixin
from gongzhi.core.visibility import ScopedManager, ScopedQuerySet
from gongzhi.party.models import PartyMember, PartyOrganization
from gongzhi.residents.models import Person

# --- people and teams ------------------------------------------------------------------------


class Skill(models.Model):
    """A specialty volunteers offer and activities ask for (医疗, 法律, 维修, 书画 …): master data."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class VolunteerKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    PARTY_MEMBER = "party_member", _("Party member")
    UNIT_STAFF = "unit_staff", _("Staff of a unit")
    OTHER = "other", _("Other")


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("volunteer", "Active")
    LEFT = "left", pgettext_lazy("volunteer", "Left")


class VolunteerQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """The area's staff see the volunteers of their scope; a volunteer sees themself."""
        from gongzhi.core import scope

        paths = scope.scope_paths(user)
        if paths is None:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        mine = models.Q(user=user)
        return self.filter(scope.path_q(paths, "area") | mine if paths else mine)


class Volunteer(PersonalCopiesMixin, models.Model):
    """A registered volunteer (实名注册). `area` is where they serve and are reached: the household's
    node for a resident of the registry, else their community (or building, grid). Phone and ID
    number are personal data: encrypted, a masked copy shown, a keyed hash for exact search; the
    same ID number registers once."""

    area_scope_field = "area"

    number = models.CharField(_("volunteer number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=15, choices=VolunteerKind.choices, default=VolunteerKind.RESIDENT)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="volunteers")
    person = models.OneToOneField(Person, verbose_name=_("resident"), null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="volunteer")
    party_member = models.OneToOneField(PartyMember, verbose_name=_("party member"), null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="volunteer")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="volunteers")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user account"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="volunteer")
    phone = EncryptedCharField(_("phone"), kind=PHONE, max_length=20)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    phone_hash = models.CharField(_("phone hash"), max_length=64, blank=True, editable=False, db_index=True)
    id_number = EncryptedCharField(_("ID number"), kind="id_number", max_length=18)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)
    id_number_hash = models.CharField(_("ID number hash"), max_length=64, blank=True, editable=False)
    skills = models.ManyToManyField(Skill, verbose_name=_("specialties"), blank=True, related_name="volunteers")
    # [{"weekday": 0-6 (Monday 0), "start": "08:00", "end": "12:00"}, ...]
    availability = models.JSONField(_("availability"), default=list, blank=True)
    languages = models.CharField(_("languages"), max_length=100, blank=True, help_text=_("Besides Mandarin, e.g. 兰州话, 英语."))
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    publish_name = models.BooleanField(_("name may be published"), default=True,
                                       help_text=_("In the monthly points publicity and on the public page."))
    status = models.CharField(pgettext_lazy("volunteer", "status"), max_length=10, choices=VolunteerStatus.choices,
                              default=VolunteerStatus.ACTIVE)
    registered_on = models.DateField(_("registered"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["id_number_hash"], condition=~models.Q(id_number_hash=""),
                                    name="volunteer_id_number_once",
                                    violation_error_message=_("A volunteer with this ID number is already registered.")),
        ]
        indexes = [models.Index(fields=["area", "status"], name="volunteer_area_status")]
        permissions = [("reveal_volunteer", "Can reveal volunteers' phone and ID numbers")]

    def __str__(self) -> str:
        return self.name


class TeamLevel(models.TextChoices):
    CORPS = "corps", _("District corps")  # 区志愿服务总队
    STREET = "street", _("Street team")  # 街道/乡镇 大队
    COMMUNITY = "community", _("Community team")  # 社区/村 志愿服务队
    SQUAD = "squad", _("Squad")  # 网格、楼栋、单元 小分队, specialty squads


class TeamKind(models.TextChoices):
    TEAM = "team", _("Volunteer team")
    SOCIAL_ORG = "social_org", _("Social organisation")  # 社会组织 bringing projects
    ALLIANCE = "alliance", _("Volunteers' alliance")  # 青少年志愿服务联盟


class Team(models.Model):
    area_scope_field = "area"

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=TeamLevel.choices)
    kind = models.CharField(_("kind"), max_length=15, choices=TeamKind.choices, default=TeamKind.TEAM)
    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="volunteer_teams")
    parent = models.ForeignKey("self", verbose_name=_("parent team"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    skill = models.ForeignKey(Skill, verbose_name=_("specialty"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="teams")
    led_by = models.ForeignKey(PartyOrganization, verbose_name=_("led by party organisation"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="volunteer_teams")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="volunteer_teams", help_text=_("A unit's own team, or the social organisation."))
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["area__path", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="volunteer_team_name_per_area",
                                               violation_error_message=_("This area already has a team of that name."))]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    area_scope_field = "team__area"

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="teams")
    is_leader = models.BooleanField(_("leader"), default=False)
    joined_on = models.DateField(_("joined"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["-is_leader", "volunteer__name"]
        constraints = [models.UniqueConstraint(fields=["team", "volunteer"], name="volunteer_team_member_once",
                                               violation_error_message=_("Already a member of this team."))]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.team}"


# --- activities ---------------------------------------------------------------------------------


class ActivityType(models.TextChoices):
    """What the activity does; the earning rule "activity:<type>" may add points per activity."""

    ELDERLY = "elderly", _("Care for the elderly")  # 助老
    CHILDREN = "children", _("Children and youth")  # 四点半课堂
    ENVIRONMENT = "environment", _("Clean-up and environment")  # 环境整治
    SAFETY = "safety", _("Patrol and safety")  # 治安巡逻
    CULTURE = "culture", _("Culture and sport")  # 文体
    HEALTH = "health", _("Health and medical")  # 义诊
    CIVILITY = "civility", _("Civility and publicity")  # 文明宣传
    SERVICE = "service", _("Convenience services")  # 便民服务 (理发、维修)
    EMERGENCY = "emergency", _("Emergency")  # 应急 (from a mobilisation)
    TRAINING = "training", _("Training")


class ActivityRecurrence(models.TextChoices):
    ONCE = "once", _("One-off")
    WEEKLY = "weekly", _("Every week")  # 每周半天
    MONTHLY = "monthly", _("Every month")


class ActivityState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("activity", "Draft")
    PUBLISHED = "published", pgettext_lazy("activity", "Open for sign-up")
    FINISHED = "finished", pgettext_lazy("activity", "Finished")
    CANCELLED = "cancelled", pgettext_lazy("activity", "Cancelled")


def new_secret() -> str:
    return secrets.token_hex(16)


class Activity(models.Model):
    """One activity at one time and place; a recurring one is a series of activities sharing
    `series` (each occurrence signed up and checked in on its own)."""

    area_scope_field = "area"

    title = models.CharField(_("title"), max_length=100)
    type = models.CharField(_("type"), max_length=15, choices=ActivityType.choices)
    theme = models.CharField(_("theme of the month"), max_length=100, blank=True)  # 每月一主题
    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="volunteer_activities")
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="activities")
    place = models.CharField(_("place"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("headcount"))
    skills = models.ManyToManyField(Skill, verbose_name=_("specialties needed"), blank=True, related_name="activities")
    description = models.TextField(_("description"), blank=True)
    recurrence = models.CharField(_("recurrence"), max_length=10, choices=ActivityRecurrence.choices,
                                  default=ActivityRecurrence.ONCE)
    series = models.CharField(_("series"), max_length=32, blank=True, db_index=True)
    state = models.CharField(pgettext_lazy("activity", "state"), max_length=10, choices=ActivityState.choices,
                             default=ActivityState.DRAFT)
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("organiser"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="organised_volunteer_activities")
    checkin_secret = models.CharField(max_length=32, default=new_secret, editable=False)
    mobilisation = models.OneToOneField("Mobilisation", verbose_name=_("mobilisation"), null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="activity")
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="volunteer_activity_period",
                                   violation_error_message=_("The activity must end after it starts.")),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="volunteer_activity_capacity",
                                   violation_error_message=_("At least one person.")),
        ]
        indexes = [models.Index(fields=["area", "starts_at"], name="volunteer_activity_area_time")]

    def __str__(self) -> str:
        return self.title


class SignupState(models.TextChoices):
    SIGNED_UP = "signed_up", _("Signed up")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", pgettext_lazy("sign-up", "Cancelled")
    CHECKED_IN = "checked_in", _("Checked in")
    DONE = "done", _("Served")  # checked out, hours counted
    NO_SHOW = "no_show", _("Did not come")


class CheckMethod(models.TextChoices):
    CODE = "code", _("Code on the organiser's phone")
    ORGANISER = "organiser", _("By the organiser")
    MOBILISATION = "mobilisation", _("Arrived at a mobilisation")


class Signup(models.Model):
    area_scope_field = "activity__area"

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="signups")
    state = models.CharField(pgettext_lazy("sign-up", "state"), max_length=12, choices=SignupState.choices)
    signed_up_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    check_method = models.CharField(_("checked in by"), max_length=12, choices=CheckMethod.choices, blank=True)
    minutes = models.PositiveIntegerField(_("minutes served"), default=0)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    evaluation = models.CharField(_("organiser's evaluation"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["signed_up_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer"], name="volunteer_signup_once",
                                    violation_error_message=_("Already signed up for this activity.")),
            models.CheckConstraint(
                condition=models.Q(checked_out_at__isnull=True) | models.Q(checked_in_at__isnull=False)
                & models.Q(checked_out_at__gte=models.F("checked_in_at")),
                name="volunteer_signup_out_after_in",
                violation_error_message=_("Check-out comes after check-in."),
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "state"], name="volunteer_signup_state")]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.activity}"


# --- the record and its certificate --------------------------------------------------------------


class RecordKind(models.TextChoices):
    TRAINING = "training", _("Training")
    AWARD = "award", _("Award")  # 表彰
    EVALUATION = "evaluation", _("Evaluation")  # 评价


class RecordEntry(models.Model):
    """What the record holds besides activities: trainings (with hours), awards, evaluations."""

    area_scope_field = "volunteer__area"

    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="record")
    kind = models.CharField(_("kind"), max_length=12, choices=RecordKind.choices)
    title = models.CharField(_("title"), max_length=200)
    on = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("minutes"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("record entry")
        verbose_name_plural = _("record entries")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return self.title


class Certificate(models.Model):
    """A 志愿服务记录证明 issued from the record: the figures it certified are kept as they were, so
    the public check shows what the paper says."""

    area_scope_field = "volunteer__area"

    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="certificates")
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("until"))
    minutes = models.PositiveIntegerField(_("minutes served"))
    activities = models.PositiveIntegerField(_("activities"))
    snapshot = models.JSONField(_("what it certifies"), default=dict)
    issuer = models.CharField(_("issued by"), max_length=100)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("service record certificate")
        verbose_name_plural = _("service record certificates")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.code


# --- the store (积分超市) ---------------------------------------------------------------------------


class Goods(models.Model):
    area_scope_field = "area"

    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey(AreaNode, verbose_name=_("service centre's area"), on_delete=models.PROTECT,
                             related_name="store_goods")
    place = models.CharField(_("pick-up place"), max_length=200, blank=True)
    price = models.PositiveIntegerField(_("points"))
    stock = models.IntegerField(_("in stock"), default=0)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("on offer"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("goods")
        verbose_name_plural = _("goods")
        ordering = ["area__path", "price", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="store_goods_stock_not_negative",
                                   violation_error_message=_("Stock cannot go below zero.")),
            models.CheckConstraint(condition=models.Q(price__gte=1), name="store_goods_price_positive",
                                   violation_error_message=_("At least one point.")),
        ]

    def __str__(self) -> str:
        return self.name


class OrderState(models.TextChoices):
    PLACED = "placed", _("Waiting for pick-up")
    PICKED_UP = "picked_up", _("Picked up")
    CANCELLED = "cancelled", pgettext_lazy("order", "Cancelled")


class Order(models.Model):
    area_scope_field = "goods__area"

    goods = models.ForeignKey(Goods, verbose_name=_("goods"), on_delete=models.PROTECT, related_name="orders")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="orders")
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    points = models.PositiveIntegerField(_("points"))
    state = models.CharField(pgettext_lazy("order", "state"), max_length=10, choices=OrderState.choices,
                             default=OrderState.PLACED)
    pickup_code = models.CharField(_("pick-up code"), max_length=8)
    placed_at = models.DateTimeField(_("placed"), auto_now_add=True)
    picked_up_at = models.DateTimeField(_("picked up"), null=True, blank=True)
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handed over by"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-placed_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gte=1), name="store_order_quantity")]

    def __str__(self) -> str:
        return f"{self.goods} × {self.quantity}"


class Publicity(models.Model):
    """A month's points publicity of an area (积分公示, for 民情日) as published: the lines are
    computed from the ledger; publishing keeps them, with a digest, for the public page."""

    area_scope_field = "area"

    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # the first day
    lines = models.JSONField(_("lines"), default=list)
    digest = models.CharField(_("digest"), max_length=64)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("points publicity")
        verbose_name_plural = _("points publicity")
        ordering = ["-month", "area__path"]
        constraints = [models.UniqueConstraint(fields=["area", "month"], name="volunteer_publicity_once")]

    def __str__(self) -> str:
        return f"{self.area} {self.month:%Y-%m}"


# --- mobilisation (吹哨报到) -------------------------------------------------------------------------


class MobilisationState(models.TextChoices):
    OPEN = "open", pgettext_lazy("mobilisation", "Calling")
    CLOSED = "closed", pgettext_lazy("mobilisation", "Closed")


class Mobilisation(models.Model):
    """A whistle: an urgent call to the volunteers and party members of a community, grid,
    building or entrance unit."""

    area_scope_field = "area"

    title = models.CharField(_("what is needed"), max_length=100)
    detail = models.TextField(_("detail"), blank=True)
    area = models.ForeignKey(AreaNode, verbose_name=_("called area"), on_delete=models.PROTECT, related_name="mobilisations")
    place = models.CharField(_("where to come"), max_length=200)
    needed = models.PositiveIntegerField(_("people needed"), default=1)
    state = models.CharField(pgettext_lazy("mobilisation", "state"), max_length=10, choices=MobilisationState.choices,
                             default=MobilisationState.OPEN)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("called by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    called_at = models.DateTimeField(_("called"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reached = models.PositiveIntegerField(_("people reached"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("mobilisation")
        verbose_name_plural = _("mobilisations")
        ordering = ["-called_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ResponseState(models.TextChoices):
    REPORTED = "reported", _("On the way")  # 报到
    ARRIVED = "arrived", _("Arrived")
    DECLINED = "declined", _("Cannot come")


class MobilisationResponse(models.Model):
    area_scope_field = "mobilisation__area"

    mobilisation = models.ForeignKey(Mobilisation, verbose_name=_("mobilisation"), on_delete=models.CASCADE,
                                     related_name="responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="responses")
    state = models.CharField(pgettext_lazy("mobilisation response", "state"), max_length=10, choices=ResponseState.choices)
    answered_at = models.DateTimeField(_("answered"))
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    level = models.CharField(_("level"), max_length=10, blank=True,
                             help_text=_("The level of the call that reached them: community, grid, building or unit."))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("answer to a mobilisation")
        verbose_name_plural = _("answers to mobilisations")
        ordering = ["answered_at", "id"]
        constraints = [models.UniqueConstraint(fields=["mobilisation", "user"], name="volunteer_mobilisation_answer_once")]

    def __str__(self) -> str:
        return f"{self.user} → {self.mobilisation}"


# --- donations ------------------------------------------------------------------------------------


class CampaignKind(models.TextChoices):
    DAILY_YUAN = "daily_yuan", _("One yuan a day")  # 每天一元
    ONE_DAY = "one_day", _("One day's pay")  # 慈心一日捐
    OTHER = "other", _("Other")


class Campaign(models.Model):
    area_scope_field = "area"

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=CampaignKind.choices)
    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="donation_campaigns")
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    target_fen = models.PositiveBigIntegerField(_("target (fen)"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    is_open = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("donation campaign")
        verbose_name_plural = _("donation campaigns")
        ordering = ["-starts_on", "name"]
        constraints = [models.CheckConstraint(
            condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
            name="donation_campaign_period", violation_error_message=_("The campaign cannot end before it starts."))]

    def __str__(self) -> str:
        return self.name


class PledgeFrequency(models.TextChoices):
    ONCE = "once", _("Once")
    MONTHLY = "monthly", _("Every month")
    YEARLY = "yearly", _("Every year")


class Pledge(models.Model):
    area_scope_field = "campaign__area"

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="pledges")
    donor = models.CharField(_("donor"), max_length=100)
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="pledges")
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="pledges")
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"))
    frequency = models.CharField(_("frequency"), max_length=10, choices=PledgeFrequency.choices, default=PledgeFrequency.ONCE)
    pledged_on = models.DateField(_("pledged"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-pledged_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_fen__gte=1), name="donation_pledge_amount")]

    def __str__(self) -> str:
        return f"{self.donor} {self.amount_fen / 100:.2f}"


class Donation(models.Model):
    area_scope_field = "campaign__area"

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="donations")
    pledge = models.ForeignKey(Pledge, verbose_name=_("pledge"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="donations")
    donor = models.CharField(_("donor"), max_length=100)
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="donations")
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="donations")
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"))
    received_on = models.DateField(_("received"))
    receipt_number = models.CharField(_("receipt number"), max_length=30, unique=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-received_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_fen__gte=1), name="donation_amount_positive",
                                              violation_error_message=_("At least one fen."))]

    def __str__(self) -> str:
        return self.receipt_number
