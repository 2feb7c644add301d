"""Import of residents from the .xlsx template (see `xlsx.COLUMNS`).

Every row is checked first — values, addresses in the actor's scope, duplicates within the file and
against the database. If any row is bad nothing is imported: the result carries every bad row with
its reasons, and an .xlsx error report is stored for download. A good file lands whole in one
transaction (bulk inserts and updates). People are keyed by ID number (through its keyed hash), so
importing the same file again updates them; a row without an ID number matches a person of the same
name in the same household who has no ID number either. A person registered in another area is
refused unless that area recorded the move-out: then the one record moves here, with its history.

Error messages never contain a full ID number or phone (only masked forms).
"""

from __future__ import annotations

import datetime
import re
import time
import uuid
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas import services as area_services
from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import audit, permissions, pii, scope
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, InvalidInput

from . import bulk, selectors, validation, xlsx
from .models import Gender, ImportJob, Move, MoveKind, Person, PersonStatus, PersonTag, Relation

MAX_ROWS = 200_000
_CHUNK = 900
_SPLIT_TAGS = re.compile(r"[、,，;；/\s]+")
_SUFFIXES = {
    AreaKind.BUILDING: ("号楼", "栋", "幢", "号", "楼"),
    AreaKind.UNIT: ("单元", "门"),
    AreaKind.HOUSEHOLD: ("室", "号", "房"),
}


@dataclass
class ImportResult:
    job: ImportJob
    rows: int = 0
    created: int = 0
    updated: int = 0
    households_created: int = 0
    errors: list[tuple[int, list[str]]] = field(default_factory=list)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step, for benchmarks

    @property
    def ok(self) -> bool:
        return not self.errors


