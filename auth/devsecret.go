package auth

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DevSecretFile is the name of the development JWT secret in the data directory.
const DevSecretFile = "jwt-secret"

// DevSecret returns the development HS256 secret kept in
// dataDir/jwt-secret, creating it (32 random bytes, hex-encoded, mode 0600)
// when it is missing, so that `catalogue serve` and `catalogue token` agree
// without any setup. created says whether this call made it.
func DevSecret(dataDir string) (secret []byte, created bool, err error) {
	return FileSecret(dataDir, DevSecretFile)
}

// FileSecret returns the secret kept in dataDir/name, creating it as
// DevSecret does when it is missing.
func FileSecret(dataDir, name string) (secret []byte, created bool, err error) {
	path := filepath.Join(dataDir, name)
	secret, err = readDevSecret(path)
	if err == nil {
		return secret, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}

	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, false, fmt.Errorf("create the data directory for the secret: %w", err)
	}
	secret = make([]byte, MinSecretBytes)
	if _, err := rand.Read(secret); err != nil {
		return nil, false, fmt.Errorf("generate the secret: %w", err)
	}
	// Write a private temporary file and link it into place: a concurrent
	// `serve` and `token` then either see no file or the whole secret, and
	// the loser of a race reads the winner's.
	tmp, err := os.CreateTemp(dataDir, name+".*")
	if err != nil {
		return nil, false, fmt.Errorf("write the secret: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, false, fmt.Errorf("write the secret: %w", err)
	}
	if _, err := tmp.WriteString(hex.EncodeToString(secret) + "\n"); err != nil {
		tmp.Close()
		return nil, false, fmt.Errorf("write the secret: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, false, fmt.Errorf("write the secret: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			secret, err = readDevSecret(path)
			return secret, false, err
		}
		return nil, false, fmt.Errorf("write the secret %s: %w", path, err)
	}
	return secret, true, nil
}

func readDevSecret(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("read the secret: %w", err)
	}
	secret, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil || len(secret) < MinSecretBytes {
		// Do not quote the file: it is a secret, even if a broken one.
		return nil, fmt.Errorf("the secret %s is not %d hex-encoded bytes; delete it and a new one is made (what was signed or hashed with the old one no longer matches)", path, MinSecretBytes)
	}
	return secret, nil
}
