"""Filing a request an Open311 client sent with its API key: through the case intake, as the
system acting for the key, within the key's area and channels. (The GeoReport v2 documents
themselves are rendered by `integrations.georeport`.)"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Length, StrIndex
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.cases import routing as case_routing
from gongzhi.cases import services as case_services
from gongzhi.cases.models import Case, Category, Channel
from gongzhi.core import audit
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.permissions import require

from .. import selectors
from ..errors import KeyRefused
from ..models import ApiKey, Open311Submission
from .keys import key_actor

MAX_DESCRIPTION = 4000


def _resolve_location(
    *, key: ApiKey, lat: str, long: str, address_string: str, address_id: str, jurisdiction: AreaNode | None
) -> tuple[AreaNode, Decimal | None, Decimal | None]:
    node = _located(key=key, lat=lat, long=long, address_string=address_string, address_id=address_id,
                    jurisdiction=jurisdiction)
    location, lat_value, lon_value = node
    if key.area_id and not location.path.startswith(key.area.path):
        raise KeyRefused(_("The location lies outside the area of this api_key."))
    if jurisdiction is not None and not location.path.startswith(jurisdiction.path):
        message = _("The location lies outside that jurisdiction.")
        raise InvalidInput(message, fields={"jurisdiction_id": [message]})
    return node


def _located(
    *, key: ApiKey, lat: str, long: str, address_string: str, address_id: str, jurisdiction: AreaNode | None
) -> tuple[AreaNode, Decimal | None, Decimal | None]:
    paths = [p for p in (key.area.path if key.area_id else "", jurisdiction.path if jurisdiction else "") if p]
    within = max(paths, key=len) if paths else ""  # the narrower of the key's area and the jurisdiction
    if address_id:
        node = AreaNode.objects.filter(code=address_id.strip(), is_active=True).first()
        if node is None or node.kind not in case_routing.LOCATION_KINDS:
            message = _("address_id “%(id)s” is not a known building, grid, entrance or household code.") % {
                "id": address_id
            }
            raise InvalidInput(message, fields={"address_id": [message]})
    else:
        node = None
    lat_value = lon_value = None
    if lat or long:
        try:
            lat_value, lon_value = Decimal(lat), Decimal(long)
        except (InvalidOperation, TypeError) as exc:
            message = _("Send both lat and long as numbers (WGS84).")
            raise InvalidInput(message, fields={"lat": [message]}) from exc
        if not (-90 <= lat_value <= 90 and -180 <= lon_value <= 180):
            message = _("lat and long are out of range.")
            raise InvalidInput(message, fields={"lat": [message]})
        lat_value, lon_value = lat_value.quantize(Decimal("0.000001")), lon_value.quantize(Decimal("0.000001"))
        if node is None:
            node = case_routing.nearest_building(lat_value, lon_value, within=within)
            if node is None:
                message = _("No building is known near lat/long; send address_id instead.")
                raise InvalidInput(message, fields={"lat": [message]})
    if node is None and address_string:
        node = _node_named_in(address_string, within)
        if node is None:
            message = _("The address_string names no known building or grid; send lat/long or address_id.")
            raise InvalidInput(message, fields={"address_string": [message]})
    if node is None:
        message = _("Say where it is: lat and long, address_string or address_id.")
        raise InvalidInput(message, fields={"lat": [message]})
    return node, lat_value, lon_value


def _node_named_in(text: str, within: str) -> AreaNode | None:
    """The building or grid whose name (longest first) occurs in the address text."""
    qs = AreaNode.objects.filter(kind__in=[AreaKind.BUILDING, AreaKind.GRID], is_active=True)
    if within:
        qs = qs.filter(path__startswith=within)
    text = text.strip()[:500]
    if not text:
        return None
    return (
        qs.exclude(name="")
        .annotate(at=StrIndex(Value(text, output_field=CharField()), F("name")), name_length=Length("name"))
        .filter(at__gt=0)
        .order_by("-name_length", "path")
        .first()
    )


def _check_answers(category: Category, attributes: dict) -> dict:
    """Open311 attributes as answers to the matter's questions (datetime answers must parse)."""
    questions = {q.code: q for q in category.questions.all()}
    answers = {}
    for code, value in attributes.items():
        question = questions.get(code)
        if question is not None and question.datatype == "datetime" and value:
            if parse_datetime(str(value)) is None:
                message = _("attribute[%(code)s] must be an ISO 8601 date and time.") % {"code": code}
                raise InvalidInput(message, fields={f"attribute[{code}]": [message]})
        if question is not None and question.datatype != "multivaluelist" and isinstance(value, list):
            value = value[0] if value else ""
        if question is not None and question.datatype == "multivaluelist" and not isinstance(value, list):
            value = [value] if value else []
        answers[code] = value
    return answers


