"""Encrypt every stored unit contact phone and department duty phone (filling the masked copies),
and split a phone number out of an estate's owners' committee contact into its encrypted field
(the rest stays as the contact's name). Backwards: the numbers in plain text again, an estate's
number appended to the contact's name."""

import re

from django.db import migrations

BATCH = 500

# A mainland mobile (with an optional +86) or a landline with its area code, inside other text.
_PHONE_IN_TEXT = re.compile(
    r"(?<!\d)(?:(?:\+|00)?86[\s\-]?)?(?:1[3-9]\d[\s\-]?\d{4}[\s\-]?\d{4}|0\d{2,3}[\s\-]?\d{7,8})(?!\d)"
)
_LABELS = re.compile(r"(?:联系)?(?:电话|手机|座机)|(?<![A-Za-z])(?:tel|phone|mobile)(?![A-Za-z])", re.IGNORECASE)
_PUNCTUATION = re.compile(r"[()（）\[\]【】:：,，;；/、\-—|]+")


def split_contact(text: str) -> tuple[str, str]:
    """(name, phone) of an owners' committee contact as people typed it: "张三 13812345678",
    "张三（电话：0931-8123456）", "13812345678", "张三". The phone keeps its digits only."""
    from gongzhi.core import pii

    text = (text or "").strip()
    found = _PHONE_IN_TEXT.search(text)
    if not found:
        return text, ""
    rest = _PUNCTUATION.sub(" ", _LABELS.sub(" ", text[: found.start()] + " " + text[found.end() :]))
    return " ".join(rest.split())[:100], pii.normalise_phone(found.group(0))[:20]


def _convert(rows, source: str, target: str, kind_mask) -> list:
    from gongzhi.core import pii

    encrypt = pii.encryptor()
    for row in rows:
        value = (getattr(row, source) or "").strip()
        setattr(row, target, encrypt(value))
        setattr(row, f"{target}_masked", kind_mask(value))
        setattr(row, source, "")
    return rows


def forwards(apps, schema_editor):
    from gongzhi.core import pii

    db = schema_editor.connection.alias
    unit, department, estate = (apps.get_model("areas", name) for name in ("Unit", "Department", "Estate"))
    units = _convert(list(unit.objects.using(db).exclude(contact_phone_plain="").order_by("pk")),
                     "contact_phone_plain", "contact_phone", pii.mask_phone)
    unit.objects.using(db).bulk_update(units, ["contact_phone", "contact_phone_masked", "contact_phone_plain"],
                                       batch_size=BATCH)
    departments = _convert(list(department.objects.using(db).exclude(phone_plain="").order_by("pk")),
                           "phone_plain", "phone", pii.mask_phone)
    department.objects.using(db).bulk_update(departments, ["phone", "phone_masked", "phone_plain"], batch_size=BATCH)
    estates = []
    for row in estate.objects.using(db).exclude(owners_committee_contact_name="").order_by("pk"):
        name, phone = split_contact(row.owners_committee_contact_name)
        if phone:
            row.owners_committee_contact_name = name
            row.owners_committee_phone, row.owners_committee_phone_masked = pii.encrypt(phone), pii.mask_phone(phone)
            estates.append(row)
    estate.objects.using(db).bulk_update(
        estates, ["owners_committee_contact_name", "owners_committee_phone", "owners_committee_phone_masked"],
        batch_size=BATCH,
    )


def backwards(apps, schema_editor):
    db = schema_editor.connection.alias
    unit, department, estate = (apps.get_model("areas", name) for name in ("Unit", "Department", "Estate"))
    units = list(unit.objects.using(db).exclude(contact_phone_masked="").order_by("pk"))
    for row in units:
        row.contact_phone_plain = (row.contact_phone or "")[:20]
    unit.objects.using(db).bulk_update(units, ["contact_phone_plain"], batch_size=BATCH)
    departments = list(department.objects.using(db).exclude(phone_masked="").order_by("pk"))
    for row in departments:
        row.phone_plain = (row.phone or "")[:30]
    department.objects.using(db).bulk_update(departments, ["phone_plain"], batch_size=BATCH)
    estates = list(estate.objects.using(db).exclude(owners_committee_phone_masked="").order_by("pk"))
    for row in estates:
        row.owners_committee_contact_name = f"{row.owners_committee_contact_name} {row.owners_committee_phone}".strip()[:100]
    estate.objects.using(db).bulk_update(estates, ["owners_committee_contact_name"], batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ("areas", "0003_personal_phones_encrypted"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
