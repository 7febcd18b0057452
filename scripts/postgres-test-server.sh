#!/usr/bin/env bash
# Install (if missing) and start a local PostgreSQL for the test suite, then make sure the
# role `corridor` (password `corridor`, CREATEDB so pytest-django can create test_corridor)
# and the database `corridor` exist. Safe to run again: every step checks first.
#
# Progress goes to stderr; stdout carries only the DATABASE_URL to use, so it is the last
# line printed and `url=$(scripts/postgres-test-server.sh)` works.
#
# For tests on this machine only: the password is fixed and public. Runs as root (CI and the
# developers' machines are root); elsewhere it uses sudo if it has to.
set -euo pipefail

PG_VERSION="${PG_VERSION:-15}"     # Debian 12's postgresql package
PG_CLUSTER="${PG_CLUSTER:-main}"
DB_USER=corridor
DB_PASSWORD=corridor
DB_NAME=corridor
HOST=127.0.0.1

say() { echo "postgres-test-server: $*" >&2; }
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

# 1. The server package. Its postinst creates cluster $PG_VERSION/main; C.UTF-8 is always
#    present, so the cluster gets UTF8 encoding whatever the caller's locale is.
if ! dpkg-query -W -f='${Status}' postgresql 2>/dev/null | grep -q "install ok installed" \
  || ! command -v pg_lsclusters >/dev/null; then
  say "installing Debian package postgresql"
  $SUDO apt-get update -qq >&2
  $SUDO env LANG=C.UTF-8 LC_ALL=C.UTF-8 apt-get install -y -qq postgresql >/dev/null
fi

# 2. The cluster: create it if the package left none (or it was dropped), then start it.
if ! pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c {f=1} END {exit !f}'; then
  say "creating cluster $PG_VERSION/$PG_CLUSTER"
  $SUDO env LANG=C.UTF-8 LC_ALL=C.UTF-8 pg_createcluster "$PG_VERSION" "$PG_CLUSTER" >&2
fi
status=$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c {print $4}')
if [ "$status" != "online" ]; then
  say "starting cluster $PG_VERSION/$PG_CLUSTER"
  # pg_ctlcluster prints notes such as "Removed stale pid file." on stdout: keep stdout
  # for the URL alone.
  $SUDO pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start >&2
fi
PORT=$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c {print $3}')

for _ in $(seq 1 30); do
  pg_isready -q -h "$HOST" -p "$PORT" && break
  sleep 1
done
pg_isready -h "$HOST" -p "$PORT" >&2 || {
  say "server is not accepting TCP connections on $HOST:$PORT"
  tail -n 30 "/var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log" >&2 || true
  exit 1
}

# 3. Role and database, as the postgres superuser over the local socket (peer auth).
#    cd / first: postgres cannot read root's working directory, and psql would warn.
as_postgres_psql() {  # options as arguments, SQL on stdin
  (cd / && $SUDO su postgres -c "psql -X -q -v ON_ERROR_STOP=1 -p $PORT -d postgres $*")
}
as_postgres_psql >&2 <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN;
  END IF;
END
\$\$;
ALTER ROLE $DB_USER WITH LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
-- The leak test drops its scratch database WITH (FORCE), which must end any session in it.
GRANT pg_signal_backend TO $DB_USER;
SQL
if [ "$(echo "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | as_postgres_psql -tA)" != "1" ]; then
  say "creating database $DB_NAME"
  echo "CREATE DATABASE $DB_NAME OWNER $DB_USER" | as_postgres_psql >&2
fi

# 4. Prove that password (scram) auth over TCP works, as the application will connect.
if ! PGPASSWORD="$DB_PASSWORD" psql -X -q -tA -h "$HOST" -p "$PORT" -U "$DB_USER" -d "$DB_NAME" \
  -c "SELECT 1" </dev/null >/dev/null; then
  say "cannot log in as $DB_USER over TCP to $HOST:$PORT with a password; pg_hba.conf has:"
  grep -Ev '^\s*(#|$)' "/etc/postgresql/$PG_VERSION/$PG_CLUSTER/pg_hba.conf" >&2 || true
  exit 1
fi
say "ready: $(PGPASSWORD="$DB_PASSWORD" psql -X -tA -h "$HOST" -p "$PORT" -U "$DB_USER" \
  -d "$DB_NAME" -c 'SHOW server_version' </dev/null), $HOST:$PORT, database $DB_NAME"

echo "postgres://$DB_USER:$DB_PASSWORD@$HOST:$PORT/$DB_NAME"
