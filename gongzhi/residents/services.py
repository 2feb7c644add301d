"""Writes to residents' records. Each function is one transaction: it asks the permission gate
(`core.permissions`), finds the record among those the actor may see (`visible_to`, locked),
validates, writes, and records an audit event. Audit events and error messages carry only masked
ID numbers and phones."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import audit, permissions, pii, scope
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Forbidden, InvalidInput, NotFound, invalid_from_validation_error

from . import importer, selectors, tasks, validation
from .exporter import export_people
from .models import (
    Gender,
    Household,
    ImportJob,
    Move,
    MoveKind,
    Person,
    PersonStatus,
    PersonTag,
    Relation,
    ResidenceType,
    TagKind,
    Visit,
    VisitPhoto,
)

# What audit events hold about a person: never the plaintext ID number or phone.
PERSON_AUDIT_FIELDS = [
    "household",
    "name",
    "gender",
    "birth_date",
    "id_number_masked",
    "phone_masked",
    "residence_type",
    "relation",
    "occupation",
    "employer",
    "is_party_member",
    "party_member",
    "user",
    "status",
    "moved_in_on",
    "moved_out_on",
    "died_on",
    "notes",
]

PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_COUNT = 9
# Signatures of the accepted image types (Pillow is not a dependency: checked by magic bytes).
_PHOTO_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
)


def _require(actor: Actor, action: str) -> None:
    """The role check of the gate (the object is looked up in the actor's scope afterwards, so an
    object outside it answers NotFound, not Forbidden)."""
    permissions.require(actor, action)


def _household_in_scope(actor: Actor, node: AreaNode) -> AreaNode:
    if not permissions.can(actor, "residents.view", node):
        raise NotFound()
    return node


def _require_household(node: AreaNode | None, field: str = "household") -> AreaNode:
    if node is None or node.kind != AreaKind.HOUSEHOLD:
        message = _("Choose a household (a room) of the area tree.")
        raise InvalidInput(message, fields={field: [message]})
    return node


def _person_in_scope(actor: Actor, person: Person, *, lock: bool = True) -> Person:
    qs = Person.objects.select_related("household")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.visible_or_404(actor, pk=person.pk)


def _snapshot(person: Person) -> dict:
    snap = audit.snapshot(person, PERSON_AUDIT_FIELDS)
    snap["notes"] = pii.redact(snap.get("notes") or "")  # free text may hold a number someone typed
    return snap


def _record_change(actor: Actor, action: str, person: Person, before: dict, *, note: str = "", always: bool = True) -> None:
    """The audit event of a change to a person: what changed against `before`, with redacted notes.
    (Not `audit.save`: a person's snapshot masks numbers typed into the notes, and moves save only
    the fields they change.)"""
    old, new = audit.diff(before, _snapshot(person))
    if always or new:
        audit.record(actor=actor, action=action, obj=person, before=old, after=new, note=note)


def _field_error(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _not_future(field: str, value) -> None:
    """A date of birth or move-in after today is refused on its field (forms, API, import alike)."""
    label = str(Person._meta.get_field(field).verbose_name)
    try:
        validation.check_not_future(value, label=label[:1].upper() + label[1:])
    except ValueError as exc:
        raise _field_error(field, str(exc)) from None


def _apply_identity(person: Person, *, name, id_number, phone, gender, birth_date) -> None:
    """Validate and set name, ID number (with derived birth date and gender), phone and the
    hashes and masked copies. Raises InvalidInput naming the field (masked values only)."""
    name = " ".join((name or "").split())
    if not name:
        raise _field_error("name", pgettext("person", "The name is required."))
    person.name = name
    person.name_initials, person.name_pinyin = validation.name_pinyin(name)
    if id_number:
        try:
            number, born, id_gender = validation.clean_id_number(id_number)
        except ValueError as exc:
            raise _field_error("id_number", str(exc)) from None
        if birth_date and birth_date != born:
            raise _field_error("birth_date", _("The date of birth does not match the ID number."))
        if gender and gender != Gender.UNKNOWN and gender != id_gender:
            raise _field_error("gender", _("The gender does not match the ID number."))
        person.id_number = number
        person.id_number_hash = pii.blind_index(pii.ID_NUMBER, number)
        person.id_number_masked = pii.mask_id_number(number)
        person.birth_date, person.gender = born, id_gender
    else:
        person.id_number = person.id_number_hash = person.id_number_masked = ""
        _not_future("birth_date", birth_date)
        person.birth_date = birth_date
        person.gender = gender or Gender.UNKNOWN
    try:
        number = validation.clean_phone(phone)
    except ValueError as exc:
        raise _field_error("phone", str(exc)) from None
    person.phone = number
    person.phone_hash = pii.blind_index(pii.PHONE, number)
    person.phone_masked = pii.mask_phone(number)


def _moved_out_record(id_hash: str) -> Person | None:
    """The record of a person with this ID number who moved out (anywhere), to register again."""
    if not id_hash:
        return None
    return (
        Person.objects.select_for_update().filter(id_number_hash=id_hash, status=PersonStatus.MOVED_OUT)
        .exclude(id_number_hash="").select_related("household").first()
    )


def _neutral_id_refusal() -> InvalidInput:
    """The one answer for an ID number held outside the caller's scope: it neither confirms nor
    denies that the number is registered elsewhere."""
    return _field_error(
        "id_number",
        _("This ID number cannot be registered here. If the person moved in, the move-in is recorded "
          "once the area they left has recorded the move-out."),
    )


def _check_unique_id(person: Person, actor: Actor) -> None:
    """Same ID number inside the caller's scope: "already registered" on the field; outside it: the
    neutral refusal, which does not confirm that the number exists elsewhere."""
    if not person.id_number_hash:
        return
    clash = (
        Person.objects.filter(id_number_hash=person.id_number_hash).exclude(id_number_hash="").exclude(pk=person.pk)
        .select_related("household").first()
    )
    if clash is None:
        return
    if not scope.covers_path(actor, clash.household.path):
        raise _neutral_id_refusal()
    raise _field_error(
        "id_number",
        _("A person with the ID number %(masked)s is already registered.") % {"masked": person.id_number_masked},
    )


def _full_clean(person: Person) -> None:
    try:
        person.full_clean(exclude=["id_number", "phone", "party_member", "user", "household"], validate_unique=False)
    except ValidationError as exc:
        raise invalid_from_validation_error(exc) from exc


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise _field_error(field, _("Choose a valid value."))
    return value


@transaction.atomic
def person_create(
    *,
    actor: Actor,
    household: AreaNode,
    name: str,
    id_number: str = "",
    phone: str = "",
    gender: str = "",
    birth_date: datetime.date | None = None,
    residence_type: str = ResidenceType.REGISTERED,
    relation: str = Relation.OTHER,
    occupation: str = "",
    employer: str = "",
    is_party_member: bool = False,
    moved_in_on: datetime.date | None = None,
    notes: str = "",
    tags: Iterable[str] = (),
) -> Person:
    """Register a person in a household (迁入 / 登记). Writes a move-in record."""
    _require(actor, "residents.register")
    _require_household(household)
    _household_in_scope(actor, household)
    person = Person(household=household)
    _apply_identity(person, name=name, id_number=id_number, phone=phone, gender=gender, birth_date=birth_date)
    person.residence_type = _choice(residence_type, ResidenceType, "residence_type")
    person.relation = _choice(relation, Relation, "relation")
    person.occupation, person.employer, person.notes = occupation.strip(), employer.strip(), notes.strip()
    person.is_party_member = bool(is_party_member)
    _not_future("moved_in_on", moved_in_on)
    person.moved_in_on = moved_in_on or timezone.localdate()
    previous = _moved_out_record(person.id_number_hash)
    if previous is not None:  # the registry keeps one person across moves: this is a move-in
        return _move_in(actor, previous, person, household, tags)
    _check_unique_id(person, actor)
    _full_clean(person)
    person.save()
    Move.objects.create(
        person=person, kind=MoveKind.MOVE_IN, date=person.moved_in_on, from_household=None,
        to_household=household, recorded_by=actor_user(actor),
    )
    for kind in tags:
        PersonTag.objects.create(person=person, kind=_choice(kind, TagKind, "tags"), start_on=timezone.localdate())
    audit.record(actor=actor, action="residents.person.create", obj=person, after={**_snapshot(person), "tags": list(tags)})
    return person


# What a move-in takes from the receiving grid worker's entry: the person's details as they give
# them now. Nothing recorded where they lived before (notes, phone, occupation, tags) is carried over.
_MOVE_IN_FIELDS = (
    "name", "name_initials", "name_pinyin", "gender", "birth_date", "id_number", "id_number_hash", "id_number_masked",
    "phone", "phone_hash", "phone_masked", "residence_type", "relation", "occupation", "employer", "is_party_member",
    "moved_in_on", "notes",
)


def _move_in(actor: Actor, previous: Person, entry: Person, household: AreaNode, tags: Iterable[str]) -> Person:
    old_household = previous.household
    in_scope = scope.covers_path(actor, old_household.path)
    before = _snapshot(previous) if in_scope else {"status": PersonStatus.MOVED_OUT}
    for field in _MOVE_IN_FIELDS:
        setattr(previous, field, getattr(entry, field))
    previous.household, previous.status, previous.moved_out_on = household, PersonStatus.LIVING, None
    previous.updated_at = timezone.now()
    _full_clean(previous)
    previous.save()
    Move.objects.create(
        person=previous, kind=MoveKind.MOVE_IN, date=previous.moved_in_on, from_household=old_household,
        to_household=household, recorded_by=actor_user(actor),
    )
    for kind in tags:
        kind = _choice(kind, TagKind, "tags")
        if not previous.tags.filter(kind=kind, end_on__isnull=True).exists():
            PersonTag.objects.create(person=previous, kind=kind, start_on=timezone.localdate())
    after = _snapshot(previous)
    if not in_scope:  # the receiving area's audit event does not carry where the person lived before
        after.pop("household", None)
        after["household"] = household.pk
    audit.record(actor=actor, action="residents.person.move_in", obj=previous, before=before,
                 after={**after, "tags": list(tags)}, note=_("Registered again after moving out."))
    return previous


@transaction.atomic
def person_move_in(
    *, actor: Actor, household: AreaNode, id_number: str, name: str, **values,
) -> Person:
    """迁入: a known person who moved out (of any area) moves into a household in the actor's area,
    found by ID number. One record follows the person; the receiving area sees only what it may see
    (selectors hide tags and moves from before the move-in, and the household they left). A number
    unknown, or held by someone still living elsewhere, gets the same neutral refusal."""
    _require(actor, "residents.register")
    _require_household(household)
    _household_in_scope(actor, household)
    entry = Person(household=household)
    _apply_identity(entry, name=name, id_number=id_number, phone=values.get("phone", ""),
                    gender=values.get("gender", ""), birth_date=values.get("birth_date"))
    if not entry.id_number_hash:
        raise _field_error("id_number", _("Enter the ID number of the person who moves in."))
    previous = _moved_out_record(entry.id_number_hash)
    if previous is None:
        raise _neutral_id_refusal()
    entry.residence_type = _choice(values.get("residence_type", ResidenceType.REGISTERED), ResidenceType, "residence_type")
    entry.relation = _choice(values.get("relation", Relation.OTHER), Relation, "relation")
    entry.occupation = (values.get("occupation") or "").strip()
    entry.employer = (values.get("employer") or "").strip()
    entry.notes = (values.get("notes") or "").strip()
    entry.is_party_member = bool(values.get("is_party_member", False))
    _not_future("moved_in_on", values.get("moved_in_on"))
    entry.moved_in_on = values.get("moved_in_on") or timezone.localdate()
    return _move_in(actor, previous, entry, household, values.get("tags", ()))


UPDATABLE = {
    "name", "id_number", "phone", "gender", "birth_date", "residence_type", "relation", "occupation", "employer",
    "is_party_member", "notes", "moved_in_on",
}


@transaction.atomic
def person_update(*, actor: Actor, person: Person, **values) -> Person:
    """Change a person's details (not where they live: see person_transfer / person_move_out)."""
    _require(actor, "residents.edit")
    unknown = set(values) - UPDATABLE
    if unknown:
        raise InvalidInput(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    person = _person_in_scope(actor, person)
    before = _snapshot(person)
    new_id = values.get("id_number", person.id_number)
    identity = {"name": values.get("name", person.name), "id_number": new_id, "phone": values.get("phone", person.phone)}
    if new_id:  # gender and date of birth follow the ID number; given values must match it
        identity.update(gender=values.get("gender", ""), birth_date=values.get("birth_date"))
    else:
        identity.update(gender=values.get("gender", person.gender), birth_date=values.get("birth_date", person.birth_date))
    _apply_identity(person, **identity)
    if "residence_type" in values:
        person.residence_type = _choice(values["residence_type"], ResidenceType, "residence_type")
    if "relation" in values:
        person.relation = _choice(values["relation"], Relation, "relation")
    for key in ("occupation", "employer", "notes"):
        if key in values:
            setattr(person, key, (values[key] or "").strip())
    if "is_party_member" in values:
        person.is_party_member = bool(values["is_party_member"])
    if "moved_in_on" in values:
        _not_future("moved_in_on", values["moved_in_on"])
        person.moved_in_on = values["moved_in_on"]
    _check_unique_id(person, actor)
    _full_clean(person)
    person.updated_at = timezone.now()
    person.save()
    _record_change(actor, "residents.person.update", person, before, always=False)
    return person


def _require_living(person: Person) -> None:
    if person.status != PersonStatus.LIVING:
        message = _("%(name)s is recorded as %(status)s.") % {"name": person.name, "status": person.get_status_display()}
        raise InvalidInput(message, fields={"status": [message]})


def _check_date(date: datetime.date | None, field: str = "date") -> datetime.date:
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise _field_error(field, _("The date cannot lie in the future."))
    return date


def _end_open_tags(person: Person, date: datetime.date) -> None:
    for tag in person.tags.filter(end_on__isnull=True):
        tag.end_on = max(date, tag.start_on)
        tag.save(update_fields=["end_on"])


@transaction.atomic
def person_move_out(
    *, actor: Actor, person: Person, date: datetime.date | None = None, place: str = "", note: str = ""
) -> Person:
    """迁出: the person leaves the area; the record stays (status moved out) with its history."""
    _require(actor, "residents.record_move")
    person = _person_in_scope(actor, person)
    _require_living(person)
    date = _check_date(date)
    before = _snapshot(person)
    person.status, person.moved_out_on, person.updated_at = PersonStatus.MOVED_OUT, date, timezone.now()
    person.save(update_fields=["status", "moved_out_on", "updated_at"])
    _end_open_tags(person, date)
    Move.objects.create(
        person=person, kind=MoveKind.MOVE_OUT, date=date, from_household=person.household, place=place.strip(),
        note=note.strip(), recorded_by=actor_user(actor),
    )
    _record_change(actor, "residents.person.move_out", person, before, note=note)
    return person


@transaction.atomic
def person_transfer(
    *, actor: Actor, person: Person, household: AreaNode, date: datetime.date | None = None, note: str = "",
    relation: str | None = None,
) -> Person:
    """A move to another household within the actor's area (辖区内搬迁)."""
    _require(actor, "residents.record_move")
    person = _person_in_scope(actor, person)
    _require_living(person)
    _require_household(household)
    _household_in_scope(actor, household)
    if household.pk == person.household_id:
        raise _field_error("household", _("The person already lives in this household."))
    date = _check_date(date)
    before = _snapshot(person)
    old = person.household
    person.household, person.updated_at = household, timezone.now()
    if relation:
        person.relation = _choice(relation, Relation, "relation")
    person.save()
    Move.objects.create(
        person=person, kind=MoveKind.TRANSFER, date=date, from_household=old, to_household=household, note=note,
        recorded_by=actor_user(actor),
    )
    _record_change(actor, "residents.person.transfer", person, before, note=note)
    return person


@transaction.atomic
def person_record_death(*, actor: Actor, person: Person, date: datetime.date, note: str = "") -> Person:
    _require(actor, "residents.record_move")
    person = _person_in_scope(actor, person)
    if person.status == PersonStatus.DECEASED:
        raise _field_error("status", _("The death is already recorded."))
    date = _check_date(date, "died_on")
    if person.birth_date and date < person.birth_date:
        raise _field_error("died_on", _("The date of death lies before the date of birth."))
    before = _snapshot(person)
    person.status, person.died_on, person.updated_at = PersonStatus.DECEASED, date, timezone.now()
    person.save(update_fields=["status", "died_on", "updated_at"])
    _end_open_tags(person, date)
    Move.objects.create(
        person=person, kind=MoveKind.DEATH, date=date, from_household=person.household, note=note,
        recorded_by=actor_user(actor),
    )
    _record_change(actor, "residents.person.death", person, before, note=note)
    return person


@transaction.atomic
def person_tag_add(
    *, actor: Actor, person: Person, kind: str, start_on: datetime.date | None = None, note: str = ""
) -> PersonTag:
    _require(actor, "residents.tag")
    person = _person_in_scope(actor, person)
    _require_living(person)
    kind = _choice(kind, TagKind, "kind")
    start_on = _check_date(start_on, "start_on")
    if person.tags.filter(kind=kind, end_on__isnull=True).exists():
        raise _field_error("kind", _("This person already has this tag."))
    tag = PersonTag.objects.create(person=person, kind=kind, start_on=start_on, note=note.strip())
    audit.record(
        actor=actor, action="residents.tag.add", obj=person,
        after={"tag": kind, "start_on": start_on, "note": tag.note},
    )
    return tag


@transaction.atomic
def person_tag_end(*, actor: Actor, tag: PersonTag, end_on: datetime.date | None = None, note: str = "") -> PersonTag:
    _require(actor, "residents.tag")
    tag = PersonTag.objects.select_for_update(of=("self",)).select_related("person").visible_or_404(actor, pk=tag.pk)
    if tag.end_on is not None:
        raise _field_error("end_on", _("This tag has already ended."))
    end_on = _check_date(end_on, "end_on")
    if end_on < tag.start_on:
        raise _field_error("end_on", _("A tag cannot end before it starts."))
    tag.end_on = end_on
    if note:
        tag.note = note.strip()[:200]
    tag.save(update_fields=["end_on", "note"])
    audit.record(actor=actor, action="residents.tag.end", obj=tag.person, after={"tag": tag.kind, "end_on": end_on})
    return tag


REVEALABLE = ("id_number", "phone")


@transaction.atomic
def person_reveal(*, actor: Actor, person: Person, fields: Iterable[str] = REVEALABLE, reason: str = "") -> dict:
    """The full ID number and/or phone of one person, for a user allowed to reveal; every call is
    an audit event (which fields, by whom, why — never the values)."""
    _require(actor, "residents.reveal")
    fields = [f for f in fields if f in REVEALABLE] or list(REVEALABLE)
    person = _person_in_scope(actor, person, lock=False)
    values = {f: getattr(person, f) for f in fields}
    audit.record(actor=actor, action="residents.person.reveal", obj=person, after={"fields": fields}, note=reason[:500])
    return values


HOUSEHOLD_CARD_FIELDS = ["tenure", "floor_area", "notes"]


@transaction.atomic
def household_card_save(
    *, actor: Actor, household: AreaNode, tenure: str, floor_area=None, notes: str = ""
) -> Household:
    _require(actor, "residents.edit_household_card")
    _require_household(household)
    _household_in_scope(actor, household)
    card, created = Household.objects.select_for_update().get_or_create(node=household)
    before = None if created else audit.snapshot(card, HOUSEHOLD_CARD_FIELDS)
    card.tenure = _choice(tenure, Household.Tenure, "tenure")
    card.floor_area, card.notes = floor_area, (notes or "").strip()
    return audit.save(
        actor=actor, obj=card, action="residents.household.save", fields=HOUSEHOLD_CARD_FIELDS, before=before
    )


def check_photo(upload) -> str:
    """The content type of an uploaded photo, after checking its size, extension and signature."""
    name = (getattr(upload, "name", "") or "").lower()
    size = getattr(upload, "size", 0) or 0
    if size > PHOTO_MAX_BYTES:
        raise _field_error("photos", _("A photo may be at most %(mb)d MB.") % {"mb": PHOTO_MAX_BYTES // (1024 * 1024)})
    if size == 0:
        raise _field_error("photos", _("The photo is empty."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type, extensions in _PHOTO_SIGNATURES:
        if head.startswith(signature) and name.endswith(extensions):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP" and name.endswith(".webp"):
        return "image/webp"
    raise _field_error("photos", _("Photos must be JPEG, PNG or WebP images."))


def _too_many_photos() -> InvalidInput:
    return _field_error("photos", _("At most %(n)d photos per visit.") % {"n": PHOTO_MAX_COUNT})


def _store_photo(visit: Visit, upload, content_type: str) -> VisitPhoto:
    """Store a checked photo under a random name (the original name may hold personal data)."""
    extension = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}[content_type]
    upload.name = f"{uuid.uuid4().hex}{extension}"
    return VisitPhoto.objects.create(visit=visit, file=upload, content_type=content_type, size=upload.size)


@transaction.atomic
def visit_create(
    *,
    actor: Actor,
    household: AreaNode,
    visited_at: datetime.datetime | None = None,
    people_met: Iterable[Person] = (),
    others_met: str = "",
    findings: str = "",
    follow_up_needed: bool = False,
    photos: Iterable = (),
) -> Visit:
    """Record a door visit (入户走访) to a household."""
    _require(actor, "residents.record_visit")
    _require_household(household)
    _household_in_scope(actor, household)
    visitor = actor_user(actor)
    if visitor is None:
        raise Forbidden(_("A visit is recorded by a person."))
    visited_at = visited_at or timezone.now()
    if timezone.is_naive(visited_at):
        visited_at = timezone.make_aware(visited_at)
    if visited_at > timezone.now() + datetime.timedelta(minutes=5):
        raise _field_error("visited_at", _("The time of the visit cannot lie in the future."))
    people = list(people_met)
    members = set(Person.objects.filter(household=household).values_list("pk", flat=True))
    if any(p.pk not in members for p in people):
        raise _field_error("people_met", _("Choose people of this household."))
    photos = list(photos)
    if len(photos) > PHOTO_MAX_COUNT:
        raise _too_many_photos()
    checked = [(photo, check_photo(photo)) for photo in photos]
    if not (findings.strip() or people or others_met.strip()):
        raise _field_error("findings", _("Write down whom you met or what you found."))
    visit = Visit.objects.create(
        household=household, visitor=visitor, visited_at=visited_at, others_met=others_met.strip()[:200],
        findings=findings.strip(), follow_up_needed=bool(follow_up_needed),
    )
    visit.people_met.set(people)
    for upload, content_type in checked:
        _store_photo(visit, upload, content_type)
    audit.record(
        actor=actor, action="residents.visit.create", obj=visit,
        after={
            "household": household.pk, "visited_at": visited_at, "people_met": [p.pk for p in people],
            "follow_up_needed": visit.follow_up_needed, "photos": len(checked),
        },
    )
    return visit


@transaction.atomic
def visit_photo_add(*, actor: Actor, visit: Visit, file) -> VisitPhoto:
    """Add one photo to a recorded visit. The visit row is locked while its photos are counted, so
    two uploads racing for the last place cannot both pass the cap of PHOTO_MAX_COUNT."""
    _require(actor, "residents.add_visit_photo")
    content_type = check_photo(file)
    visit = Visit.objects.select_for_update(of=("self",)).visible_or_404(actor, pk=visit.pk)
    if VisitPhoto.objects.filter(visit=visit).count() >= PHOTO_MAX_COUNT:
        raise _too_many_photos()
    photo = _store_photo(visit, file, content_type)
    audit.record(
        actor=actor, action="residents.visit.photo_add", obj=visit,
        after={"photo": photo.pk, "content_type": content_type, "size": photo.size},
    )
    return photo


@transaction.atomic
def visit_photos_add(*, actor: Actor, visit: Visit, files: Iterable) -> list[VisitPhoto]:
    """Add several photos to a visit at once: all or none (the cap counts them together)."""
    _require(actor, "residents.add_visit_photo")
    files = list(files)
    for upload in files:
        check_photo(upload)
    visit = Visit.objects.select_for_update(of=("self",)).visible_or_404(actor, pk=visit.pk)
    if VisitPhoto.objects.filter(visit=visit).count() + len(files) > PHOTO_MAX_COUNT:
        raise _too_many_photos()
    return [visit_photo_add(actor=actor, visit=visit, file=upload) for upload in files]


@transaction.atomic
def visit_link_case(*, actor: Actor, visit: Visit, case_ref: str) -> Visit:
    """Note the request (case) that a visit's findings were turned into (the case pipeline calls
    this after creating the case with channel `visit`)."""
    _require(actor, "residents.link_case")
    visit = Visit.objects.select_for_update(of=("self",)).visible_or_404(actor, pk=visit.pk)
    case_ref = (case_ref or "").strip()
    if not case_ref:
        raise _field_error("case_ref", _("Name the request."))
    before = audit.snapshot(visit, ["case_ref"])
    visit.case_ref, visit.follow_up_needed = case_ref[:64], False
    return audit.save(actor=actor, obj=visit, action="residents.visit.link_case", fields=["case_ref"], before=before)


def residents_import(*, actor: Actor, file, file_name: str = "", create_households: bool = True):
    """Import people from the .xlsx template now; see `gongzhi.residents.importer`."""
    return importer.run_import(actor=actor, file=file, file_name=file_name, create_households=create_households)


# Uploads larger than this go to the background worker (about 20,000 rows), so that a page or API
# request never waits for long; smaller ones are imported at once.
BACKGROUND_IMPORT_BYTES = 2 * 1024 * 1024


def residents_import_or_queue(*, actor: Actor, file, file_name: str = "", create_households: bool = True):
    """An ImportResult when the file was imported (or rejected) at once, or a queued ImportJob."""
    size = getattr(file, "size", None)
    if size is not None and size > BACKGROUND_IMPORT_BYTES:
        return _queue_import(actor=actor, file=file, file_name=file_name, create_households=create_households)
    return residents_import(actor=actor, file=file, file_name=file_name, create_households=create_households)


def _queue_import(*, actor: Actor, file, file_name: str, create_households: bool) -> ImportJob:
    """Store the upload encrypted and let the worker import it (`tasks.run_import_job`)."""
    permissions.require(actor, "residents.import")
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    job = ImportJob(
        created_by=actor_user(actor), file_name=(file_name or "residents.xlsx").rsplit("/", 1)[-1][:200],
        status=ImportJob.Status.QUEUED, create_households=create_households,
    )
    job.upload.save(f"{uuid.uuid4().hex}.bin", ContentFile(pii.encrypt_bytes(data)), save=False)
    with transaction.atomic():
        job.save()
        paths = scope.scope_paths(actor)
        audit.record(actor=actor, action="residents.import.queue", obj=job, after={"file": job.file_name},
                     area_path=(paths[0] if paths else ""))
        transaction.on_commit(lambda: tasks.run_import_job.enqueue(job.pk))
    return job


def residents_export(*, actor: Actor, queryset=None, reveal: bool = False, filters: dict | None = None,
                     area: AreaNode | None = None) -> bytes:
    """The people of `queryset` (default: everyone the actor sees) as .xlsx with the template's
    headers; masked unless `reveal` and the actor may reveal. Every export is an audit event. The
    title rows name `area` (the filter) or the actor's own areas, and the day of the export."""

    _require(actor, "residents.export")
    if reveal:
        _require(actor, "residents.reveal")
    qs = selectors.people_visible(user=actor) if queryset is None else queryset.visible_to(actor)
    paths = scope.scope_paths(actor)
    content, count = export_people(qs, reveal=reveal, scope=_scope_label(paths, area))
    audit.record(
        actor=actor, action="residents.person.export", obj=None,
        after={
            "rows": count, "revealed": bool(reveal),
            "filters": {k: pii.redact(v) if isinstance(v, str) else v for k, v in (filters or {}).items()},
        },
        area_path=(paths[0] if paths else ""),
    )
    return content


def _scope_label(paths: list[str] | None, area: AreaNode | None) -> str:
    """The area an export covers as people name it: 西站街道 瓜州路社区 第1网格 (each place in
    full); every area for the unrestricted."""
    nodes = [area] if area is not None else (
        list(AreaNode.objects.filter(path__in=paths).order_by("path")) if paths else [])
    if not nodes:
        return _("All areas") if paths is None else ""
    return "；".join(node.full_name.replace(" / ", " ") for node in nodes[:5])


@transaction.atomic
def people_bulk_create(*, actor: Actor, people: list[dict], note: str = "") -> list[Person]:
    """Register many people at once (demo data, moves from another system) in a few queries.

    Each dict holds `household` (an AreaNode) and `name`, and optionally id_number, phone, gender,
    birth_date, residence_type, relation, occupation, employer, is_party_member, moved_in_on,
    notes and `tags` (a list of (kind, start_on)). Everything is validated before anything is
    written (errors name the position, masked); one move-in per person; one audit event."""
    _require(actor, "residents.register")
    if not people:
        return []
    encrypt = pii.encryptor()
    id_index, phone_index = pii.blind_indexer(pii.ID_NUMBER), pii.blind_indexer(pii.PHONE)
    now, today, user = timezone.now(), timezone.localdate(), actor_user(actor)
    checked_paths: set[str] = set()
    seen: set[str] = set()
    built: list[tuple[Person, list]] = []
    for index, spec in enumerate(people):
        household = _require_household(spec.get("household"), f"people.{index}.household")
        if household.path not in checked_paths:
            _household_in_scope(actor, household)
            checked_paths.add(household.path)
        probe = Person(household=household)
        try:
            _apply_identity(
                probe, name=spec.get("name", ""), id_number=spec.get("id_number", ""), phone=spec.get("phone", ""),
                gender=spec.get("gender", ""), birth_date=spec.get("birth_date"),
            )
        except InvalidInput as exc:
            raise InvalidInput(
                _("Person %(n)d: %(message)s") % {"n": index + 1, "message": exc.message},
                fields={f"people.{index}.{k}": v for k, v in exc.fields.items()},
            ) from None
        if probe.id_number_hash:
            if probe.id_number_hash in seen:
                raise _field_error(f"people.{index}.id_number", _("The ID number %(masked)s appears twice.")
                                   % {"masked": probe.id_number_masked})
            seen.add(probe.id_number_hash)
        person = Person(
            household=household, name=probe.name, name_initials=probe.name_initials, name_pinyin=probe.name_pinyin,
            gender=probe.gender, birth_date=probe.birth_date, id_number=encrypt(probe.id_number),
            id_number_hash=id_index(probe.id_number), id_number_masked=probe.id_number_masked,
            phone=encrypt(probe.phone), phone_hash=phone_index(probe.phone), phone_masked=probe.phone_masked,
            residence_type=_choice(spec.get("residence_type", ResidenceType.REGISTERED), ResidenceType,
                                   f"people.{index}.residence_type"),
            relation=_choice(spec.get("relation", Relation.OTHER), Relation, f"people.{index}.relation"),
            occupation=spec.get("occupation", ""), employer=spec.get("employer", ""),
            is_party_member=bool(spec.get("is_party_member")), moved_in_on=spec.get("moved_in_on") or today,
            notes=spec.get("notes", ""), created_at=now, updated_at=now,
        )
        tags = [(_choice(kind, TagKind, f"people.{index}.tags"), start or today) for kind, start in spec.get("tags", ())]
        built.append((person, tags))
    hashes = list(seen)
    for start in range(0, len(hashes), 900):
        clash = Person.objects.filter(id_number_hash__in=hashes[start : start + 900]).exclude(id_number_hash="").values_list(
            "id_number_masked", "household__path"
        )[:1]
        if clash:
            if not scope.covers_path(actor, clash[0][1]):
                raise _neutral_id_refusal()
            raise _field_error("id_number", _("A person with the ID number %(masked)s is already registered.")
                               % {"masked": clash[0][0]})
    created = Person.objects.bulk_create([p for p, _ in built], batch_size=2000)
    Move.objects.bulk_create(
        [Move(person_id=p.pk, kind=MoveKind.MOVE_IN, date=p.moved_in_on, to_household_id=p.household_id,
              recorded_by=user, recorded_at=now) for p in created],
        batch_size=2000,
    )
    PersonTag.objects.bulk_create(
        [PersonTag(person_id=p.pk, kind=kind, start_on=start, created_at=now)
         for p, (_, tags) in zip(created, built, strict=True) for kind, start in tags],
        batch_size=2000,
    )
    paths = sorted(checked_paths)
    audit.record(
        actor=actor, action="residents.person.bulk_create", obj=None,
        after={"people": len(created), "households": len(checked_paths)}, note=note,
        area_path=paths[0] if paths else "",
    )
    return created


@transaction.atomic
def person_link_party_member(*, actor: Actor, person: Person, party_member=None) -> Person:
    """Link a resident to their party membership record (party.PartyMember), or unlink (None).
    Both must lie in the actor's scope (the member through `party.selectors.member_get`)."""
    _require(actor, "residents.edit")
    person = _person_in_scope(actor, person)
    before = _snapshot(person)
    if party_member is not None:
        from gongzhi.party import selectors as party_selectors

        party_member = party_selectors.member_get(user=actor, pk=party_member.pk)
        clash = Person.objects.filter(party_member=party_member).exclude(pk=person.pk).first()
        if clash is not None:
            raise _field_error("party_member", _("This party member is already linked to %(name)s.") % {"name": clash.name})
    person.party_member = party_member
    person.is_party_member = party_member is not None or person.is_party_member
    person.updated_at = timezone.now()
    person.save(update_fields=["party_member", "is_party_member", "updated_at"])
    _record_change(actor, "residents.person.party_link", person, before)
    return person


def _resident_account(username: str | None):
    """The active resident account named `username` (refused on the field `username` otherwise)."""
    from django.contrib.auth import get_user_model

    account = get_user_model().objects.filter(username=(username or "").strip(), is_active=True).first()
    if account is None:
        raise _field_error("username", _("No active account has this user name."))
    # a resident's account: one the gate lets link itself to a registration
    if not permissions.can(account, "residents.verify_self"):
        raise _field_error("username", _("Only a resident's account can be linked to a resident."))
    return account


def _check_one_person_per_account(person: Person, user) -> None:
    clash = Person.objects.filter(user=user, status=PersonStatus.LIVING).exclude(pk=person.pk).first()
    if clash is not None:
        raise _field_error("username", _("This account already belongs to another registered resident."))


@transaction.atomic
def person_link_account(*, actor: Actor, person: Person, user=None, username: str | None = None) -> Person:
    """Link a resident to the user account they sign in with, given as `user` or by `username` (or
    unlink: neither), so the site knows their household — the place they file requests for, the
    topics they may propose and co-sign, the votes they may cast. Only a resident's account, and one
    living resident per account. Audited."""
    _require(actor, "residents.edit")
    person = _person_in_scope(actor, person)
    if user is None and username:
        user = _resident_account(username)
    if user is not None:
        _require_living(person)
        _check_one_person_per_account(person, user)
    before = _snapshot(person)
    person.user = user
    person.updated_at = timezone.now()
    person.save(update_fields=["user", "updated_at"])
    _record_change(actor, "residents.person.account_link", person, before, always=False)
    return person


# A resident may try to verify themselves this many times a day (an ID number is not a secret to
# everyone around them; this stops guessing, not a determined neighbour — the staff check stays).
SELF_VERIFY_ATTEMPTS = 5


def _attempts_key(user) -> str:
    return f"residents:self-verify:{user.pk}:{timezone.localdate().isoformat()}"


def person_verify_self(*, actor: Actor, name: str, id_number: str) -> Person:
    """A resident links their own account to their record in the registry (居民身份核验) by giving
    their name and ID number: a living person of that name and ID number, not yet linked to an
    account. Every failure gets the same answer (nothing tells whether the number is registered),
    is audited, and after SELF_VERIFY_ATTEMPTS failed tries in a day the resident is sent to the
    community office."""
    from django.core.cache import cache

    _require(actor, "residents.verify_self")
    key = _attempts_key(actor)
    if cache.get(key, 0) >= SELF_VERIFY_ATTEMPTS:
        raise Forbidden(_("Too many tries today: ask your community office to check your registration."))
    name, number = (name or "").strip(), pii.normalise_id_number(id_number or "")
    if not name:
        raise _field_error("name", _("Give your name as registered."))
    if not number:
        raise _field_error("id_number", _("Give your ID number."))
    with transaction.atomic():
        found = (
            Person.objects.select_for_update()
            .filter(id_number_hash=pii.blind_index(pii.ID_NUMBER, number), name=name, status=PersonStatus.LIVING,
                    user=None)
            .first()
        )
        if found is not None and not Person.objects.filter(user=actor, status=PersonStatus.LIVING).exists():
            before = _snapshot(found)
            found.user = actor
            found.updated_at = timezone.now()
            found.save(update_fields=["user", "updated_at"])
            _record_change(actor, "residents.person.self_verify", found, before)
            return found
    cache.add(key, 0, timeout=24 * 3600)
    cache.incr(key)
    audit.record(actor=actor, action="residents.person.self_verify_failed", note=str(actor))
    raise _field_error(
        "id_number",
        _("No registered resident without an account matches this name and ID number. If you live here, "
          "ask your community office to register you or to link your account."),
    )
