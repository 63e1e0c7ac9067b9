package main

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/citydata/catalogue/auth"
	"github.com/citydata/catalogue/domain"
)

// noAuthEnv clears the variables that choose the token secret, so a
// developer's own settings do not leak into the tests.
func noAuthEnv(t *testing.T) {
	t.Setenv("CATALOGUE_JWT_SECRET", "")
	t.Setenv("CATALOGUE_JWKS_URL", "")
}

// TestTokenCommand runs the real binary, as in TOKEN=$(catalogue token ...),
// and checks that the printed token verifies with the development secret
// serve would use.
func TestTokenCommand(t *testing.T) {
	bin := buildBinary(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	cmd := exec.Command(bin, "token", "--role", "DEPARTMENT", "--department", "11441400007045121H", "--sub", "li.wei", "--ttl", "2h", "--data-dir", dataDir)
	cmd.Env = append(os.Environ(), "CATALOGUE_JWT_SECRET=", "CATALOGUE_JWKS_URL=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("catalogue token: %v\n%s", err, stderr.String())
	}
	out := stdout.String()
	if strings.Count(out, "\n") != 1 || strings.Count(out, ".") != 2 {
		t.Fatalf("stdout is not just one token line: %q", out)
	}

	secret, created, err := auth.DevSecret(dataDir)
	if err != nil || created {
		t.Fatalf("the command left no development secret (created %v, %v)", created, err)
	}
	v, err := auth.NewVerifier(t.Context(), auth.Config{Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	c, err := v.Verify(t.Context(), strings.TrimSpace(out))
	if err != nil {
		t.Fatalf("printed token does not verify: %v", err)
	}
	if c.Role != domain.RoleDepartment || c.Department != "11441400007045121H" || c.Sub != "li.wei" {
		t.Errorf("claims %+v", c)
	}
	if d := time.Until(c.Expires); d < 119*time.Minute || d > 2*time.Hour {
		t.Errorf("token expires in %s, want 2h", d)
	}

	// A refusal exits 2 with a message on stderr and nothing on stdout.
	cmd = exec.Command(bin, "token", "--role", "PUBLIC", "--data-dir", dataDir)
	cmd.Env = append(os.Environ(), "CATALOGUE_JWT_SECRET=", "CATALOGUE_JWKS_URL=")
	stdout.Reset()
	stderr.Reset()
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("--role PUBLIC: %v; want exit status 2", err)
	}
	if stdout.Len() != 0 || !strings.Contains(stderr.String(), "cannot claim the role PUBLIC") {
		t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
	}
}

func TestTokenArguments(t *testing.T) {
	const secret = "an-operator-secret-of-at-least-32-bytes!"
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string // on stderr when refused
		role domain.Role
	}{
		{name: "AUTHORITY", args: []string{"--role", "AUTHORITY"}, role: domain.RoleAuthority},
		{name: "lower-case role", args: []string{"--role", "auditor"}, role: domain.RoleAuditor},
		{name: "PERSON", args: []string{"--role", "PERSON", "--subject", "440104199001011234"}, role: domain.RolePerson},
		{name: "operator secret", env: map[string]string{"CATALOGUE_JWT_SECRET": secret}, args: []string{"--role", "AUTHORITY"}, role: domain.RoleAuthority},
		{name: "no role", args: nil, code: 2, want: "--role is required"},
		{name: "unknown role", args: []string{"--role", "ADMIN"}, code: 2, want: `role "ADMIN" is not one of`},
		{name: "PUBLIC", args: []string{"--role", "PUBLIC"}, code: 2, want: "cannot claim the role PUBLIC"},
		{name: "DEPARTMENT without a department", args: []string{"--role", "DEPARTMENT"}, code: 2, want: "needs a department claim"},
		{name: "DEPARTMENT with a bad credit code", args: []string{"--role", "DEPARTMENT", "--department", "11441400007045121X"}, code: 2, want: "check character"},
		{name: "PERSON without a subject", args: []string{"--role", "PERSON"}, code: 2, want: "needs a subject claim"},
		{name: "negative ttl", args: []string{"--role", "AUDITOR", "--ttl", "-1h"}, code: 2, want: "--ttl must be positive"},
		{name: "stray argument", args: []string{"--role", "AUDITOR", "extra"}, code: 2, want: `unexpected argument "extra"`},
		{name: "short secret", env: map[string]string{"CATALOGUE_JWT_SECRET": "hunter2"}, args: []string{"--role", "AUTHORITY"}, code: 2, want: "has 7 bytes; use at least 32"},
		{name: "identity provider", env: map[string]string{"CATALOGUE_JWKS_URL": "https://id.example/jwks"}, args: []string{"--role", "AUTHORITY"}, code: 2, want: "get a token there"},
		{name: "both", env: map[string]string{"CATALOGUE_JWKS_URL": "https://id.example/jwks", "CATALOGUE_JWT_SECRET": secret}, args: []string{"--role", "AUTHORITY"}, code: 2, want: "unset one"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			noAuthEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			dataDir := t.TempDir()
			var stdout, stderr bytes.Buffer
			code := runToken(append(tc.args, "--data-dir", dataDir), &stdout, &stderr)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr.String())
			}
			if tc.code != 0 {
				if stdout.Len() != 0 || !strings.Contains(stderr.String(), tc.want) {
					t.Errorf("stdout %q, stderr %q; want a refusal saying %q", stdout.String(), stderr.String(), tc.want)
				}
				if strings.Contains(stderr.String(), secret) {
					t.Errorf("stderr gives the secret away: %s", stderr.String())
				}
				return
			}
			v, err := verifierFromEnv(t.Context(), slog.New(slog.DiscardHandler), dataDir)
			if err != nil {
				t.Fatal(err)
			}
			c, err := v.Verify(t.Context(), strings.TrimSpace(stdout.String()))
			if err != nil {
				t.Fatalf("token does not verify with serve's verifier: %v", err)
			}
			if c.Role != tc.role || c.Sub != "dev-"+strings.ToLower(string(tc.role)) {
				t.Errorf("claims %+v", c)
			}
		})
	}
}

