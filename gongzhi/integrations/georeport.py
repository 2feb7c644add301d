"""Open311 GeoReport v2 wire format: the documents (discovery, services, service definition,
service requests, errors) as plain data, and their XML and JSON renderings.

XML: schemaless, no namespace, the spec's root elements (`discovery`, `services`,
`service_definition`, `service_requests`, `errors`), preceded by the XML declaration with UTF-8.
JSON: the Spark convention — lists are arrays (services, service requests and errors are top-level
arrays; discovery and a service definition are objects).

What a request shows (decided for gongzhi, see README): never the requester's name, phone, e-mail
or account; the place to the level of the building (or grid), never the entrance or household;
coordinates of that building (or the reported point rounded to about 100 m); the description and
the feedback with ID and mobile numbers masked.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.cases.models import CaseEvent, Category, Kind, Level, State, Theme
from gongzhi.core.pii import redact

SPEC = "http://wiki.open311.org/GeoReport_v2"
XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"

# Element name of the members of each list (the XML side of the Spark convention).
MEMBERS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests": "request",
    "errors": "error",
}

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# ---------------------------------------------------------------------------------------------
# Rendering


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        member = MEMBERS.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, member), item)
    else:
        element.text = _text(value)


def to_xml(root: str, value) -> bytes:
    element = ET.Element(root)
    _fill(element, value)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8", xml_declaration=False)


def render(fmt: str, root: str, value, status: int = 200) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return HttpResponse(body.encode("utf-8"), status=status, content_type=JSON_TYPE)
    return HttpResponse(to_xml(root, value), status=status, content_type=XML_TYPE)


def errors(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    items = [{"code": status, "description": str(d)} for d in descriptions] or [{"code": status, "description": ""}]
    return render(fmt, "errors", items, status=status)


def w3c(value: dt.datetime | None) -> str | None:
    """A W3C datetime with the local offset, e.g. 2026-11-22T09:30:00+08:00."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def parse_w3c(value: str) -> dt.datetime | None:
    """A W3C datetime or date from a query string (a bare date is midnight, local time)."""
    from django.utils.dateparse import parse_date, parse_datetime

    value = (value or "").strip().replace(" ", "+")  # "+08:00" arrives as " 08:00" when not escaped
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is None:
            raise ValueError(value)
        parsed = dt.datetime.combine(day, dt.time.min)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


# ---------------------------------------------------------------------------------------------
# Documents


