"""Refuse TRUNCATE of the ledger in the database itself (PostgreSQL).

The trigger of 0002 is a row trigger: TRUNCATE fires no row trigger, so one statement emptied
the whole ledger, every entitlement, payment and reversal, leaving the proposals and payments
looking unpaid or unowed. This statement trigger refuses it. Django's test runner empties
tables with TRUNCATE between transactional tests, so a test database (named ``test_...`` by
Django) allows it unless the session asks for the production behaviour with
``SET corridor.refuse_truncate = 'on'`` (a setting can only add the refusal, never lift it).
Renaming a production database needs its owner, who can drop the trigger anyway.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION rewards_entry_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF left(current_database(), 5) = 'test_'
       AND coalesce(current_setting('corridor.refuse_truncate', true), '') <> 'on'
    THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'ledger entries are append-only';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER rewards_entry_refuse_truncate BEFORE TRUNCATE ON rewards_entry
    FOR EACH STATEMENT EXECUTE FUNCTION rewards_entry_refuse_truncate();
"""
DROP = """
DROP TRIGGER IF EXISTS rewards_entry_refuse_truncate ON rewards_entry;
DROP FUNCTION IF EXISTS rewards_entry_refuse_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("rewards", "0002_ledger_append_only_trigger")]
    operations = [migrations.RunPython(forwards, backwards)]
