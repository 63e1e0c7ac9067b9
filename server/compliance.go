package server

import (
	"encoding/csv"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/resolvers"
)

// scorecardColumns are the export's columns: the scorecard's figures, one
// count per column, named as in the GraphQL API (snake case).
var scorecardColumns = []string{"department_id", "department", "credit_code", "level", "region_code", "from", "to",
	"entries", "required_complete", "restricted_missing_basis", "reviews_met", "reviews_due",
	"change_obligations_met", "change_obligations_due", "full_review_done",
	"share_unconditional", "share_conditional", "share_none", "share_requests_met", "share_requests_due",
	"answered", "median_answer_days", "rejections_without_reason", "bulk_grants", "grants_suspended", "grants_revoked",
	"open_unconditional", "open_conditional", "open_none", "open_requests_met", "open_requests_due",
	"errors_verified_met", "errors_verified_due", "errors_corrected_met", "errors_corrected_due", "update_due", "stale",
	"usage_reports_met", "usage_reports_due", "violations"}

// scorecardsExportHandler serves /export/scorecards.csv: departmentScorecards
// as one CSV row per department, for the evaluators' spreadsheets. Query
// parameters: from, to (dates), departmentId, regionCode, level, orderBy
// (a ScorecardOrderField) and direction (ASC, DESC).
func scorecardsExportHandler(c domain.Catalogue, clock func() time.Time, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		q := r.URL.Query()
		fail := func(err error) {
			if writeUnavailable(w, r, c, log, "scorecards export", err) {
				return
			}
			status := http.StatusBadRequest
			switch domain.ErrorCode(err) {
			case domain.EForbidden:
				status = http.StatusForbidden
			case domain.ENotFound:
				status = http.StatusNotFound
			case domain.EInternal:
				status = http.StatusInternalServerError
				log.ErrorContext(ctx, "scorecards export", "err", err)
			}
			writeJSONError(w, status, domain.ErrorCode(err), domain.ErrorMessage(err))
		}
		var scope domain.ComplianceScope
		var from, to *domain.Date
		for _, p := range []struct {
			name string
			dst  **domain.Date
		}{{"from", &from}, {"to", &to}} {
			if s := q.Get(p.name); s != "" {
				d, err := domain.ParseDate(s)
				if err != nil {
					fail(domain.Errorf(domain.EInvalid, "%s must be a date such as 2026-01-01, not %q", p.name, s))
					return
				}
				*p.dst = &d
			}
		}
		if s := q.Get("departmentId"); s != "" {
			id, err := domain.ParseNodeIDOf(domain.KindDepartment, s)
			if err != nil {
				fail(domain.Errorf(domain.EInvalid, "departmentId: %s", domain.ErrorMessage(err)))
				return
			}
			scope.DepartmentID = id
		}
		scope.RegionCode, scope.Level = q.Get("regionCode"), domain.DepartmentLevel(q.Get("level"))
		key := domain.ScorecardField(q.Get("orderBy"))
		if key == "" {
			key = domain.ScorecardByName
		}
		if !domain.ValidScorecardField(key) {
			fail(domain.Errorf(domain.EInvalid, "orderBy %q is not one of %s", key, domain.ScorecardFieldNames()))
			return
		}
		dir := q.Get("direction")
		if dir != "" && dir != "ASC" && dir != "DESC" {
			fail(domain.Errorf(domain.EInvalid, "direction must be ASC or DESC, not %q", dir))
			return
		}
		cards, depts, p, err := resolvers.Scorecards(ctx, c, domain.ViewerFrom(ctx), &scope, from, to, key, dir == "DESC", clock())
		if err != nil {
			fail(err)
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="scorecards-`+p.From.String()+`-`+p.To.String()+`.csv"`)
		w.Header().Set("Cache-Control", "private, no-store")
		cw := csv.NewWriter(w)
		_ = cw.Write(scorecardColumns)
		n := strconv.Itoa
		for _, f := range cards {
			d := depts[f.DepartmentID]
			median := ""
			if f.MedianAnswerDays != nil {
				median = strconv.FormatFloat(*f.MedianAnswerDays, 'f', -1, 64)
			}
			// Names are the departments' own; still, no cell may start a
			// formula in a spreadsheet.
			_ = cw.Write(domain.SpreadsheetSafe([]string{domain.NodeID(domain.KindDepartment, d.ID), d.Name, d.CreditCode, string(d.Level), d.RegionCode,
				p.From.String(), p.To.String(),
				n(f.Entries), n(f.RequiredComplete), n(f.RestrictedMissingBasis), n(f.Reviews.Met), n(f.Reviews.Due),
				n(f.ChangeObligations.Met), n(f.ChangeObligations.Due), n(f.FullReviewsDone),
				n(f.ShareTypes.Unconditional), n(f.ShareTypes.Conditional), n(f.ShareTypes.None), n(f.ShareRequests.Met), n(f.ShareRequests.Due),
				n(f.Answered), median, n(f.RejectionsWithoutReason), n(f.BulkGrants), n(f.GrantsSuspended), n(f.GrantsRevoked),
				n(f.OpenTypes.Unconditional), n(f.OpenTypes.Conditional), n(f.OpenTypes.None), n(f.OpenRequests.Met), n(f.OpenRequests.Due),
				n(f.ErrorsVerified.Met), n(f.ErrorsVerified.Due), n(f.ErrorsCorrected.Met), n(f.ErrorsCorrected.Due), n(f.UpdateDue), n(f.Stale),
				n(f.UsageReports.Met), n(f.UsageReports.Due), n(f.Violations)}))
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			log.ErrorContext(ctx, "scorecards export cut short", "err", err)
		}
	})
}
