// Package auth turns a bearer token into the request's domain.Viewer.
//
// Tokens are JWTs. A deployment either shares a secret with whoever issues
// tokens (HS256; `catalogue token` is such an issuer) or trusts an identity
// provider's published keys (RS256 or ES256, from a JWKS URL). The claims
// the catalogue reads are:
//
//	sub         who the caller is (required)
//	role        PERSON, DEPARTMENT, AUTHORITY or AUDITOR (required)
//	department  the unified social credit code of a DEPARTMENT's department
//	subject     the ID-card number or credit code of a PERSON
//	exp         expiry (required)
//
// A token that does not check out is refused; it never falls back to the
// public view, because a caller who sent credentials expects to act as
// someone and should learn at once that they are not.
package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/citydata/catalogue/domain"
	"github.com/lestrrat-go/httprc/v3"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jwt"
)

// MinSecretBytes is the shortest HS256 secret accepted: RFC 7518 §3.2 asks
// for a key at least as long as the hash, and anything shorter can be
// brute-forced offline from a single token.
const MinSecretBytes = 32

// skew is how far the issuer's clock may be from ours before exp, nbf and
// iat fail a token.
const skew = 30 * time.Second

// JWKS refresh bounds. The identity provider's Cache-Control is honoured
// within them; the upper bound makes a rotated key arrive within the hour
// even when the provider sends no caching headers.
const (
	jwksMinInterval = 5 * time.Minute
	jwksMaxInterval = time.Hour
	// jwksFetchTimeout bounds the first fetch, so a wrong URL fails start-up
	// with its cause instead of hanging.
	jwksFetchTimeout = 15 * time.Second
	// jwksUnknownKidRefresh limits refetches triggered by a token whose kid
	// is not in the cached set: a rotation is picked up at once, but random
	// kids cannot make us hammer the provider.
	jwksUnknownKidRefresh = time.Minute
)

// Config says how tokens are verified. Exactly one of Secret and JWKSURL is
// set.
type Config struct {
	// Secret verifies HS256 tokens; at least MinSecretBytes long.
	Secret []byte
	// JWKSURL is an identity provider's JSON Web Key Set; RS256 and ES256
	// tokens signed by one of its keys are accepted. The set is cached and
	// refreshed in the background while NewVerifier's context lives.
	JWKSURL string
	// Issuer, when set, must equal every token's iss claim. Sign does not
	// set iss, so use it with an identity provider.
	Issuer string
	// Now is the clock; nil means time.Now. Tests fix it.
	Now func() time.Time
}

// Claims are what a token says about its bearer.
type Claims struct {
	// Sub is the token's sub claim: who the caller is.
	Sub  string
	Role domain.Role
	// Department is the unified social credit code of a DEPARTMENT token's
	// department.
	Department string
	// Subject is the ID-card number or credit code of a PERSON.
	Subject string
	// Expires is the exp claim. Sign ignores it and uses its ttl.
	Expires time.Time
}

// tokenRoles are the roles a token may claim. PUBLIC is not among them:
// the public is whoever sends no token.
var tokenRoles = []domain.Role{domain.RolePerson, domain.RoleDepartment, domain.RoleAuthority, domain.RoleAuditor}

