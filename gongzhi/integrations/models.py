"""Models of the integrations app: API keys for outside systems (Open311 clients, hotline software),
what each key filed through Open311, camera sources, cameras and their alerts, the mapping of alert
types to catalogue matters, and the duty roster of grid workers.

Writes go through `services`; reads others need through `selectors.py`. Each model states who
may see which rows in one place, its `visible_to(user)`: the area scope for the models that belong
to an area (a key limited to no area is seen by superusers and the system only), the permission to
look at them for the registries without an area (camera sources, alert types, key usage).
"""

import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.permissions import can
from gongzhi.core.pii import EncryptedCharField
from gongzhi.core.visibility import ScopedManager, ScopedQuerySet


class PermittedQuerySet(ScopedQuerySet):
    """Rows of a registry without an area: all of them for whoever may look at it
    (`view_action`), none for anyone else."""

    view_action = ""

    def visible_to(self, user):
        return self.all() if can(user, self.view_action) else self.none()


class ApiKeyUsageQuerySet(PermittedQuerySet):
    view_action = "integrations.apikey_list"


class CameraSourceQuerySet(PermittedQuerySet):
    view_action = "integrations.camera_source_view"


class CameraEventTypeQuerySet(PermittedQuerySet):
    view_action = "integrations.camera_type_view"


