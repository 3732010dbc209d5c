"""An index for the figures counted by the year they are about (evaluations: `year`, not the
effective date). Without it the annual report reads every evaluation of every year and filters
(bench/analysis.md: 0.4–1.3 s of the city report on PostgreSQL). Created in SQL rather than in
`Event.Meta` so the model class stays as it is (append-only table, owned by the foundation); the
lead may move it to Meta.indexes with `SeparateDatabaseAndState`."""

from django.db import migrations

NAME = "event_kind_year"


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        if schema_editor.connection.vendor == "postgresql":
            cur.execute(
                f"CREATE INDEX IF NOT EXISTS {NAME} ON events_event (kind, year) "
                "INCLUDE (unit_id, person_id, subtype) WHERE year IS NOT NULL"
            )
        else:
            cur.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON events_event (kind, year, unit_id, person_id, subtype)")


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        cur.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("events", "0003_rollups")]
    operations = [migrations.RunPython(create, drop)]
