"""Volunteers' real-name registration (实名注册): by the area's staff from a resident of the
registry, a party member, a unit's staff or plainly; by a signed-in resident for themself. Update,
leaving, the audited reveal of phone and ID number, and the record's trainings, awards and
evaluations.

A volunteer number is "ZY" + year + a 6-digit sequence, unique under concurrency (the unique
column decides; a clash takes the next number). The same ID number registers once
(constraint volunteer_id_number_once); the refusal is shown beside the ID number."""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode, Unit
from gongzhi.core import audit, permissions
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, InvalidInput, NotFound
from gongzhi.core.pii import blind_index, normalise_id_number, redact
from gongzhi.core.workflow import lock_visible
from gongzhi.party.models import PartyMember
from gongzhi.residents.models import Person, PersonStatus
from gongzhi.residents.validation import clean_id_number, clean_phone

from ..models import RecordEntry, RecordKind, Skill, Volunteer, VolunteerKind, VolunteerStatus
from .accounts import volunteer_account

FIELDS = ["number", "kind", "name", "area", "person", "party_member", "unit", "user", "languages", "consent_at",
          "publish_name", "status", "registered_on", "availability"]
# Where a plainly registered volunteer may serve (a household comes from the registry).
PLAIN_AREA_KINDS = (AreaKind.COMMUNITY, AreaKind.GRID, AreaKind.BUILDING, AreaKind.UNIT, AreaKind.STREET)
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
NUMBER_PREFIX = "ZY"


def describe(volunteer: Volunteer) -> dict:
    """A volunteer as the audit log keeps it: masked phone and ID number, never the numbers."""
    data = audit.snapshot(volunteer, FIELDS)
    data["phone"] = volunteer.phone_masked
    data["id_number"] = volunteer.id_number_masked
    data["skills"] = sorted(volunteer.skills.values_list("name", flat=True)) if volunteer.pk else []
    return data


