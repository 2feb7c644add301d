"""Camera sources (the video-analytics systems that post alerts), cameras, the alert types that
map an alert to a catalogue matter, and the duty roster of grid workers."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.cases.models import Category
from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.permissions import can, require

from .. import selectors
from ..models import Camera, CameraEventType, CameraSource, DutyShift

SOURCE_FIELDS = ["code", "name", "timestamp_window", "is_active", "note"]
CAMERA_FIELDS = ["source", "code", "name", "area", "latitude", "longitude", "is_active"]
TYPE_FIELDS = ["code", "name", "category", "fold_minutes", "min_confidence", "is_active"]
SHIFT_FIELDS = ["grid", "user", "start", "end", "note"]


def _require_in_area(actor: Actor, action: str, node: AreaNode | None) -> None:
    """The role (403), then the area (404: outside the scope is indistinguishable from absent)."""
    require(actor, action)
    if node is not None and not can(actor, action, node):
        raise NotFound(_("The area lies outside your scope."))


def _locked(model, obj):
    locked = audit.lock(model, obj.pk)
    if locked is None:
        raise NotFound()
    return locked


# ---------------------------------------------------------------------------------------------
# Camera sources


def generate_secret() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def camera_source_create(
    *, actor: Actor, code: str, name: str, timestamp_window: int = 300, note: str = "", secret: str = ""
) -> tuple[CameraSource, str]:
    """Register a video-analytics system; returns the source and its signing secret (generated
    unless given; shown once: give it to the vendor)."""
    require(actor, "integrations.camera_source_edit")
    if secret and len(secret) < 24:
        message = _("A signing secret needs at least 24 characters.")
        raise InvalidInput(message, fields={"secret": [message]})
    secret = secret or generate_secret()
    source = CameraSource(code=code, name=name, secret=secret, timestamp_window=timestamp_window, note=note or "")
    audit.save(actor=actor, obj=source, action="integrations.camera_source.create", fields=SOURCE_FIELDS)
    return source, secret


@transaction.atomic
def camera_source_update(
    *, actor: Actor, source: CameraSource, name: str, timestamp_window: int, is_active: bool, note: str = ""
) -> CameraSource:
    require(actor, "integrations.camera_source_edit")
    source = _locked(CameraSource, source)
    before = audit.snapshot(source, SOURCE_FIELDS)
    source.name, source.timestamp_window, source.is_active, source.note = name, timestamp_window, is_active, note or ""
    return audit.save(actor=actor, obj=source, action="integrations.camera_source.update", fields=SOURCE_FIELDS,
                      before=before)


@transaction.atomic
def camera_source_rotate_secret(*, actor: Actor, source: CameraSource) -> tuple[CameraSource, str]:
    require(actor, "integrations.camera_source_edit")
    source = _locked(CameraSource, source)
    secret = generate_secret()
    source.secret = secret
    source.save(update_fields=["secret"])
    audit.record(actor=actor, action="integrations.camera_source.rotate_secret", obj=source)
    return source, secret


def camera_source_check(*, actor: Actor) -> None:
    """The admin form's dry run: may the actor register or change camera sources."""
    require(actor, "integrations.camera_source_edit")


# ---------------------------------------------------------------------------------------------
# Cameras


def camera_check(*, actor: Actor, area: AreaNode | None) -> None:
    """What `camera_save` refuses about the actor and the place, without writing (the admin form's
    dry run): the role, the area in the actor's scope, a building or a grid."""
    _require_in_area(actor, "integrations.camera_edit", area)
    if area is not None:
        _check_place(area)


def _check_place(area: AreaNode) -> None:
    if area.kind not in (AreaKind.BUILDING, AreaKind.GRID):
        message = _("Place the camera at a building or a grid.")
        raise InvalidInput(message, fields={"area": [message]})


@transaction.atomic
def camera_save(
    *,
    actor: Actor,
    camera: Camera | None = None,
    source: CameraSource,
    code: str,
    name: str,
    area: AreaNode,
    latitude=None,
    longitude=None,
    is_active: bool = True,
) -> Camera:
    """Register or change a camera, placed at a building or a grid within the actor's scope."""
    _require_in_area(actor, "integrations.camera_edit", area)
    if camera is not None and camera.pk:
        camera = _locked(Camera, camera)
        _require_in_area(actor, "integrations.camera_edit", camera.area)
        before = audit.snapshot(camera, CAMERA_FIELDS)
    else:
        camera, before = Camera(), None
    _check_place(area)
    camera.source, camera.code, camera.name, camera.area = source, (code or "").strip(), name, area
    camera.latitude, camera.longitude, camera.is_active = latitude, longitude, is_active
    return audit.save(actor=actor, obj=camera, action="integrations.camera.save", fields=CAMERA_FIELDS, before=before)


