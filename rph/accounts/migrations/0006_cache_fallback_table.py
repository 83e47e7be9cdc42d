"""The table of the database cache that answers while Redis does not (rph/cache.py)."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "rph_cache_fallback"  # rph.cache.FALLBACK_TABLE, as it was when this migration was written


def create_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_team_review_after_sessions")]

    operations = [migrations.RunPython(create_table, drop_table)]
