package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/citydata/catalogue/domain"
)

func fuzzVerifier(f *testing.F) *Verifier {
	v, err := NewVerifier(context.Background(), Config{Secret: secret, Now: clock})
	if err != nil {
		f.Fatal(err)
	}
	return v
}

// checkVerified holds Verify's promise for any input: a refusal is
// UNAUTHENTICATED, an acceptance has claims that pass Validate and have
// not expired.
func checkVerified(t *testing.T, input string, c Claims, err error) {
	t.Helper()
	if err != nil {
		if domain.ErrorCode(err) != domain.EUnauthenticated {
			t.Fatalf("Verify(%q): %v, want an UNAUTHENTICATED refusal", input, err)
		}
		return
	}
	if verr := c.Validate(); verr != nil {
		t.Fatalf("Verify(%q) accepted claims %+v that Validate refuses: %v", input, c, verr)
	}
	if c.Expires.IsZero() || c.Expires.Add(skew).Before(now) {
		t.Fatalf("Verify(%q) accepted a token expiring %v (now %v)", input, c.Expires, now)
	}
}

// FuzzVerify sends arbitrary strings as bearer tokens.
func FuzzVerify(f *testing.F) {
	v := fuzzVerifier(f)
	good, err := Sign(secret, Claims{Sub: "alice", Role: domain.RoleAuthority}, time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{good, good[:len(good)-2], good + "x", "", ".", "..", "a.b.c", "eyJhbGciOiJub25lIn0.e30.",
		"eyJhbGciOiJIUzI1NiJ9.e30.AAAA", "eyJhbGciOiJSUzI1NiJ9.e30.AAAA", "Bearer " + good} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		c, err := v.Verify(context.Background(), token)
		checkVerified(t, token, c, err)
	})
}

// FuzzVerifySignedPayload signs arbitrary payloads with the right secret:
// a correctly signed token is still refused unless its claims hold.
func FuzzVerifySignedPayload(f *testing.F) {
	v := fuzzVerifier(f)
	exp := now.Add(time.Hour).Unix()
	for _, p := range []string{
		`{"sub":"alice","role":"AUTHORITY","exp":` + itoa(exp) + `}`,
		`{"sub":"alice","role":"DEPARTMENT","department":"11441400007045121H","exp":` + itoa(exp) + `}`,
		`{"sub":"p","role":"PERSON","subject":"441402198507150012","exp":` + itoa(exp) + `}`,
		`{"sub":"alice","role":"PUBLIC","exp":` + itoa(exp) + `}`,
		`{"sub":"alice","role":["AUTHORITY"],"exp":` + itoa(exp) + `}`,
		`{"sub":"alice","role":"AUTHORITY","exp":1e300}`,
		`{"sub":"alice","role":"AUTHORITY"}`,
		`{"sub":" ","role":"AUDITOR","exp":` + itoa(exp) + `}`,
		`null`, `[]`, `"x"`, `{`, ``,
	} {
		f.Add([]byte(p))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		signed, err := jws.Sign(payload, jws.WithKey(jwa.HS256(), secret))
		if err != nil {
			return // jws refuses to sign it: nothing to verify
		}
		c, err := v.Verify(context.Background(), string(signed))
		checkVerified(t, string(payload), c, err)
	})
}

// FuzzMiddleware: whatever Authorization header a request carries, the
// middleware serves it (as the public or a verified bearer) or answers 401,
// never a 5xx.
func FuzzMiddleware(f *testing.F) {
	v := fuzzVerifier(f)
	good, _ := Sign(secret, Claims{Sub: "d", Role: domain.RoleDepartment, Department: deptCode}, time.Hour)
	for _, s := range []string{"", "Bearer " + good, "bearer " + good, "Bearer", "Bearer ", "Basic YTpi", "Bearer a b", good, "Bearer  " + good} {
		f.Add(s)
	}
	lookup := func(_ context.Context, code string) (int64, bool, error) { return 7, code == deptCode, nil }
	mw := Middleware(v, lookup, nil)
	f.Fuzz(func(t *testing.T, header string) {
		served := false
		h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { served = true }))
		req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
		req.Header["Authorization"] = []string{header}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("Authorization %q: status %d %s", header, rec.Code, rec.Body)
		}
		if !served && rec.Code != http.StatusUnauthorized {
			t.Fatalf("Authorization %q: not served, status %d", header, rec.Code)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