def _norm(kind: str, text: str) -> str:
    text = re.sub(r"\s+", "", str(text)).lower()
    for suffix in _SUFFIXES.get(kind, ()):
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def _text(value) -> str:
    """A cell as text: whole numbers without “.0”, everything stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()[:10]
    return str(value).strip()


# ---------------------------------------------------------------------------------------------
# Reading


def _read_rows(file) -> tuple[dict[str, int], list[tuple[int, tuple]]]:
    if hasattr(file, "seek"):
        file.seek(0)
    columns: dict[str, int] = {}
    rows: list[tuple[int, tuple]] = []
    wanted = {header: key for key, header, _ in xlsx.COLUMNS}
    header_found = False
    try:
        for number, values in xlsx.iter_rows(file):
            if not header_found:
                labels = [str(v).strip().lstrip("*＊").strip() if v is not None else "" for v in values]
                if any(label in wanted for label in labels):
                    columns = {wanted[label]: i for i, label in enumerate(labels) if label in wanted}
                    header_found = True
                elif number > 10:
                    break
                continue
            if not any(v is not None and str(v).strip() != "" for v in values):
                continue
            rows.append((number, values))
            if len(rows) > MAX_ROWS:
                message = _("The file has more than %(n)d rows; split it into several files.") % {"n": MAX_ROWS}
                raise InvalidInput(message, fields={"file": [message]})
    except xlsx.NotAWorkbook as exc:
        message = _("The file is not an .xlsx workbook; download the template and fill it in.")
        raise InvalidInput(message, fields={"file": [message]}) from exc
    if not header_found:
        message = _("The header row of the template was not found; download the template and fill it in.")
        raise InvalidInput(message, fields={"file": [message]})
    missing = [header for key, header, required in xlsx.COLUMNS if required and key not in columns]
    if missing:
        message = _("Required columns are missing: %(columns)s") % {"columns": "、".join(missing)}
        raise InvalidInput(message, fields={"file": [message]})
    return columns, rows


# ---------------------------------------------------------------------------------------------
# Address resolution


class _Places:
    """Buildings, units and rooms in the actor's scope, looked up by code or name."""

    def __init__(self, actor: Actor):
        self.actor = actor
        buildings = selectors.area_nodes_visible(actor, AreaNode.objects.filter(kind=AreaKind.BUILDING)).values_list(
            "pk", "path", "code", "name", "estate__name"
        )
        self.building_by_code: dict[str, tuple] = {}
        self.building_by_name: dict[str, list[tuple]] = {}
        for pk, path, code, name, estate in buildings:
            row = (pk, path, code, name)
            self.building_by_code[code] = row
            keys = {name.strip().lower(), _norm(AreaKind.BUILDING, name)}
            if estate:  # as people write it: 铁建丽苑3号楼, 铁建丽苑 3号楼
                keys |= {re.sub(r"\s+", "", estate).lower() + key for key in keys}
            for key in keys:
                self.building_by_name.setdefault(key, []).append(row)
        self.children: dict[str, dict[str, tuple]] = {}  # parent path → key → (pk, path, code, name, kind)
        self.child_codes: dict[str, set[str]] = {}
        self.has_units: set[str] = set()
        self.loaded: set[str] = set()

    def building(self, key: str) -> tuple[tuple | None, str | None]:
        if key in self.building_by_code:
            return self.building_by_code[key], None
        found = (self.building_by_name.get(key.strip().lower()) or self.building_by_name.get(_norm(AreaKind.BUILDING, key))
                 or self.building_by_name.get(re.sub(r"\s+", "", key).lower()))
        if not found:
            return None, _("Building “%(b)s” is unknown in your area.") % {"b": key[:30]}
        if len({row[0] for row in found}) > 1:
            return None, _("Building name “%(b)s” is ambiguous in your area; write the building code.") % {"b": key[:30]}
        return found[0], None

    def load(self, building_paths: set[str]) -> None:
        todo = sorted(building_paths - self.loaded)
        steplen = AreaNode.steplen
        for start in range(0, len(todo), 200):
            chunk = todo[start : start + 200]
            qs = AreaNode.objects.filter(scope.path_q(chunk, ""), kind__in=(AreaKind.UNIT, AreaKind.HOUSEHOLD))
            for pk, path, code, name, kind in qs.values_list("pk", "path", "code", "name", "kind"):
                parent = path[:-steplen]
                entry = (pk, path, code, name, kind)
                bucket = self.children.setdefault(parent, {})
                bucket.setdefault(code, entry)
                bucket.setdefault(name.strip().lower(), entry)
                bucket.setdefault(_norm(kind, name), entry)
                self.child_codes.setdefault(parent, set()).add(code)
                if kind == AreaKind.UNIT:
                    self.has_units.add(parent)
            self.loaded.update(chunk)

    def child(self, parent_path: str, kind: str, key: str) -> tuple | None:
        bucket = self.children.get(parent_path, {})
        for candidate in (key, key.strip().lower(), _norm(kind, key)):
            entry = bucket.get(candidate)
            if entry and entry[4] == kind:
                return entry
        return None


# ---------------------------------------------------------------------------------------------
# Checking one row


@dataclass
class _Row:
    number: int
    raw: dict
    name: str = ""
    id_number: str = ""
    id_hash: str = ""
    phone: str = ""
    gender: str = Gender.UNKNOWN
    birth_date: datetime.date | None = None
    residence_type: str = ""
    relation: str = ""
    occupation: str = ""
    employer: str = ""
    is_party_member: bool = False
    tags: list[str] = field(default_factory=list)
    moved_in_on: datetime.date | None = None
    notes: str = ""
    household_pk: int | None = None
    new_household: tuple | None = None  # (parent pk, parent path, parent code, room text)
    errors: list[str] = field(default_factory=list)


def _choice(row: _Row, key: str, value: str, required: bool) -> str:
    if not value:
        if required:
            row.errors.append(_("%(column)s is required.") % {"column": xlsx.HEADER_OF[key]})
        return ""
    code = xlsx.LOOKUP[key].get(value) or xlsx.LOOKUP[key].get(value.lower())
    if code is None:
        row.errors.append(
            _("%(column)s: “%(value)s” is not one of the listed values.") % {"column": xlsx.HEADER_OF[key], "value": value[:20]}
        )
        return ""
    return code


