// Command gencity fills a database with a city at scale and measures the
// compliance queries on it (issue #8; README "Compliance at scale").
//
//	go run ./tools/gencity [-url URL] [-scale N] [-runs N] [-bench-only]
//
// Without -url (or DATABASE_URL) it starts a private PostgreSQL cluster in
// .data/gencity. -scale divides every count of the full city (1,000
// departments, 100,000 resources, 1,000,000 requests, 10,000,000 audit
// events over two years); the database must be empty unless -bench-only.
// The benchmark sends complianceReport and departmentScorecards through
// the service's real HTTP handler, as the data authority, and prints the
// fastest, median and slowest of -runs.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/auth"
	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store"
	"github.com/citydata/catalogue/store/pgcluster"
)

func main() {
	url := flag.String("url", os.Getenv("DATABASE_URL"), "PostgreSQL URL of an empty database (default $DATABASE_URL, else a private cluster in .data/gencity)")
	scale := flag.Int("scale", 1, "divide every count of the full city by this")
	runs := flag.Int("runs", 10, "how many times to run each query")
	benchOnly := flag.Bool("bench-only", false, "skip generating: measure the city already in the database")
	flag.Parse()
	if err := run(*url, *scale, *runs, *benchOnly); err != nil {
		fmt.Fprintln(os.Stderr, "gencity:", err)
		os.Exit(1)
	}
}

func run(url string, scale, runs int, benchOnly bool) error {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if url == "" {
		dir, err := filepath.Abs(filepath.Join(".data", "gencity"))
		if err != nil {
			return err
		}
		fmt.Println("starting a private PostgreSQL cluster in", dir)
		c, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: dir})
		if err != nil {
			return err
		}
		defer c.Stop()
		if err := store.CreateDatabase(ctx, c.URL("postgres"), "gencity"); err != nil {
			return err
		}
		url = c.URL("gencity")
	}
	db, err := store.Open(ctx, store.Config{URL: url})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx, log); err != nil {
		return err
	}
	// The history ends at the end of last month, so every deadline of it
	// lies in a year the holiday calendar covers.
	end := store.LastMonthEnd(time.Now())
	s := store.FullCity(end).Scaled(scale)
	if !benchOnly {
		fmt.Printf("generating %d departments, %d resources, %d requests, %d audit events up to %s\n",
			s.Departments, s.Departments*s.ResourcesPerDepartment, s.Requests, s.AuditEvents, end.Format(time.DateOnly))
		t0 := time.Now()
		if err := db.GenerateCity(ctx, s, func(m string) { fmt.Println("  " + m) }); err != nil {
			return err
		}
		fmt.Printf("generated in %s\n", time.Since(t0).Round(time.Second))
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	return bench(ctx, db, conn, end, runs)
}

func bench(ctx context.Context, db *store.DB, conn *pgx.Conn, end time.Time, runs int) error {
	secret := []byte("gencity-benchmark-secret-0123456789abcdef")
	v, err := auth.NewVerifier(ctx, auth.Config{Secret: secret})
	if err != nil {
		return err
	}
	h := server.New(server.Config{Catalogue: db, Verifier: v, SubjectKey: secret,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))})
	tok, err := auth.Sign(secret, auth.Claims{Sub: "benchmark", Role: domain.RoleAuthority}, time.Hour)
	if err != nil {
		return err
	}
	to := domain.DateOf(end)
	from := domain.Date{Year: to.Year, Month: 1, Day: 1}
	vars := map[string]any{"from": from.String(), "to": to.String()}
	figures := `total { catalogue { entries requiredComplete reviews { rate } changeObligations { rate } }
	  sharing { shareRequests { met due rate } medianAnswerDays bulkGrants grantsSuspended }
	  opening { openRequests { rate } } dataQuality { errorsVerified { rate } stale } use { usageReports { rate } } violations }`
	queries := []struct{ name, query string }{
		{"complianceReport, whole city, this year, with monthly series and 20 violations",
			`query($from: Date, $to: Date) { complianceReport(from: $from, to: $to) { ` + figures + `
			  monthly { month shareRequests { rate } violations } violations(first: 20) { nodes { kind article recordId detail } } } }`},
		{"departmentScorecards, whole city, this year, 20 by violations",
			`query($from: Date, $to: Date) { departmentScorecards(from: $from, to: $to, orderBy: {field: VIOLATIONS, direction: DESC}, first: 20) {
			  totalCount nodes { department { name } figures { violations sharing { shareRequests { rate } } } } } }`},
		{"complianceReport, one district (441402), this year",
			`query($from: Date, $to: Date) { complianceReport(scope: {regionCode: "441402"}, from: $from, to: $to) { ` + figures + ` } }`},
		{"complianceReport, one department, this year",
			`query($from: Date, $to: Date) { complianceReport(scope: {departmentId: "` + domain.NodeID(domain.KindDepartment, 1) + `"}, from: $from, to: $to) { ` + figures + ` } }`},
	}
	// The first query again, each run after a change to one request: the
	// report then first recounts the rollups that change marked.
	queries = append(queries, struct{ name, query string }{"complianceReport as the first, each after one request changed", queries[0].query})
	fmt.Printf("\n%-80s %9s %9s %9s\n", "query ("+fmt.Sprint(runs)+" runs)", "fastest", "median", "slowest")
	for qi, q := range queries {
		var times []time.Duration
		for i := 0; i < runs; i++ {
			if qi == len(queries)-1 {
				// A no-op update still fires the marking trigger.
				if _, err := conn.Exec(ctx, `UPDATE share_requests SET reason = reason WHERE id = $1`, int64(1+i*7919)); err != nil {
					return err
				}
			}
			body, _ := json.Marshal(map[string]any{"query": q.query, "variables": vars})
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			rec := httptest.NewRecorder()
			t0 := time.Now()
			h.ServeHTTP(rec, req)
			times = append(times, time.Since(t0))
			var out struct{ Errors []json.RawMessage }
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != http.StatusOK || len(out.Errors) > 0 {
				return fmt.Errorf("%s: %d %s", q.name, rec.Code, rec.Body.String())
			}
		}
		slices.Sort(times)
		ms := func(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1000) }
		fmt.Printf("%-80s %9s %9s %9s\n", q.name, ms(times[0]), ms(times[len(times)/2]), ms(times[len(times)-1]))
	}
	return nil
}
