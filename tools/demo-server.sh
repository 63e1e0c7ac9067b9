#!/usr/bin/env bash
# demo-server.sh COMMAND [ARG...]: build bin/catalogue, serve the demo
# catalogue on a free local port from a throw-away data directory (its own
# private PostgreSQL cluster unless DATABASE_URL is set), run COMMAND once
# the server is ready, then stop the server and remove the directory. It
# exits with COMMAND's status.
#
#	tools/demo-server.sh node --test tools/federation/federation.test.mjs
#
# COMMAND's environment has, besides this script's own:
#
#	CATALOGUE_URL       the server's base URL, e.g. http://127.0.0.1:41234
#	CATALOGUE_GRAPHQL   its GraphQL endpoint ($CATALOGUE_URL/graphql)
#	CATALOGUE_DATA_DIR  its data directory, for tokens signed with the
#	                    server's development secret:
#	                    bin/catalogue token --role AUTHORITY --data-dir "$CATALOGUE_DATA_DIR"
#	CATALOGUE_BIN       the binary's path
#	CATALOGUE_LOG       the server's log file
#
# The server reads the environment too (CATALOGUE_GATEWAY_SECRET,
# CATALOGUE_POLICY, ...); DEMO_SERVER_FLAGS adds flags to `serve` (e.g.
# --dev). Needs Go and, unless DATABASE_URL is set, the PostgreSQL server
# binaries (tools/ensure-postgres.sh installs them).
set -euo pipefail

if [[ $# -eq 0 ]]; then
	sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
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
			echo "demo-server: the server did not stop after SIGINT; killing it" >&2
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

# readyz PORT: 0 when GET /readyz answers 200. Bash's /dev/tcp, so that
# no HTTP client need be installed.
readyz() {
	local status
	exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
	printf 'GET /readyz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
	read -r _ status _ <&3 || status=""
	exec 3<&- 3>&-
	[[ "$status" == 200 ]]
}

echo "demo-server: building bin/catalogue" >&2
go build -o bin/catalogue ./cmd/catalogue

workdir=$(mktemp -d "${TMPDIR:-/tmp}/catalogue-demo-XXXXXX")
# When we are root, PostgreSQL runs as user postgres, which must be able to
# enter the data directory.
chmod 755 "$workdir"
log="$workdir/server.log"

# Port 0: the kernel picks a free port, and the server logs it.
# shellcheck disable=SC2086 # DEMO_SERVER_FLAGS is a list of flags
./bin/catalogue serve --addr 127.0.0.1:0 --demo --data-dir "$workdir/data" ${DEMO_SERVER_FLAGS:-} >"$log" 2>&1 &
pid=$!

# Starting PostgreSQL and loading the demo catalogue takes a few seconds.
url=""
for _ in $(seq 1 1200); do
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "demo-server: the server exited before it was ready; its log:" >&2
		cat "$log" >&2
		pid=""
		exit 1
	fi
	if [[ -z "$url" ]]; then
		url=$(grep -o 'graphql=http://[^ ]*/graphql' "$log" | head -n 1 | sed 's/^graphql=//; s#/graphql$##' || true)
	fi
	if [[ -n "$url" ]] && readyz "${url##*:}" 2>/dev/null; then
		break
	fi
	sleep 0.1
done
if [[ -z "$url" ]] || ! readyz "${url##*:}" 2>/dev/null; then
	echo "demo-server: the server was not ready after 2 minutes; its log:" >&2
	cat "$log" >&2
	exit 1
fi
echo "demo-server: serving the demo catalogue at $url (data in $workdir)" >&2

status=0
CATALOGUE_URL="$url" CATALOGUE_GRAPHQL="$url/graphql" CATALOGUE_DATA_DIR="$workdir/data" \
	CATALOGUE_BIN="$root/bin/catalogue" CATALOGUE_LOG="$log" "$@" || status=$?
if [[ $status -ne 0 ]]; then
	echo "demo-server: '$*' exited with $status; the server's log is in $log until it stops:" >&2
	tail -n 40 "$log" >&2
fi
stop_server
exit "$status"
