package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/citydata/catalogue/domain"
)

// CATALOGUE_LOG_FORMAT and CATALOGUE_LOG_LEVEL: text or JSON at a level,
// each line of a request with its request_id; anything else is refused.
func TestNewLogger(t *testing.T) {
	for _, tc := range []struct {
		format, level string
		json          bool
		debug, info   bool
		bad           bool
	}{
		{"", "", false, false, true, false},
		{"text", "debug", false, true, true, false},
		{"json", "", true, false, true, false},
		{"JSON", "warn", true, false, false, false},
		{"json", "ERROR", true, false, false, false},
		{"yaml", "", false, false, false, true},
		{"", "verbose", false, false, false, true},
	} {
		t.Run(tc.format+"/"+tc.level, func(t *testing.T) {
			var buf bytes.Buffer
			log, err := newLogger(&buf, tc.format, tc.level)
			if tc.bad {
				if err == nil || !strings.Contains(err.Error(), "CATALOGUE_LOG_") {
					t.Fatalf("accepted, or an unhelpful refusal: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ctx := domain.WithRequestID(context.Background(), "req-1234567")
			log.DebugContext(ctx, "d")
			log.InfoContext(ctx, "i")
			out := buf.String()
			if got := strings.Contains(out, "msg=d") || strings.Contains(out, `"msg":"d"`); got != tc.debug {
				t.Errorf("debug line written: %v, want %v:\n%s", got, tc.debug, out)
			}
			if got := strings.Contains(out, "msg=i") || strings.Contains(out, `"msg":"i"`); got != tc.info {
				t.Errorf("info line written: %v, want %v:\n%s", got, tc.info, out)
			}
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				if line == "" {
					continue
				}
				if tc.json {
					var rec map[string]any
					if err := json.Unmarshal([]byte(line), &rec); err != nil || rec["request_id"] != "req-1234567" {
						t.Errorf("not a JSON line with the request id: %s", line)
					}
				} else if !strings.Contains(line, "request_id=req-1234567") {
					t.Errorf("no request id: %s", line)
				}
			}
		})
	}
}

// The README's configuration table lists every variable the usage text
// names, and every flag of serve.
func TestReadmeConfigurationTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(readme), "\n## Configuration\n")
	if !ok {
		t.Fatal("README has no Configuration section")
	}
	table, _, _ = strings.Cut(table, "\n## ")
	names := regexp.MustCompile(`\b(DATABASE_URL|CATALOGUE_[A-Z_]+)\b`).FindAllString(usage, -1)
	if len(names) < 10 {
		t.Fatalf("only %d variables in the usage text", len(names))
	}
	for _, name := range names {
		if !strings.Contains(table, "| `"+name+"` |") {
			t.Errorf("the configuration table lacks %s", name)
		}
	}
	for _, flag := range regexp.MustCompile(`--[a-z-]+`).FindAllString(usage, -1) {
		if !strings.Contains(table, "`"+flag) && !strings.Contains(table, ", `"+flag) {
			t.Errorf("the configuration table lacks %s", flag)
		}
	}
}