def _check_row(number: int, values: tuple, columns: dict[str, int], id_index, today: datetime.date) -> _Row:
    raw = {key: (values[i] if i < len(values) else None) for key, i in columns.items()}
    row = _Row(number=number, raw=raw)
    text = {key: _text(value) for key, value in raw.items()}

    row.name = " ".join(text.get("name", "").split())
    if not row.name:
        row.errors.append(_("%(column)s is required.") % {"column": xlsx.HEADER_OF["name"]})
    elif len(row.name) > 50:
        row.errors.append(_("%(column)s is longer than %(n)d characters.") % {"column": xlsx.HEADER_OF["name"], "n": 50})

    id_cell = raw.get("id_number")
    gender = _choice(row, "gender", text.get("gender", ""), False)
    try:
        birth = validation.check_not_future(
            validation.clean_date(raw.get("birth_date"), label=xlsx.HEADER_OF["birth_date"]),
            label=xlsx.HEADER_OF["birth_date"])
    except ValueError as exc:
        row.errors.append(str(exc))
        birth = None
    if isinstance(id_cell, float) or (isinstance(id_cell, int) and not isinstance(id_cell, bool) and id_cell > 10**15):
        row.errors.append(_("%(column)s was stored as a number and lost digits; format the column as text.")
                          % {"column": xlsx.HEADER_OF["id_number"]})
    elif text.get("id_number"):
        try:
            number_, born, id_gender = validation.clean_id_number(text["id_number"])
        except ValueError as exc:
            row.errors.append(str(exc))
        else:
            row.id_number, row.id_hash = number_, id_index(number_)
            if birth and birth != born:
                row.errors.append(_("The date of birth does not match the ID number."))
            if gender and gender != Gender.UNKNOWN and gender != id_gender:
                row.errors.append(_("The gender does not match the ID number."))
            birth, gender = born, id_gender
    row.birth_date, row.gender = birth, gender or Gender.UNKNOWN

    try:
        row.phone = validation.clean_phone(text.get("phone", ""))
    except ValueError as exc:
        row.errors.append(str(exc))
    row.residence_type = _choice(row, "residence_type", text.get("residence_type", ""), True)
    row.relation = _choice(row, "relation", text.get("relation", ""), True)
    row.occupation = text.get("occupation", "")[:100]
    row.employer = text.get("employer", "")[:200]
    row.notes = text.get("notes", "")[:2000]
    party = text.get("party", "")
    if party in ("", xlsx.NO, "否", "n", "no", "0", "false"):
        row.is_party_member = False
    elif party in (xlsx.YES, "y", "yes", "1", "true", "党员", "中共党员"):
        row.is_party_member = True
    else:
        row.errors.append(_("%(column)s: write 是 or 否.") % {"column": xlsx.HEADER_OF["party"]})
    for label in [t for t in _SPLIT_TAGS.split(text.get("tags", "")) if t]:
        code = xlsx.LOOKUP["tags"].get(label) or xlsx.LOOKUP["tags"].get(label.lower())
        if code is None:
            row.errors.append(_("%(column)s: “%(value)s” is not a known group.") % {"column": xlsx.HEADER_OF["tags"], "value": label[:20]})
        elif code not in row.tags:
            row.tags.append(code)
    try:
        row.moved_in_on = validation.clean_date(raw.get("moved_in_on"), label=xlsx.HEADER_OF["moved_in_on"])
    except ValueError as exc:
        row.errors.append(str(exc))
    if row.moved_in_on and row.moved_in_on > today:
        row.errors.append(_("%(label)s cannot lie in the future (%(date)s is after today).")
                          % {"label": xlsx.HEADER_OF["moved_in_on"], "date": row.moved_in_on.isoformat()})
    return row


def _resolve_address(row: _Row, places: _Places, *, create_households: bool) -> None:
    text = {key: _text(row.raw.get(key)) for key in ("building", "unit", "room")}
    if not text["building"]:
        row.errors.append(_("%(column)s is required.") % {"column": xlsx.HEADER_OF["building"]})
        return
    if not text["room"]:
        row.errors.append(_("%(column)s is required.") % {"column": xlsx.HEADER_OF["room"]})
        return
    building, problem = places.building(text["building"])
    if building is None:
        row.errors.append(problem)
        return
    parent = building
    if text["unit"]:
        unit = places.child(building[1], AreaKind.UNIT, text["unit"])
        if unit is None:
            row.errors.append(_("Unit “%(u)s” is unknown in building %(b)s.") % {"u": text["unit"][:20], "b": building[3]})
            return
        parent = unit
    elif building[1] in places.has_units:
        row.errors.append(_("Building %(b)s has entrance units; fill in %(column)s.") % {"b": building[3], "column": xlsx.HEADER_OF["unit"]})
        return
    room = places.child(parent[1], AreaKind.HOUSEHOLD, text["room"])
    if room is not None:
        row.household_pk = room[0]
        return
    if not create_households:
        row.errors.append(_("Room “%(r)s” is unknown.") % {"r": text["room"][:20]})
        return
    if len(text["room"]) > 100:
        row.errors.append(_("%(column)s is too long.") % {"column": xlsx.HEADER_OF["room"]})
        return
    row.new_household = (parent[0], parent[1], parent[2], text["room"])


