"""On PostgreSQL a prefix match (LIKE 'path%') only uses an index built with varchar_pattern_ops;
SQLite's LIKE-prefix optimisation works with the plain unique index treebeard already has."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS party_partyorganization_path_prefix "
            "ON party_partyorganization (path varchar_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS party_partyorganization_path_prefix")


class Migration(migrations.Migration):
    dependencies = [("party", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
