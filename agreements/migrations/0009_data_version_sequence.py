"""The data version as a PostgreSQL sequence (agreements/cache.py): it outlives any cache."""

from django.db import migrations

SEQUENCE = "agreements_data_version"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [("agreements", "0008_slugs_feed_audience_reference_rows")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