def discovery(*, base_url: str, changeset: str, contact: str, key_service: str, endpoint_type: str) -> dict:
    return {
        "changeset": changeset,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [
            {
                "specification": SPEC,
                "url": base_url,
                "changeset": changeset,
                "type": endpoint_type,
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def service_entry(category: Category) -> dict:
    keywords = [category.parent.name if category.parent_id else "", str(Kind(category.kind).label),
                str(Theme(category.theme).label)]
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or category.name,
        "metadata": bool(list(category.questions.all())),
        "type": "realtime",
        "keywords": ", ".join(k for k in keywords if k),
        "group": category.parent.name if category.parent_id else "",
    }


def _datatype_description(datatype: str) -> str | None:
    return {
        "number": _("A number."),
        "datetime": _("A date and time in ISO 8601 with its offset, e.g. 2026-11-22T09:30:00+08:00."),
        "singlevaluelist": _("Choose one of the values (send its key)."),
        "multivaluelist": _("Choose one or more of the values (send each key as attribute[code][])."),
        "text": _("Text; may contain line breaks."),
    }.get(datatype)


def service_definition(category: Category) -> dict:
    attributes = []
    for position, question in enumerate(sorted(category.questions.all(), key=lambda q: (q.order, q.code)), start=1):
        attribute = {
            "variable": True,
            "code": question.code,
            "datatype": question.datatype,
            "required": question.required,
            "datatype_description": _datatype_description(question.datatype),
            "order": position,
            "description": question.label,
        }
        if question.datatype in ("singlevaluelist", "multivaluelist"):
            attribute["values"] = [{"key": str(v.get("key", "")), "name": str(v.get("name", ""))}
                                   for v in question.values or []]
        attributes.append(attribute)
    return {"service_code": category.code, "attributes": attributes}


def service_notice(case) -> str:
    rules = case.rule.rules if case.rule_id else {}
    return _(
        "First contact within %(hours)s working hours; handled within %(days)s working days."
    ) % {"hours": rules.get("response_hours", "?"), "days": rules.get("handling_days", "?")}


CLOSED_STATES = {State.CLOSED, State.REJECTED, State.MERGED, State.AWAITING_RATING}


def status_of(case) -> str:
    """closed once resolved (awaiting the rating or closed), rejected or merged; open otherwise."""
    return "closed" if case.state in CLOSED_STATES else "open"


def _q(value, places: str) -> float | None:
    if value is None:
        return None
    return float(Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP))


class Places:
    """The public place of many cases at once: the building (or grid) node and its ancestors'
    names, read in one query."""

    def __init__(self, cases):
        self.public_path = {}
        paths = set()
        step = AreaNode.steplen
        for case in cases:
            path = case.location_path
            if case.location.kind in (AreaKind.UNIT, AreaKind.HOUSEHOLD):
                path = path[: 5 * step]  # the building
            self.public_path[case.pk] = path
            paths.update(path[: depth * step] for depth in range(1, len(path) // step + 1))
        self.nodes = {n.path: n for n in AreaNode.objects.filter(path__in=paths).only(
            "path", "name", "code", "kind", "latitude", "longitude")}

    def node(self, case) -> AreaNode | None:
        return self.nodes.get(self.public_path.get(case.pk))

    def address(self, case) -> str:
        path = self.public_path.get(case.pk, "")
        step = AreaNode.steplen
        names = []
        own = len(path) // step
        for depth in range(own, 0, -1):
            node = self.nodes.get(path[: depth * step])
            if node is None or (node.kind == AreaKind.GRID and depth != own):
                continue  # grids are an internal division: named only when the case lies at one
            names.append(node.name)
        return ", ".join(names)


def _status_notes(cases) -> dict[int, str]:
    """Feedback of resolved cases, the reason of rejected ones, the master of merged ones."""
    notes: dict[int, str] = {}
    rejected = [c.pk for c in cases if c.state == State.REJECTED]
    if rejected:
        for event in CaseEvent.objects.filter(case_id__in=rejected, action="reject", internal=False).order_by("id"):
            notes[event.case_id] = event.note
    for case in cases:
        if case.feedback:
            notes[case.pk] = case.feedback
        elif case.state == State.MERGED and case.master_id:
            notes[case.pk] = _("Merged into request %(ref)s.") % {"ref": case.master.reference}
    return {pk: redact(text) for pk, text in notes.items() if text}


def service_requests(cases) -> list[dict]:
    cases = list(cases)
    places = Places(cases)
    notes = _status_notes(cases)
    items = []
    for case in cases:
        node = places.node(case)
        lat = lon = None
        if node is not None and node.latitude is not None and node.longitude is not None:
            lat, lon = _q(node.latitude, "0.000001"), _q(node.longitude, "0.000001")
        elif case.latitude is not None and case.longitude is not None:
            lat, lon = _q(case.latitude, "0.001"), _q(case.longitude, "0.001")
        submission = getattr(case, "open311_submission", None)
        closed = status_of(case) == "closed"
        items.append({
            "service_request_id": case.reference,
            "status": status_of(case),
            "status_notes": notes.get(case.pk),
            "service_name": case.category.name,
            "service_code": case.category.code,
            "description": redact(case.description),
            "agency_responsible": case.department.name if case.level == Level.DEPARTMENT and case.department_id
            else case.area.name,
            "service_notice": service_notice(case),
            "requested_datetime": w3c(case.created_at),
            "updated_datetime": w3c((case.closed_at or case.resolved_at or case.updated_at) if closed
                                    else case.updated_at),
            "expected_datetime": w3c(case.handling_due),
            "address": places.address(case),
            "address_id": node.code if node is not None else None,
            "zipcode": None,
            "lat": lat,
            "long": lon,
            "media_url": submission.media_url if submission is not None and submission.media_url else None,
        })
    return items
