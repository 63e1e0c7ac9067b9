package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/citydata/catalogue/auth"
	"github.com/citydata/catalogue/domain"
)

const tokenUsage = `Usage: catalogue token --role ROLE [--department CREDIT_CODE] [--subject ID] [--sub NAME] [--ttl DURATION] [--data-dir DIR]

Prints a bearer token for the catalogue, signed with CATALOGUE_JWT_SECRET or,
when that is unset, with the development secret in the data directory.

  TOKEN=$(catalogue token --role AUTHORITY)
  curl -H "Authorization: Bearer $TOKEN" ...

` + tokenRoles + "\n"

const tokenRoles = "Roles: PERSON (needs --subject), DEPARTMENT (needs --department), AUTHORITY, AUDITOR.\n"

// runToken is `catalogue token`. It prints only the token on stdout, so the
// command can be used in $(...), and returns the exit code: 2 for a request
// that cannot be signed as asked, 1 when the secret cannot be read.
func runToken(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, tokenUsage)
		fs.PrintDefaults()
	}
	role := fs.String("role", "", "PERSON, DEPARTMENT, AUTHORITY or AUDITOR")
	department := fs.String("department", "", "unified social credit code of the department (DEPARTMENT)")
	subject := fs.String("subject", "", "ID-card number or credit code of the person (PERSON)")
	sub := fs.String("sub", "", "who the bearer is (the sub claim; default dev-<role>)")
	ttl := fs.Duration("ttl", 8*time.Hour, "how long the token is valid")
	dataDir := fs.String("data-dir", envOr("CATALOGUE_DATA_DIR", ".data"), "data directory holding the development secret")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "catalogue token: unexpected argument %q\n\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	if *role == "" {
		fmt.Fprint(stderr, "catalogue token: --role is required\n\n")
		fs.Usage()
		return 2
	}

	c := auth.Claims{
		Sub:        *sub,
		Role:       domain.Role(strings.ToUpper(*role)),
		Department: *department,
		Subject:    *subject,
	}
	if c.Sub == "" {
		c.Sub = "dev-" + strings.ToLower(string(c.Role))
	}
	if err := c.Validate(); err != nil {
		fmt.Fprintf(stderr, "catalogue token: %s\n%s", domain.ErrorMessage(err), tokenRoles)
		return 2
	}
	if *ttl <= 0 {
		fmt.Fprintf(stderr, "catalogue token: --ttl must be positive, not %s\n", *ttl)
		return 2
	}

	secret, path, created, err := secretFromEnv(*dataDir)
	if err != nil {
		fmt.Fprintf(stderr, "catalogue token: %v\n", err)
		var cfg configError
		if errors.As(err, &cfg) {
			return 2
		}
		return 1
	}
	if created {
		fmt.Fprintf(stderr, "catalogue token: created a development secret in %s\n", path)
	}
	token, err := auth.Sign(secret, c, *ttl)
	if err != nil {
		fmt.Fprintf(stderr, "catalogue token: %v\n", err)
		return 2
	}
	fmt.Fprintln(stdout, token)
	return 0
}

// configError is an environment that cannot work as set; the user fixes it
// rather than retrying.
type configError string

func (e configError) Error() string { return string(e) }

// secretFromEnv returns the HS256 secret that serve verifies with when no
// identity provider is configured: CATALOGUE_JWT_SECRET, else the
// development secret in dataDir, whose path is returned.
func secretFromEnv(dataDir string) (secret []byte, devPath string, created bool, err error) {
	env := os.Getenv("CATALOGUE_JWT_SECRET")
	jwks := os.Getenv("CATALOGUE_JWKS_URL")
	switch {
	case env != "" && jwks != "":
		return nil, "", false, configError("both CATALOGUE_JWT_SECRET and CATALOGUE_JWKS_URL are set; unset one: tokens are verified either with a shared secret or with the identity provider's keys")
	case jwks != "":
		return nil, "", false, configError("CATALOGUE_JWKS_URL is set, so the catalogue accepts only tokens from that identity provider; get a token there")
	case env != "":
		if len(env) < auth.MinSecretBytes {
			return nil, "", false, configError(fmt.Sprintf("CATALOGUE_JWT_SECRET has %d bytes; use at least %d random bytes, e.g. CATALOGUE_JWT_SECRET=$(openssl rand -hex 32)", len(env), auth.MinSecretBytes))
		}
		return []byte(env), "", false, nil
	}
	secret, created, err = auth.DevSecret(dataDir)
	if err != nil {
		return nil, "", false, err
	}
	return secret, filepath.Join(dataDir, auth.DevSecretFile), created, nil
}

// verifierFromEnv returns how serve verifies bearer tokens:
// CATALOGUE_JWKS_URL (an identity provider's keys, with the optional
// issuer check left to auth.Config), else CATALOGUE_JWT_SECRET, else the
// development secret in dataDir. The JWKS cache lives as long as ctx.
func verifierFromEnv(ctx context.Context, log *slog.Logger, dataDir string) (*auth.Verifier, error) {
	if u := os.Getenv("CATALOGUE_JWKS_URL"); u != "" {
		if os.Getenv("CATALOGUE_JWT_SECRET") != "" {
			return nil, configError("both CATALOGUE_JWT_SECRET and CATALOGUE_JWKS_URL are set; unset one: tokens are verified either with a shared secret or with the identity provider's keys")
		}
		v, err := auth.NewVerifier(ctx, auth.Config{JWKSURL: u})
		if err != nil {
			return nil, fmt.Errorf("CATALOGUE_JWKS_URL: %w", err)
		}
		log.Info("bearer tokens are verified with the identity provider's keys", "jwks", u)
		return v, nil
	}
	secret, path, created, err := secretFromEnv(dataDir)
	if err != nil {
		return nil, err
	}
	if path != "" {
		// Loud on purpose: anyone who can read the data directory can mint
		// an AUTHORITY token.
		log.Warn("CATALOGUE_JWT_SECRET is not set: development tokens are signed with the secret in "+path+"; get one with: catalogue token --role AUTHORITY", "created", created)
	}
	return auth.NewVerifier(ctx, auth.Config{Secret: secret})
}

// subjectKeyFromEnv returns the key data subjects are hashed with:
// CATALOGUE_SUBJECT_KEY, else a key generated once in dataDir. It must
// stay the same, or a person no longer finds the records about them, and
// it is kept out of the database, so a copy of the records alone does not
// let anyone test identifiers against them.
func subjectKeyFromEnv(log *slog.Logger, dataDir string) ([]byte, error) {
	if env := os.Getenv("CATALOGUE_SUBJECT_KEY"); env != "" {
		if len(env) < auth.MinSecretBytes {
			return nil, configError(fmt.Sprintf("CATALOGUE_SUBJECT_KEY has %d bytes; use at least %d random bytes, e.g. CATALOGUE_SUBJECT_KEY=$(openssl rand -hex 32), and keep it: records are matched to their subjects with it", len(env), auth.MinSecretBytes))
		}
		return []byte(env), nil
	}
	key, created, err := auth.FileSecret(dataDir, subjectKeyFile)
	if err != nil {
		return nil, err
	}
	log.Warn("CATALOGUE_SUBJECT_KEY is not set: data subjects are hashed with the key in "+filepath.Join(dataDir, subjectKeyFile)+"; back it up with the database", "created", created)
	return key, nil
}

// subjectKeyFile is the generated subject key in the data directory.
const subjectKeyFile = "subject-key"
