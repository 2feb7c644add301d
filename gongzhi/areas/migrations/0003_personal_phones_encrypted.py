"""The phones of the registries become personal data kept like every phone of the product: a
unit's contact phone and a department's duty phone are renamed aside (`*_plain`) and the encrypted
field and its masked copy added; an estate's owners' committee contact (a name, sometimes with a
number in it) becomes the contact's name, with the phone in its own encrypted field. 0004 converts
the values, 0005 drops the plain columns (three migrations, so that on PostgreSQL the data rewrite
and the column drops do not share a transaction)."""

import gongzhi.core.pii
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("areas", "0002_path_prefix_index"),
    ]

    operations = [
        migrations.RenameField(model_name="unit", old_name="contact_phone", new_name="contact_phone_plain"),
        migrations.AddField(
            model_name="unit",
            name="contact_phone",
            field=gongzhi.core.pii.EncryptedCharField(
                blank=True, default="", kind="phone", max_length=20, verbose_name="contact phone"
            ),
        ),
        migrations.AddField(
            model_name="unit",
            name="contact_phone_masked",
            field=models.CharField(blank=True, editable=False, max_length=20, verbose_name="contact phone"),
        ),
        migrations.RenameField(model_name="department", old_name="phone", new_name="phone_plain"),
        migrations.AddField(
            model_name="department",
            name="phone",
            field=gongzhi.core.pii.EncryptedCharField(
                blank=True, default="", kind="phone", max_length=30, verbose_name="duty phone"
            ),
        ),
        migrations.AddField(
            model_name="department",
            name="phone_masked",
            field=models.CharField(blank=True, editable=False, max_length=30, verbose_name="duty phone"),
        ),
        migrations.RenameField(
            model_name="estate", old_name="owners_committee_contact", new_name="owners_committee_contact_name"
        ),
        migrations.AddField(
            model_name="estate",
            name="owners_committee_phone",
            field=gongzhi.core.pii.EncryptedCharField(
                blank=True, default="", kind="phone", max_length=20, verbose_name="owners' committee phone"
            ),
        ),
        migrations.AddField(
            model_name="estate",
            name="owners_committee_phone_masked",
            field=models.CharField(blank=True, editable=False, max_length=20, verbose_name="owners' committee phone"),
        ),
        migrations.AlterModelOptions(
            name="unit",
            options={
                "ordering": ["name"],
                "permissions": [
                    ("reveal_contact", "Can reveal full contact phone numbers of units, estates and departments")
                ],
                "verbose_name": "unit",
                "verbose_name_plural": "units",
            },
        ),
    ]