# ---------------------------------------------------------------------------------------------
# The import


def run_import(
    *, actor: Actor, file, file_name: str = "", create_households: bool = True, job: ImportJob | None = None
) -> ImportResult:
    """Check and import a file; `job`: an existing (queued) job to complete instead of a new one."""
    permissions.require(actor, "residents.import")
    started = time.perf_counter()
    file_name = (file_name or getattr(file, "name", "") or "residents.xlsx").rsplit("/", 1)[-1][:200]
    phases: dict[str, float] = {}
    mark = started

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases[name] = round(now - mark, 3)
        mark = now

    columns, raw_rows = _read_rows(file)
    lap("read")
    if not raw_rows:
        message = _("The file holds no rows below the header.")
        raise InvalidInput(message, fields={"file": [message]})

    id_index = pii.blind_indexer(pii.ID_NUMBER)
    today = timezone.localdate()
    rows = [_check_row(number, values, columns, id_index, today) for number, values in raw_rows]
    lap("check")

    # Addresses, in the actor's scope.
    places = _Places(actor)
    wanted_buildings = set()
    for row in rows:
        key = _text(row.raw.get("building"))
        if key:
            found, _problem = places.building(key)
            if found:
                wanted_buildings.add(found[1])
    places.load(wanted_buildings)
    resolved: dict[tuple, tuple] = {}  # rows of one household share the work
    for row in rows:
        key = (_text(row.raw.get("building")), _text(row.raw.get("unit")), _text(row.raw.get("room")))
        known = resolved.get(key)
        if known is None:
            errors_before = len(row.errors)
            _resolve_address(row, places, create_households=create_households)
            resolved[key] = (row.household_pk, row.new_household, row.errors[errors_before:])
        else:
            row.household_pk, row.new_household = known[0], known[1]
            row.errors.extend(known[2])

    # Duplicates within the file; two heads of one household.
    lap("addresses")
    rows_by_id: dict[str, list[int]] = {}
    for row in rows:
        if row.id_hash:
            rows_by_id.setdefault(row.id_hash, []).append(row.number)
    heads: dict[object, int] = {}
    for row in rows:
        if row.id_hash and len(rows_by_id[row.id_hash]) > 1:
            others = [str(n) for n in rows_by_id[row.id_hash] if n != row.number]
            row.errors.append(
                _("The ID number %(masked)s appears more than once in the file (also on row %(rows)s).")
                % {"masked": pii.mask_id_number(row.id_number), "rows": ", ".join(others[:10])}
            )
        if row.relation == Relation.HEAD:
            home: object = None
            if row.household_pk:
                home = row.household_pk
            elif row.new_household:
                home = (row.new_household[0], _norm(AreaKind.HOUSEHOLD, row.new_household[3]))
            if home is not None:
                if home in heads:
                    row.errors.append(_("The household already has a head of household on row %(row)d.") % {"row": heads[home]})
                else:
                    heads[home] = row.number

    # Against the database: people already registered (anywhere) with these ID numbers.
    existing: dict[str, tuple] = {}
    hashes = [r.id_hash for r in rows if r.id_hash]
    for start in range(0, len(hashes), _CHUNK):
        # The exclude lets PostgreSQL use the partial unique index (id_number_hash <> '').
        chunk = hashes[start : start + _CHUNK]
        for entry in Person.objects.filter(id_number_hash__in=chunk).exclude(id_number_hash="").values_list(
            "id_number_hash", "pk", "household_id", "household__path", "status"
        ):
            existing[entry[0]] = entry
    by_name: dict[tuple[int, str], int] = {}
    no_id_households = sorted({r.household_pk for r in rows if not r.id_hash and r.household_pk})
    for start in range(0, len(no_id_households), _CHUNK):
        for pk, household_id, name in Person.objects.filter(
            household_id__in=no_id_households[start : start + _CHUNK], id_number_hash=""
        ).exclude(status=PersonStatus.DECEASED).values_list("pk", "household_id", "name"):
            by_name.setdefault((household_id, name), pk)
    paths = scope.scope_paths(actor)
    for row in rows:
        found = existing.get(row.id_hash) if row.id_hash else None
        if found is None:
            continue
        if found[4] == PersonStatus.MOVED_OUT:
            continue  # moved out (of any area): moves in here, the one record follows the person
        if not scope.covers_path(actor, found[3]):
            row.errors.append(
                _("The ID number %(masked)s cannot be registered here. If the person moved in, the move-in is recorded "
                  "once the area they left has recorded the move-out.")
                % {"masked": pii.mask_id_number(row.id_number)}
            )
        elif found[4] == PersonStatus.DECEASED:
            row.errors.append(
                _("The ID number %(masked)s belongs to a person recorded as deceased.") % {"masked": pii.mask_id_number(row.id_number)}
            )

    _check_heads_against_records(rows, existing, by_name)
    lap("records")

    bad = [row for row in rows if row.errors]
    result = ImportResult(job=None, rows=len(rows), phases=phases)  # type: ignore[arg-type]
    if bad:
        result.errors = [(row.number, row.errors) for row in bad]
        report = xlsx.report_bytes(
            [(row.number, {k: _text(v) for k, v in row.raw.items()}, row.errors) for row in bad]
        )
        job = job or ImportJob(created_by=actor_user(actor), file_name=file_name)
        job.status, job.rows, job.error_count = ImportJob.Status.REJECTED, len(rows), len(bad)
        job.report.save(f"residents-errors-{uuid.uuid4().hex[:12]}.xlsx", ContentFile(report), save=False)
        result.seconds = time.perf_counter() - started
        job.seconds = result.seconds
        with transaction.atomic():
            job.save()
            audit.record(
                actor=actor, action="residents.import.reject", obj=job,
                after={"file": file_name, "rows": len(rows), "bad_rows": len(bad)}, area_path=(paths[0] if paths else ""),
            )
        result.job = job
        return result

    try:
        with transaction.atomic():
            _write(actor, rows, existing, by_name, result)
            lap("write")
            job = _success_job(actor, file_name, rows, result, started, paths, job)
    except IntegrityError as exc:  # another import or change registered the same people meanwhile
        raise Conflict(_("Someone changed these records while the file was being imported; import it again.")) from exc
    result.job = job
    return result


