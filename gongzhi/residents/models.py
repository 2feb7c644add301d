"""Residents and households (实有人口/房屋): people living in household nodes of the area tree,
their special-group tags and moves (with dates, kept as history), door visits and imports.

Personal data: the ID number and the phone are stored encrypted (`gongzhi.core.pii`), with a
keyed hash for exact search and a masked copy for display. Pages, API responses, exports, logs
and errors show only the masked copy; the plaintext is read through `services.person_reveal`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import permissions
from gongzhi.core.actors import is_system
from gongzhi.core.pii import EncryptedCharField
from gongzhi.core.visibility import ScopedQuerySet


class RegistryQuerySet(ScopedQuerySet):
    """The one visibility rule of the residents' registry (people, their tags and moves, household
    cards, visits and photos): users whose role may view residents (`residents.view`), within their
    area scope. Another role bound to the same area (the supervision committee) sees nothing."""

    def visible_to(self, user):
        if not permissions.can(user, "residents.view"):
            return self.none()
        return super().visible_to(user)


RegistryManager = models.Manager.from_queryset(RegistryQuerySet)


class ImportJobQuerySet(models.QuerySet):
    """An import is visible to the user who uploaded it (and to the system)."""

    def visible_to(self, user):
        if is_system(user):
            return self.all()
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(created_by=user)


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNKNOWN = "unknown", _("Unknown")


class ResidenceType(models.TextChoices):
    REGISTERED = "registered", _("Registered (hukou)")  # 户籍
    PERMANENT = "permanent", _("Permanent resident")  # 常住
    FLOATING = "floating", _("Floating population")  # 流动


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")  # 户主
    SPOUSE = "spouse", _("Spouse")  # 配偶
    CHILD = "child", _("Child")  # 子女
    PARENT = "parent", _("Parent")  # 父母
    GRANDPARENT = "grandparent", _("Grandparent")  # 祖父母/外祖父母
    GRANDCHILD = "grandchild", _("Grandchild")  # 孙子女/外孙子女
    SIBLING = "sibling", _("Sibling")  # 兄弟姐妹
    CHILD_IN_LAW = "child_in_law", _("Child-in-law")  # 儿媳/女婿
    TENANT = "tenant", _("Tenant")  # 租户
    OTHER = "other", _("Other")  # 其他


class PersonStatus(models.TextChoices):
    LIVING = "living", _("Living here")
    MOVED_OUT = "moved_out", _("Moved out")
    DECEASED = "deceased", _("Deceased")


class TagKind(models.TextChoices):
    SUBSISTENCE = "subsistence", _("Subsistence allowance")  # 低保
    EXTREME_POVERTY = "extreme_poverty", _("Extreme poverty support")  # 特困
    DISABLED = "disabled", pgettext_lazy("person tag", "Disabled")  # 残疾 (Django says 禁用 for “Disabled”)
    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")  # 独居老人
    EMPTY_NEST = "empty_nest", _("Empty-nest elderly")  # 空巢老人
    LEFT_BEHIND_CHILD = "left_behind_child", _("Left-behind child")  # 留守儿童
    VETERAN = "veteran", _("Veteran")  # 退役军人
    KEY_ATTENTION = "key_attention", _("Needs close attention")  # 重点关注
    UNEMPLOYED = "unemployed", _("Unemployed")  # 失业人员
    SERIOUS_ILLNESS = "serious_illness", _("Serious illness")  # 大病


class Household(models.Model):
    """The household card (户情档案) of a household node: what belongs to the dwelling rather than
    to one person. Optional: a household node without a card still has members and visits."""

    area_scope_field = "node"

    class Tenure(models.TextChoices):
        OWNED = "owned", _("Owner-occupied")
        RENTED = "rented", _("Rented")
        PUBLIC = "public", _("Public or employer housing")
        VACANT = "vacant", _("Vacant")
        OTHER = "other", _("Other")

    node = models.OneToOneField(
        AreaNode,
        verbose_name=_("household node"),
        on_delete=models.PROTECT,
        related_name="household_card",
        limit_choices_to={"kind": AreaKind.HOUSEHOLD},
    )
    tenure = models.CharField(_("tenure"), max_length=10, choices=Tenure.choices, default=Tenure.OWNED)
    floor_area = models.DecimalField(_("floor area (m²)"), max_digits=7, decimal_places=2, null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RegistryManager()

    class Meta:
        verbose_name = _("household card")
        verbose_name_plural = _("household cards")

    def __str__(self) -> str:
        return str(self.node)


class Person(models.Model):
    """A person registered in a household (实有人口)."""

    area_scope_field = "household"

    household = models.ForeignKey(
        AreaNode,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="residents",
        limit_choices_to={"kind": AreaKind.HOUSEHOLD},
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    name_initials = models.CharField(_("pinyin initials"), max_length=50, blank=True, db_index=True)
    name_pinyin = models.CharField(_("pinyin"), max_length=200, blank=True, db_index=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # Personal data: ciphertext + keyed hash (exact search) + masked copy (display).
    id_number = EncryptedCharField(_("ID number"), kind="id_number", max_length=18)
    id_number_hash = models.CharField(_("ID number hash"), max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)
    phone = EncryptedCharField(_("phone"), kind="phone", max_length=20)
    phone_hash = models.CharField(_("phone hash"), max_length=64, blank=True, editable=False, db_index=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)

    residence_type = models.CharField(
        _("residence type"), max_length=12, choices=ResidenceType.choices, default=ResidenceType.REGISTERED
    )
    relation = models.CharField(_("relation to head"), max_length=15, choices=Relation.choices, default=Relation.OTHER)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    party_member = models.OneToOneField(
        "party.PartyMember",
        verbose_name=_("party membership"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident",
    )
    is_party_member = models.BooleanField(_("party member"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident_records",
    )
    status = models.CharField(_("status"), max_length=10, choices=PersonStatus.choices, default=PersonStatus.LIVING)
    moved_in_on = models.DateField(_("moved in"), null=True, blank=True)
    moved_out_on = models.DateField(_("moved out"), null=True, blank=True)
    died_on = models.DateField(_("date of death"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    objects = RegistryManager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household", "id"]
        permissions = [("reveal_pii", "Can reveal full ID numbers and phone numbers")]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~models.Q(id_number_hash=""),
                name="person_unique_id_number",
                violation_error_message=_("A person with this ID number is already registered."),
            ),
        ]
        indexes = [
            models.Index(fields=["household", "status"], name="person_household_status_idx"),
            models.Index(fields=["name"], name="person_name_idx"),
        ]

    def __str__(self) -> str:
        # Never the ID number or phone: this string lands in audit events and logs.
        return self.name

    def __repr__(self) -> str:
        return f"<Person {self.pk}: {self.name}>"

    @property
    def is_living(self) -> bool:
        return self.status == PersonStatus.LIVING

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = timezone.localdate()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class PersonTag(models.Model):
    """A special-group tag with the period it applied (a tag is ended, never deleted)."""

    area_scope_field = "person__household"

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(_("tag"), max_length=20, choices=TagKind.choices, db_index=True)
    start_on = models.DateField(_("from"), default=timezone.localdate)
    end_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = RegistryManager()

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["person", "-start_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=models.Q(end_on__isnull=True),
                name="person_tag_one_open_per_kind",
                violation_error_message=_("This person already has this tag."),
            ),
            models.CheckConstraint(
                condition=models.Q(end_on__isnull=True) | models.Q(end_on__gte=models.F("start_on")),
                name="person_tag_end_after_start",
                violation_error_message=_("A tag cannot end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["kind", "end_on"], name="person_tag_kind_end_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_on}–{self.end_on or ''}"

    @property
    def is_current(self) -> bool:
        return self.end_on is None or self.end_on >= timezone.localdate()


class MoveKind(models.TextChoices):
    MOVE_IN = "move_in", _("Moved in")  # 迁入
    MOVE_OUT = "move_out", _("Moved out")  # 迁出
    TRANSFER = "transfer", _("Moved to another household")  # 辖区内搬迁
    DEATH = "death", _("Death")  # 死亡
    RETURN = "return", _("Returned")  # 回迁


class Move(models.Model):
    """One change of where (or whether) a person lives: the person's history of moves."""

    area_scope_field = "person__household"

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="moves")
    kind = models.CharField(_("kind"), max_length=10, choices=MoveKind.choices)
    date = models.DateField(_("date"))
    from_household = models.ForeignKey(
        AreaNode, verbose_name=pgettext_lazy("move", "from"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_household = models.ForeignKey(
        AreaNode, verbose_name=pgettext_lazy("move", "to"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("from/to (outside)"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    objects = RegistryManager()

    class Meta:
        verbose_name = _("move")
        verbose_name_plural = _("moves")
        ordering = ["person", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class Visit(models.Model):
    """A door visit (入户走访) by a grid worker or staff member to a household."""

    area_scope_field = "household"

    household = models.ForeignKey(
        AreaNode,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="resident_visits",
        limit_choices_to={"kind": AreaKind.HOUSEHOLD},
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("visitor"), on_delete=models.PROTECT, related_name="door_visits"
    )
    visited_at = models.DateTimeField(_("time of visit"), default=timezone.now)
    people_met = models.ManyToManyField(Person, verbose_name=_("people met"), blank=True, related_name="visits")
    others_met = models.CharField(_("others met"), max_length=200, blank=True)
    findings = models.TextField(_("what was found"), blank=True)
    follow_up_needed = models.BooleanField(_("needs follow-up"), default=False)
    case_ref = models.CharField(
        _("request raised"), max_length=64, blank=True, help_text=_("The request the findings were turned into.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = RegistryManager()

    class Meta:
        verbose_name = _("door visit")
        verbose_name_plural = _("door visits")
        ordering = ["-visited_at", "-id"]
        indexes = [models.Index(fields=["household", "visited_at"], name="visit_household_time_idx")]

    def __str__(self) -> str:
        return f"{self.household.name} {timezone.localtime(self.visited_at):%Y-%m-%d}"


class VisitPhoto(models.Model):
    area_scope_field = "visit__household"

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to="residents/visits/%Y/%m/")
    content_type = models.CharField(_("type"), max_length=30)
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = RegistryManager()

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["visit", "id"]

    def __str__(self) -> str:
        return self.file.name


class ImportJob(models.Model):
    """One upload of the residents spreadsheet: what it did, or why nothing was imported."""

    area_scope_field = None  # not an area's: visible to the uploader only

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("import job", "Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Imported")
        REJECTED = "rejected", _("Rejected: bad rows")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    file_name = models.CharField(_("file"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    error_count = models.PositiveIntegerField(_("bad rows"), default=0)
    households_created = models.PositiveIntegerField(_("households created"), default=0)
    report = models.FileField(_("error report"), upload_to="imports/", blank=True)
    seconds = models.FloatField(_("seconds"), default=0)
    # A large upload waiting for the background worker: stored encrypted (Fernet), deleted after the run.
    upload = models.FileField(_("upload (encrypted)"), upload_to="imports/pending/", blank=True)
    create_households = models.BooleanField(_("create missing rooms"), default=True)
    message = models.CharField(pgettext_lazy("import job", "message"), max_length=300, blank=True)

    objects = models.Manager.from_queryset(ImportJobQuerySet)()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
