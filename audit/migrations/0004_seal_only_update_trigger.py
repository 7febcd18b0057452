"""Let the database allow exactly one change of an audit event: sealing it (PostgreSQL).

When a case becomes restricted, its events keep only their year in clear and their true time
and detail move into ``sealed`` (audit/log.py, ``seal_case_events``). The chain's links cover a
digest of those values (``body``), not the values, so the chain still verifies. Anything else
is still refused: the trigger accepts an UPDATE only if it removes the nonce, empties the
detail, truncates the time to its year, fills ``sealed``, changes no other column, and the
event is about a case that is restricted. Deletes stay refused.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.nonce <> '' AND NEW.nonce = '' AND NEW.sealed IS NOT NULL
       AND NEW.detail = '{}'::jsonb
       AND NEW.at = date_trunc('year', OLD.at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
       AND NEW.seq = OLD.seq AND NEW.hash = OLD.hash AND NEW.prev_hash = OLD.prev_hash
       AND NEW.body = OLD.body AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.actor_name = OLD.actor_name AND NEW.action = OLD.action
       AND NEW.object_type = 'case' AND OLD.object_type = 'case'
       AND NEW.object_id = OLD.object_id
       AND EXISTS (SELECT 1 FROM cases_case WHERE number = OLD.object_id AND restricted)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only';
END
$$ LANGUAGE plpgsql;
"""
PREVIOUS = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_keyed_links_and_sealed_events"), ("cases", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