def _success_job(
    actor: Actor, file_name: str, rows: list, result: ImportResult, started: float, paths, job: ImportJob | None
) -> ImportJob:
    result.seconds = time.perf_counter() - started
    job = job or ImportJob(created_by=actor_user(actor), file_name=file_name)
    job.status, job.rows, job.seconds = ImportJob.Status.SUCCEEDED, len(rows), result.seconds
    job.created_count, job.updated_count, job.households_created = result.created, result.updated, result.households_created
    job.save()
    audit.record(
        actor=actor, action="residents.import", obj=job,
        after={"file": file_name, "rows": len(rows), "created": result.created, "updated": result.updated,
               "households_created": result.households_created},
        area_path=(paths[0] if paths else ""),
    )
    return job


def _matched_pk(row: _Row, existing: dict, by_name: dict) -> int | None:
    if row.id_hash:
        found = existing.get(row.id_hash)
        return found[1] if found else None
    return by_name.get((row.household_pk, row.name)) if row.household_pk else None


def _check_heads_against_records(rows: list[_Row], existing: dict, by_name: dict) -> None:
    """A head of household in the file for a household that already has another living head in
    the records is an error — unless the file also changes that person's relation."""
    head_rows = [r for r in rows if r.relation == Relation.HEAD and r.household_pk and not r.errors]
    if not head_rows:
        return
    households = sorted({r.household_pk for r in head_rows})
    current: dict[int, int] = {}
    for start in range(0, len(households), _CHUNK):
        current.update(
            Person.objects.filter(
                household_id__in=households[start : start + _CHUNK], relation=Relation.HEAD, status=PersonStatus.LIVING
            ).values_list("household_id", "pk")
        )
    relation_in_file = {}
    for row in rows:
        pk = _matched_pk(row, existing, by_name)
        if pk:
            relation_in_file[pk] = (row.relation, row.household_pk)
    for row in head_rows:
        head_pk = current.get(row.household_pk)
        if head_pk is None or head_pk == _matched_pk(row, existing, by_name):
            continue
        relation, household = relation_in_file.get(head_pk, (Relation.HEAD, row.household_pk))
        if relation == Relation.HEAD and household == row.household_pk:
            row.errors.append(
                _("The household already has a head of household in the records; change that person's relation first.")
            )


