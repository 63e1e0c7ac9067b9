#!/usr/bin/env bash
# ensure-postgres.sh: make sure the PostgreSQL server binaries (initdb,
# postgres) are on this machine, for the private cluster that `make run` and
# `make test` start when DATABASE_URL / TEST_DATABASE_URL are unset.
# Installs Debian's postgresql package when they are missing and it can.
set -euo pipefail

have_binaries() {
  [ -n "${CATALOGUE_PG_BIN:-}" ] && [ -x "$CATALOGUE_PG_BIN/initdb" ] && return 0
  command -v initdb >/dev/null 2>&1 && return 0
  command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ] && return 0
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && return 0
  compgen -G '/usr/pgsql-*/bin/initdb' >/dev/null && return 0
  return 1
}

if have_binaries; then
  exit 0
fi
# Only the private cluster needs the binaries.
if [ -n "${DATABASE_URL:-}" ] && [ -n "${TEST_DATABASE_URL:-}" ]; then
  exit 0
fi

# The package's own service is not needed: the catalogue starts a private cluster.
if "$(dirname "$0")/apt-install.sh" postgresql && have_binaries; then
  exit 0
fi
echo "PostgreSQL server binaries (initdb, postgres) not found: install them (e.g. apt-get install postgresql, brew install postgresql) or set CATALOGUE_PG_BIN, DATABASE_URL and TEST_DATABASE_URL" >&2
exit 1
