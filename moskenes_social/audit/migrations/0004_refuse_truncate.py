from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# TRUNCATE fires no row trigger, so 0002 alone let one statement empty the log. On
# PostgreSQL a statement trigger refuses it too. The one exception is a session (or a
# database) that sets moskenes.allow_truncate to 'on': only the test database does, since
# Django's test runner empties every table with TRUNCATE after a transactional test
# (tests/conftest.py, django_db_setup). SQLite has no TRUNCATE; Django's flush there
# deletes rows, and the log has no trigger on SQLite.
CREATE = """
CREATE OR REPLACE FUNCTION audit_event_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('moskenes.allow_truncate', true) = 'on' THEN RETURN NULL; END IF;
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_no_truncate();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event;
DROP FUNCTION IF EXISTS audit_event_no_truncate();
"""


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_event_target_time_index")]
    operations = [migrations.RunPython(forwards, backwards)]
