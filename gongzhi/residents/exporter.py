"""Export of people to .xlsx with the import template's headers (so a revealed export can be
imported again). Masked unless the caller asked to reveal (the service checks the permission and
writes the audit event)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas import selectors as area_selectors
from gongzhi.core import xlsx as sheets

from . import selectors, xlsx
from .models import PersonStatus

# Widths (characters) of the template's columns in the export, then the status column.
_WIDTHS = {"name": 10, "gender": 6, "id_number": 22, "birth_date": 12, "phone": 16, "residence_type": 9,
           "relation": 11, "building": 20, "unit": 8, "room": 8, "occupation": 12, "employer": 18, "party": 9,
           "tags": 18, "moved_in_on": 12, "notes": 24}


def export_people(queryset: QuerySet, *, reveal: bool = False, batch: int = 2000, scope: str = "") -> tuple[bytes, int]:
    columns = [sheets.Column(header, _WIDTHS.get(key, 12), sheets.TEXT if key in ("id_number", "phone") else None)
               for key, header, _required in xlsx.COLUMNS] + [sheets.Column("状态", 8), sheets.Column("地址", 40)]  # 地址: as people say it (the import reads only the template's columns)
    book = sheets.Book()
    count = book.table(
        "居民信息", title=_("Residents"), scope=scope,
        period=_("As of %(date)s") % {"date": timezone.localdate().isoformat()},
        note=_("Full ID numbers and phones") if reveal else _("ID numbers and phones masked"),
        columns=columns, rows=_rows(queryset, reveal=reveal, batch=batch),
    )
    return book.to_bytes(), count


def _rows(queryset: QuerySet, *, reveal: bool, batch: int):
    qs = queryset.select_related("household").order_by("household__path", "id")
    if not reveal:
        qs = qs.defer("id_number", "phone")
    ordered = list(qs.values_list("pk", flat=True))
    status_labels = dict(PersonStatus.choices)
    for start in range(0, len(ordered), batch):
        people = list(qs.filter(pk__in=ordered[start : start + batch]))
        nodes = {p.household_id: p.household for p in people}
        places = _places(nodes.values())
        addresses = area_selectors.addresses(nodes.values())
        tags = selectors.current_tags_by_person([p.pk for p in people])
        for person in people:
            building, unit, room = places.get(person.household_id, ("", "", ""))
            yield (
                [
                    person.name,
                    xlsx.GENDER_LABELS.get(person.gender, ""),
                    person.id_number if reveal else person.id_number_masked,
                    person.birth_date.isoformat() if person.birth_date else "",
                    person.phone if reveal else person.phone_masked,
                    xlsx.RESIDENCE_LABELS.get(person.residence_type, ""),
                    xlsx.RELATION_LABELS.get(person.relation, ""),
                    building,
                    unit,
                    room,
                    person.occupation,
                    person.employer,
                    xlsx.YES if person.is_party_member else xlsx.NO,
                    "、".join(xlsx.TAG_LABELS.get(t.kind, t.kind) for t in tags.get(person.pk, [])),
                    person.moved_in_on.isoformat() if person.moved_in_on else "",
                    person.notes,
                    str(status_labels.get(person.status, person.status)),
                    addresses.get(person.household_id, ""),
                ]
            )


def _places(households) -> dict[int, tuple[str, str, str]]:
    """(building code, unit name, room name) per household node: codes for buildings so that the
    file imports back without ambiguity."""
    from gongzhi.areas.models import AreaKind, AreaNode

    households = list(households)
    steplen = AreaNode.steplen
    wanted = set()
    for node in households:
        for depth in range(1, node.depth):
            wanted.add(node.path[: depth * steplen])
    info = {}
    wanted_list = list(wanted)
    for start in range(0, len(wanted_list), 900):
        for path, kind, code, name in AreaNode.objects.filter(
            path__in=wanted_list[start : start + 900], kind__in=(AreaKind.BUILDING, AreaKind.UNIT)
        ).values_list("path", "kind", "code", "name"):
            info[path] = (kind, code, name)
    result = {}
    for node in households:
        building = unit = ""
        for depth in range(1, node.depth):
            entry = info.get(node.path[: depth * steplen])
            if entry and entry[0] == AreaKind.BUILDING:
                building = entry[1]
            elif entry and entry[0] == AreaKind.UNIT:
                unit = entry[2]
        result[node.pk] = (building, unit, node.name)
    return result
