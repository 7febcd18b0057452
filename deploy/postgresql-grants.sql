-- Corridor: what the application role may do to each table (deploy/postgresql.md).
--
-- Run after every `corridor-manage --owner migrate`, as root on the database host or as the
-- owner role from wherever migrations run:
--
--   psql -X -v ON_ERROR_STOP=1 -U corridor_owner -d corridor -f /srv/corridor/deploy/postgresql-grants.sql
--
-- Safe to run any number of times. The default privileges set up in deploy/postgresql.md
-- already give corridor_app SELECT/INSERT/UPDATE/DELETE on tables the owner creates later;
-- this file restates that and takes back what append-only tables must not allow.

-- Everything: read and write rows, nothing else (no TRUNCATE, no REFERENCES, no TRIGGER, and,
-- as corridor_app owns nothing, no ALTER, DROP or DISABLE TRIGGER).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO corridor_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO corridor_app;
REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM corridor_app;

-- The audit log is append-only: read and add events, never change or remove one. The trigger
-- from audit/0002 refuses UPDATE and DELETE even for the owner; without these privileges the
-- application role cannot even try, and TRUNCATE (which row triggers do not see) is refused.
REVOKE UPDATE, DELETE ON audit_event FROM corridor_app;

-- The chain head is written with every event (INSERT for the very first one) but never
-- removed.
REVOKE DELETE ON audit_chainhead FROM corridor_app;

-- Only migrations, run as the owner, record migrations.
REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM corridor_app;
