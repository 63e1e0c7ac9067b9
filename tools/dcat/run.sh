#!/usr/bin/env bash
# run.sh serves the demo catalogue (tools/demo-server.sh) and harvests its
# DCAT-AP export with tools/dcat/check.mjs (JSON-LD expanded by `jsonld`,
# Turtle parsed by `n3`, the two compared, the DCAT-AP properties checked).
# It exits with the check's status.
#
#	tools/dcat/run.sh        (make dcat-check)
#
# Needs Go, Node.js (18 or later) and, unless DATABASE_URL is set, the
# PostgreSQL server binaries (the binary starts a private cluster itself).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	tools/apt-install.sh nodejs npm || { echo "dcat: Node.js 18 or later and npm are needed" >&2; exit 1; }
fi

if [[ ! -d tools/dcat/node_modules ]]; then
	echo "dcat: installing jsonld and n3 (npm ci)"
	npm ci --prefix tools/dcat --no-audit --no-fund --loglevel=error
fi

# The IRIs follow the request's Host here; a deployment sets
# CATALOGUE_PUBLIC_URL instead.
unset CATALOGUE_PUBLIC_URL

# shellcheck disable=SC2016 # expanded by the inner shell, in demo-server's environment
tools/demo-server.sh bash -c 'node tools/dcat/check.mjs "$CATALOGUE_URL"' || {
	status=$?
	echo "dcat: FAILED (see FAIL lines above)" >&2
	exit "$status"
}
