from django.db import migrations


class Migration(migrations.Migration):
    """A point's and a provider's public number is a hotline (an office's number, shown in full),
    not personal data: named so, apart from the contact's own phone (encrypted)."""

    dependencies = [("circle", "0002_menu")]
    operations = [
        migrations.RenameField("servicepoint", "phone", "hotline"),
        migrations.RenameField("provider", "public_phone", "hotline"),
    ]
