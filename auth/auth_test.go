package auth

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citydata/catalogue/domain"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jwt"
)

// Credit codes that pass domain.ValidateCreditCode.
const (
	deptCode  = "11441400007045121H"
	otherCode = "11441400MB2C91576U"
)

var (
	secret = []byte("0123456789abcdef0123456789abcdef-test-secret")
	now    = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
)

func clock() time.Time { return now }

func newHSVerifier(t *testing.T) *Verifier {
	t.Helper()
	v, err := NewVerifier(t.Context(), Config{Secret: secret, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// claims is a token's payload; nil values are left out.
type claims map[string]any

func valid(role domain.Role) claims {
	c := claims{"sub": "alice", "role": string(role), "exp": now.Add(time.Hour).Unix(), "iat": now.Unix()}
	switch role {
	case domain.RoleDepartment:
		c["department"] = deptCode
	case domain.RolePerson:
		c["subject"] = "440104199001011234"
	}
	return c
}

func (c claims) with(k string, v any) claims {
	out := claims{}
	for key, val := range c {
		out[key] = val
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

func build(t *testing.T, c claims) jwt.Token {
	t.Helper()
	tok := jwt.New()
	for k, v := range c {
		if k == "exp" || k == "iat" || k == "nbf" {
			v = time.Unix(v.(int64), 0)
		}
		if err := tok.Set(k, v); err != nil {
			t.Fatalf("set %s: %v", k, err)
		}
	}
	return tok
}

func sign(t *testing.T, c claims, alg jwa.SignatureAlgorithm, key any) string {
	t.Helper()
	signed, err := jwt.Sign(build(t, c), jwt.WithKey(alg, key))
	if err != nil {
		t.Fatal(err)
	}
	return string(signed)
}

// signRaw signs any payload with the right secret.
func signRaw(t *testing.T, payload []byte) string {
	t.Helper()
	signed, err := jws.Sign(payload, jws.WithKey(jwa.HS256(), secret))
	if err != nil {
		t.Fatal(err)
	}
	return string(signed)
}

// unsigned is an "alg: none" token, which a careless verifier accepts.
func unsigned(t *testing.T, c claims) string {
	t.Helper()
	payload, err := json.Marshal(build(t, c))
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc(payload) + "."
}

// wantRefused checks that err is an UNAUTHENTICATED refusal whose message
// says want and gives nothing secret away.
func wantRefused(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("token accepted; want refusal %q", want)
	}
	if code := domain.ErrorCode(err); code != domain.EUnauthenticated {
		t.Fatalf("code %s (%v); want UNAUTHENTICATED", code, err)
	}
	msg := domain.ErrorMessage(err)
	if !strings.Contains(msg, want) {
		t.Errorf("message %q does not say %q", msg, want)
	}
	if strings.Contains(msg, string(secret)) || strings.Contains(msg, hex.EncodeToString(secret)) {
		t.Errorf("message gives the secret away: %q", msg)
	}
}

func TestVerifyHS256(t *testing.T) {
	otherSecret := []byte("another-secret-that-is-at-least-32-bytes")
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	person := valid(domain.RolePerson)
	authority := valid(domain.RoleAuthority)
	department := valid(domain.RoleDepartment)

	for _, role := range tokenRoles {
		t.Run("valid "+string(role), func(t *testing.T) {
			c, err := newHSVerifier(t).Verify(t.Context(), sign(t, valid(role), jwa.HS256(), secret))
			if err != nil {
				t.Fatal(err)
			}
			want := Claims{Sub: "alice", Role: role, Expires: now.Add(time.Hour)}
			switch role {
			case domain.RoleDepartment:
				want.Department = deptCode
			case domain.RolePerson:
				want.Subject = "440104199001011234"
			}
			if !c.Expires.Equal(want.Expires) {
				t.Errorf("expires %v, want %v", c.Expires, want.Expires)
			}
			c.Expires = want.Expires
			if c != want {
				t.Errorf("claims %+v, want %+v", c, want)
			}
		})
	}

	t.Run("expired within the allowed skew", func(t *testing.T) {
		tok := sign(t, authority.with("exp", now.Add(-10*time.Second).Unix()), jwa.HS256(), secret)
		if _, err := newHSVerifier(t).Verify(t.Context(), tok); err != nil {
			t.Fatal(err)
		}
	})

	for _, tc := range []struct {
		name  string
		token string
		want  string
	}{
		{"bad signature", sign(t, authority, jwa.HS256(), otherSecret), "signature does not verify"},
		{"altered payload", alter(t, sign(t, person, jwa.HS256(), secret), authority), "signature does not verify"},
		{"alg none", unsigned(t, authority), `signed with "none"`},
		{"alg HS512 with the right secret", sign(t, authority, jwa.HS512(), secret), `signed with "HS512"`},
		{"alg RS256", sign(t, authority, jwa.RS256(), rsaKey), `signed with "RS256"`},
		{"expired", sign(t, authority.with("exp", now.Add(-time.Minute).Unix()), jwa.HS256(), secret), "expired"},
		{"missing exp", sign(t, authority.with("exp", nil), jwa.HS256(), secret), "no exp claim"},
		{"not yet valid", sign(t, authority.with("nbf", now.Add(time.Hour).Unix()), jwa.HS256(), secret), "not valid yet"},
		{"issued in the future", sign(t, authority.with("iat", now.Add(time.Hour).Unix()), jwa.HS256(), secret), "issued in the future"},
		{"unknown role", sign(t, authority.with("role", "ADMIN"), jwa.HS256(), secret), `role "ADMIN" is not one of PERSON, DEPARTMENT, AUTHORITY, AUDITOR`},
		{"lower-case role", sign(t, authority.with("role", "authority"), jwa.HS256(), secret), `role "authority" is not one of`},
		{"PUBLIC role", sign(t, authority.with("role", "PUBLIC"), jwa.HS256(), secret), "cannot claim the role PUBLIC"},
		{"no role", sign(t, authority.with("role", nil), jwa.HS256(), secret), "no role"},
		{"role not a string", sign(t, authority.with("role", 3), jwa.HS256(), secret), "role claim must be a string"},
		{"no sub", sign(t, authority.with("sub", nil), jwa.HS256(), secret), "no sub claim"},
		{"DEPARTMENT without department", sign(t, department.with("department", nil), jwa.HS256(), secret), "needs a department claim"},
		{"DEPARTMENT with an invalid credit code", sign(t, department.with("department", "11441400007045121X"), jwa.HS256(), secret), "not a valid credit code"},
		{"DEPARTMENT with a short code", sign(t, department.with("department", "4414"), jwa.HS256(), secret), "not a valid credit code"},
		{"PERSON without subject", sign(t, person.with("subject", nil), jwa.HS256(), secret), "needs a subject claim"},
		{"PERSON with blank subject", sign(t, person.with("subject", " "), jwa.HS256(), secret), "needs a subject claim"},
		{"empty", "", "malformed"},
		{"not a JWT", "hello", "malformed"},
		{"three garbage parts", "a.b.c", "malformed"},
		{"header not JSON", base64.RawURLEncoding.EncodeToString([]byte("nope")) + ".e30.sig", "malformed"},
		{"payload not JSON", signRaw(t, []byte("nope")), "malformed"},
		{"payload not an object", signRaw(t, []byte(`["role","AUTHORITY"]`)), "malformed"},
		{"no alg", base64.RawURLEncoding.EncodeToString([]byte(`{"typ":"JWT"}`)) + ".e30.c2ln", "no signature algorithm"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newHSVerifier(t).Verify(t.Context(), tc.token)
			wantRefused(t, err, tc.want)
		})
	}

	t.Run("issuer", func(t *testing.T) {
		v, err := NewVerifier(t.Context(), Config{Secret: secret, Issuer: "https://id.example.gov.cn", Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		_, err = v.Verify(t.Context(), sign(t, authority.with("iss", "https://evil.example"), jwa.HS256(), secret))
		wantRefused(t, err, "not issued by https://id.example.gov.cn")
		_, err = v.Verify(t.Context(), sign(t, authority, jwa.HS256(), secret))
		wantRefused(t, err, "not issued by")
		if _, err := v.Verify(t.Context(), sign(t, authority.with("iss", "https://id.example.gov.cn"), jwa.HS256(), secret)); err != nil {
			t.Errorf("token from the issuer refused: %v", err)
		}
	})
}

// alter replaces a signed token's payload, keeping header and signature.
func alter(t *testing.T, token string, c claims) string {
	t.Helper()
	payload, err := json.Marshal(build(t, c))
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(token, ".")
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2]
}

func TestSign(t *testing.T) {
	v, err := NewVerifier(t.Context(), Config{Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	in := Claims{Sub: "ops", Role: domain.RoleDepartment, Department: deptCode}
	tok, err := Sign(secret, in, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got, err := v.Verify(t.Context(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if got.Sub != in.Sub || got.Role != in.Role || got.Department != in.Department || got.Subject != "" {
		t.Errorf("claims %+v, want %+v", got, in)
	}
	if d := time.Until(got.Expires); d < 59*time.Minute || d > time.Hour {
		t.Errorf("expires in %s, want about an hour", d)
	}

	for _, tc := range []struct {
		name   string
		secret []byte
		c      Claims
		ttl    time.Duration
		want   string
	}{
		{"PUBLIC", secret, Claims{Sub: "x", Role: domain.RolePublic}, time.Hour, "cannot claim the role PUBLIC"},
		{"unknown role", secret, Claims{Sub: "x", Role: "ROOT"}, time.Hour, `role "ROOT"`},
		{"DEPARTMENT without a department", secret, Claims{Sub: "x", Role: domain.RoleDepartment}, time.Hour, "needs a department claim"},
		{"DEPARTMENT with a bad code", secret, Claims{Sub: "x", Role: domain.RoleDepartment, Department: "123"}, time.Hour, "not a valid credit code"},
		{"PERSON without a subject", secret, Claims{Sub: "x", Role: domain.RolePerson}, time.Hour, "needs a subject claim"},
		{"no sub", secret, Claims{Role: domain.RoleAuthority}, time.Hour, "no sub claim"},
		{"no lifetime", secret, Claims{Sub: "x", Role: domain.RoleAuthority}, 0, "lifetime must be positive"},
		{"short secret", []byte("short"), Claims{Sub: "x", Role: domain.RoleAuthority}, time.Hour, "at least 32"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Sign(tc.secret, tc.c, tc.ttl)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Sign: %v; want an error saying %q", err, tc.want)
			}
		})
	}
}

func TestNewVerifierConfig(t *testing.T) {
	notFound := httptest.NewServer(http.NotFoundHandler())
	defer notFound.Close()
	notJWKS := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"hello":"world"}`))
	}))
	defer notJWKS.Close()
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"nothing", Config{}, "configure a shared secret or a JWKS URL"},
		{"both", Config{Secret: secret, JWKSURL: "https://id.example/jwks"}, "not both"},
		{"short secret", Config{Secret: []byte("too short")}, "9 bytes; use at least 32"},
		{"not a URL", Config{JWKSURL: "id.example/jwks"}, "not an http(s) URL"},
		{"JWKS not found", Config{JWKSURL: notFound.URL + "/jwks"}, "cannot fetch the signing keys"},
		{"not a key set", Config{JWKSURL: notJWKS.URL}, "cannot fetch the signing keys"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewVerifier(t.Context(), tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewVerifier: %v; want an error saying %q", err, tc.want)
			}
			if strings.Contains(err.Error(), string(secret)) {
				t.Errorf("error gives the secret away: %v", err)
			}
		})
	}
}

// idp is an identity provider's JWKS endpoint whose keys can be rotated.
type idp struct {
	srv  *httptest.Server
	jwks atomic.Value // []byte
}

func newIDP(t *testing.T, keys ...jwk.Key) *idp {
	t.Helper()
	p := &idp{}
	p.publish(t, keys...)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(p.jwks.Load().([]byte))
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// publish serves the public halves of keys.
func (p *idp) publish(t *testing.T, keys ...jwk.Key) {
	t.Helper()
	set := jwk.NewSet()
	for _, k := range keys {
		pub, err := k.PublicKey()
		if err != nil {
			t.Fatal(err)
		}
		if err := set.AddKey(pub); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	p.jwks.Store(raw)
}

// privateKey returns a JWK of a new RSA (RS256) or EC P-256 (ES256) key.
func privateKey(t *testing.T, alg jwa.SignatureAlgorithm, kid string) jwk.Key {
	t.Helper()
	var raw any
	var err error
	if alg == jwa.ES256() {
		raw, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	} else {
		raw, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		t.Fatal(err)
	}
	key, err := jwk.Import(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := key.Set(jwk.KeyIDKey, kid); err != nil {
		t.Fatal(err)
	}
	if err := key.Set(jwk.AlgorithmKey, alg); err != nil {
		t.Fatal(err)
	}
	return key
}

func TestVerifyJWKS(t *testing.T) {
	rsaKey := privateKey(t, jwa.RS256(), "rsa-1")
	ecKey := privateKey(t, jwa.ES256(), "ec-1")
	p := newIDP(t, rsaKey, ecKey)
	v, err := NewVerifier(t.Context(), Config{JWKSURL: p.srv.URL, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	authority := valid(domain.RoleAuthority)

	for _, tc := range []struct {
		name string
		alg  jwa.SignatureAlgorithm
		key  jwk.Key
	}{
		{"RS256", jwa.RS256(), rsaKey},
		{"ES256", jwa.ES256(), ecKey},
	} {
		t.Run("accepts "+tc.name, func(t *testing.T) {
			c, err := v.Verify(t.Context(), sign(t, valid(domain.RoleDepartment), tc.alg, tc.key))
			if err != nil {
				t.Fatal(err)
			}
			if c.Role != domain.RoleDepartment || c.Department != deptCode || c.Sub != "alice" {
				t.Errorf("claims %+v", c)
			}
		})
	}

	impostor := privateKey(t, jwa.RS256(), "rsa-1") // same kid, another key
	stranger := privateKey(t, jwa.RS256(), "rsa-unknown")
	rsaPublic, err := rsaKey.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	publicBytes, err := json.Marshal(rsaPublic)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		token string
		want  string
	}{
		{"another key under a known kid", sign(t, authority, jwa.RS256(), impostor), "signature does not verify"},
		{"a key the provider does not publish", sign(t, authority, jwa.RS256(), stranger), `signing key "rsa-unknown" is not among the identity provider's keys`},
		{"RS256 header on the EC key", withHeader(t, sign(t, authority, jwa.ES256(), ecKey), `{"alg":"RS256","kid":"ec-1"}`), `"ec-1" is not among`},
		// The classic confusion attack: HMAC keyed with the public key.
		{"HS256 keyed with the public key", sign(t, authority, jwa.HS256(), publicBytes), `signed with "HS256", but this catalogue accepts only RS256 or ES256`},
		{"alg none", unsigned(t, authority), `signed with "none"`},
		{"RS512", sign(t, authority, jwa.RS512(), rsaKey), `signed with "RS512"`},
		{"expired", sign(t, authority.with("exp", now.Add(-time.Hour).Unix()), jwa.RS256(), rsaKey), "expired"},
		{"PUBLIC role", sign(t, authority.with("role", "PUBLIC"), jwa.RS256(), rsaKey), "cannot claim the role PUBLIC"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v.Verify(t.Context(), tc.token)
			wantRefused(t, err, tc.want)
		})
	}

	t.Run("key rotation", func(t *testing.T) {
		next := privateKey(t, jwa.ES256(), "ec-2")
		p.publish(t, next)
		v.jwks.minRefresh = 0
		if _, err := v.Verify(t.Context(), sign(t, authority, jwa.ES256(), next)); err != nil {
			t.Fatalf("token signed by the rotated-in key: %v", err)
		}
		_, err := v.Verify(t.Context(), sign(t, authority, jwa.RS256(), rsaKey))
		wantRefused(t, err, `"rsa-1" is not among`)
	})

	t.Run("refetches are rate-limited", func(t *testing.T) {
		var fetches atomic.Int32
		q := newIDP(t, ecKey)
		counting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fetches.Add(1)
			q.srv.Config.Handler.ServeHTTP(w, r)
		}))
		defer counting.Close()
		v, err := NewVerifier(t.Context(), Config{JWKSURL: counting.URL, Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		before := fetches.Load()
		for i := range 5 {
			stranger := privateKey(t, jwa.ES256(), "random-"+string(rune('a'+i)))
			_, err := v.Verify(t.Context(), sign(t, authority, jwa.ES256(), stranger))
			wantRefused(t, err, "is not among the identity provider's keys")
		}
		if n := fetches.Load() - before; n > 1 {
			t.Errorf("%d fetches for 5 unknown kids within a minute; want at most 1", n)
		}
	})
}

// withHeader replaces a token's header, keeping payload and signature.
func withHeader(t *testing.T, token, header string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	return base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + parts[1] + "." + parts[2]
}

func TestMiddleware(t *testing.T) {
	v := newHSVerifier(t)
	departments := func(_ context.Context, code string) (int64, bool, error) {
		if code == deptCode {
			return 7, true, nil
		}
		return 0, false, nil
	}
	tok := func(c claims) string { return sign(t, c, jwa.HS256(), secret) }
	department := valid(domain.RoleDepartment)

	for _, tc := range []struct {
		name   string
		header []string // Authorization values
		viewer domain.Viewer
		status int
		want   string // message of a refusal
	}{
		{name: "no header", viewer: domain.Public, status: 200},
		{name: "AUTHORITY", header: []string{"Bearer " + tok(valid(domain.RoleAuthority))},
			viewer: domain.Viewer{Role: domain.RoleAuthority, Subject: "alice"}, status: 200},
		{name: "DEPARTMENT", header: []string{"Bearer " + tok(department)},
			viewer: domain.Viewer{Role: domain.RoleDepartment, Subject: "alice", DepartmentID: 7}, status: 200},
		{name: "PERSON", header: []string{"Bearer " + tok(valid(domain.RolePerson))},
			viewer: domain.Viewer{Role: domain.RolePerson, Subject: "alice", DataSubject: "440104199001011234"}, status: 200},
		{name: "AUDITOR with stray claims", header: []string{"Bearer " + tok(valid(domain.RoleAuditor).with("department", deptCode).with("subject", "x"))},
			viewer: domain.Viewer{Role: domain.RoleAuditor, Subject: "alice"}, status: 200},
		{name: "lower-case scheme", header: []string{"bearer " + tok(valid(domain.RoleAuthority))},
			viewer: domain.Viewer{Role: domain.RoleAuthority, Subject: "alice"}, status: 200},
		{name: "bad token", header: []string{"Bearer " + tok(valid(domain.RoleAuthority)) + "x"}, status: 401, want: "signature does not verify"},
		{name: "expired token", header: []string{"Bearer " + tok(valid(domain.RoleAuthority).with("exp", now.Add(-time.Hour).Unix()))}, status: 401, want: "expired"},
		{name: "unknown department", header: []string{"Bearer " + tok(department.with("department", otherCode))}, status: 401,
			want: "the token's department " + otherCode + " is not in the catalogue"},
		{name: "Basic", header: []string{"Basic xyz"}, status: 401, want: `must be "Bearer <token>"`},
		{name: "Bearer without a token", header: []string{"Bearer "}, status: 401, want: "no token"},
		{name: "empty header", header: []string{""}, status: 401, want: `must be "Bearer <token>"`},
		{name: "two headers", header: []string{"Bearer " + tok(valid(domain.RoleAuthority)), "Bearer x"}, status: 401, want: "one Authorization header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got *domain.Viewer
			next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				v := domain.ViewerFrom(r.Context())
				got = &v
			})
			req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
			for _, h := range tc.header {
				req.Header.Add("Authorization", h)
			}
			rec := httptest.NewRecorder()
			Middleware(v, departments, slog.New(slog.DiscardHandler))(next).ServeHTTP(rec, req)

			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.status == 200 {
				if got == nil || *got != tc.viewer {
					t.Errorf("viewer %+v, want %+v", got, tc.viewer)
				}
				return
			}
			if got != nil {
				t.Errorf("handler ran for a refused request as %+v", *got)
			}
			if h := rec.Header().Get("WWW-Authenticate"); h != `Bearer error="invalid_token"` {
				t.Errorf("WWW-Authenticate %q", h)
			}
			wantGraphQLError(t, rec, domain.EUnauthenticated, tc.want)
		})
	}

	t.Run("department lookup fails", func(t *testing.T) {
		var logBuf bytes.Buffer
		failing := func(context.Context, string) (int64, bool, error) {
			return 0, false, &os.SyscallError{Syscall: "connect", Err: os.ErrDeadlineExceeded}
		}
		req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
		req.Header.Set("Authorization", "Bearer "+tok(department))
		rec := httptest.NewRecorder()
		next := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("handler ran") })
		Middleware(v, failing, slog.New(slog.NewTextHandler(&logBuf, nil)))(next).ServeHTTP(rec, req)
		if rec.Code != http.StatusInternalServerError {
			t.Fatalf("status %d, want 500", rec.Code)
		}
		wantGraphQLError(t, rec, domain.EInternal, "internal error")
		if strings.Contains(rec.Body.String(), "connect") {
			t.Errorf("response leaks the cause: %s", rec.Body)
		}
		if !strings.Contains(logBuf.String(), "connect") {
			t.Errorf("log lacks the cause: %s", logBuf.String())
		}
	})
}