// Validate checks the claims that carry meaning for the catalogue. It
// returns an EInvalid *domain.Error saying what to fix; Verify reports the
// same message as EUnauthenticated.
func (c Claims) Validate() error {
	// SECURITY: these rules decide what a token can make its bearer; Verify
	// and Sign share them so `catalogue token` cannot mint what serve refuses.
	switch c.Role {
	case domain.RolePerson, domain.RoleDepartment, domain.RoleAuthority, domain.RoleAuditor:
	case "":
		return domain.Errorf(domain.EInvalid, "the token has no role; it must be one of %s", roleList())
	case domain.RolePublic:
		return domain.Errorf(domain.EInvalid, "a token cannot claim the role PUBLIC; to read as the public, send no Authorization header")
	default:
		return domain.Errorf(domain.EInvalid, "the token's role %q is not one of %s", c.Role, roleList())
	}
	if strings.TrimSpace(c.Sub) == "" {
		// Store and audit code use sub as the actor; an anonymous
		// authenticated caller would leave no trace.
		return domain.Errorf(domain.EInvalid, "the token has no sub claim; it must say who the caller is")
	}
	switch c.Role {
	case domain.RoleDepartment:
		if c.Department == "" {
			return domain.Errorf(domain.EInvalid, "a DEPARTMENT token needs a department claim: the department's unified social credit code")
		}
		if err := domain.ValidateCreditCode(c.Department); err != nil {
			return domain.Errorf(domain.EInvalid, "the token's department is not a valid credit code: %s", domain.ErrorMessage(err))
		}
	case domain.RolePerson:
		if strings.TrimSpace(c.Subject) == "" {
			return domain.Errorf(domain.EInvalid, "a PERSON token needs a subject claim: the person's ID-card number or credit code")
		}
	}
	return nil
}

