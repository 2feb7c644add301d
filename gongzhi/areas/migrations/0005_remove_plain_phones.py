from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("areas", "0004_personal_phones_data"),
    ]

    operations = [
        migrations.RemoveField(model_name="unit", name="contact_phone_plain"),
        migrations.RemoveField(model_name="department", name="phone_plain"),
    ]