func wantGraphQLError(t *testing.T, rec *httptest.ResponseRecorder, code domain.Code, message string) {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	var body struct {
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, rec.Body)
	}
	if len(body.Errors) != 1 || body.Errors[0].Extensions.Code != string(code) || !strings.Contains(body.Errors[0].Message, message) {
		t.Errorf("body %s; want one %s error saying %q", rec.Body, code, message)
	}
}

func TestDevSecret(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "nested")
	s1, created, err := DevSecret(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !created || len(s1) != 32 {
		t.Fatalf("created %v, %d bytes; want a new 32-byte secret", created, len(s1))
	}
	path := filepath.Join(dir, DevSecretFile)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("secret file mode %v, want 0600", info.Mode().Perm())
	}
	if dinfo, err := os.Stat(dir); err != nil || dinfo.Mode().Perm()&^0o755 != 0 {
		t.Errorf("data directory: %v, %v; want mode 0755 (less the umask)", dinfo, err)
	}
	raw, _ := os.ReadFile(path)
	if strings.TrimSpace(string(raw)) != hex.EncodeToString(s1) {
		t.Errorf("file holds %q, want the hex of the secret", raw)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("data directory holds %d entries, want only the secret", len(entries))
	}

	s2, created, err := DevSecret(dir)
	if err != nil || created || !bytes.Equal(s1, s2) {
		t.Errorf("second call: created %v, same %v, err %v; want the same secret reused", created, bytes.Equal(s1, s2), err)
	}

	tok, err := Sign(s1, Claims{Sub: "dev", Role: domain.RoleAuthority}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewVerifier(t.Context(), Config{Secret: s2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(t.Context(), tok); err != nil {
		t.Errorf("token signed with the dev secret: %v", err)
	}

	if err := os.WriteFile(path, []byte("not-hex-secret-value\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err = DevSecret(dir)
	if err == nil || !strings.Contains(err.Error(), "delete it") || strings.Contains(err.Error(), "not-hex-secret-value") {
		t.Errorf("corrupt secret: %v; want an error saying to delete it, without its content", err)
	}

	if _, _, err := DevSecret(filepath.Join(path, "sub")); err == nil {
		t.Error("data directory under a file: no error")
	}
}

// A token that passed is remembered, not verified again, for at most
// verifiedFor and never past its expiry: a key the verifier's key set has
// dropped stops counting within that time.
func TestVerifiedTokensAreRememberedBriefly(t *testing.T) {
	rsaKey := privateKey(t, jwa.RS256(), "rsa-1")
	p := newIDP(t, rsaKey)
	at := now
	v, err := NewVerifier(t.Context(), Config{JWKSURL: p.srv.URL, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	token := sign(t, valid(domain.RoleAuthority), jwa.RS256(), rsaKey)
	// Expired 10 s ago, so valid now only within the clock skew.
	short := sign(t, valid(domain.RoleAuditor).with("exp", now.Add(-10*time.Second).Unix()), jwa.RS256(), rsaKey)
	for _, tok := range []string{token, short} {
		if _, err := v.Verify(t.Context(), tok); err != nil {
			t.Fatal(err)
		}
	}
	at = now.Add(verifiedFor / 2)
	_, err = v.Verify(t.Context(), short)
	wantRefused(t, err, "expired")

	// The provider withdraws the key, and the verifier's key set has it
	// no more.
	p.publish(t, privateKey(t, jwa.ES256(), "ec-2"))
	if _, err := v.jwks.cache.Refresh(t.Context(), v.jwks.url); err != nil {
		t.Fatal(err)
	}

	if c, err := v.Verify(t.Context(), token); err != nil || c.Role != domain.RoleAuthority || c.Sub != "alice" {
		t.Fatalf("a token verified %s ago: %+v, %v; want it remembered", verifiedFor/2, c, err)
	}

	at = now.Add(verifiedFor + time.Second)
	_, err = v.Verify(t.Context(), token)
	wantRefused(t, err, `"rsa-1" is not among`)
}
