#!/usr/bin/env bash
# run.sh serves the demo catalogue (tools/demo-server.sh) and runs
# graphql-http's GraphQL-over-HTTP server audit against /graphql. It exits
# with the audit's status: 1 when a MUST of the spec fails, 0 otherwise
# (SHOULD and MAY failures are printed).
#
#	tools/audit/run.sh        (make audit)
#
# Needs Go, Node.js (18 or later) and, unless DATABASE_URL is set, the
# PostgreSQL server binaries (the binary starts a private cluster itself).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	tools/apt-install.sh nodejs npm || { echo "audit: Node.js 18 or later and npm are needed" >&2; exit 1; }
fi

if [[ ! -d tools/audit/node_modules ]]; then
	echo "audit: installing graphql-http (npm ci)"
	npm ci --prefix tools/audit --no-audit --no-fund --loglevel=error
fi

# The audit's variables checks query __type, and introspection is only for
# the data authority and auditors (a public client is refused it by
# design, FORBIDDEN): audit as the authority, with a token signed by the
# secret the server uses (the development secret in its data directory).
# shellcheck disable=SC2016 # expanded by the inner shell, in demo-server's environment
tools/demo-server.sh bash -c '
	token=$("$CATALOGUE_BIN" token --role AUTHORITY --sub graphql-http-audit --ttl 10m --data-dir "$CATALOGUE_DATA_DIR")
	AUDIT_AUTHORIZATION="Bearer $token" node tools/audit/audit.mjs "$CATALOGUE_GRAPHQL"
' || {
	status=$?
	echo "audit: FAILED (a MUST of GraphQL over HTTP is not met; see ERROR lines above)" >&2
	exit "$status"
}
