package main

import (
	"strings"
	"testing"
	"time"
)

// report is wrk 4.1's --latency report, with wrkScript's last line.
const report = `Running 5s test @ http://127.0.0.1:18081/list
  2 threads and 20 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.21ms    2.10ms  30.12ms   80.00%
    Req/Sec     2.20k   150.00     2.50k    70.00%
  Latency Distribution
     50%    3.97ms
     75%    5.01ms
     90%    6.50ms
     99%    8.82ms
  21976 requests in 5.00s, 210.00MB read
Requests/sec:   4395.20
Transfer/sec:     42.00MB
failed 0
`

func TestParseWrk(t *testing.T) {
	for _, c := range []struct {
		name           string
		out            string
		rate           float64
		p50, p99       time.Duration
		errors         int
		wantErr        string
		server, perReq time.Duration
	}{
		{name: "a report", out: report, rate: 4395.2, p50: 3970 * time.Microsecond, p99: 8820 * time.Microsecond,
			server: 21976 * 200 * time.Microsecond, perReq: 200 * time.Microsecond},
		{name: "other units", out: strings.NewReplacer("3.97ms", "850.00us", "8.82ms", "1.02s", "in 5.00s", "in 1.00m").Replace(report),
			rate: 21976 / 60.0, p50: 850 * time.Microsecond, p99: 1020 * time.Millisecond},
		{name: "failed answers", out: strings.Replace(report, "failed 0", "failed 3", 1), rate: 4395.2,
			p50: 3970 * time.Microsecond, p99: 8820 * time.Microsecond, errors: 3, wantErr: "3 of 21976 answers failed"},
		{name: "no count of failures", out: strings.Replace(report, "failed 0\n", "", 1), wantErr: "no count of failed answers"},
		{name: "no distribution", out: strings.Replace(report, "     99%    8.82ms\n", "", 1), wantErr: "no latency distribution"},
		{name: "no requests", out: "unable to connect to 127.0.0.1:1 Connection refused\n", wantErr: "no request count"},
		{name: "zero requests", out: strings.Replace(report, "21976 requests", "0 requests", 1), wantErr: "0 requests"},
	} {
		r, err := parseWrk(c.out, c.server, 0)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s: error %v, want one saying %q", c.name, err, c.wantErr)
			}
			if r.errors != c.errors {
				t.Errorf("%s: %d errors, want %d", c.name, r.errors, c.errors)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if diff := r.rate - c.rate; diff > 0.01 || diff < -0.01 || r.p50 != c.p50 || r.p99 != c.p99 || r.errors != c.errors || r.serverCPU != c.perReq {
			t.Errorf("%s: %.2f req/s, p50 %s, p99 %s, %d errors, %s per request; want %.2f, %s, %s, %d, %s",
				c.name, r.rate, r.p50, r.p99, r.errors, r.serverCPU, c.rate, c.p50, c.p99, c.errors, c.perReq)
		}
	}
}