# ---------------------------------------------------------------------------------------------
# Alert types


def camera_event_type_check(*, actor: Actor) -> None:
    """The admin form's dry run: may the actor map alert types."""
    require(actor, "integrations.camera_type_edit")


@transaction.atomic
def camera_event_type_save(
    *,
    actor: Actor,
    event_type: CameraEventType | None = None,
    code: str,
    name: str,
    category: Category,
    fold_minutes: int = 30,
    min_confidence=Decimal("0"),
    is_active: bool = True,
) -> CameraEventType:
    """Map an alert type to a catalogue matter (a leaf), with its folding window."""
    require(actor, "integrations.camera_type_edit")
    if event_type is not None and event_type.pk:
        event_type = _locked(CameraEventType, event_type)
        before = audit.snapshot(event_type, TYPE_FIELDS)
    else:
        event_type, before = CameraEventType(), None
    if category.parent_id is None:
        message = _("Choose a matter of the catalogue, not a group.")
        raise InvalidInput(message, fields={"category": [message]})
    min_confidence = Decimal(str(min_confidence))
    if not Decimal("0") <= min_confidence <= Decimal("1"):
        message = _("The minimum confidence lies between 0 and 1.")
        raise InvalidInput(message, fields={"min_confidence": [message]})
    event_type.code, event_type.name, event_type.category = code, name, category
    event_type.fold_minutes, event_type.min_confidence, event_type.is_active = fold_minutes, min_confidence, is_active
    return audit.save(actor=actor, obj=event_type, action="integrations.camera_type.save", fields=TYPE_FIELDS,
                      before=before)


# ---------------------------------------------------------------------------------------------
# Duty roster


def duty_shift_check(*, actor: Actor, grid: AreaNode | None, user, start=None, end=None) -> None:
    """What the admin's roster form refuses before `duty_shift_save` is asked (its dry run): the
    role, the grid in the actor's scope, a shift that ends after it starts, a grid worker."""
    _require_in_area(actor, "integrations.duty_edit", grid)
    if start and end and end <= start:
        message = _("A shift must end after it starts.")
        raise InvalidInput(message, fields={"end": [message]})
    if user is not None and not selectors.may_be_on_duty(user, active_only=False):
        message = _("Choose an active grid worker.")
        raise InvalidInput(message, fields={"user": [message]})


@transaction.atomic
def duty_shift_save(
    *,
    actor: Actor,
    shift: DutyShift | None = None,
    grid: AreaNode,
    user,
    start: dt.datetime,
    end: dt.datetime,
    note: str = "",
) -> DutyShift:
    """Put a grid worker on duty for a grid from `start` to `end` (aware datetimes)."""
    _require_in_area(actor, "integrations.duty_edit", grid)
    if shift is not None and shift.pk:
        shift = _locked(DutyShift, shift)
        _require_in_area(actor, "integrations.duty_edit", shift.grid)
        before = audit.snapshot(shift, SHIFT_FIELDS)
    else:
        shift, before = DutyShift(), None
    if grid.kind != AreaKind.GRID:
        message = _("Choose a grid.")
        raise InvalidInput(message, fields={"grid": [message]})
    if user is None or not selectors.may_be_on_duty(user):
        message = _("Choose an active grid worker.")
        raise InvalidInput(message, fields={"user": [message]})
    for value, field in ((start, "start"), (end, "end")):
        if value is None or timezone.is_naive(value):
            message = _("Give the date and time with its time zone.")
            raise InvalidInput(message, fields={field: [message]})
    if end <= start:
        message = _("A shift must end after it starts.")
        raise InvalidInput(message, fields={"end": [message]})
    shift.grid, shift.user, shift.start, shift.end, shift.note = grid, user, start, end, note or ""
    return audit.save(actor=actor, obj=shift, action="integrations.duty_shift.save", fields=SHIFT_FIELDS,
                      before=before)


@transaction.atomic
def duty_shift_delete(*, actor: Actor, shift: DutyShift) -> None:
    shift = DutyShift.objects.select_for_update().select_related("grid").filter(pk=shift.pk).first()
    if shift is None:
        raise NotFound()
    _require_in_area(actor, "integrations.duty_edit", shift.grid)
    before = audit.snapshot(shift, SHIFT_FIELDS)
    audit.record(actor=actor, action="integrations.duty_shift.delete", obj=shift, before=before)
    shift.delete()
