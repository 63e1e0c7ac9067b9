#!/usr/bin/env bash
# run.sh builds the catalogue, serves the demo catalogue on a free local port
# from a throw-away data directory, and harvests its DCAT-AP export with
# tools/dcat/check.mjs (JSON-LD expanded by `jsonld`, Turtle parsed by `n3`,
# the two compared, the DCAT-AP properties checked). It exits with the
# check's status.
#
#	tools/dcat/run.sh
#
# Needs Go, Node.js (18 or later) and, unless DATABASE_URL is set, the
# PostgreSQL server binaries (the binary starts a private cluster itself).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

workdir=""
pid=""

stop_server() {
	if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
		kill -INT "$pid" 2>/dev/null || true
		# The server stops its PostgreSQL cluster on the way out; give it
		# time, then insist.
		for _ in $(seq 1 300); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "dcat: server did not stop after SIGINT; killing it" >&2
			kill -KILL "$pid" 2>/dev/null || true
		fi
		wait "$pid" 2>/dev/null || true
	fi
	pid=""
}

cleanup() {
	local status=$?
	stop_server
	if [[ -n "$workdir" ]]; then
		rm -rf "$workdir"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	tools/apt-install.sh nodejs npm || { echo "dcat: Node.js 18 or later and npm are needed" >&2; exit 1; }
fi

echo "dcat: building bin/catalogue"
go build -o bin/catalogue ./cmd/catalogue

if [[ ! -d tools/dcat/node_modules ]]; then
	echo "dcat: installing jsonld and n3 (npm ci)"
	npm ci --prefix tools/dcat --no-audit --no-fund --loglevel=error
fi

workdir=$(mktemp -d "${TMPDIR:-/tmp}/catalogue-dcat-XXXXXX")
# When we are root, PostgreSQL runs as user postgres, which must be able to
# enter the data directory.
chmod 755 "$workdir"

# Ask the kernel for a free port, then let it go for the server to take.
port=$(node -e '
	const s = require("net").createServer();
	s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });
')
base="http://127.0.0.1:$port"

echo "dcat: starting the server on $base (data in $workdir)"
# The IRIs follow the request's Host here; a deployment sets
# CATALOGUE_PUBLIC_URL instead.
env -u CATALOGUE_PUBLIC_URL ./bin/catalogue serve --addr "127.0.0.1:$port" --demo --data-dir "$workdir/data" >"$workdir/server.log" 2>&1 &
pid=$!

# Starting PostgreSQL and loading the demo catalogue takes a few seconds.
ready=""
for _ in $(seq 1 1200); do
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "dcat: the server exited before it was ready; its log:" >&2
		cat "$workdir/server.log" >&2
		pid=""
		exit 1
	fi
	if node -e '
		fetch(process.argv[1]).then(r => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1));
	' "$base/readyz" 2>/dev/null; then
		ready=yes
		break
	fi
	sleep 0.1
done
if [[ -z "$ready" ]]; then
	echo "dcat: the server was not ready after 2 minutes; its log:" >&2
	cat "$workdir/server.log" >&2
	exit 1
fi

status=0
node tools/dcat/check.mjs "$base" || status=$?

stop_server
if [[ $status -ne 0 ]]; then
	echo "dcat: FAILED (see FAIL lines above)" >&2
fi
exit "$status"
