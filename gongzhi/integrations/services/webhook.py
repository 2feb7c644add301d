"""Receiving a camera alert: the source's signature and timestamp, the payload and its snapshot,
and the record: a new case on the camera channel (the grid's on-duty worker told at once), a note
on the case the same camera opened for the same type a moment ago, or only the record of an alert
below the type's confidence."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import mimetypes
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gongzhi.cases import services as case_services
from gongzhi.cases.models import OPEN_STATES, Channel, State
from gongzhi.core import audit, notifications
from gongzhi.core.actors import SystemActor
from gongzhi.core.errors import Conflict, InvalidInput, NotFound
from gongzhi.core.permissions import require

from .. import conf, selectors, signing
from ..errors import Unauthenticated
from ..models import Camera, CameraEvent, CameraEventType, CameraIncident, CameraOutcome, CameraSource

SNAPSHOT_TYPES = ("image/jpeg", "image/png", "image/webp")


def camera_actor(source: CameraSource) -> SystemActor:
    return SystemActor(label=f"camera:{source.code}")


def _authenticate(source_code: str, timestamp: str, signature: str, body: bytes, now: dt.datetime) -> CameraSource:
    source = CameraSource.objects.filter(code=(source_code or "").strip(), is_active=True).first()
    if source is None or not signing.verify(source.secret, timestamp, body, signature):
        raise Unauthenticated(_("The request is not signed correctly."), code="bad_signature")
    try:
        sent = int(str(timestamp).strip())
    except ValueError as exc:
        raise Unauthenticated(_("The timestamp is not a number of seconds."), code="stale") from exc
    if abs(now.timestamp() - sent) > source.timestamp_window:
        raise Unauthenticated(_("The request was signed too long ago; send it again, newly signed."), code="stale")
    return source


def _payload(body: bytes) -> dict:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput(_("The body is not JSON."), fields={"body": [_("Send a JSON object.")]}) from exc
    if not isinstance(data, dict):
        raise InvalidInput(_("The body is not a JSON object."), fields={"body": [_("Send a JSON object.")]})
    return data


def _required(data: dict, field: str, limit: int) -> str:
    value = data.get(field)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        message = _("“%(field)s” is required (text of at most %(n)d characters).") % {"field": field, "n": limit}
        raise InvalidInput(message, fields={field: [message]})
    return value.strip()


def _event_time(data: dict, now: dt.datetime) -> dt.datetime:
    value = data.get("time")
    if value in (None, ""):
        return now
    parsed = parse_datetime(str(value)) if isinstance(value, str) else None
    if parsed is None:
        message = _("“time” must be an ISO 8601 date and time with its offset.")
        raise InvalidInput(message, fields={"time": [message]})
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _confidence(data: dict) -> Decimal | None:
    value = data.get("confidence")
    if value is None:
        return None
    try:
        confidence = Decimal(str(value)).quantize(Decimal("0.001"))
    except InvalidOperation as exc:
        message = _("“confidence” must be a number between 0 and 1.")
        raise InvalidInput(message, fields={"confidence": [message]}) from exc
    if not Decimal("0") <= confidence <= Decimal("1"):
        message = _("“confidence” must be a number between 0 and 1.")
        raise InvalidInput(message, fields={"confidence": [message]})
    return confidence


def _snapshot(data: dict) -> tuple[bytes | None, str, str]:
    """(image bytes or None, content type, URL) from `snapshot` (base64) and `snapshot_url`."""
    url = data.get("snapshot_url") or ""
    if url:
        try:
            URLValidator(schemes=["http", "https"])(str(url))
        except ValidationError as exc:
            message = _("“snapshot_url” is not a valid http(s) URL.")
            raise InvalidInput(message, fields={"snapshot_url": [message]}) from exc
        if len(url) > 500:
            message = _("“snapshot_url” is longer than 500 characters.")
            raise InvalidInput(message, fields={"snapshot_url": [message]})
    encoded = data.get("snapshot")
    if not encoded:
        return None, "", str(url)
    try:
        content = base64.b64decode(str(encoded), validate=True)
    except (binascii.Error, ValueError) as exc:
        message = _("“snapshot” must be a base64-encoded JPEG, PNG or WebP image.")
        raise InvalidInput(message, fields={"snapshot": [message]}) from exc
    if len(content) > conf.get("INTEGRATIONS_CAMERA_SNAPSHOT_MAX_BYTES"):
        message = _("“snapshot” is too large.")
        raise InvalidInput(message, fields={"snapshot": [message]})
    kind = case_services.sniff(content[:16])
    if kind not in SNAPSHOT_TYPES:
        message = _("“snapshot” must be a base64-encoded JPEG, PNG or WebP image.")
        raise InvalidInput(message, fields={"snapshot": [message]})
    return content, kind, str(url)


def camera_event_receive(
    *, source_code: str, timestamp: str, signature: str, body: bytes, now: dt.datetime | None = None
) -> CameraEvent:
    """Receive one alert. The signature over the raw body is checked before anything is parsed; a
    stale timestamp, a replayed event id, an unknown camera or type is refused with nothing
    written. Otherwise, in one transaction: a new case on the camera channel at the camera's place
    (and the grid's on-duty worker notified), or, when the same camera reported the same type
    within the type's window and that case is still open, a note on that case (alerts counted)."""
    now = now or timezone.now()
    source = _authenticate(source_code, timestamp, signature, body, now)
    data = _payload(body)
    event_id = _required(data, "event_id", 100)
    camera_code = _required(data, "camera", 64)
    type_name = _required(data, "type", 50)
    occurred_at = _event_time(data, now)
    confidence = _confidence(data)
    content, content_type, snapshot_url = _snapshot(data)
    remark = str(data.get("description") or "").strip()[:1000]
    camera = Camera.objects.select_related("area").filter(source=source, code=camera_code, is_active=True).first()
    if camera is None:
        raise NotFound(_("Camera “%(code)s” is not registered for this source.") % {"code": camera_code})
    event_type = (
        CameraEventType.objects.select_related("category").filter(is_active=True, code=type_name).first()
        or CameraEventType.objects.select_related("category").filter(is_active=True, name=type_name).first()
    )
    if event_type is None:
        message = _("“%(type)s” is not a known alert type.") % {"type": type_name}
        raise InvalidInput(message, fields={"type": [message]})
    if CameraEvent.objects.filter(source=source, event_id=event_id).exists():
        raise Conflict(_("This alert was received already."), code="replayed")
    written: list[str] = []
    try:
        return _record_event(
            source=source, camera=camera, event_type=event_type, event_id=event_id, occurred_at=occurred_at,
            confidence=confidence, content=content, content_type=content_type, snapshot_url=snapshot_url,
            remark=remark, now=now, written=written,
        )
    except IntegrityError as exc:  # the same event id raced in
        _forget_files(written)
        raise Conflict(_("This alert was received already."), code="replayed") from exc
    except Exception:
        _forget_files(written)
        raise


def _forget_files(names: list[str]) -> None:
    """Remove the snapshot files of a transaction that rolled back (nothing is left behind)."""
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


@transaction.atomic
def _record_event(
    *,
    source: CameraSource,
    camera: Camera,
    event_type: CameraEventType,
    event_id: str,
    occurred_at: dt.datetime,
    confidence: Decimal | None,
    content: bytes | None,
    content_type: str,
    snapshot_url: str,
    remark: str,
    now: dt.datetime,
    written: list[str],
) -> CameraEvent:
    # One camera's alerts are handled one at a time, so two repeats cannot both open a case.
    camera = Camera.objects.select_for_update().select_related("area", "source").get(pk=camera.pk)
    actor = camera_actor(source)
    require(actor, "integrations.camera_event_receive")
    event = CameraEvent(
        source=source, event_id=event_id, camera=camera, event_type=event_type, confidence=confidence,
        occurred_at=occurred_at, snapshot_url=snapshot_url,
    )
    extension = (mimetypes.guess_extension(content_type) or "") if content else ""
    file_name = f"{hashlib.sha256(event_id.encode()).hexdigest()[:20]}{extension}"
    if content:
        event.snapshot.save(file_name, ContentFile(content), save=False)
        written.append(event.snapshot.name)
    attachments = [SimpleUploadedFile(file_name, content, content_type=content_type)] if content else []
    shown_confidence = f"{confidence:.2f}" if confidence is not None else _("not given")
    when = timezone.localtime(occurred_at).strftime("%Y-%m-%d %H:%M:%S")
    if confidence is not None and confidence < event_type.min_confidence:
        event.outcome = CameraOutcome.IGNORED
        event.save()
        audit.record(actor=actor, action="integrations.camera_event.ignore", obj=event,
                     after={"event_id": event_id, "type": event_type.code, "confidence": confidence})
        return event
    incident = (
        CameraIncident.objects.select_for_update()
        .select_related("case")
        .filter(
            camera=camera,
            event_type=event_type,
            last_alert_at__gte=occurred_at - dt.timedelta(minutes=event_type.fold_minutes),
            case__state__in=[*OPEN_STATES, State.VERIFYING],
        )
        .order_by("-last_alert_at")
        .first()
    )
    if incident is not None:
        incident.alert_count += 1
        incident.last_alert_at = max(incident.last_alert_at, occurred_at)
        incident.save(update_fields=["alert_count", "last_alert_at"])
        note = _("Camera alert repeated (%(n)d alerts so far): “%(type)s” at %(time)s, confidence %(confidence)s.") % {
            "n": incident.alert_count, "type": event_type.name, "time": when, "confidence": shown_confidence,
        }
        if remark:
            note += f"\n{remark}"
        if snapshot_url:
            note += f"\n{snapshot_url}"
        case_services.case_add_note(actor=actor, case=incident.case, note=note, attachments=attachments)
        event.case, event.outcome = incident.case, CameraOutcome.FOLDED
        event.save()
        audit.record(actor=actor, action="integrations.camera_event.fold", obj=event,
                     after={"event_id": event_id, "case": incident.case_id, "alerts": incident.alert_count})
        return event
    description = _(
        "Camera %(camera)s (%(code)s) reported “%(type)s” at %(time)s, confidence %(confidence)s."
    ) % {"camera": camera.name, "code": camera.code, "type": event_type.name, "time": when,
         "confidence": shown_confidence}
    if remark:
        description += f"\n{remark}"
    if snapshot_url:
        description += "\n" + _("Snapshot: %(url)s") % {"url": snapshot_url}
    case = case_services.case_submit(
        actor=actor,
        channel=Channel.CAMERA,
        category=event_type.category,
        title=f"{event_type.name}：{camera.name}"[:200],
        description=description,
        location=camera.area,
        latitude=camera.latitude,
        longitude=camera.longitude,
        address=camera.name[:200],
        attachments=attachments,
    )
    CameraIncident.objects.create(
        camera=camera, event_type=event_type, case=case, alert_count=1, first_alert_at=occurred_at,
        last_alert_at=occurred_at,
    )
    event.case, event.outcome = case, CameraOutcome.CREATED
    event.save()
    grid = selectors.grid_of(camera.area)
    recipients = selectors.on_duty(grid=grid, at=now) if grid is not None else []
    notifications.notify(
        recipients=recipients,
        title=_("Camera alert: %(type)s at %(place)s — please go now") % {"type": event_type.name, "place": camera.name},
        body=_("Case %(ref)s: %(description)s") % {"ref": case.reference, "description": description[:300]},
        url=f"/cases/{case.pk}/",
        obj=case,
        kind="integrations.camera_alert",
    )
    audit.record(
        actor=actor, action="integrations.camera_event.create_case", obj=event,
        after={"event_id": event_id, "case": case.pk, "notified": [u.pk for u in recipients]},
    )
    return event
