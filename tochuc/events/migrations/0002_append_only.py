"""The event log and its voiding records refuse UPDATE and DELETE in the database itself,
on SQLite and on PostgreSQL, whatever code path tries (DESIGN.md §2.1, SECURITY.md E2)."""

from django.db import migrations

from tochuc.core import appendonly

TABLES = ("events_event", "events_eventvoid")


def create(apps, schema_editor):
    appendonly.install(schema_editor.connection, TABLES)


def drop(apps, schema_editor):
    appendonly.uninstall(schema_editor.connection, TABLES)


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
