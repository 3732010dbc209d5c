"""On PostgreSQL a plain btree does not serve LIKE 'prefix%' under a non-C collation;
text_pattern_ops does (PERFORMANCE.md, "What made it fast" 1)."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS unitversion_path_pattern ON units_unitversion (path text_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS unitversion_path_pattern")


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
