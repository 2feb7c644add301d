"""Seed the camera alert types (see gongzhi/integrations/camera_types.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from gongzhi.integrations import camera_types

    camera_types.load(apps)


class Migration(migrations.Migration):
    dependencies = [("integrations", "0001_initial"), ("cases", "0002_seed_catalogue")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
