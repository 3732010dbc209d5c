"""Covering indexes for the report's grouped counts (bench/analysis.md): the period scan of
events, the evaluations by year and the headcount on a day are answered from the index alone.

The (kind, year) index of 0004 was raw SQL; it moves into `Event.Meta` here (so SQLite table
rebuilds keep it) with the columns the counts read.
"""

from django.db import migrations, models


def drop_raw(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        cur.execute("DROP INDEX IF EXISTS event_kind_year")


def create_raw(apps, schema_editor):
    from importlib import import_module

    import_module("tochuc.events.migrations.0004_event_kind_year_index").create(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("events", "0004_event_kind_year_index")]
    operations = [
        migrations.RunPython(drop_raw, create_raw),
        migrations.RemoveIndex(model_name="event", name="event_date_kind_unit"),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                fields=["effective_on", "kind", "unit", "person", "subtype", "id"],
                name="event_date_cover",
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(("year__isnull", False)),
                fields=["kind", "year", "unit", "person", "subtype", "id"],
                name="event_kind_year",
            ),
        ),
        migrations.RemoveIndex(model_name="membership", name="membership_unit_from"),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                fields=["unit", "valid_from", "valid_to", "status", "sex"],
                name="membership_cover",
            ),
        ),
    ]