class ApiKey(models.Model):
    """A key an outside system files and reads requests with. Only the SHA-256 of the key is
    stored; the key itself is shown once when it is issued. A key may be limited to an area (it
    then files and sees requests located in that subtree only) and to channels."""

    area_scope_field = "area"

    name = models.CharField(_("name"), max_length=100, unique=True)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    area = models.ForeignKey(
        "areas.AreaNode",
        verbose_name=_("limited to area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_keys",
        help_text=_("Leave empty (superusers only) for a key that may file and read anywhere."),
    )
    channels = models.JSONField(_("allowed channels"), default=list, blank=True)
    rate_limit = models.PositiveIntegerField(_("requests per minute"), default=60)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiKeyUsage(models.Model):
    """Uses of a key, counted per hour and endpoint: an overview for the admin. Each use is also an
    audit event of its own (`integrations.apikey.use`)."""

    key = models.ForeignKey(ApiKey, verbose_name=_("API key"), on_delete=models.CASCADE, related_name="usage")
    hour = models.DateTimeField(_("hour"))
    endpoint = models.CharField(_("endpoint"), max_length=40)
    count = models.PositiveIntegerField(_("uses"), default=0)
    refused = models.PositiveIntegerField(_("refused (rate limit)"), default=0)
    last_request_id = models.CharField(_("last request id"), max_length=64, blank=True)
    last_ip = models.GenericIPAddressField(_("last IP address"), null=True, blank=True)
    last_at = models.DateTimeField(_("last use"), null=True, blank=True)

    objects = ApiKeyUsageQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key usage")
        verbose_name_plural = _("API key usage")
        ordering = ["-hour", "endpoint"]
        constraints = [
            models.UniqueConstraint(fields=["key", "hour", "endpoint"], name="apikey_usage_unique_hour")
        ]

    def __str__(self) -> str:
        return f"{self.key_id} {self.hour:%Y-%m-%d %H}:00 {self.endpoint} ×{self.count}"


class ApiKeyRateWindow(models.Model):
    """Requests of a key in one minute (`minute` = unix time // 60), counted in the database with an
    atomic upsert so that every server process shares the key's limit when the cache is local to a
    process. Rows older than the previous minute are deleted as a key starts a new minute."""

    key = models.ForeignKey(ApiKey, verbose_name=_("API key"), on_delete=models.CASCADE, related_name="+")
    minute = models.BigIntegerField(_("minute"))
    used = models.PositiveIntegerField(_("requests"), default=0)

    class Meta:
        verbose_name = _("API key rate window")
        verbose_name_plural = _("API key rate windows")
        constraints = [models.UniqueConstraint(fields=["key", "minute"], name="apikey_rate_unique_minute")]

    def __str__(self) -> str:
        return f"{self.key_id} @{self.minute} ×{self.used}"


class Open311Submission(models.Model):
    """What an Open311 client sent besides the case itself: the key, the client's ids, the
    contact e-mail (encrypted) and the media URL, and the token of the submission."""

    area_scope_field = "case__area"

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="open311_submission"
    )
    api_key = models.ForeignKey(ApiKey, verbose_name=_("API key"), on_delete=models.PROTECT, related_name="submissions")
    token = models.CharField(_("token"), max_length=32, unique=True)
    account_id = models.CharField(_("account id"), max_length=100, blank=True)
    device_id = models.CharField(_("device id"), max_length=100, blank=True)
    email = EncryptedCharField(_("e-mail"), kind="email", max_length=254)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("Open311 submission")
        verbose_name_plural = _("Open311 submissions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} ← {self.api_key_id}"


class CameraSource(models.Model):
    """A video-analytics system that posts alerts. It signs each request with HMAC-SHA256 under its
    secret (stored encrypted: it is needed to check signatures)."""

    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("Sent in the X-Gongzhi-Source header."))
    name = models.CharField(_("name"), max_length=100)
    secret = EncryptedCharField(_("signing secret"), max_length=128)
    timestamp_window = models.PositiveIntegerField(
        _("timestamp window (seconds)"), default=300, help_text=_("Requests signed longer ago than this are refused.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CameraSourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("camera source")
        verbose_name_plural = _("camera sources")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Camera(models.Model):
    """A camera of a source, placed at a building or a grid."""

    area_scope_field = "area"

    source = models.ForeignKey(CameraSource, verbose_name=_("source"), on_delete=models.PROTECT, related_name="cameras")
    code = models.CharField(_("camera id"), max_length=64, help_text=_("The id the source sends in its alerts."))
    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey(
        "areas.AreaNode", verbose_name=_("building or grid"), on_delete=models.PROTECT, related_name="cameras"
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")
        ordering = ["source", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "code"],
                name="camera_unique_code_per_source",
                violation_error_message=_("The source already has a camera with this id."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class CameraEventType(models.Model):
    """How an alert type becomes a case: the catalogue matter, the window within which repeated
    alerts of one camera fold into the open case, and the confidence below which alerts are only
    recorded."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True, help_text=_("As the source sends it, e.g. 争吵."))
    category = models.ForeignKey(
        "cases.Category", verbose_name=_("catalogue matter"), on_delete=models.PROTECT, related_name="camera_types"
    )
    fold_minutes = models.PositiveIntegerField(_("fold repeats within (minutes)"), default=30)
    min_confidence = models.DecimalField(
        _("minimum confidence"), max_digits=4, decimal_places=3, default=0,
        help_text=_("Alerts below this confidence are recorded but open no case (0 to 1)."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = CameraEventTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("camera alert type")
        verbose_name_plural = _("camera alert types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CameraOutcome(models.TextChoices):
    CREATED = "created", _("Case opened")
    FOLDED = "folded", _("Folded into an open case")
    IGNORED = "ignored", _("Recorded only (low confidence)")


def snapshot_path(instance: "CameraEvent", filename: str) -> str:
    """The old storage name (derived from the vendor's event id, so guessable): migration 0001 only."""
    return f"integrations/camera/{instance.source_id}/{filename}"


def snapshot_storage_name(instance: "CameraEvent", filename: str) -> str:
    """A random storage name (integrations/camera/<uuid4 hex>.<ext>). Snapshots are served only by
    the scoped `integrations:camera-snapshot` view, never from MEDIA_URL."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"integrations/camera/{uuid.uuid4().hex}{extension}"


class CameraEvent(models.Model):
    """One alert as received (after its signature was checked). `event_id` is unique per source:
    a replayed alert is refused."""

    area_scope_field = "camera__area"

    source = models.ForeignKey(CameraSource, verbose_name=_("source"), on_delete=models.PROTECT, related_name="events")
    event_id = models.CharField(_("event id"), max_length=100)
    camera = models.ForeignKey(Camera, verbose_name=_("camera"), on_delete=models.PROTECT, related_name="events")
    event_type = models.ForeignKey(
        CameraEventType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="events"
    )
    confidence = models.DecimalField(_("confidence"), max_digits=4, decimal_places=3, null=True, blank=True)
    occurred_at = models.DateTimeField(_("seen at"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    snapshot = models.FileField(_("snapshot"), upload_to=snapshot_storage_name, blank=True)
    snapshot_url = models.URLField(_("snapshot URL"), max_length=500, blank=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="camera_events",
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=CameraOutcome.choices)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("camera alert")
        verbose_name_plural = _("camera alerts")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "event_id"],
                name="camera_event_unique_id",
                violation_error_message=_("This alert was received already."),
            )
        ]
        indexes = [models.Index(fields=["camera", "event_type", "occurred_at"], name="camera_event_fold_idx")]

    def __str__(self) -> str:
        return f"{self.camera_id} {self.event_type_id} {self.event_id}"


class CameraIncident(models.Model):
    """The case opened by a camera for one type of alert, and how many alerts folded into it."""

    area_scope_field = "camera__area"

    camera = models.ForeignKey(Camera, verbose_name=_("camera"), on_delete=models.PROTECT, related_name="incidents")
    event_type = models.ForeignKey(
        CameraEventType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="incidents"
    )
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="camera_incident"
    )
    alert_count = models.PositiveIntegerField(_("alerts"), default=1)
    first_alert_at = models.DateTimeField(_("first alert"))
    last_alert_at = models.DateTimeField(_("last alert"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("camera incident")
        verbose_name_plural = _("camera incidents")
        ordering = ["-last_alert_at", "-id"]
        indexes = [models.Index(fields=["camera", "event_type", "last_alert_at"], name="camera_incident_fold_idx")]

    def __str__(self) -> str:
        return f"{self.camera_id} {self.event_type_id} ×{self.alert_count}"


class DutyShift(models.Model):
    """A grid worker on duty for a grid from `start` to `end` (排班). Camera alerts of the grid go
    to whoever is on duty; without a shift, to the grid's bound grid workers."""

    area_scope_field = "grid"

    grid = models.ForeignKey(
        "areas.AreaNode", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="duty_shifts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("grid worker"), on_delete=models.PROTECT, related_name="duty_shifts"
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        ordering = ["grid", "start"]
        indexes = [models.Index(fields=["grid", "start", "end"], name="duty_shift_grid_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="duty_shift_end_after_start",
                violation_error_message=_("A shift must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.user_id} {self.start:%Y-%m-%d %H:%M}"
