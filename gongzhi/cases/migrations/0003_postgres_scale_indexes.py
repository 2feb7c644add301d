"""Two PostgreSQL indexes that keep figures and inboxes flat as history grows (measured in
benchmarks/figures.py and inbox.py at 500k and 2M cases).

- 三率 scan a period's cases by created_at and read a handful of columns: a covering index makes
  that an index-only scan (district-year 689 → ~195 ms at 2M cases).
- Inboxes filter open cases by a holder-path prefix and sort by deadline; a prefix match on
  PostgreSQL needs varchar_pattern_ops unless the database collation is C.

SQLite has neither INCLUDE nor operator classes; its plain indexes from 0001 serve there."""

from django.db import migrations

OPEN = "('submitted', 'accepted', 'dispatched', 'in_progress', 'reopened')"
CREATE = [
    "CREATE INDEX IF NOT EXISTS case_created_figures_idx ON cases_case (created_at) "
    "INCLUDE (id, location_path, state, master_id, responded_at, response_due, rating, rating_solved, resolved_level)",
    "CREATE INDEX IF NOT EXISTS case_open_area_due_idx ON cases_case "
    f"(area_path varchar_pattern_ops, handling_due) WHERE state IN {OPEN}",
]
DROP = ["DROP INDEX IF EXISTS case_created_figures_idx", "DROP INDEX IF EXISTS case_open_area_due_idx"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_seed_catalogue")]
    operations = [migrations.RunPython(create, drop)]
