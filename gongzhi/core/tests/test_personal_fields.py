"""Every phone and ID number the product keeps is personal data stored the one way
(`gongzhi.core.pii.EncryptedCharField`: ciphertext at rest, a masked copy for display, a blind
index where exact search is needed, the number itself only through an audited reveal).

This test walks every field of every model of every installed gongzhi app and fails on a text
field whose name says it holds a phone or an ID number — or a bare `*_contact` field, which people
fill with a number — that is not an EncryptedCharField of the right kind, listing each offender.
By naming convention, `<field>_masked` (the display copy) and `<field>_hash` / `<field>_index`
(the blind index) are allowed beside an encrypted `<field>` of the same model, and nowhere else.
A new app is covered by being installed."""

from __future__ import annotations

import re

from django.apps import apps
from django.db import models

from gongzhi.core import pii

# Name parts (split on "_") that say "a number people are called at".
PHONE_WORDS = {"phone", "phones", "mobile", "tel", "telephone", "cellphone", "cell", "msisdn", "landline", "fax",
               "dianhua", "shouji"}
# Whole-name patterns that say "an identity document number".
ID_PATTERNS = re.compile(r"(^|_)(id_?number|id_?no|id_?card|identity(_card|_number)?|citizen_?id|passport(_no|_number)?"
                         r"|sfz|shenfenzheng|certificate_?(no|number))($|_)|身份证|证件")
COPY_SUFFIXES = ("_masked", "_hash", "_index")


def _kind_wanted(name: str) -> str | None:
    """The pii kind a field of this name must hold (phone / id_number), or None if the name does
    not look personal."""
    lowered = name.lower()
    if ID_PATTERNS.search(lowered):
        return pii.ID_NUMBER
    parts = set(lowered.split("_"))
    if parts & PHONE_WORDS or "电话" in name or "手机" in name:
        return pii.PHONE
    if lowered == "contact" or lowered.endswith("_contact"):
        return pii.PHONE  # a bare contact field holds a name and a number: split it, encrypt the number
    return None


def offenders(model_fields: list[tuple[str, list[models.Field]]]) -> list[str]:
    """`["app.Model.field: why", ...]` for (model label, its concrete fields)."""
    found = []
    for label, fields in model_fields:
        by_name = {f.name: f for f in fields}
        for field in fields:
            if not isinstance(field, (models.CharField, models.TextField)):
                continue
            name = field.name
            base = next((name[: -len(s)] for s in COPY_SUFFIXES if name.endswith(s)), None)
            if base is not None and _kind_wanted(base):
                source = by_name.get(base)
                if isinstance(source, pii.EncryptedCharField):
                    if isinstance(field, pii.EncryptedCharField):
                        found.append(f"{label}.{name}: a masked copy or blind index is not itself encrypted data")
                    continue
                found.append(f"{label}.{name}: a masked copy or blind index without an encrypted “{base}” beside it")
                continue
            kind = _kind_wanted(name)
            if kind is None:
                continue
            if not isinstance(field, pii.EncryptedCharField):
                found.append(f"{label}.{name}: looks like a {kind.replace('_', ' ')} but is a plain "
                             f"{type(field).__name__} (use gongzhi.core.pii.EncryptedCharField with a “{name}_masked” copy)")
            elif field.kind != kind:
                found.append(f"{label}.{name}: encrypted, but kind={field.kind!r} (masking and hashing need kind={kind!r})")
    return found


def _gongzhi_models() -> list[tuple[str, list[models.Field]]]:
    return [
        (model._meta.label, list(model._meta.concrete_fields))
        for config in apps.get_app_configs()
        if config.name.startswith("gongzhi.")
        for model in config.get_models()
        if not model._meta.proxy
    ]


def test_every_phone_and_id_number_field_is_encrypted():
    # given every model of every installed gongzhi app
    walked = _gongzhi_models()
    assert {label.split(".")[0] for label, _ in walked} >= {"areas", "accounts", "party", "residents", "cases"}
    # then no field that holds a phone or an ID number is plain text
    problems = offenders(walked)
    assert not problems, "Personal numbers stored in plain text:\n  " + "\n  ".join(problems)


def test_the_known_personal_fields_are_found_and_encrypted():
    # The walk does see the fields this rule exists for (a renamed field must not slip past it).
    fields = {(label, f.name): f for label, fs in _gongzhi_models() for f in fs}
    for label, name, kind in [
        ("party.PartyMember", "phone", pii.PHONE),
        ("areas.Unit", "contact_phone", pii.PHONE),
        ("areas.Estate", "owners_committee_phone", pii.PHONE),
        ("areas.Department", "phone", pii.PHONE),
        ("accounts.User", "phone", pii.PHONE),
        ("residents.Person", "id_number", pii.ID_NUMBER),
        ("residents.Person", "phone", pii.PHONE),
    ]:
        assert _kind_wanted(name) == kind, (label, name)
        assert isinstance(fields[(label, name)], pii.EncryptedCharField), (label, name)
        assert (label, f"{name}_masked") in fields, f"{label}.{name} has no masked copy for display"


def _field(cls, name, **kwargs):
    field = cls(max_length=20, **kwargs) if cls is not models.TextField else cls(**kwargs)
    field.set_attributes_from_name(name)
    return field


def test_the_walk_catches_plain_numbers_and_names_each_offender():
    """On made-up fields: plain phones, ID numbers and bare contacts are listed; encrypted ones
    with their masked copies and blind indexes, and harmless look-alikes, are not."""
    sample = [
        ("demo.Volunteer", [
            _field(models.CharField, "mobile"),
            _field(models.CharField, "home_tel"),
            _field(models.TextField, "id_card_no"),
            _field(models.CharField, "guardian_contact"),
            _field(models.CharField, "身份证号"),
            _field(models.CharField, "phone_masked"),  # a copy without its encrypted field
            _field(pii.EncryptedCharField, "id_number", kind=pii.PHONE),  # encrypted, wrong kind
        ]),
        ("demo.Fine", [
            _field(pii.EncryptedCharField, "phone", kind=pii.PHONE),
            _field(models.CharField, "phone_masked"),
            _field(models.CharField, "phone_hash"),
            _field(pii.EncryptedCharField, "id_number", kind=pii.ID_NUMBER),
            _field(models.CharField, "id_number_masked"),
            _field(models.CharField, "id_number_index"),
            _field(models.CharField, "contact_name"),
            _field(models.CharField, "hotel"),
            _field(models.CharField, "telemetry_key"),
            _field(models.CharField, "identifier"),
            _field(models.CharField, "contact_method"),
        ]),
    ]
    problems = offenders(sample)
    flagged = sorted(p.split(":", 1)[0] for p in problems)
    assert flagged == sorted([
        "demo.Volunteer.mobile", "demo.Volunteer.home_tel", "demo.Volunteer.id_card_no", "demo.Volunteer.guardian_contact",
        "demo.Volunteer.身份证号", "demo.Volunteer.phone_masked", "demo.Volunteer.id_number",
    ]), problems
