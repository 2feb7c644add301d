"""Encrypt every stored member phone (and fill its masked copy and blind index); backwards, write
the numbers back in plain text."""

from django.db import migrations

BATCH = 500


def encrypt_phones(apps, schema_editor):
    from gongzhi.core import pii

    member = apps.get_model("party", "PartyMember")
    db = schema_editor.connection.alias
    encrypt, index = pii.encryptor(), pii.blind_indexer(pii.PHONE)
    rows = list(member.objects.using(db).exclude(phone_plain="").only("pk", "phone_plain").order_by("pk"))
    for row in rows:
        value = (row.phone_plain or "").strip()
        row.phone, row.phone_masked, row.phone_hash = encrypt(value), pii.mask_phone(value), index(value)
        row.phone_plain = ""
    member.objects.using(db).bulk_update(rows, ["phone", "phone_masked", "phone_hash", "phone_plain"], batch_size=BATCH)


def decrypt_phones(apps, schema_editor):
    member = apps.get_model("party", "PartyMember")
    db = schema_editor.connection.alias
    rows = list(member.objects.using(db).exclude(phone_masked="").only("pk", "phone").order_by("pk"))
    for row in rows:
        row.phone_plain = (row.phone or "")[:20]
    member.objects.using(db).bulk_update(rows, ["phone_plain"], batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ("party", "0003_member_phone_encrypted"),
    ]

    operations = [migrations.RunPython(encrypt_phones, decrypt_phones)]