def _refuse(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _text(value: str, field: str, *, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise _refuse(field, _("This field is required."))
    if len(value) > limit:
        raise _refuse(field, _("At most %(n)d characters.") % {"n": limit})
    return value


def clean_availability(value) -> list[dict]:
    """[{"weekday": 0–6 (Monday 0), "start": "HH:MM", "end": "HH:MM"}, …]: each range ends after it
    starts and ranges of one day do not overlap. Sorted by day and time."""
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        raise _refuse("availability", _("Give the days and times as a list."))
    cleaned: list[dict] = []
    for item in value:
        if not isinstance(item, dict):
            raise _refuse("availability", _("Each time needs a day, a start and an end."))
        weekday, start, end = item.get("weekday"), str(item.get("start", "")), str(item.get("end", ""))
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise _refuse("availability", _("The day of the week must be 0 (Monday) to 6 (Sunday)."))
        if not _TIME.match(start) or not _TIME.match(end):
            raise _refuse("availability", _("Times are written as HH:MM, e.g. 08:30."))
        if end <= start:
            raise _refuse("availability", _("A time range must end after it starts (%(start)s–%(end)s).")
                          % {"start": start, "end": end})
        cleaned.append({"weekday": weekday, "start": start, "end": end})
    cleaned.sort(key=lambda r: (r["weekday"], r["start"]))
    for a, b in zip(cleaned, cleaned[1:], strict=False):
        if a["weekday"] == b["weekday"] and b["start"] < a["end"]:
            raise _refuse("availability", _("Two time ranges of the same day overlap."))
    return cleaned


def _clean_id(value: str) -> str:
    try:
        number, _born, _gender = clean_id_number(value or "", quote=False)
    except ValueError as exc:
        raise _refuse("id_number", str(exc)) from None
    return number


def _clean_phone(value: str, *, required: bool = True) -> str:
    if required and not (value or "").strip():
        raise _refuse("phone", _("This field is required."))
    try:
        return clean_phone(value or "", quote=False)
    except ValueError as exc:
        raise _refuse("phone", str(exc)) from None


def _check_not_registered(id_number: str, *, exclude: int | None = None) -> None:
    taken = Volunteer.objects.filter(id_number_hash=blind_index("id_number", id_number))
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise _refuse("id_number", _("A volunteer with this ID number is already registered."))


def _skills(skills) -> list[Skill]:
    rows = list(skills or [])
    for s in rows:
        if not isinstance(s, Skill):
            raise _refuse("skills", _("Choose specialties from the list."))
    return rows


def next_number(year: int) -> str:
    prefix = f"{NUMBER_PREFIX}{year}"
    last = (Volunteer.objects.filter(number__startswith=prefix, number__regex=rf"^{prefix}\d{{6}}$")
            .order_by("-number").values_list("number", flat=True).first())
    sequence = int(last[len(prefix):]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def _insert(volunteer: Volunteer, skills: list[Skill]) -> Volunteer:
    """Save a new volunteer under a fresh number; a number taken meanwhile by a parallel
    registration takes the next one, the same ID number registered meanwhile is refused."""
    from django.core.exceptions import ValidationError

    from gongzhi.core.errors import invalid_from_validation_error

    volunteer.fill_personal_copies()
    try:
        volunteer.full_clean(exclude=["number", "id_number_hash"], validate_constraints=False)
    except ValidationError as exc:
        raise invalid_from_validation_error(exc) from exc
    year = volunteer.registered_on.year
    for _attempt in range(20):
        volunteer.number = next_number(year)
        try:
            with transaction.atomic():
                volunteer.save()
        except IntegrityError:
            volunteer.pk = None
            if Volunteer.objects.filter(id_number_hash=volunteer.id_number_hash).exists():
                raise _refuse("id_number", _("A volunteer with this ID number is already registered.")) from None
            if volunteer.user_id and Volunteer.objects.filter(user_id=volunteer.user_id).exists():
                raise Conflict(_("This account is already registered as a volunteer.")) from None
            continue
        break
    else:  # pragma: no cover - twenty clashes in a row
        raise Conflict(_("The volunteer number could not be given out; please try again."))
    volunteer.skills.set(skills)
    return volunteer


@transaction.atomic
def volunteer_register(
    *,
    actor: Actor,
    area: AreaNode | None = None,
    person: Person | None = None,
    party_member: PartyMember | None = None,
    unit: Unit | None = None,
    name: str = "",
    phone: str = "",
    id_number: str = "",
    skills=(),
    availability=None,
    languages: str = "",
    consent: bool = False,
    publish_name: bool = True,
    user=None,
    registered_on: dt.date | None = None,
) -> Volunteer:
    """Register a volunteer by the area's staff. From a resident of the registry (name, phone and
    ID number copied; area = the household), from a party member (name, phone copied; area = their
    household if they live in the registry, else their home community or organisation's area), from
    a unit's staff (area = the unit's area), or plainly (area given: a community, grid or building).
    Typed values fill what the source lacks. The volunteer's consent is required."""
    kind = VolunteerKind.OTHER
    linked_user = user
    if person is not None:
        if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
            raise _refuse("person", _("Choose a resident of your area."))
        if person.status != PersonStatus.LIVING:
            raise _refuse("person", _("Only a living resident of the registry registers."))
        kind = VolunteerKind.RESIDENT
        area = person.household
        name = person.name
        phone = person.phone or phone
        id_number = person.id_number or id_number
        party_member = party_member or person.party_member
        linked_user = linked_user or person.user
    elif party_member is not None:
        if not PartyMember.objects.visible_to(actor).filter(pk=party_member.pk).exists():
            raise _refuse("party_member", _("Choose a party member of your area."))
        kind = VolunteerKind.PARTY_MEMBER
        resident = Person.objects.filter(party_member=party_member, status=PersonStatus.LIVING).first()
        if resident is not None:
            person, area = resident, resident.household
            id_number = resident.id_number or id_number
        elif area is None:
            area = party_member.home_community or party_member.organization.area
        name = party_member.name
        phone = party_member.phone or phone
        linked_user = linked_user or party_member.user
    elif unit is not None:
        if not Unit.objects.visible_to(actor).filter(pk=unit.pk).exists():
            raise _refuse("unit", _("Choose a unit of your area."))
        kind = VolunteerKind.UNIT_STAFF
        area = unit.area
    elif area is None:
        raise _refuse("area", _("Choose where the volunteer serves."))
    elif area.kind not in PLAIN_AREA_KINDS:
        raise _refuse("area", _("Choose a community, grid or building."))
    permissions.require(actor, "volunteers.register", area)
    if not consent:
        raise _refuse("consent", _("The volunteer's consent is required to register."))
    name = _text(name, "name", limit=50)
    number = _clean_id(id_number)
    _check_not_registered(number)
    phone = _clean_phone(phone)
    if party_member is not None and Volunteer.objects.filter(party_member=party_member).exists():
        raise _refuse("party_member", _("This party member is already registered as a volunteer."))
    if person is not None and Volunteer.objects.filter(person=person).exists():
        raise _refuse("person", _("This resident is already registered as a volunteer."))
    if linked_user is not None and Volunteer.objects.filter(user=linked_user).exists():
        linked_user = None  # the account already belongs to another volunteer: register without it
    volunteer = Volunteer(
        kind=kind, name=name, area=area, person=person, party_member=party_member, unit=unit, user=linked_user,
        phone=phone, id_number=number, availability=clean_availability(availability),
        languages=_text(languages, "languages", limit=100, required=False), consent_at=timezone.now(),
        publish_name=bool(publish_name), registered_on=registered_on or timezone.localdate(),
    )
    _insert(volunteer, _skills(skills))
    audit.record(actor=actor, action="volunteers.volunteer.register", obj=volunteer, after=describe(volunteer))
    volunteer_account(actor=actor, volunteer=volunteer)
    return volunteer


def own_person(user) -> Person | None:
    """The living resident of the registry this account is linked to (the household first)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (Person.objects.filter(user=user, status=PersonStatus.LIVING).select_related("household")
            .order_by("pk").first())


@transaction.atomic
def volunteer_register_self(
    *,
    actor,
    consent: bool,
    phone: str = "",
    skills=(),
    availability=None,
    languages: str = "",
    publish_name: bool = True,
) -> Volunteer:
    """A signed-in resident registers themself: their account must be linked to a resident of the
    registry (name, ID number and household come from it). Consent is required; an account already
    registered is told so."""
    permissions.require(actor, "volunteers.register_self")
    if Volunteer.objects.filter(user=actor).exists():
        raise Conflict(_("You are already registered as a volunteer."))
    person = own_person(actor)
    if person is None:
        raise Conflict(_("Your account is not linked to a resident of the registry: ask your community's staff to "
                         "register you, or to link your account."))
    if Volunteer.objects.filter(person=person).exists():
        raise Conflict(_("You are already registered as a volunteer."))
    if not consent:
        raise _refuse("consent", _("Tick the box to consent to the registration."))
    if not person.id_number:
        raise _refuse("id_number", _("Your resident record has no ID number: ask your community's staff to register you."))
    number = normalise_id_number(person.id_number)
    _check_not_registered(number)
    volunteer = Volunteer(
        kind=VolunteerKind.RESIDENT, name=person.name, area=person.household, person=person,
        party_member=person.party_member if person.party_member_id and not Volunteer.objects.filter(
            party_member_id=person.party_member_id).exists() else None,
        user=actor, phone=_clean_phone(phone or person.phone), id_number=number,
        availability=clean_availability(availability), languages=_text(languages, "languages", limit=100, required=False),
        consent_at=timezone.now(), publish_name=bool(publish_name), registered_on=timezone.localdate(),
    )
    _insert(volunteer, _skills(skills))
    audit.record(actor=actor, action="volunteers.volunteer.register", obj=volunteer, after=describe(volunteer),
                 note="self")
    volunteer_account(actor=actor, volunteer=volunteer)
    return volunteer


@transaction.atomic
def volunteer_update(
    *,
    actor: Actor,
    volunteer: Volunteer,
    name: str | None = None,
    phone: str | None = None,
    skills=None,
    availability=None,
    languages: str | None = None,
    publish_name: bool | None = None,
    area: AreaNode | None = None,
) -> Volunteer:
    """Change a volunteer (the area's staff; a volunteer changes their own phone, specialties,
    times, languages and publication choice). None leaves a value as it is."""
    volunteer = lock_visible(Volunteer, actor=actor, pk=volunteer.pk)
    own = volunteer.user_id is not None and volunteer.user_id == getattr(actor, "pk", None)
    if not own or name is not None or area is not None:
        permissions.require(actor, "volunteers.register", volunteer)
    before = describe(volunteer)
    old_area, old_name = volunteer.area_id, volunteer.name
    if name is not None:
        volunteer.name = _text(name, "name", limit=50)
    if phone is not None:
        volunteer.phone = _clean_phone(phone)
    if availability is not None:
        volunteer.availability = clean_availability(availability)
    if languages is not None:
        volunteer.languages = _text(languages, "languages", limit=100, required=False)
    if publish_name is not None:
        volunteer.publish_name = bool(publish_name)
    if area is not None and area.pk != volunteer.area_id:
        if area.kind not in PLAIN_AREA_KINDS + (AreaKind.HOUSEHOLD,):
            raise _refuse("area", _("Choose a community, grid or building."))
        permissions.require(actor, "volunteers.register", area)
        volunteer.area = area
    volunteer.fill_personal_copies()
    volunteer.save()
    if skills is not None:
        volunteer.skills.set(_skills(skills))
    after = describe(volunteer)
    old, new = audit.diff(before, after)
    if old or new:
        audit.record(actor=actor, action="volunteers.volunteer.update", obj=volunteer, before=old, after=new)
    if volunteer.area_id != old_area or volunteer.name != old_name:
        volunteer_account(actor=actor, volunteer=volunteer)
    return volunteer


@transaction.atomic
def volunteer_leave(*, actor: Actor, volunteer: Volunteer, reason: str = "") -> Volunteer:
    """Mark a volunteer as left (kept for the record and certificates)."""
    volunteer = lock_visible(Volunteer, actor=actor, pk=volunteer.pk)
    own = volunteer.user_id is not None and volunteer.user_id == getattr(actor, "pk", None)
    if not own:
        permissions.require(actor, "volunteers.register", volunteer)
    if volunteer.status == VolunteerStatus.LEFT:
        raise Conflict(_("This volunteer has already left."))
    volunteer.status = VolunteerStatus.LEFT
    volunteer.save(update_fields=["status"])
    audit.record(actor=actor, action="volunteers.volunteer.leave", obj=volunteer,
                 before={"status": VolunteerStatus.ACTIVE}, after={"status": VolunteerStatus.LEFT},
                 note=redact((reason or "").strip())[:500])
    return volunteer


@transaction.atomic
def volunteer_rejoin(*, actor: Actor, volunteer: Volunteer) -> Volunteer:
    volunteer = lock_visible(Volunteer, actor=actor, pk=volunteer.pk)
    permissions.require(actor, "volunteers.register", volunteer)
    if volunteer.status == VolunteerStatus.ACTIVE:
        raise Conflict(_("This volunteer is active."))
    volunteer.status = VolunteerStatus.ACTIVE
    volunteer.save(update_fields=["status"])
    audit.record(actor=actor, action="volunteers.volunteer.update", obj=volunteer,
                 before={"status": VolunteerStatus.LEFT}, after={"status": VolunteerStatus.ACTIVE})
    return volunteer


@transaction.atomic
def volunteer_reveal(*, actor: Actor, volunteer: Volunteer, reason: str = "") -> dict[str, str]:
    """The full phone and ID number of a volunteer, for the area's staff the gate lets reveal them
    ("volunteers.reveal"); every call is an audit event (by whom and why, never the numbers)."""
    found = Volunteer.objects.visible_to(actor).select_related("area").filter(pk=volunteer.pk).first()
    if found is None:
        raise NotFound()
    permissions.require(actor, "volunteers.reveal", found)
    audit.record(actor=actor, action="volunteers.volunteer.reveal", obj=found, after={"fields": ["phone", "id_number"]},
                 note=redact((reason or "").strip())[:500])
    return {"phone": found.phone or "", "id_number": found.id_number or ""}


@transaction.atomic
def record_add(*, actor: Actor, volunteer: Volunteer, kind: str, title: str, on: dt.date, minutes: int = 0,
               note: str = "") -> RecordEntry:
    """A training (with its minutes), an award or an evaluation in a volunteer's record."""
    volunteer = lock_visible(Volunteer, actor=actor, pk=volunteer.pk)
    permissions.require(actor, "volunteers.keep_record", volunteer)
    if kind not in RecordKind.values:
        raise _refuse("kind", _("Choose a training, an award or an evaluation."))
    if on is None:
        raise _refuse("on", _("This field is required."))
    if on > timezone.localdate():
        raise _refuse("on", _("The date cannot lie in the future."))
    if minutes is None or minutes < 0 or minutes > 24 * 60:
        raise _refuse("minutes", _("Between 0 and 1440 minutes (one day)."))
    if kind != RecordKind.TRAINING and minutes:
        raise _refuse("minutes", _("Only a training counts minutes."))
    entry = RecordEntry(volunteer=volunteer, kind=kind, title=_text(title, "title", limit=200), on=on, minutes=minutes,
                        note=_text(note, "note", limit=200, required=False),
                        created_by=actor_user(actor))
    return audit.save(actor=actor, obj=entry, action="volunteers.record.add",
                      fields=["volunteer", "kind", "title", "on", "minutes", "note"])