_PERSON_FIELDS = [
    "household_id", "name", "name_initials", "name_pinyin", "gender", "birth_date", "id_number", "id_number_hash",
    "id_number_masked", "phone", "phone_hash", "phone_masked", "residence_type", "relation", "occupation", "employer",
    "is_party_member", "notes", "status", "moved_in_on", "moved_out_on", "died_on", "updated_at",
]
_MOVE_FIELDS = ["person_id", "kind", "date", "from_household_id", "to_household_id", "place", "note", "recorded_by_id",
                "recorded_at"]
_TAG_FIELDS = ["person_id", "kind", "start_on", "end_on", "note", "created_at"]


def _create_households(actor: Actor, rows: list[_Row]) -> int:
    wanted: dict[int, dict[str, list[_Row]]] = {}
    parents: dict[int, tuple] = {}
    for row in rows:
        if row.new_household:
            parent_pk, parent_path, parent_code, room = row.new_household
            parents[parent_pk] = (parent_path, parent_code)
            wanted.setdefault(parent_pk, {}).setdefault(_norm(AreaKind.HOUSEHOLD, room), []).append(row)
    created = 0
    for parent_pk, rooms in wanted.items():
        parent = AreaNode.objects.get(pk=parent_pk)
        taken = set(AreaNode.objects.filter(code__startswith=parent.code).values_list("code", flat=True))
        specs, next_number = [], 1
        for key, room_rows in rooms.items():
            room_text = room_rows[0].new_household[3]
            digits = re.sub(r"\D", "", key)
            code = f"{parent.code}{int(digits):04d}" if digits and 0 < int(digits) <= 9999 else ""
            if not code or code in taken:
                while f"{parent.code}{next_number:04d}" in taken:
                    next_number += 1
                code = f"{parent.code}{next_number:04d}"
            taken.add(code)
            name = room_text if not room_text.isdigit() else f"{room_text}室"
            specs.append({"kind": AreaKind.HOUSEHOLD, "code": code, "name": name, "_rows": room_rows})
        nodes = area_services.area_children_bulk_create(
            actor=actor, parent=parent, children=[{k: v for k, v in s.items() if k != "_rows"} for s in specs]
        )
        by_code = {n.code: n.pk for n in nodes}
        for spec in specs:
            for row in spec["_rows"]:
                row.household_pk = by_code[spec["code"]]
        created += len(specs)
    return created


