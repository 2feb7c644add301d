"""Cross-cutting records: the append-only audit log and the working-day calendar."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditEventImmutable(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditEventImmutable("audit events are append-only")

    def delete(self):
        raise AuditEventImmutable("audit events are append-only")

    def for_object(self, obj: models.Model) -> "AuditEventQuerySet":
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))

    def visible_to(self, user) -> "AuditEventQuerySet":
        """Events in the user's area subtrees (all for superusers and the system): each event keeps the
        tree path of the object it changed."""
        from .scope import scope_paths

        paths = scope_paths(user)
        if paths is None:
            return self
        query = models.Q(pk__in=[])
        for path in paths:
            query |= models.Q(area_path__startswith=path)
        return self.filter(query)


class AuditEvent(models.Model):
    """One state change: who did what to which object, from where, with the values before and after.

    Written only by `gongzhi.core.audit.record`; never updated or deleted by the application (the
    queryset and the model refuse, the admin is read-only, and PostgreSQL has a trigger as well).
    """

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    actor_label = models.CharField(_("actor label"), max_length=150)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(pgettext_lazy("record", "object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    area_path = models.CharField(_("area path"), max_length=255, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditEventImmutable("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEventImmutable("audit events are append-only")


class CalendarYear(models.Model):
    """A year for which the statutory holidays are known; years without a row fall back to Mon–Fri."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to the Mon–Fri week: a statutory holiday or a make-up working day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKDAY = "workday", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        from .calendar_data import holiday_name

        return f"{self.date} {self.get_kind_display()} {holiday_name(self.name)}"


class Notification(models.Model):
    """A message to one user: shown in the in-app inbox and sent through the configured adapters
    (SMS, WeChat template message, e-mail; logging by default). See `gongzhi.core.notifications`."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=50, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField(pgettext_lazy("record", "object id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "created_at"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient", "created_at"], name="notification_unread_idx", condition=models.Q(read_at=None)
            ),
            # the catch-up of deliveries whose task was lost (`notifications.deliver_stragglers`)
            models.Index(fields=["created_at"], name="notification_undelivered_idx",
                         condition=models.Q(delivered_at=None)),
        ]

    def __str__(self) -> str:
        return self.title


class PeriodicSchedule(models.Model):
    """The lease of one periodic job (`gongzhi.core.periodic`): when it is next due. Workers lock
    this row before enqueuing, so several workers enqueue each run once."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    next_due_at = models.DateTimeField(_("next due"), null=True, blank=True)
    last_enqueued_at = models.DateTimeField(_("last enqueued"), null=True, blank=True)
    last_result_id = models.CharField(_("last task id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IdempotencyKey(models.Model):
    """A key a client sent with a write (the `Idempotency-Key` header, the form's submit token), and
    the record that write made. Written in the write's own transaction: if the write was lost (the
    database went away mid-request) the key is lost with it and a retry does the work; if it
    committed, a retry with the same key answers the same record instead of making a second one.
    See `gongzhi.core.idempotency`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="+")
    scope = models.CharField(_("operation"), max_length=100)
    key = models.CharField(_("key"), max_length=64)
    object_id = models.CharField(pgettext_lazy("record", "object id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
