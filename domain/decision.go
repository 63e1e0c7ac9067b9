package domain

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"time"
)

// AccessQuery is what a data service asks before it serves a department:
// may it use these items of this entry in this mode now, for this data
// subject?
type AccessQuery struct {
	ResourceID int64
	ItemIDs    []int64
	Mode       ShareMode
	// Subject is the data subject (ID-card number or credit code) of a
	// VERIFY or QUERY; kept only as ProtectSubject's keyed hash.
	Subject string
}

// AccessDecision is the answer, as recorded.
type AccessDecision struct {
	ID    int64
	Allow bool
	// Grant is the grant that allows it, or the one whose state denies it.
	Grant *ShareGrant
	// ItemIDs are the asked items the viewer may use in this mode.
	ItemIDs []int64
	Reason  string
	At      time.Time
}

// ValidateAccessQuery checks a query against the entry's items: at least
// one item of the entry, a known mode, and, for VERIFY and QUERY (one
// subject's record), the subject, so the subject can later learn who
// accessed their data (WZ 25).
func ValidateAccessQuery(q AccessQuery, entryItems []int64) error {
	var bad []string
	if len(q.ItemIDs) == 0 {
		bad = append(bad, "name the items the service would provide")
	}
	for _, id := range q.ItemIDs {
		if !slices.Contains(entryItems, id) {
			bad = append(bad, "item "+NodeID(KindDataItem, id)+" is not an item of this entry")
		}
	}
	switch {
	case modeRank[q.Mode] == 0:
		bad = append(bad, "mode "+string(q.Mode)+" is not VERIFY, QUERY or BULK")
	case q.Mode != ModeBulk && strings.TrimSpace(q.Subject) == "":
		bad = append(bad, "WZ 25: a "+string(q.Mode)+" concerns one data subject: give its ID-card number or credit code as subject")
	}
	if len(bad) > 0 {
		return Errorf(EInvalid, "the access query is not valid: %s", strings.Join(bad, "; "))
	}
	return nil
}

// MayAskAccess: access decisions are asked for departments, whose data
// services serve shared data (MZ 21); the public uses the open platform,
// and the authority and auditors read the records instead.
func MayAskAccess(v Viewer) error {
	// SECURITY: a decision would tell a non-department what it could get.
	if v.Role != RoleDepartment || v.DepartmentID == 0 {
		return Errorf(EForbidden, "access decisions are for departments' data services (MZ 21): sign in as the using department")
	}
	return nil
}

// DecideAccess decides q for department viewer v on entry r at now, given
// the department's grants for r in any state. The one place the rules of
// use live:
//   - the source uses its own data;
//   - MZ 22 (最小授权): an active grant allows its items in its mode or a
//     narrower one; asking for more items than it allows is denied, naming
//     those it does allow;
//   - MZ 21: UNCONDITIONAL data, but BULK, needs no grant;
//   - WZ 21: BULK always needs a grant;
//   - NY 41, WZ 22: a suspended or revoked grant allows nothing.
func DecideAccess(v Viewer, r *Resource, grants []*ShareGrant, q AccessQuery, now time.Time) AccessDecision {
	d := AccessDecision{At: now, ItemIDs: []int64{}}
	if v.DepartmentID == r.SourceDepartmentID {
		d.Allow, d.ItemIDs, d.Reason = true, q.ItemIDs, "the source department uses its own data"
		return d
	}
	if r.Status != StatusPublished {
		d.Reason = "the entry is not in the published catalogue"
		return d
	}
	var best *ShareGrant
	var covered []int64
	for _, g := range grants {
		if g.StatusAt(now) != GrantActive || modeRank[g.Mode] < modeRank[q.Mode] {
			continue
		}
		var c []int64
		for _, id := range q.ItemIDs {
			if slices.Contains(g.ItemIDs, id) {
				c = append(c, id)
			}
		}
		if best == nil || len(c) > len(covered) {
			best, covered = g, c
		}
	}
	switch {
	case best != nil && len(covered) == len(q.ItemIDs):
		d.Allow, d.Grant, d.ItemIDs = true, best, covered
		d.Reason = fmt.Sprintf("grant %s allows these items in %s for %q until %s (MZ 22)", best.NodeID(), best.Mode, best.Scenario, validUntil(best))
		return d
	case r.ShareType == ShareUnconditional && q.Mode != ModeBulk && slices.Contains(r.ShareModes, q.Mode):
		d.Allow, d.ItemIDs = true, q.ItemIDs
		d.Reason = "unconditionally shared (MZ 21): any department may use it for its duties"
		return d
	case r.ShareType == ShareUnconditional && q.Mode != ModeBulk && best == nil:
		d.Reason = "the entry is shared by " + joinValues(r.ShareModes) + ", not " + string(q.Mode)
		return d
	case best != nil && len(covered) > 0:
		d.Grant, d.ItemIDs = best, covered
		d.Reason = fmt.Sprintf("MZ 22 (最小授权): grant %s allows only %d of the %d items asked; ask for those, or request the others", best.NodeID(), len(covered), len(q.ItemIDs))
		return d
	}
	// Denied: say why, from the most telling grant there is.
	for _, g := range grants {
		switch g.StatusAt(now) {
		case GrantSuspended:
			d.Grant, d.Reason = g, "grant "+g.NodeID()+" is suspended by the data authority (NY 41): "+g.StatusReason
			return d
		case GrantRevoked:
			d.Grant, d.Reason = g, "grant "+g.NodeID()+" was revoked by the data authority (WZ 22): "+g.StatusReason
		case GrantExpired:
			if d.Grant == nil {
				d.Grant, d.Reason = g, "grant "+g.NodeID()+" expired at "+validUntil(g)+"; request it again"
			}
		case GrantActive:
			if d.Grant == nil {
				d.Grant, d.Reason = g, fmt.Sprintf("grant %s allows %s, not %s (MZ 22)", g.NodeID(), g.Mode, q.Mode)
			}
		}
	}
	if d.Reason != "" {
		return d
	}
	switch {
	case q.Mode == ModeBulk:
		d.Reason = "BULK needs a grant approved by the source and the data authority (WZ 21)"
	case r.ShareType == ShareConditional:
		d.Reason = "conditionally shared (MZ 21-22): request it from the source department"
	default:
		d.Reason = "not shared (MZ 21): only VERIFY (核实比对) under a grant"
	}
	return d
}

func validUntil(g *ShareGrant) string {
	if g.ValidUntil == nil {
		return "no end"
	}
	return DateOf(*g.ValidUntil).String()
}

// ProtectSubject is the keyed hash (HMAC-SHA256) a data subject's
// identifier is kept as: the subject can be matched (WZ 25: who accessed my
// data) by whoever holds key, and not read back from the records.
// Identifiers are compared upper-case without surrounding space, as ID
// numbers end in X and credit codes are upper-case.
func ProtectSubject(key []byte, subject string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strings.ToUpper(strings.TrimSpace(subject))))
	return m.Sum(nil)
}
