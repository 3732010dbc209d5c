from django.db import migrations


def forget_watermarks(apps, schema_editor):
    # The year counts are built with the rollup: without a watermark the next refresh rebuilds
    # both from the log (the row "years" was 0008's own marker, no longer read).
    apps.get_model("events", "RollupWatermark").objects.filter(name__in=("events", "years")).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0008_event_year_counts")]

    operations = [migrations.RunPython(forget_watermarks, migrations.RunPython.noop)]
