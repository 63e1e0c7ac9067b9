#!/usr/bin/env bash
# run.sh: the catalogue behind a real federation gateway. Serves the demo
# catalogue (tools/demo-server.sh) with a gateway secret, then runs
# federation.test.mjs under `node --test`: it composes the catalogue with
# the services subgraph (services.mjs) using @apollo/composition, starts
# Apollo Gateway (gateway.mjs) over both, and queries through it. Exits
# with the tests' status.
#
#	tools/federation/run.sh        (make federation)
#
# Needs Go, Node.js 20 or later and, unless DATABASE_URL is set, the
# PostgreSQL server binaries.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	tools/apt-install.sh nodejs npm || { echo "federation: Node.js 20 or later and npm are needed" >&2; exit 1; }
fi
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
	echo "federation: Node.js $(node --version) is too old: @apollo/server 5 needs 20 or later" >&2
	exit 1
fi

if [[ ! -d tools/federation/node_modules ]] || [[ tools/federation/package-lock.json -nt tools/federation/node_modules ]]; then
	echo "federation: installing the gateway and subgraph packages (npm ci)" >&2
	npm ci --prefix tools/federation --no-audit --no-fund --loglevel=error
fi

# A secret for this run only, shared by the server and the gateway.
CATALOGUE_GATEWAY_SECRET=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
export CATALOGUE_GATEWAY_SECRET

exec tools/demo-server.sh node --test --test-reporter=spec tools/federation/federation.test.mjs
