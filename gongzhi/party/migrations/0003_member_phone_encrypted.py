"""A party member's phone becomes personal data kept like every phone of the product: the plain
column is renamed aside (`phone_plain`), the encrypted field, its masked copy and its blind index
are added; 0004 converts the values, 0005 drops the plain column. (Three migrations, so that on
PostgreSQL the data rewrite and the column drop do not share a transaction.)"""

import gongzhi.core.pii
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("party", "0002_path_prefix_index"),
    ]

    operations = [
        migrations.RenameField(model_name="partymember", old_name="phone", new_name="phone_plain"),
        migrations.AddField(
            model_name="partymember",
            name="phone",
            field=gongzhi.core.pii.EncryptedCharField(blank=True, default="", kind="phone", max_length=20, verbose_name="phone"),
        ),
        migrations.AddField(
            model_name="partymember",
            name="phone_masked",
            field=models.CharField(blank=True, editable=False, max_length=20, verbose_name="phone"),
        ),
        migrations.AddField(
            model_name="partymember",
            name="phone_hash",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64, verbose_name="phone hash"),
        ),
        migrations.AlterModelOptions(
            name="partymember",
            options={
                "ordering": ["organization", "name", "id"],
                "permissions": [("reveal_phone", "Can reveal full phone numbers of party members")],
                "verbose_name": "party member",
                "verbose_name_plural": "party members",
            },
        ),
    ]
