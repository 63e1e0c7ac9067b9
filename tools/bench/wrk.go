package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// wrkScript sends one request (method, headers, body) over and over and
// counts, over wrk's threads, the answers that are not 200 or hold GraphQL
// errors, which it prints when done: wrk itself sees only the status, and
// an answer with errors is 200.
const wrkScript = `wrk.method = %q
%swrk.body = %q
local threads = {}
function setup(thread) table.insert(threads, thread) end
failed = 0
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then failed = failed + 1 end
end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("failed") end
  io.write(string.format("failed %%d\n", n))
end
`

var (
	wrkRequests = regexp.MustCompile(`(\d+) requests in ([0-9.]+)(us|ms|s|m)`)
	wrkLatency  = regexp.MustCompile(`(?m)^\s+(50|99)(?:\.000)?%\s+([0-9.]+)(us|ms|s|m)\s*$`)
	wrkFailed   = regexp.MustCompile(`(?m)^failed (\d+)$`)
)

// measureWrk is measure with wrk (two threads, o.conns connections)
// instead of the Go clients: a client in C, which leaves the server and
// PostgreSQL more of the machine's two cores. Issue #20's figures were
// taken so. Its p50 and p99 are wrk's.
func measureWrk(url, method string, body []byte, hdr http.Header, o options, serverPID, postmaster int) (result, error) {
	var headers strings.Builder
	for k, vs := range hdr {
		for _, v := range vs {
			fmt.Fprintf(&headers, "wrk.headers[%q] = %q\n", k, v)
		}
	}
	script, err := os.CreateTemp("", "bench-*.lua")
	if err != nil {
		return result{}, err
	}
	defer os.Remove(script.Name())
	if _, err := fmt.Fprintf(script, wrkScript, method, headers.String(), string(body)); err != nil {
		return result{}, err
	}
	if err := script.Close(); err != nil {
		return result{}, err
	}
	run := func(d time.Duration) (string, error) {
		out, err := exec.Command("wrk", "-t2", "-c"+strconv.Itoa(o.conns), "-d"+strconv.Itoa(max(int(d.Seconds()), 1))+"s",
			"--latency", "-s", script.Name(), url).CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("wrk: %w: %s", err, bytes.TrimSpace(out))
		}
		return string(out), nil
	}
	if _, err := run(o.warmup); err != nil {
		return result{}, err
	}
	srv0, db0 := cpuTime(serverPID), clusterCPU(postmaster)
	out, err := run(o.duration)
	if err != nil {
		return result{}, err
	}
	srv1, db1 := cpuTime(serverPID), clusterCPU(postmaster)
	return parseWrk(out, srv1-srv0, max(db1-db0, 0))
}

// parseWrk reads wrk --latency's report (and wrkScript's count of failed
// answers); server and db are the CPU time the processes used meanwhile.
func parseWrk(out string, server, db time.Duration) (result, error) {
	m := wrkRequests.FindStringSubmatch(out)
	if m == nil {
		return result{}, fmt.Errorf("wrk's report has no request count:\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	took, err := wrkDuration(m[2], m[3])
	if err != nil || took <= 0 || n == 0 {
		return result{}, fmt.Errorf("wrk's report: %d requests in %s:\n%s", n, m[2]+m[3], out)
	}
	r := result{rate: float64(n) / took.Seconds()}
	for _, l := range wrkLatency.FindAllStringSubmatch(out, -1) {
		d, err := wrkDuration(l[2], l[3])
		if err != nil {
			return result{}, err
		}
		if l[1] == "50" {
			r.p50 = d
		} else {
			r.p99 = d
		}
	}
	if r.p50 == 0 || r.p99 == 0 {
		return result{}, fmt.Errorf("wrk's report has no latency distribution:\n%s", out)
	}
	f := wrkFailed.FindStringSubmatch(out)
	if f == nil {
		return result{}, fmt.Errorf("wrk's report has no count of failed answers:\n%s", out)
	}
	r.errors, _ = strconv.Atoi(f[1])
	r.serverCPU, r.dbCPU = server/time.Duration(n), db/time.Duration(n)
	if r.errors > 0 {
		return r, fmt.Errorf("%d of %d answers failed", r.errors, n)
	}
	return r, nil
}

func wrkDuration(v, unit string) (time.Duration, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, err
	}
	scale := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second, "m": time.Minute}[unit]
	return time.Duration(f * float64(scale)), nil
}