func roleList() string {
	names := make([]string, len(tokenRoles))
	for i, r := range tokenRoles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// Verifier checks bearer tokens. It is safe for concurrent use.
type Verifier struct {
	now    func() time.Time
	issuer string
	// algs are the signature algorithms accepted; a token naming another,
	// including "none", is refused before any key is tried.
	algs []jwa.SignatureAlgorithm
	// keys is the jwt.Parse option that supplies the verification key.
	keys jwt.ParseOption
	jwks *jwksKeys // nil with a shared secret

	// verified remembers tokens that passed, so that a client sending the
	// same token on every request is not parsed and verified each time: a
	// twelfth of a short list's CPU (issue #20).
	mu       sync.Mutex
	verified map[string]verifiedToken
}

// verifiedToken is a token that passed Verify, and until when it may be
// taken as verified: its expiry, and at most verifiedFor after the check,
// so that tokens of a key withdrawn from the identity provider's JWKS stop
// counting within that time of the key set's refresh.
type verifiedToken struct {
	claims Claims
	until  time.Time
}

const (
	verifiedFor = time.Minute
	// maxVerified bounds the remembered tokens (a few hundred bytes each);
	// a full cache is emptied rather than evicted entry by entry.
	maxVerified = 4096
)

// remembered returns token's claims if it passed Verify and may still be
// taken as verified at now.
func (v *Verifier) remembered(token string, now time.Time) (Claims, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	t, ok := v.verified[token]
	if !ok || !now.Before(t.until) {
		return Claims{}, false
	}
	return t.claims, true
}

func (v *Verifier) remember(token string, c Claims, now time.Time) {
	until := now.Add(verifiedFor)
	if c.Expires.Before(until) {
		until = c.Expires
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.verified == nil || len(v.verified) >= maxVerified {
		v.verified = make(map[string]verifiedToken)
	}
	v.verified[token] = verifiedToken{claims: c, until: until}
}

// NewVerifier returns a Verifier for cfg. With a JWKSURL it fetches the key
// set once, so a wrong URL fails here, and keeps it fresh until ctx is done.
func NewVerifier(ctx context.Context, cfg Config) (*Verifier, error) {
	v := &Verifier{now: cfg.Now, issuer: cfg.Issuer}
	if v.now == nil {
		v.now = time.Now
	}
	switch {
	case len(cfg.Secret) > 0 && cfg.JWKSURL != "":
		return nil, errors.New("auth: configure either a shared secret or a JWKS URL, not both")
	case len(cfg.Secret) > 0:
		if len(cfg.Secret) < MinSecretBytes {
			return nil, fmt.Errorf("auth: the HS256 secret has %d bytes; use at least %d random bytes", len(cfg.Secret), MinSecretBytes)
		}
		// Copy, so a caller reusing its slice cannot change the key.
		secret := append([]byte(nil), cfg.Secret...)
		v.algs = []jwa.SignatureAlgorithm{jwa.HS256()}
		v.keys = jwt.WithKey(jwa.HS256(), secret)
	case cfg.JWKSURL != "":
		keys, err := newJWKSKeys(ctx, cfg.JWKSURL)
		if err != nil {
			return nil, err
		}
		v.algs = []jwa.SignatureAlgorithm{jwa.RS256(), jwa.ES256()}
		v.keys = jwt.WithKeyProvider(keys)
		v.jwks = keys
	default:
		return nil, errors.New("auth: no way to verify tokens: configure a shared secret or a JWKS URL")
	}
	return v, nil
}

// Verify checks token's signature, expiry and claims, and returns the
// claims. Every refusal is an EUnauthenticated *domain.Error whose message
// tells the caller what is wrong with the token; failing to reach the
// identity provider for a rotated key is any other error.
func (v *Verifier) Verify(ctx context.Context, token string) (Claims, error) {
	now := v.now()
	if c, ok := v.remembered(token, now); ok {
		return c, nil
	}
	hdr, err := peekHeader(token)
	if err != nil {
		return Claims{}, err
	}
	// SECURITY: fix the algorithm before verifying, so a token cannot pick
	// "none" or use an RSA public key as an HMAC secret.
	if !v.acceptsAlg(hdr.Alg) {
		return Claims{}, unauthenticated("the token is signed with %q, but this catalogue accepts only %s tokens", hdr.Alg, v.algNames())
	}
	opts := []jwt.ParseOption{
		v.keys,
		jwt.WithContext(ctx),
		jwt.WithValidate(true),
		jwt.WithClock(jwt.ClockFunc(v.now)),
		jwt.WithAcceptableSkew(skew),
		// SECURITY: a token without exp would be valid forever.
		jwt.WithRequiredClaim(jwt.ExpirationKey),
	}
	if v.issuer != "" {
		opts = append(opts, jwt.WithIssuer(v.issuer))
	}
	tok, err := jwt.ParseString(token, opts...)
	if err != nil {
		return Claims{}, v.refusal(err, hdr)
	}

	var c Claims
	c.Sub, _ = tok.Subject()
	c.Expires, _ = tok.Expiration()
	role, err := stringClaim(tok, "role")
	if err != nil {
		return Claims{}, err
	}
	c.Role = domain.Role(role)
	if c.Department, err = stringClaim(tok, "department"); err != nil {
		return Claims{}, err
	}
	if c.Subject, err = stringClaim(tok, "subject"); err != nil {
		return Claims{}, err
	}
	if err := c.Validate(); err != nil {
		return Claims{}, unauthenticated("%s", domain.ErrorMessage(err))
	}
	v.remember(token, c, now)
	return c, nil
}

// Sign returns an HS256 token for c that expires after ttl. It refuses
// claims Verify would refuse.
func Sign(secret []byte, c Claims, ttl time.Duration) (string, error) {
	if len(secret) < MinSecretBytes {
		return "", fmt.Errorf("auth: the HS256 secret has %d bytes; use at least %d random bytes", len(secret), MinSecretBytes)
	}
	if ttl <= 0 {
		return "", domain.Errorf(domain.EInvalid, "a token's lifetime must be positive, not %s", ttl)
	}
	if err := c.Validate(); err != nil {
		return "", err
	}
	now := time.Now()
	b := jwt.NewBuilder().
		Subject(c.Sub).
		IssuedAt(now).
		Expiration(now.Add(ttl)).
		Claim("role", string(c.Role))
	if c.Department != "" {
		b = b.Claim("department", c.Department)
	}
	if c.Subject != "" {
		b = b.Claim("subject", c.Subject)
	}
	tok, err := b.Build()
	if err != nil {
		return "", fmt.Errorf("auth: build token: %w", err)
	}
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.HS256(), secret))
	if err != nil {
		return "", fmt.Errorf("auth: sign token: %w", err)
	}
	return string(signed), nil
}

func unauthenticated(format string, args ...any) error {
	return domain.Errorf(domain.EUnauthenticated, format, args...)
}

// header is the part of a JWS protected header read before verification.
type header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
}

