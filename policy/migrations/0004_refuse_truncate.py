from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# TRUNCATE fires no row trigger, so 0003 alone let one statement wipe an adopted guideline.
# On PostgreSQL a statement trigger on each table refuses TRUNCATE while the table holds
# a version that is not a draft (or a rule of one), as DELETE of such a row is refused;
# drafts alone may go. TRUNCATE policy_guideline CASCADE reaches both tables and is
# refused as well. The one exception is a session (or a database) that sets
# moskenes.allow_truncate to 'on': only the test database does, since Django's test runner
# empties every table with TRUNCATE after a transactional test (tests/conftest.py,
# django_db_setup). SQLite has no TRUNCATE and these tables no trigger there.
CREATE = """
CREATE OR REPLACE FUNCTION policy_version_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('moskenes.allow_truncate', true) = 'on' THEN RETURN NULL; END IF;
    IF EXISTS (SELECT 1 FROM policy_guidelineversion WHERE status <> 'draft') THEN
        RAISE EXCEPTION 'policy_guidelineversion holds adopted versions: % refused', TG_OP;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER policy_version_no_truncate
    BEFORE TRUNCATE ON policy_guidelineversion
    FOR EACH STATEMENT EXECUTE FUNCTION policy_version_no_truncate();

CREATE OR REPLACE FUNCTION policy_rule_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('moskenes.allow_truncate', true) = 'on' THEN RETURN NULL; END IF;
    IF EXISTS (
        SELECT 1 FROM policy_rule r JOIN policy_guidelineversion v ON v.id = r.version_id
        WHERE v.status <> 'draft'
    ) THEN
        RAISE EXCEPTION 'policy_rule holds rules of adopted versions: % refused', TG_OP;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER policy_rule_no_truncate
    BEFORE TRUNCATE ON policy_rule
    FOR EACH STATEMENT EXECUTE FUNCTION policy_rule_no_truncate();
"""
DROP = """
DROP TRIGGER IF EXISTS policy_rule_no_truncate ON policy_rule;
DROP FUNCTION IF EXISTS policy_rule_no_truncate();
DROP TRIGGER IF EXISTS policy_version_no_truncate ON policy_guidelineversion;
DROP FUNCTION IF EXISTS policy_version_no_truncate();
"""


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("policy", "0003_immutability_triggers")]
    operations = [migrations.RunPython(forwards, backwards)]
