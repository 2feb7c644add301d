"""Duties (明白纸) and accountability records (问责记录).

A duty sheet (明白纸) tells the people of one role — grid workers, community staff, street staff,
department staff … — their key tasks (重点任务), red lines (红线) and the accountability rules
(问责规定), each an ordered list of items. The district keeps the sheets: one per role for the whole
district (area empty) or for one area (a street's own sheet for its grid workers). A sheet changes
by versions: a version applies from its date, the older ones are kept, so a record always points
to the rule that applied when it happened.

An accountability record is made by the sync from an outcome elsewhere — a supervision (督办) on a
case that still missed its limit, a deduction of a grid worker's monthly score that stands — against
the accountability rule a mapping (kept as data per sheet: source kind → rule number) points to.
Street and district staff review it (acknowledge, note, close); the person concerned sees their own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import AreaNode, Department
from gongzhi.core import permissions, scope
from gongzhi.core.visibility import ScopedQuerySet


class Section(models.TextChoices):
    KEY_TASKS = "key_tasks", _("Key tasks")  # 重点任务
    RED_LINES = "red_lines", _("Red lines")  # 红线
    ACCOUNTABILITY = "accountability", _("Accountability rules")  # 问责规定


SECTION_ORDER = [Section.KEY_TASKS, Section.RED_LINES, Section.ACCOUNTABILITY]


def ancestor_paths(path: str) -> list[str]:
    """The path and the paths of every node above it."""
    step = AreaNode.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


class SheetQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """The district's sheets (no area) and those of an area above, at or below the user's
        areas (a department's staff: their district's), for whoever may read sheets."""
        paths = scope.scope_paths(user)
        if paths is None:
            return self
        if not getattr(user, "is_authenticated", False) or not permissions.can(user, "duties.view_sheets"):
            return self.none()
        above: set[str] = set()
        for p in paths:
            above.update(ancestor_paths(p))
        department = getattr(user, "department", None)
        if department is not None and department.district_id:
            above.update(ancestor_paths(department.district.path))
        if not paths and not above:
            return self.filter(area__isnull=True)
        return self.filter(Q(area__isnull=True) | Q(area__path__in=above) | scope.path_q(paths, "area"))


class DutySheet(models.Model):
    """The 明白纸 of one role, for the whole district (no area) or for one area and below."""

    area_scope_field = "area"

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(AreaNode, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="duty_sheets", help_text=_("Empty: the whole district."))
    title = models.CharField(_("title"), max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = SheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty sheet")
        verbose_name_plural = _("duty sheets")
        ordering = ["role", "area__path", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["role", "area"], name="duties_sheet_role_area"),
            models.UniqueConstraint(fields=["role"], condition=Q(area=None), name="duties_sheet_role_district"),
        ]

    def __str__(self) -> str:
        return self.title


class SheetVersion(models.Model):
    """The sheet's content from a date on (until the next version's date). A version in force is
    never changed: a change is a new version."""

    area_scope_field = "sheet__area"

    sheet = models.ForeignKey(DutySheet, verbose_name=_("duty sheet"), on_delete=models.CASCADE,
                              related_name="versions")
    valid_from = models.DateField(_("applies from"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("duty sheet version")
        verbose_name_plural = _("duty sheet versions")
        ordering = ["sheet", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["sheet", "valid_from"], name="duties_version_sheet_date")]

    def __str__(self) -> str:
        return f"{self.sheet} · {self.valid_from:%Y-%m-%d}"


class SheetItem(models.Model):
    """One item of a section of a version, in its order (1, 2, 3 …)."""

    version = models.ForeignKey(SheetVersion, verbose_name=_("version"), on_delete=models.CASCADE,
                                related_name="items")
    section = models.CharField(_("section"), max_length=16, choices=Section.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("text"), max_length=200)

    class Meta:
        verbose_name = _("duty sheet item")
        verbose_name_plural = _("duty sheet items")
        ordering = ["version", "section", "number"]
        constraints = [models.UniqueConstraint(fields=["version", "section", "number"],
                                               name="duties_item_version_section_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class RuleMapping(models.Model):
    """Which accountability rule of the sheet (its number in the version in force) an outcome of a
    kind is recorded against: data the district keeps, per sheet."""

    area_scope_field = "sheet__area"

    sheet = models.ForeignKey(DutySheet, verbose_name=_("duty sheet"), on_delete=models.CASCADE,
                              related_name="mappings")
    source_kind = models.CharField(_("outcome"), max_length=60)
    rule_number = models.PositiveSmallIntegerField(_("accountability rule number"))

    class Meta:
        verbose_name = _("accountability rule mapping")
        verbose_name_plural = _("accountability rule mappings")
        ordering = ["sheet", "source_kind"]
        constraints = [models.UniqueConstraint(fields=["sheet", "source_kind"], name="duties_mapping_sheet_kind")]

    def __str__(self) -> str:
        return f"{self.source_kind} → {self.rule_number}"


class RecordState(models.TextChoices):
    OPEN = "open", pgettext_lazy("accountability record", "Open")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("accountability record", "Acknowledged")
    CLOSED = "closed", pgettext_lazy("accountability record", "Closed")


class RecordQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """Staff who review records see those of their area scope; department staff those of their
        department; everyone their own."""
        paths = scope.scope_paths(user)
        if paths is None:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        q = Q(person=user)
        if paths and permissions.can(user, "duties.view_records"):
            q |= scope.path_q(paths, "area")
        department_id = getattr(user, "department_id", None)
        if department_id and permissions.can(user, "duties.view_department_records"):
            q |= Q(department_id=department_id)
        return self.filter(q)


class AccountabilityRecord(models.Model):
    """An accountability record (问责记录): what happened, who was concerned, the rule it falls under,
    the link to its source; unique per source, so the sync makes each once."""

    area_scope_field = "area"

    source = models.CharField(_("source"), max_length=120, unique=True)
    source_kind = models.CharField(_("outcome"), max_length=60)
    source_url = models.CharField(_("link to the source"), max_length=200, blank=True)
    sheet = models.ForeignKey(DutySheet, verbose_name=_("duty sheet"), on_delete=models.PROTECT,
                              related_name="records")
    rule = models.ForeignKey(SheetItem, verbose_name=_("accountability rule"), on_delete=models.PROTECT,
                             related_name="records")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person concerned"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="accountability_records")
    node = models.ForeignKey(AreaNode, verbose_name=_("unit concerned"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, verbose_name=_("department concerned"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(_("what happened"), max_length=300)
    occurred_at = models.DateTimeField(_("happened"))
    state = models.CharField(_("state"), max_length=14, choices=RecordState.choices, default=RecordState.OPEN)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("accountability record", "closed by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="duties_record_state_idx")]

    def __str__(self) -> str:
        return self.summary[:80]


class RecordNote(models.Model):
    """A reviewer's note on a record (with the action it came with: acknowledge, note, close)."""

    record = models.ForeignKey(AccountabilityRecord, verbose_name=_("accountability record"),
                               on_delete=models.CASCADE, related_name="notes")
    action = models.CharField(_("action"), max_length=16)
    text = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("written"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("record note")
        verbose_name_plural = _("record notes")
        ordering = ["record", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]
