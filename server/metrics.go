package server

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// metricsAuth serves next only to requests bearing token: the metrics name
// operations, routes and the audit chain's length, which are not for the
// public.
func metricsAuth(token string, next http.Handler) http.Handler {
	want := []byte(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		// SECURITY: constant-time, so the token cannot be guessed byte by
		// byte from response times.
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{
				"error": "metrics need Authorization: Bearer <CATALOGUE_METRICS_TOKEN>",
			})
			return
		}
		next.ServeHTTP(w, r)
	})
}