func TestVerifierFromEnv(t *testing.T) {
	t.Run("development secret", func(t *testing.T) {
		noAuthEnv(t)
		dataDir := t.TempDir()
		var logBuf bytes.Buffer
		log := slog.New(slog.NewTextHandler(&logBuf, nil))
		if _, err := verifierFromEnv(t.Context(), log, dataDir); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dataDir, auth.DevSecretFile)
		want := "CATALOGUE_JWT_SECRET is not set: development tokens are signed with the secret in " + path + "; get one with: catalogue token --role AUTHORITY"
		if !strings.Contains(logBuf.String(), "level=WARN") || !strings.Contains(logBuf.String(), want) || strings.Count(logBuf.String(), "\n") != 1 {
			t.Errorf("log:\n%s\nwant one warning saying %q", logBuf.String(), want)
		}
	})

	t.Run("operator secret", func(t *testing.T) {
		noAuthEnv(t)
		t.Setenv("CATALOGUE_JWT_SECRET", "an-operator-secret-of-at-least-32-bytes!")
		var logBuf bytes.Buffer
		dataDir := t.TempDir()
		if _, err := verifierFromEnv(t.Context(), slog.New(slog.NewTextHandler(&logBuf, nil)), dataDir); err != nil {
			t.Fatal(err)
		}
		if logBuf.Len() != 0 {
			t.Errorf("unexpected log: %s", logBuf.String())
		}
		if _, err := os.Stat(filepath.Join(dataDir, auth.DevSecretFile)); !os.IsNotExist(err) {
			t.Errorf("a development secret was made although CATALOGUE_JWT_SECRET is set: %v", err)
		}
	})

	t.Run("identity provider", func(t *testing.T) {
		noAuthEnv(t)
		idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			// An EC P-256 public key (RFC 7517 appendix A.1).
			_, _ = w.Write([]byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM","use":"sig","kid":"1"}]}`))
		}))
		defer idp.Close()
		t.Setenv("CATALOGUE_JWKS_URL", idp.URL)
		if _, err := verifierFromEnv(t.Context(), slog.New(slog.DiscardHandler), t.TempDir()); err != nil {
			t.Fatal(err)
		}
	})

	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"short secret", map[string]string{"CATALOGUE_JWT_SECRET": "hunter2"}, "CATALOGUE_JWT_SECRET has 7 bytes; use at least 32"},
		{"both", map[string]string{"CATALOGUE_JWT_SECRET": "an-operator-secret-of-at-least-32-bytes!", "CATALOGUE_JWKS_URL": "http://127.0.0.1:1/jwks"}, "unset one"},
		{"unreachable identity provider", map[string]string{"CATALOGUE_JWKS_URL": "http://127.0.0.1:1/jwks"}, "CATALOGUE_JWKS_URL: auth: cannot fetch the signing keys from http://127.0.0.1:1/jwks"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			noAuthEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			_, err := verifierFromEnv(t.Context(), slog.New(slog.DiscardHandler), t.TempDir())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("verifierFromEnv: %v; want an error saying %q", err, tc.want)
			}
		})
	}
}
