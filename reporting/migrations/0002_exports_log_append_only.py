from django.db import migrations

TABLE = "reporting_exportlog"
MESSAGE = "the export log is append-only"

# audit_refuse_change() comes from the access log's migration.
POSTGRES_FORWARD = f"""
CREATE TRIGGER {TABLE}_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""
POSTGRES_BACKWARD = f"DROP TRIGGER {TABLE}_append_only ON {TABLE};"
SQLITE_FORWARD = [
    f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]
SQLITE_BACKWARD = [f"DROP TRIGGER {TABLE}_no_update;", f"DROP TRIGGER {TABLE}_no_delete;"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError("append-only export log needs PostgreSQL or SQLite")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    else:
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_exports_staffing_and_log"),
        ("audit", "0002_access_log_append_only"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
