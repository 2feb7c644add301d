"""Writes of the circle's directory: service points with their photos, rooms and ratings; providers
and the reveal of their contact's own phone; what each offers; the monthly themes. Master data goes
through `audit.save` (validated field by field, saved, the change recorded); every write asks the
gate on the area it lands in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require
from gongzhi.core.pii import is_phone, normalise_phone
from gongzhi.core.workflow import lock_visible

from .. import geo
from ..models import (
    MonthlyTheme,
    Offering,
    PointPhoto,
    PointRating,
    Provider,
    Room,
    Service,
    ServicePoint,
)
from .inputs import field_error, object_id, stars_value

POINT_FIELDS = ("name", "kind", "level", "area", "address", "latitude", "longitude", "hours", "hotline", "contact_name",
                "description", "keeper", "slot_capacity", "active")
PROVIDER_FIELDS = ("name", "kind", "area", "team", "unit", "address", "latitude", "longitude", "hours",
                   "service_radius_m", "hotline", "contact_name", "contact_phone", "user", "description", "active")
ROOM_FIELDS = ("name", "kind", "capacity", "bookable", "slot_minutes", "max_slots", "description")
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
PHOTO_MAX_BYTES = 10 * 1024 * 1024


def _area(actor: Actor, value, field: str = "area") -> AreaNode:
    pk = object_id(value)
    node = AreaNode.objects.visible_to(actor).filter(pk=pk).first() if pk is not None else None
    if node is None:
        raise field_error(field, _("Choose an area of yours."))
    return node


def _relations(actor: Actor, values: dict[str, Any]) -> None:
    """Accounts, teams and units given by id become rows; one that does not exist (or, for a team
    or unit, lies outside the actor's scope) is an error beside its field."""
    from django.contrib.auth import get_user_model

    from gongzhi.areas.models import Unit
    from gongzhi.volunteers.models import Team

    for name, rows in (("keeper", get_user_model().objects.filter(is_active=True)),
                       ("user", get_user_model().objects.filter(is_active=True)),
                       ("team", Team.objects.visible_to(actor)), ("unit", Unit.objects.visible_to(actor))):
        value = values.get(name)
        if name not in values or value in (None, "") or hasattr(value, "pk"):
            if name in values and value == "":
                values[name] = None
            continue
        pk = object_id(value)
        found = rows.filter(pk=pk).first() if pk is not None else None
        if found is None:
            raise field_error(name, _("Choose one that exists and is yours to pick."))
        values[name] = found


def _coordinates(values: dict[str, Any]) -> None:
    """Latitude and longitude come together, as numbers on the earth (both empty: not on the map)."""
    lat, lng = values.get("latitude"), values.get("longitude")
    if lat in (None, "") and lng in (None, ""):
        values["latitude"] = values["longitude"] = None
        return
    try:
        lat_d, lng_d = Decimal(str(lat)).quantize(Decimal("0.000001")), Decimal(str(lng)).quantize(Decimal("0.000001"))
    except (InvalidOperation, TypeError, ValueError):
        raise field_error("latitude", _("Give the latitude and longitude as numbers, e.g. 36.0611 and 103.7841.")) from None
    if not (-90 <= lat_d <= 90 and -180 <= lng_d <= 180):
        raise field_error("latitude", _("The point lies outside the earth's latitudes and longitudes."))
    values["latitude"], values["longitude"] = lat_d, lng_d


def _hours(values: dict[str, Any]) -> None:
    if "hours" in values:
        values["hours"] = values["hours"] or []
        problems = geo.hours_problems(values["hours"])
        if problems:
            raise field_error("hours", problems[0])


def _described_provider(provider: Provider) -> dict:
    """A provider as the audit keeps it: the contact's own phone masked, never in full."""
    data = audit.snapshot(provider, [f for f in PROVIDER_FIELDS if f != "contact_phone"])
    data["contact_phone"] = provider.contact_phone_masked
    return data


# --- points ---------------------------------------------------------------------------------------


@transaction.atomic
def point_save(*, actor: Actor, point: ServicePoint | int | None = None, **values: Any) -> ServicePoint:
    """Create a point (no `point`) or change one; only the fields given change."""
    unknown = set(values) - set(POINT_FIELDS)
    if unknown:
        raise TypeError(f"point_save() got unknown fields {sorted(unknown)}")
    require(actor, "circle.keep")  # the kind of action first: a resident is refused, not told of areas
    if "area" in values:
        values["area"] = _area(actor, values["area"])
    if "latitude" in values or "longitude" in values:
        _coordinates(values)
    _hours(values)
    _relations(actor, values)
    if point is None:
        row, before, action = ServicePoint(), None, "circle.point.create"
        require(actor, "circle.keep", values.get("area"))
    else:
        row = lock_visible(ServicePoint, actor=actor, pk=object_id(point))
        require(actor, "circle.keep", row)
        before, action = audit.snapshot(row, list(POINT_FIELDS)), "circle.point.update"
    for name, value in values.items():
        setattr(row, name, value)
    if "area" in values:
        require(actor, "circle.keep", row)
    return audit.save(actor=actor, obj=row, action=action, fields=list(POINT_FIELDS), before=before)


@transaction.atomic
def point_add_photo(*, actor: Actor, point: ServicePoint | int, image: UploadedFile, caption: str = "") -> PointPhoto:
    row = lock_visible(ServicePoint, actor=actor, pk=object_id(point))
    require(actor, "circle.keep", row)
    if image is None or not getattr(image, "size", 0):
        raise field_error("image", _("Choose a photo."))
    if image.size > PHOTO_MAX_BYTES:
        raise field_error("image", _("A photo is at most 10 MB."))
    if _sniff(image) not in PHOTO_TYPES:
        raise field_error("image", _("This file is not a photo (JPEG, PNG or WebP)."))
    photo = PointPhoto.objects.create(point=row, image=image, caption=(caption or "").strip()[:100])
    audit.record(actor=actor, action="circle.point.photo", obj=row, after={"photo": photo.pk, "caption": photo.caption})
    return photo


def _sniff(upload: UploadedFile) -> str:
    """The image type by the file's first bytes (the name and the browser's word are not trusted)."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return ""


@transaction.atomic
def point_rate(*, actor: Actor, point: ServicePoint | int, stars, comment: str = "") -> PointRating:
    """A signed-in user's stars for a point; a second rating replaces the first."""
    row = ServicePoint.objects.visible_to(actor).filter(pk=object_id(point), active=True).first()
    if row is None:
        raise NotFound()
    require(actor, "circle.order", row)
    value = stars_value(stars)
    text = (comment or "").strip()
    if len(text) > 500:
        raise field_error("comment", _("A comment is at most 500 characters."))
    rating, created = PointRating.objects.update_or_create(
        point=row, user=actor, defaults={"stars": value, "comment": text, "created_at": timezone.now()})
    audit.record(actor=actor, action="circle.point.rate", obj=row, after={"stars": value, "comment": text,
                                                                          "replaced": not created})
    return rating


@transaction.atomic
def room_save(*, actor: Actor, point: ServicePoint | int | None = None, room: Room | int | None = None,
              **values: Any) -> Room:
    """Create a room at `point` or change `room`; only the fields given change."""
    unknown = set(values) - set(ROOM_FIELDS)
    if unknown:
        raise TypeError(f"room_save() got unknown fields {sorted(unknown)}")
    if room is None:
        at = lock_visible(ServicePoint, actor=actor, pk=object_id(point))
        require(actor, "circle.keep", at)
        row, before, action = Room(point=at), None, "circle.room.create"
    else:
        row = lock_visible(Room, actor=actor, pk=object_id(room))
        require(actor, "circle.keep", row.point)
        before, action = audit.snapshot(row, list(ROOM_FIELDS)), "circle.room.update"
    for name, value in values.items():
        setattr(row, name, value)
    return audit.save(actor=actor, obj=row, action=action, fields=["point", *ROOM_FIELDS], before=before)


# --- providers ------------------------------------------------------------------------------------


@transaction.atomic
def provider_save(*, actor: Actor, provider: Provider | int | None = None, **values: Any) -> Provider:
    """Create a provider (no `provider`) or change one; only the fields given change. The contact's
    own phone is kept encrypted and recorded masked."""
    unknown = set(values) - set(PROVIDER_FIELDS)
    if unknown:
        raise TypeError(f"provider_save() got unknown fields {sorted(unknown)}")
    require(actor, "circle.keep")  # the kind of action first: a resident is refused, not told of areas
    if "area" in values:
        values["area"] = _area(actor, values["area"])
    if "latitude" in values or "longitude" in values:
        _coordinates(values)
    _hours(values)
    _relations(actor, values)
    if "contact_phone" in values:
        number = normalise_phone(values["contact_phone"] or "")
        if number and not is_phone(number):
            raise field_error("contact_phone", _("Enter a valid phone number."))
        values["contact_phone"] = number
    if provider is None:
        row, before, action = Provider(), None, "circle.provider.create"
        require(actor, "circle.keep", values.get("area"))
    else:
        row = lock_visible(Provider, actor=actor, pk=object_id(provider))
        require(actor, "circle.keep", row)
        before, action = _described_provider(row), "circle.provider.update"
    for name, value in values.items():
        setattr(row, name, value)
    if "area" in values:
        require(actor, "circle.keep", row)
    if row.latitude is None:
        raise field_error("latitude", _("A provider needs its place on the map: the walk is measured from it."))
    return audit.save(actor=actor, obj=row, action=action, fields=list(PROVIDER_FIELDS), before=before,
                      describe=_described_provider)


def provider_reveal_phone(*, actor: Actor, provider: Provider | int, reason: str = "") -> str:
    """The contact's own phone in full, for the staff of the provider's area; every reveal is audited."""
    row = Provider.objects.visible_to(actor).filter(pk=object_id(provider)).first()
    if row is None:
        raise NotFound()
    require(actor, "circle.reveal_phone", row)
    audit.record(actor=actor, action="circle.provider.reveal_phone", obj=row, after={"fields": ["contact_phone"]},
                 note=(reason or "")[:500])
    return row.contact_phone


# --- offerings and themes -------------------------------------------------------------------------


def _service(value, field: str = "service") -> Service:
    code = getattr(value, "code", value)
    found = Service.objects.filter(code=str(code or ""), active=True).first() if code else None
    if found is None:
        raise field_error(field, _("Choose a service of the menu."))
    return found


def _price(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        price = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise field_error("price", _("Give the price in yuan, e.g. 50 or 12.5; leave it empty when free.")) from None
    if price < 0 or price >= Decimal("1000000"):
        raise field_error("price", _("Give the price in yuan, e.g. 50 or 12.5; leave it empty when free."))
    return price


@transaction.atomic
def offering_set(*, actor: Actor, service, provider: Provider | int | None = None,
                 point: ServicePoint | int | None = None, price=None, price_note: str = "") -> Offering:
    """What a provider or a point offers, at a price (empty: free); setting it again changes the price."""
    if (provider is None) == (point is None):
        raise TypeError("offering_set() takes a provider or a point")
    owner = (lock_visible(Provider, actor=actor, pk=object_id(provider)) if provider is not None
             else lock_visible(ServicePoint, actor=actor, pk=object_id(point)))
    require(actor, "circle.keep", owner)
    item = _service(service)
    owner_field = "provider" if provider is not None else "point"
    offering, created = Offering.objects.update_or_create(
        service=item, **{owner_field: owner},
        defaults={"price": _price(price), "price_note": (price_note or "").strip()[:100]})
    audit.record(actor=actor, action="circle.offering.set", obj=owner,
                 after={"service": item.code, "price": offering.price, "price_note": offering.price_note,
                        "new": created})
    return offering


@transaction.atomic
def offering_remove(*, actor: Actor, offering: Offering | int) -> None:
    row = Offering.objects.visible_to(actor).select_for_update().filter(pk=object_id(offering)).first()
    if row is None:
        raise NotFound()
    owner = row.provider or row.point
    require(actor, "circle.keep", owner)
    audit.record(actor=actor, action="circle.offering.remove", obj=owner, before={"service": row.service.code,
                                                                                  "price": row.price})
    row.delete()


@transaction.atomic
def theme_set(*, actor: Actor, area, month, title: str, services=()) -> MonthlyTheme:
    """每月一主题: the month's theme of an area and the services it puts first on the menu."""
    require(actor, "circle.keep")
    node = _area(actor, area)
    require(actor, "circle.keep", node)
    if isinstance(month, dt.date):
        first = month.replace(day=1)
    else:
        try:
            first = dt.date.fromisoformat(f"{str(month or '').strip()[:7]}-01")
        except ValueError:
            raise field_error("month", _("Choose the month (YYYY-MM).")) from None
    text = (title or "").strip()
    if not text or len(text) > 100:
        raise field_error("title", _("Give the theme in at most 100 characters."))
    items = [_service(s, "services") for s in services]
    theme, created = MonthlyTheme.objects.update_or_create(area=node, month=first, defaults={"title": text})
    theme.services.set(items)
    audit.record(actor=actor, action="circle.theme.set", obj=theme,
                 after={"month": first, "title": text, "services": [s.code for s in items], "new": created})
    return theme
