from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# On PostgreSQL the database itself refuses to change a guideline version that is no
# longer a draft, or any rule of such a version, so no code path (a raw query, a bulk
# update, an admin action) can rewrite an adopted guideline. The one change allowed is
# the status of an adopted version becoming superseded, with every other column equal.
# Inserting rules is guarded by the services and Rule.save(), not here, so that a
# database dump (or a test's serialized rollback) can be loaded back.
CREATE = """
CREATE OR REPLACE FUNCTION policy_version_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'draft' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NEW IS NOT DISTINCT FROM OLD THEN RETURN NEW; END IF;
        IF OLD.status = 'adopted' AND NEW.status = 'superseded'
           AND (to_jsonb(NEW) - 'status') = (to_jsonb(OLD) - 'status') THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'policy_guidelineversion % is %: % refused', OLD.id, OLD.status, TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER policy_version_immutable
    BEFORE UPDATE OR DELETE ON policy_guidelineversion
    FOR EACH ROW EXECUTE FUNCTION policy_version_immutable();

CREATE OR REPLACE FUNCTION policy_rule_immutable() RETURNS trigger AS $$
DECLARE
    old_status text;
    new_status text;
BEGIN
    SELECT status INTO old_status FROM policy_guidelineversion WHERE id = OLD.version_id;
    IF TG_OP = 'DELETE' THEN
        IF old_status IS NULL OR old_status = 'draft' THEN RETURN OLD; END IF;
    ELSE
        IF NEW IS NOT DISTINCT FROM OLD THEN RETURN NEW; END IF;
        SELECT status INTO new_status FROM policy_guidelineversion WHERE id = NEW.version_id;
        IF old_status = 'draft' AND new_status = 'draft' THEN RETURN NEW; END IF;
    END IF;
    RAISE EXCEPTION 'policy_rule % belongs to a % version: % refused', OLD.id, old_status, TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER policy_rule_immutable
    BEFORE UPDATE OR DELETE ON policy_rule
    FOR EACH ROW EXECUTE FUNCTION policy_rule_immutable();
"""
DROP = """
DROP TRIGGER IF EXISTS policy_rule_immutable ON policy_rule;
DROP FUNCTION IF EXISTS policy_rule_immutable();
DROP TRIGGER IF EXISTS policy_version_immutable ON policy_guidelineversion;
DROP FUNCTION IF EXISTS policy_version_immutable();
"""


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("policy", "0002_guideline_v1")]
    operations = [migrations.RunPython(forwards, backwards)]
