from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component

# Settings of the integrations app with their defaults (override in Django settings); read them with
# `conf.get(NAME)` (`gongzhi.core.components.setting`).
SETTINGS = {
    # Channels a new API key may file on when none are given.
    "INTEGRATIONS_DEFAULT_CHANNELS": ["online"],
    # Requests per minute for a new key.
    "INTEGRATIONS_DEFAULT_RATE_LIMIT": 60,
    # Where each key's requests per minute are counted so that every server process shares the
    # limit: "cache" (atomic increments; only right when the cache is shared, e.g. Redis),
    # "database" (an atomic per-key-per-minute counter row) or "auto": the cache when it is Redis or
    # Memcached, the database otherwise (the local-memory cache is one per process).
    "INTEGRATIONS_RATE_LIMIT_STORE": "auto",
    # GET services/requests without an API key (the spec says reads need none). False: a key is required.
    "INTEGRATIONS_OPEN311_PUBLIC_READS": True,
    # Which cases Open311 reads show besides those filed through Open311: channels whose cases are
    # findings in public space rather than a person's private request.
    "INTEGRATIONS_OPEN311_PUBLIC_CHANNELS": ["camera", "patrol"],
    # Kinds never shown through Open311 (disputes and reports of wrongdoing name people).
    "INTEGRATIONS_OPEN311_HIDDEN_KINDS": ["dispute", "report"],
    # The jurisdiction_id this server answers to besides the district codes ("" = none).
    "INTEGRATIONS_OPEN311_JURISDICTION": "",
    # Discovery document.
    "INTEGRATIONS_OPEN311_CONTACT": "",
    "INTEGRATIONS_OPEN311_KEY_SERVICE": "",
    "INTEGRATIONS_OPEN311_CHANGESET": "2026-11-22T00:00:00+08:00",
    "INTEGRATIONS_OPEN311_ENDPOINT_TYPE": "production",
    # Camera snapshots sent inline (base64): the largest accepted image in bytes. The whole body is
    # also bounded by Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB by default; base64 adds a third).
    "INTEGRATIONS_CAMERA_SNAPSHOT_MAX_BYTES": 1536 * 1024,
}

AUDIT_ACTIONS = (
    "integrations.apikey.create",
    "integrations.apikey.update",
    "integrations.apikey.revoke",
    "integrations.apikey.use",
    "integrations.open311.submit",
    "integrations.camera_source.create",
    "integrations.camera_source.update",
    "integrations.camera_source.rotate_secret",
    "integrations.camera.save",
    "integrations.camera_type.save",
    "integrations.duty_shift.save",
    "integrations.duty_shift.delete",
    "integrations.camera_event.ignore",
    "integrations.camera_event.fold",
    "integrations.camera_event.create_case",
)


class IntegrationsConfig(AppConfig):
    name = "gongzhi.integrations"
    label = "integrations"
    verbose_name = _("Integrations")
    component = Component(
        api="gongzhi.integrations.api:router",
        urls="gongzhi.integrations.urls",
        url_prefix="",
        audit_actions=AUDIT_ACTIONS,
        # The grid's on-duty worker is told of a camera alert at once.
        notification_kinds=("integrations.camera_alert",),
        settings=SETTINGS,
        demo_order=60,
        matrix="gongzhi.integrations.tests.matrix:objects",
    )