def _write(actor: Actor, rows: list[_Row], existing: dict, by_name: dict, result: ImportResult) -> None:
    """Insert new people and update known ones with a few multi-row statements (see bulk.py)."""
    result.households_created = _create_households(actor, rows)
    encrypt = pii.encryptor()
    phone_index = pii.blind_indexer(pii.PHONE)
    now, today = timezone.now(), timezone.localdate()
    user = actor_user(actor)
    user_id = user.pk if user is not None else None
    note = _("imported")
    new_rows: list[tuple] = []
    new_sources: list[_Row] = []
    updates: list[tuple[int, _Row, tuple, tuple]] = []
    for row in rows:
        initials, full = validation.name_pinyin(row.name)
        values = (
            row.household_pk, row.name, initials, full, row.gender, row.birth_date, encrypt(row.id_number), row.id_hash,
            pii.mask_id_number(row.id_number), encrypt(row.phone), phone_index(row.phone), pii.mask_phone(row.phone),
            row.residence_type, row.relation, row.occupation, row.employer, row.is_party_member, row.notes,
            PersonStatus.LIVING, row.moved_in_on or today, None, None, now,
        )
        pk = _matched_pk(row, existing, by_name)
        if pk is None:
            new_rows.append(values)
            new_sources.append(row)
        else:
            found = existing.get(row.id_hash) if row.id_hash else (None, pk, row.household_pk, "", PersonStatus.LIVING)
            updates.append((pk, row, found, values))

    created_ids = bulk.insert(Person, [*_PERSON_FIELDS, "created_at"], [(*v, now) for v in new_rows], returning=True)
    moves = [
        (pk, MoveKind.MOVE_IN, row.moved_in_on or today, None, row.household_pk, "", note, user_id, now)
        for pk, row in zip(created_ids, new_sources, strict=True)
    ]
    tags = [(pk, kind, today, None, "", now) for pk, row in zip(created_ids, new_sources, strict=True) for kind in row.tags]
    if updates:
        ids = [pk for pk, _, _, _ in updates]
        open_tags: set[tuple[int, str]] = set()
        moved_in_on: dict[int, datetime.date] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            open_tags.update(PersonTag.objects.filter(person_id__in=chunk, end_on__isnull=True).values_list("person_id", "kind"))
            moved_in_on.update(Person.objects.filter(pk__in=chunk).values_list("pk", "moved_in_on"))
        moved_in_index = _PERSON_FIELDS.index("moved_in_on")
        changes = []
        for pk, row, found, values in updates:
            old_household, old_status = found[2], found[4]
            if not row.moved_in_on and old_status != PersonStatus.MOVED_OUT:  # keep the recorded date
                values = (*values[:moved_in_index], moved_in_on.get(pk) or today, *values[moved_in_index + 1 :])
            changes.append((pk, *values))
            if old_status == PersonStatus.MOVED_OUT:
                kind = MoveKind.RETURN if scope.covers_path(actor, found[3]) else MoveKind.MOVE_IN
                moves.append((pk, kind, row.moved_in_on or today, old_household, row.household_pk, "", note, user_id, now))
            elif old_household != row.household_pk:
                moves.append((pk, MoveKind.TRANSFER, today, old_household, row.household_pk, "", note, user_id, now))
            tags.extend((pk, kind, today, None, "", now) for kind in row.tags if (pk, kind) not in open_tags)
        bulk.update(Person, _PERSON_FIELDS, changes)
    bulk.insert(Move, _MOVE_FIELDS, moves)
    bulk.insert(PersonTag, _TAG_FIELDS, tags)
    result.created, result.updated = len(created_ids), len(updates)


# ---------------------------------------------------------------------------------------------
# Large files: run by the background worker (queued by services.residents_import_or_queue)


def run_queued(job_id: int) -> ImportJob | None:
    """Run one queued import (called by the worker); the encrypted upload is deleted afterwards."""
    import io
    import logging

    from gongzhi.core.context import action_context
    from gongzhi.core.errors import DomainError

    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id, status=ImportJob.Status.QUEUED).first()
        if job is None:
            return None  # already taken by another worker, or gone
        job.status = ImportJob.Status.RUNNING
        job.save(update_fields=["status"])
    try:
        with job.upload.open("rb") as handle:
            data = pii.decrypt_bytes(handle.read())
        with action_context(source="task:residents-import"):
            run_import(actor=job.created_by, file=io.BytesIO(data), file_name=job.file_name,
                       create_households=job.create_households, job=job)
    except DomainError as exc:
        job.status, job.message = ImportJob.Status.FAILED, exc.message[:300]
        job.save(update_fields=["status", "message"])
    except Exception:  # noqa: BLE001 - the job records the failure; the log has the traceback (no data)
        logging.getLogger(__name__).exception("residents import job %s failed", job.pk)
        job.status, job.message = ImportJob.Status.FAILED, _("The import failed; nothing was imported.")
        job.save(update_fields=["status", "message"])
    finally:
        if job.upload:
            job.upload.delete(save=False)
            ImportJob.objects.filter(pk=job.pk).update(upload="")
    job.refresh_from_db()
    return job
