from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("party", "0004_member_phone_data"),
    ]

    operations = [migrations.RemoveField(model_name="partymember", name="phone_plain")]
