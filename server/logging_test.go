package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/auth"
	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store/storetest"
)

// jsonLog captures the handler's log as JSON records, debug and up.
type jsonLog struct{ buf syncBuffer }

func (l *jsonLog) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(&l.buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func (l *jsonLog) records(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(l.buf.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("a log line is not JSON: %s", sc.Text())
		}
		out = append(out, rec)
	}
	return out
}

func (l *jsonLog) reset() {
	l.buf.mu.Lock()
	l.buf.buf.Reset()
	l.buf.mu.Unlock()
}

// Client errors are logged at INFO (refusals behind visibility gates at
// DEBUG), never ERROR, and never with the request's body or token; every
// line of a request carries its request id, the one in X-Request-Id.
func TestClientErrorsAreLoggedAsSuch(t *testing.T) {
	var logs jsonLog
	a := newAPIWith(t, storetest.Options{Demo: true}, server.Config{Log: logs.logger()})
	tok, err := auth.Sign(testSecret, authority, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	const secretish = "身份证号-441402198507150012"
	for _, tc := range []struct {
		name, body, code string
		status           int
	}{
		{"malformed JSON", `{"query": "{ resources { totalCount } }", "variables": {"x": "` + secretish + `"`, "BAD_USER_INPUT", 400},
		{"not an object", `["` + secretish + `"]`, "BAD_USER_INPUT", 400},
		{"syntax error", `{"query": "{ resources(first: \"` + secretish + `\" "}`, "GRAPHQL_PARSE_FAILED", 200},
		{"validation", `{"query": "{ nosuch }"}`, "GRAPHQL_VALIDATION_FAILED", 200},
		{"bad argument value", `{"query": "{ resources(first: \"ten\") { totalCount } }"}`, "BAD_USER_INPUT", 200},
		{"bad argument", `{"query": "{ resource(code: \"` + secretish + `\") { name } }"}`, "NOT_FOUND", 200},
		{"refused by a rule", `{"query": "{ workingCalendar { addWorkingDays(date: \"2025-09-30\", workingDays: -1) } }"}`, "BAD_USER_INPUT", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs.reset()
			const id = "req-client-error-1"
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set(server.RequestIDHeader, id)
			rec := httptest.NewRecorder()
			a.handler.ServeHTTP(rec, req)
			var resp response
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
				t.Fatalf("not JSON (%d): %s", rec.Code, rec.Body)
			}
			if rec.Code != tc.status || len(resp.Errors) == 0 || resp.Errors[0].code() != tc.code {
				t.Fatalf("HTTP %d %+v, want %d %s", rec.Code, resp.Errors, tc.status, tc.code)
			}
			if strings.Contains(resp.Errors[0].Message, "body:") {
				t.Errorf("the answer quotes the body: %q", resp.Errors[0].Message)
			}
			if got := rec.Header().Get(server.RequestIDHeader); got != id {
				t.Errorf("X-Request-Id = %q, want %q", got, id)
			}
			recs := logs.records(t)
			if len(recs) == 0 {
				t.Fatal("the refusal is not logged")
			}
			raw := logs.buf.String()
			if strings.Contains(raw, tok) || strings.Contains(raw, `"query"`) || (tc.code != "NOT_FOUND" && strings.Contains(raw, "441402198507150012")) {
				t.Errorf("the log holds the body or the token:\n%s", raw)
			}
			for _, r := range recs {
				if r["level"] == "ERROR" || r["level"] == "WARN" {
					t.Errorf("a client error logged at %s: %v", r["level"], r)
				}
				if r["request_id"] != id {
					t.Errorf("a line without the request id %s: %v", id, r)
				}
			}
		})
	}
}

// A client that goes away mid-request is no internal error: the request
// waits on a lock this test holds, the client hangs up, and the canceled
// statement is logged at DEBUG.
func TestCanceledRequestIsNotAnError(t *testing.T) {
	var logs jsonLog
	a := newAPIWith(t, storetest.Options{Demo: true}, server.Config{Log: logs.logger()})
	bg := context.Background()
	conn, err := pgx.Connect(bg, a.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(bg)
	tx, err := conn.Begin(bg)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(bg)
	if _, err := tx.Exec(bg, `LOCK TABLE resources IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	ctx, hangUp := context.WithCancel(bg)
	req := httptest.NewRequest(http.MethodPost, "/graphql",
		strings.NewReader(`{"query": "{ resources(first: 5) { totalCount nodes { code } } }"}`)).WithContext(ctx)
	req.Header.Set("Content-Type", "application/json")
	done := make(chan struct{})
	go func() { defer close(done); a.handler.ServeHTTP(httptest.NewRecorder(), req) }()
	for waiting, tries := 0, 0; waiting == 0; tries++ {
		if tries == 6000 {
			t.Fatal("the request never waited on the lock")
		}
		// pg_stat_activity is read once per transaction: clear that
		// snapshot, or a request that waits after the first look is never
		// seen.
		if _, err := tx.Exec(bg, `SELECT pg_stat_clear_snapshot()`); err != nil {
			t.Fatal(err)
		}
		if err := tx.QueryRow(bg, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	hangUp()
	<-done
	canceled := false
	for _, r := range logs.records(t) {
		if r["level"] == "ERROR" {
			t.Errorf("a canceled request logged at ERROR: %v", r)
		}
		if r["msg"] == "request canceled" && r["level"] == "DEBUG" {
			canceled = true
		}
	}
	if !canceled {
		t.Errorf("no DEBUG \"request canceled\" line:\n%s", logs.buf.String())
	}
}

// addWorkingDays with a bad argument is an error at that field only: the
// rest of the answer stands.
func TestWorkingDaysErrorStaysAtItsField(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	resp := a.public().do(`{ resources(first: 1) { totalCount } workingCalendar { revision
		bad: addWorkingDays(date: "2025-09-30", workingDays: -1)
		far: addWorkingDays(date: "2035-09-30", workingDays: 1)
		off: isWorkingDay(date: "2040-01-01")
		ok: addWorkingDays(date: "2025-09-30", workingDays: 5) } }`, nil)
	var out struct {
		Resources       *struct{ TotalCount int }
		WorkingCalendar *struct {
			Revision          int
			Bad, Far, Off, OK *json.RawMessage
		}
	}
	resp.decode(t, &out)
	if out.Resources == nil || out.WorkingCalendar == nil || out.WorkingCalendar.OK == nil ||
		string(*out.WorkingCalendar.OK) != `"2025-10-14"` || out.WorkingCalendar.Bad != nil || out.WorkingCalendar.Far != nil || out.WorkingCalendar.Off != nil {
		t.Fatalf("data %s errors %+v", resp.Data, resp.Errors)
	}
	codes := map[string]string{}
	for _, e := range resp.Errors {
		if len(e.Path) == 2 {
			codes[e.Path[1].(string)] = e.code()
		}
	}
	if codes["bad"] != "BAD_USER_INPUT" || codes["far"] != "FAILED_PRECONDITION" || codes["off"] != "FAILED_PRECONDITION" || len(resp.Errors) != 3 {
		t.Errorf("errors %+v", resp.Errors)
	}
}
