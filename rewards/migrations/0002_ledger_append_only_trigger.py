"""Refuse UPDATE and DELETE of ledger entries in the database itself (PostgreSQL).

The model layer refuses them too (rewards/models.py); this stops code or a person that goes
round it with SQL. Corrections are reversal entries. The one change allowed is the one a
restriction makes (rewards/restriction.py): the amount and the time emptied, nothing else
changed, on an entry whose case is restricted; the values stay in the entry's sealed record.
As for the audit log (audit/migrations/0002), only a role that can ALTER the table can disable
the trigger, and SQLite (development) relies on the model layer, because its DELETE-based test
flush would trip such a trigger.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION rewards_entry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.amount IS NULL AND NEW.created_at IS NULL
       AND (OLD.amount IS NOT NULL OR OLD.created_at IS NOT NULL)
       AND NEW.id = OLD.id AND NEW.case_id = OLD.case_id
       AND NEW.proposal_id = OLD.proposal_id
       AND NEW.payment_id IS NOT DISTINCT FROM OLD.payment_id
       AND NEW.kind = OLD.kind AND NEW.currency = OLD.currency
       AND NEW.reverses_id IS NOT DISTINCT FROM OLD.reverses_id
       AND NEW.record_id = OLD.record_id AND NEW.created_by_id = OLD.created_by_id
       AND EXISTS (SELECT 1 FROM cases_case WHERE id = OLD.case_id AND restricted)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'ledger entries are append-only';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER rewards_entry_append_only BEFORE UPDATE OR DELETE ON rewards_entry
    FOR EACH ROW EXECUTE FUNCTION rewards_entry_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS rewards_entry_append_only ON rewards_entry;
DROP FUNCTION IF EXISTS rewards_entry_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("rewards", "0001_ledger"), ("cases", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