@transaction.atomic
def open311_submit(
    *,
    key: ApiKey,
    service_code: str,
    lat: str = "",
    long: str = "",
    address_string: str = "",
    address_id: str = "",
    attributes: dict | None = None,
    email: str = "",
    device_id: str = "",
    account_id: str = "",
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    description: str = "",
    media_url: str = "",
    channel: str = "",
    jurisdiction: AreaNode | None = None,
) -> tuple[Case, Open311Submission]:
    """File a request sent by an Open311 client with `key`: through `case_submit` on the key's
    channel (online unless the key allows and the client names another), as the system acting for
    the key. Raises InvalidInput (400), KeyRefused (403) or NotFound (404)."""
    if not (service_code or "").strip():
        message = _("service_code was not provided.")
        raise InvalidInput(message, fields={"service_code": [message]})
    category = selectors.service(service_code.strip())
    if category is None:
        raise NotFound(_("service_code “%(code)s” was not found.") % {"code": service_code})
    channel = (channel or "").strip() or (key.channels[0] if key.channels else Channel.ONLINE)
    if channel not in (key.channels or []):
        raise KeyRefused(_("This api_key may not file requests on the “%(channel)s” channel.") % {"channel": channel})
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        message = _("description is longer than 4,000 characters.")
        raise InvalidInput(message, fields={"description": [message]})
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            message = _("email is not a valid e-mail address.")
            raise InvalidInput(message, fields={"email": [message]}) from exc
    media_url = (media_url or "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError as exc:
            message = _("media_url is not a valid http(s) URL.")
            raise InvalidInput(message, fields={"media_url": [message]}) from exc
        if len(media_url) > 500:
            message = _("media_url is longer than 500 characters.")
            raise InvalidInput(message, fields={"media_url": [message]})
    location, lat_value, lon_value = _resolve_location(
        key=key, lat=lat, long=long, address_string=address_string or "", address_id=address_id or "",
        jurisdiction=jurisdiction,
    )
    answers = _check_answers(category, attributes or {})
    if not description:
        description = _("%(service)s (sent through Open311 without a description)") % {"service": category.name}
    first_line = description.splitlines()[0].strip() if description else ""
    title = first_line[:60] or category.name
    actor = key_actor(key)
    require(actor, "integrations.open311_submit")
    try:
        case = case_services.case_submit(
            actor=actor,
            channel=channel,
            category=category,
            title=title,
            description=description,
            location=location,
            latitude=lat_value,
            longitude=lon_value,
            address=(address_string or "").strip()[:200],
            caller_name=f"{(last_name or '').strip()}{(first_name or '').strip()}",
            caller_phone=phone or "",
            answers=answers,
        )
    except InvalidInput as exc:
        raise _open311_fields(exc) from exc
    submission = Open311Submission.objects.create(
        case=case,
        api_key=key,
        token=uuid.uuid4().hex,
        account_id=(account_id or "").strip()[:100],
        device_id=(device_id or "").strip()[:100],
        email=email[:254],
        media_url=media_url,
    )
    audit.record(
        actor=actor, action="integrations.open311.submit", obj=submission, area_path=case.area_path,
        after={"case": case.pk, "api_key": key.prefix, "service_code": category.code, "channel": channel},
    )
    return case, submission


_FIELD_NAMES = {
    "latitude": "lat", "location": "address_id", "caller_phone": "phone", "caller_name": "last_name",
    "title": "description", "category": "service_code",
}


def _open311_fields(exc: InvalidInput) -> InvalidInput:
    """The cases app's field names in Open311 terms (answers.X → attribute[X])."""
    fields = {}
    for name, messages in exc.fields.items():
        if name.startswith("answers."):
            name = f"attribute[{name.split('.', 1)[1]}]"
        fields[_FIELD_NAMES.get(name, name)] = messages
    return InvalidInput(exc.message, fields=fields)


