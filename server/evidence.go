package server

import (
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"mime"
	"net/http"
	"strconv"

	"github.com/citydata/catalogue/domain"
)

// evidenceHandler serves an uploaded evidence file of a dispute the
// viewer (put in the context by auth.Middleware) is a party to, at
// /evidence/{Evidence.id}. Errors are JSON with extensions.code, as the
// GraphQL endpoint's: NOT_FOUND for a file outside the viewer's scope.
func evidenceHandler(c domain.Catalogue, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := domain.ParseNodeIDOf(domain.KindEvidence, r.PathValue("id"))
		if err != nil {
			writeJSONError(w, http.StatusBadRequest, domain.EInvalid, domain.ErrorMessage(err))
			return
		}
		// SECURITY: only the dispute's parties see its evidence, not the
		// departments that only use the entry (domain.Dispute.IsParty).
		scope, err := domain.DisputeScopeFor(domain.ViewerFrom(r.Context()))
		if err != nil {
			writeJSONError(w, http.StatusForbidden, domain.EForbidden, domain.ErrorMessage(err))
			return
		}
		scope.PartiesOnly = true
		e, content, err := c.EvidenceFile(r.Context(), scope, id)
		switch domain.ErrorCode(err) {
		case "":
		case domain.ENotFound:
			writeJSONError(w, http.StatusNotFound, domain.ENotFound, domain.ErrorMessage(err))
			return
		default:
			if writeUnavailable(w, r, c, log, "evidence file", err) {
				return
			}
			log.ErrorContext(r.Context(), "evidence file", "id", id, "err", err)
			writeJSONError(w, http.StatusInternalServerError, domain.EInternal, "the file could not be read; try again later")
			return
		}
		h := w.Header()
		h.Set("Content-Type", e.ContentType)
		// SECURITY: the browser must not run what a reporter uploaded: no
		// sniffing, a download, and no scripts if it is opened anyway.
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
		disposition := mime.FormatMediaType("attachment", map[string]string{"filename": e.FileName})
		if disposition == "" {
			disposition = "attachment"
		}
		h.Set("Content-Disposition", disposition)
		h.Set("Content-Length", strconv.Itoa(len(content)))
		h.Set("Cache-Control", "private, no-store")
		// The stored hash, so a client can check what it received (RFC 9530).
		h.Set("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(e.SHA256)+":")
		h.Set("ETag", strconv.Quote(hex.EncodeToString(e.SHA256)))
		_, _ = w.Write(content)
	})
}

// writeUnavailable answers 503 UNAVAILABLE with Retry-After, and reports
// true, when err is the database being out of reach (c.Unavailable, or an
// EUnavailable error): the client should retry, as the GraphQL endpoint's
// UNAVAILABLE and auth.Middleware's 503 tell it, and the log says so at
// WARN, not as an internal error. what names the request in the log.
func writeUnavailable(w http.ResponseWriter, r *http.Request, c domain.Catalogue, log *slog.Logger, what string, err error) bool {
	if !c.Unavailable(err) && domain.ErrorCode(err) != domain.EUnavailable {
		return false
	}
	log.WarnContext(r.Context(), what+": database unavailable", "err", err)
	w.Header().Set("Retry-After", "1")
	writeJSONError(w, http.StatusServiceUnavailable, domain.EUnavailable, domain.UnavailableMessage)
	return true
}

func writeJSONError(w http.ResponseWriter, status int, code domain.Code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(errorBody(code, msg))
}
