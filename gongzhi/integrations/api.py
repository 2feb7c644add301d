"""The integrations' JSON API (mounted at /api/integrations/): the camera webhook, authenticated by
its HMAC signature rather than a user, and the duty roster lookup for staff."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from gongzhi.areas.models import AreaKind
from gongzhi.areas.selectors import area_node_get
from gongzhi.core.errors import InvalidInput, errors
from gongzhi.core.permissions import require

from . import selectors, services, signing
from .errors import TooLarge

router = Router(tags=["integrations"])


class CameraEventOut(Schema):
    event_id: str
    outcome: str
    case_id: int | None = None
    case_reference: str | None = None
    alert_count: int | None = None


@router.post(
    "/camera-events",
    auth=None,
    response={201: CameraEventOut, 200: CameraEventOut, **errors(400, 401, 404, 409, 413, 422)},
    summary="Receive a camera alert (signed with HMAC-SHA256; see the README)",
)
def camera_event(request: HttpRequest):
    """Headers: X-Gongzhi-Source (the source's code), X-Gongzhi-Timestamp (unix seconds) and
    X-Gongzhi-Signature (`sha256=` + hex HMAC-SHA256 under the source's secret over
    `<timestamp>.<raw body>`). Body: JSON {event_id, camera, type, time, confidence, snapshot
    (base64) or snapshot_url, description}. 401 bad signature or stale timestamp, 409 replayed
    event id, 404 unknown camera, 400 invalid body, 413 too large; nothing is written on any of these."""
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise TooLarge() from exc
    event = services.camera_event_receive(
        source_code=request.headers.get(signing.SOURCE_HEADER, ""),
        timestamp=request.headers.get(signing.TIMESTAMP_HEADER, ""),
        signature=request.headers.get(signing.SIGNATURE_HEADER, ""),
        body=body,
    )
    incident = getattr(event.case, "camera_incident", None) if event.case_id else None
    data = {
        "event_id": event.event_id,
        "outcome": event.outcome,
        "case_id": event.case_id,
        "case_reference": event.case.reference if event.case_id else None,
        "alert_count": incident.alert_count if incident is not None else None,
    }
    return Status(201 if event.outcome == "created" else 200, data)


class OnDutyOut(Schema):
    id: int
    username: str
    name: str


@router.get("/on-duty", response={200: list[OnDutyOut], **errors(400, 401, 403, 404, 422)}, summary="Who is on duty for a grid (now, or at a time)")
def on_duty(request: HttpRequest, grid_id: int, at: dt.datetime | None = None):
    require(request.auth, "integrations.on_duty_lookup")
    grid = area_node_get(user=request.auth, pk=grid_id)
    if grid.kind != AreaKind.GRID:
        message = _("Choose a grid.")
        raise InvalidInput(message, fields={"grid_id": [message]})
    users = selectors.on_duty(grid=grid, at=at or timezone.now())
    return [{"id": u.pk, "username": u.username, "name": str(u)} for u in users]