// peekHeader reads the unverified header of a compact JWS, only to choose
// how to verify it and to explain a refusal.
func peekHeader(token string) (header, error) {
	malformed := unauthenticated("the bearer token is malformed: expected a JWT (three base64url parts separated by dots)")
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return header{}, malformed
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return header{}, malformed
	}
	var h header
	if err := json.Unmarshal(raw, &h); err != nil {
		return header{}, malformed
	}
	if h.Alg == "" {
		return header{}, unauthenticated("the token's header names no signature algorithm (alg)")
	}
	return h, nil
}

func (v *Verifier) acceptsAlg(alg string) bool {
	for _, a := range v.algs {
		if a.String() == alg {
			return true
		}
	}
	return false
}

func (v *Verifier) algNames() string {
	names := make([]string, len(v.algs))
	for i, a := range v.algs {
		names[i] = a.String()
	}
	return strings.Join(names, " or ")
}

// refusal turns a jwt.Parse error into a message for the caller. The
// library's own text is not shown: it is written for programmers and may
// quote the token.
func (v *Verifier) refusal(err error, hdr header) error {
	var unavailable *keysUnavailableError
	switch {
	case errors.As(err, &unavailable):
		return unavailable
	case errors.Is(err, errUnknownKey):
		if hdr.Kid == "" {
			return unauthenticated("the token names no signing key (kid), and no key of the identity provider fits it")
		}
		return unauthenticated("the token's signing key %q is not among the identity provider's keys", hdr.Kid)
	case errors.Is(err, jws.VerifyError()), errors.Is(err, jws.VerificationError()):
		return unauthenticated("the token's signature does not verify: it was not issued for this catalogue, or it was altered")
	case errors.Is(err, jwt.TokenExpiredError()):
		return unauthenticated("the token has expired; get a new one")
	case errors.Is(err, jwt.MissingRequiredClaimError()):
		return unauthenticated("the token has no exp claim; tokens must expire")
	case errors.Is(err, jwt.TokenNotYetValidError()):
		return unauthenticated("the token is not valid yet (nbf is in the future); check the issuer's clock")
	case errors.Is(err, jwt.InvalidIssuedAtError()):
		return unauthenticated("the token was issued in the future (iat); check the issuer's clock")
	case errors.Is(err, jwt.InvalidIssuerError()):
		return unauthenticated("the token was not issued by %s", v.issuer)
	case errors.Is(err, jwt.ValidateError()):
		return unauthenticated("the token's registered claims (exp, nbf, iat, iss) do not check out")
	default:
		return unauthenticated("the bearer token is malformed: it could not be read as a signed JWT")
	}
}

// stringClaim returns a private claim that must be a string when present.
func stringClaim(tok jwt.Token, name string) (string, error) {
	if !tok.Has(name) {
		return "", nil
	}
	var s string
	if err := tok.Get(name, &s); err != nil {
		return "", unauthenticated("the token's %s claim must be a string", name)
	}
	return s, nil
}

// errUnknownKey: the key set has no key for the token's kid and alg.
var errUnknownKey = errors.New("no matching key in the key set")

// keysUnavailableError: the identity provider could not be asked for a key
// the token needs. It is not the caller's fault, so it is not an
// EUnauthenticated error.
type keysUnavailableError struct{ err error }

func (e *keysUnavailableError) Error() string {
	return "auth: fetch the identity provider's keys: " + e.err.Error()
}
func (e *keysUnavailableError) Unwrap() error { return e.err }

// jwksKeys supplies verification keys from a cached JWKS.
type jwksKeys struct {
	cache *jwk.Cache
	url   string

	mu          sync.Mutex
	lastRefresh time.Time
	// minRefresh is jwksUnknownKidRefresh; tests shorten it.
	minRefresh time.Duration
}

