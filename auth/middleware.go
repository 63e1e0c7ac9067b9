package auth

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/citydata/catalogue/domain"
)

// Middleware puts the request's viewer into its context: domain.Public
// without an Authorization header, else the bearer of a verified token.
// departmentID resolves a DEPARTMENT token's credit code to the
// department's id; found is false when the catalogue has no such
// department.
//
// A refused token, or any scheme but Bearer, is answered 401 with a
// GraphQL-shaped UNAUTHENTICATED error, so clients handle it like any other
// GraphQL error. A departmentID failing with an EUnavailable *domain.Error
// (the database is down) is answered 503 with it and Retry-After; any
// other failure 500 "internal error", logged.
func Middleware(v *Verifier, departmentID func(ctx context.Context, creditCode string) (int64, bool, error), log *slog.Logger) func(http.Handler) http.Handler {
	if v == nil || departmentID == nil {
		panic("auth.Middleware: a Verifier and a departmentID function are required")
	}
	if log == nil {
		log = slog.Default()
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			values := r.Header.Values("Authorization")
			if len(values) == 0 {
				next.ServeHTTP(w, r.WithContext(domain.WithViewer(ctx, domain.Public)))
				return
			}
			viewer, _, err := authenticate(ctx, v, departmentID, values)
			if err != nil {
				if domain.ErrorCode(err) == domain.EUnauthenticated {
					log.DebugContext(ctx, "refused bearer token", "reason", domain.ErrorMessage(err))
					writeError(w, http.StatusUnauthorized, domain.EUnauthenticated, domain.ErrorMessage(err))
					return
				}
				if domain.ErrorCode(err) == domain.EUnavailable {
					log.WarnContext(ctx, "authenticate request: database unavailable", "err", err)
					w.Header().Set("Retry-After", "1")
					writeError(w, http.StatusServiceUnavailable, domain.EUnavailable, domain.ErrorMessage(err))
					return
				}
				log.ErrorContext(ctx, "authenticate request", "err", err)
				writeError(w, http.StatusInternalServerError, domain.EInternal, "internal error")
				return
			}
			next.ServeHTTP(w, r.WithContext(domain.WithViewer(ctx, viewer)))
		})
	}
}

// Authenticate turns one Authorization value (a websocket connection's
// init payload carries it) into a viewer and the instant its token
// expires: domain.Public, and no expiry, when it is empty. Refusals are
// EUnauthenticated *domain.Errors; anything else is internal.
func Authenticate(ctx context.Context, v *Verifier, departmentID func(context.Context, string) (int64, bool, error), authorization string) (domain.Viewer, time.Time, error) {
	if strings.TrimSpace(authorization) == "" {
		return domain.Public, time.Time{}, nil
	}
	return authenticate(ctx, v, departmentID, []string{authorization})
}

// authenticate turns Authorization header values into a viewer. Refusals
// are EUnauthenticated *domain.Errors; anything else is internal.
func authenticate(ctx context.Context, v *Verifier, departmentID func(context.Context, string) (int64, bool, error), values []string) (domain.Viewer, time.Time, error) {
	if len(values) > 1 {
		return domain.Viewer{}, time.Time{}, unauthenticated("send one Authorization header, not %d", len(values))
	}
	scheme, token, _ := strings.Cut(strings.TrimSpace(values[0]), " ")
	token = strings.TrimSpace(token)
	// Auth schemes are case-insensitive (RFC 9110 §11.1).
	if !strings.EqualFold(scheme, "Bearer") {
		return domain.Viewer{}, time.Time{}, unauthenticated("the Authorization header must be \"Bearer <token>\"")
	}
	if token == "" {
		return domain.Viewer{}, time.Time{}, unauthenticated("the Authorization header has no token after \"Bearer\"")
	}
	c, err := v.Verify(ctx, token)
	if err != nil {
		return domain.Viewer{}, time.Time{}, err
	}
	viewer := domain.Viewer{Role: c.Role, Subject: c.Sub}
	switch c.Role {
	case domain.RoleDepartment:
		id, found, err := departmentID(ctx, c.Department)
		if err != nil {
			return domain.Viewer{}, time.Time{}, err
		}
		if !found {
			return domain.Viewer{}, time.Time{}, unauthenticated("the token's department %s is not in the catalogue", c.Department)
		}
		// SECURITY: a department's own unpublished entries are visible to
		// this viewer; the id comes from the verified claim only.
		viewer.DepartmentID = id
	case domain.RolePerson:
		// SECURITY: only a PERSON acts as a data subject; another role's
		// stray subject claim must not widen what it sees.
		viewer.DataSubject = c.Subject
	}
	return viewer, c.Expires, nil
}

// writeError answers with a GraphQL response carrying one error.
func writeError(w http.ResponseWriter, status int, code domain.Code, message string) {
	body, _ := json.Marshal(map[string]any{
		"errors": []any{map[string]any{
			"message":    message,
			"extensions": map[string]any{"code": code},
		}},
	})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
