"""Seed the catalogue of matters (see gongzhi/cases/catalogue_data.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from gongzhi.cases import catalogue_data

    catalogue_data.load(apps)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