func newJWKSKeys(ctx context.Context, rawURL string) (*jwksKeys, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("auth: the JWKS URL %q is not an http(s) URL", rawURL)
	}
	cache, err := jwk.NewCache(ctx, httprc.NewClient())
	if err != nil {
		return nil, fmt.Errorf("auth: start the JWKS cache: %w", err)
	}
	err = cache.Register(ctx, rawURL,
		jwk.WithWaitReady(false),
		jwk.WithHttprcResourceOption(httprc.WithMinInterval(jwksMinInterval)),
		jwk.WithHttprcResourceOption(httprc.WithMaxInterval(jwksMaxInterval)),
	)
	if err != nil {
		_ = cache.Shutdown(ctx)
		return nil, fmt.Errorf("auth: register the JWKS URL %s: %w", rawURL, err)
	}
	// Register's own wait would only report a timeout; a synchronous
	// refresh reports why the fetch failed (DNS, status, not a key set).
	fetchCtx, cancel := context.WithTimeout(ctx, jwksFetchTimeout)
	defer cancel()
	set, err := cache.Refresh(fetchCtx, rawURL)
	if err != nil {
		_ = cache.Shutdown(ctx)
		return nil, fmt.Errorf("auth: cannot fetch the signing keys from %s (check the URL and that the identity provider is reachable): %w", rawURL, err)
	}
	if !hasSigningKey(set) {
		_ = cache.Shutdown(ctx)
		return nil, fmt.Errorf("auth: the key set at %s holds no RSA or EC signing key", rawURL)
	}
	return &jwksKeys{cache: cache, url: rawURL, lastRefresh: time.Now(), minRefresh: jwksUnknownKidRefresh}, nil
}

func hasSigningKey(set jwk.Set) bool {
	for i := range set.Len() {
		k, _ := set.Key(i)
		if keyFits(k, jwa.RS256()) || keyFits(k, jwa.ES256()) {
			return true
		}
	}
	return false
}

// FetchKeys implements jws.KeyProvider: it offers the keys whose kid, type
// and alg fit the token's header, refetching the set once when a kid is
// unknown, since that is what a key rotation looks like.
func (k *jwksKeys) FetchKeys(ctx context.Context, sink jws.KeySink, sig *jws.Signature, _ *jws.Message) error {
	alg, ok := sig.ProtectedHeaders().Algorithm()
	if !ok {
		return errUnknownKey
	}
	kid, _ := sig.ProtectedHeaders().KeyID()
	set, err := k.cache.Lookup(ctx, k.url)
	if err != nil {
		return &keysUnavailableError{err}
	}
	if offerKeys(sink, set, alg, kid) > 0 {
		return nil
	}
	if kid == "" || !k.mayRefresh() {
		return errUnknownKey
	}
	set, err = k.cache.Refresh(ctx, k.url)
	if err != nil {
		return &keysUnavailableError{err}
	}
	if offerKeys(sink, set, alg, kid) > 0 {
		return nil
	}
	return errUnknownKey
}

func (k *jwksKeys) mayRefresh() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if time.Since(k.lastRefresh) < k.minRefresh {
		return false
	}
	k.lastRefresh = time.Now()
	return true
}

// offerKeys sends the keys of set that may verify an alg signature by kid
// (any kid when kid is empty) to sink, and returns how many it sent.
func offerKeys(sink jws.KeySink, set jwk.Set, alg jwa.SignatureAlgorithm, kid string) int {
	n := 0
	for i := range set.Len() {
		key, _ := set.Key(i)
		if kid != "" {
			if id, _ := key.KeyID(); id != kid {
				continue
			}
		}
		if !keyFits(key, alg) {
			continue
		}
		sink.Key(alg, key)
		n++
	}
	return n
}

// keyFits reports whether key may verify an alg signature: its type matches
// alg, and its own alg and use, when given, agree.
func keyFits(key jwk.Key, alg jwa.SignatureAlgorithm) bool {
	var kty jwa.KeyType
	switch alg {
	case jwa.RS256():
		kty = jwa.RSA()
	case jwa.ES256():
		kty = jwa.EC()
	default:
		return false
	}
	if key.KeyType() != kty {
		return false
	}
	if ka, ok := key.Algorithm(); ok && ka.String() != alg.String() {
		return false
	}
	if use, ok := key.KeyUsage(); ok && use != "" && use != jwk.ForSignature.String() {
		return false
	}
	return true
}
