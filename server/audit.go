package server

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"time"

	"github.com/citydata/catalogue/domain"
)

// RequestIDHeader carries a request's ID: a caller's (a gateway's) when it
// sends a sane one, else a new one; it is in the response and in the audit
// events the request makes, to join them with the server log.
const RequestIDHeader = "X-Request-Id"

var saneRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{8,128}$`)

func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !saneRequestID.MatchString(id) {
			b := make([]byte, 12)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set(RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(domain.WithRequestID(r.Context(), id)))
	})
}

// auditExportHandler streams the audit events of the query's filters
// (actor, departmentId, resourceId, action, outcome, from, to: RFC 3339)
// as CSV, oldest first, for auditors and the authority; the export is
// itself an audit event.
func auditExportHandler(c domain.Catalogue, key []byte, clock func() time.Time, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		v := domain.ViewerFrom(ctx)
		q := r.URL.Query()
		rec := domain.NewAuditRecord(v, key, domain.RequestIDFrom(ctx), "exportAudit", clock(), func() map[string]any {
			args := map[string]any{}
			for k := range q {
				args[k] = q.Get(k)
			}
			return domain.SanitizeAuditArgs(args)
		})
		fail := func(status int, err error) {
			if aerr := c.AppendAudit(ctx, rec.Finished(err)); aerr != nil {
				log.ErrorContext(ctx, "audit event not written", "action", "exportAudit", "err", aerr)
			}
			writeJSONError(w, status, domain.ErrorCode(err), domain.ErrorMessage(err))
		}
		if err := domain.MayReadAudit(v); err != nil {
			fail(http.StatusForbidden, err)
			return
		}
		f, err := auditFilterOf(q.Get, key)
		if err != nil {
			fail(http.StatusBadRequest, err)
			return
		}
		// The export is recorded before it starts: a stream cut short has
		// still been read in part.
		if err := c.AppendAudit(ctx, rec.Finished(nil)); err != nil {
			if writeUnavailable(w, r, c, log, "audit export", err) {
				return
			}
			log.ErrorContext(ctx, "audit event not written", "action", "exportAudit", "err", err)
			writeJSONError(w, http.StatusInternalServerError, domain.EInternal, "the export could not be recorded; try again later")
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="audit.csv"`)
		w.Header().Set("Cache-Control", "private, no-store")
		flusher, _ := w.(http.Flusher)
		err = c.ExportAudit(ctx, v, f, w, func() {
			if flusher != nil {
				flusher.Flush()
			}
		})
		if err != nil {
			// The header is sent; the client sees a truncated file, the log why.
			log.ErrorContext(ctx, "audit export cut short", "err", err)
		}
	})
}

// auditFilterOf reads the export's filters from query parameters.
func auditFilterOf(get func(string) string, key []byte) (domain.AuditCriteria, error) {
	f := domain.AuditCriteria{Actors: domain.AuditActorsFor(get("actor"), key), Action: get("action"), Outcome: domain.AuditOutcome(get("outcome"))}
	switch f.Outcome {
	case "", domain.AuditOK, domain.AuditRefused, domain.AuditFailed:
	default:
		return f, domain.Errorf(domain.EInvalid, "outcome must be OK, REFUSED or FAILED, not %q", f.Outcome)
	}
	var err error
	for _, p := range []struct {
		name string
		kind domain.NodeKind
		dst  *int64
	}{{"departmentId", domain.KindDepartment, &f.DepartmentID}, {"resourceId", domain.KindResource, &f.ResourceID}} {
		if s := get(p.name); s != "" {
			if *p.dst, err = domain.ParseNodeIDOf(p.kind, s); err != nil {
				return f, domain.Errorf(domain.EInvalid, "%s: %s", p.name, domain.ErrorMessage(err))
			}
		}
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if s := get(p.name); s != "" {
			if *p.dst, err = time.Parse(time.RFC3339, s); err != nil {
				return f, domain.Errorf(domain.EInvalid, "%s must be an RFC 3339 time such as 2026-07-01T00:00:00+08:00, not %q", p.name, s)
			}
		}
	}
	return f, nil
}
