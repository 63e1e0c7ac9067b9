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
// may it use these items of this entry in this mode now, in this business
// scenario and for this purpose, for this data subject?
type AccessQuery struct {
	ResourceID int64
	ItemIDs    []int64
	Mode       ShareMode
	// Scenario is the business scenario (应用业务场景) the data would serve;
	// a grant allows use only in its own (MZ 22).
	Scenario string
	// Purpose is the stated use (使用用途, MZ 21); optional with a grant,
	// checked against the grant's where both state one.
	Purpose string
	// Subject is the data subject (ID-card number or credit code) of a
	// VERIFY or QUERY; kept only as ProtectSubject's keyed hash.
	Subject string
}

// AccessDecision is the answer, as recorded.
type AccessDecision struct {
	ID    int64
	Allow bool
	// Grant is the grant that allows it, or the one nearest to allowing it
	// whose shortfalls Gaps lists.
	Grant *ShareGrant
	// ItemIDs are the asked items the viewer may use: all of them when
	// allowed; when a grant in force covers only some, those.
	ItemIDs []int64
	// Gaps says exactly what keeps a denied use from being allowed; empty
	// when allowed.
	Gaps     []AccessGap
	Reason   string
	Scenario string
	Purpose  string
	At       time.Time
}

// AccessGapKind is one kind of shortfall between a use and what allows it.
type AccessGapKind string

const (
	// GapNotPublished: the entry is not in the published catalogue.
	GapNotPublished AccessGapKind = "NOT_PUBLISHED"
	// GapNoGrant: restricted data and no grant of the department's (MZ 21-22).
	GapNoGrant AccessGapKind = "NO_GRANT"
	// GapScenario: the department's grants are for other scenarios (MZ 22).
	GapScenario AccessGapKind = "SCENARIO"
	// GapItems: the grant does not cover some of the items asked (MZ 22).
	GapItems AccessGapKind = "ITEMS"
	// GapMode: the grant allows a narrower mode (MZ 22, WZ 21).
	GapMode AccessGapKind = "MODE"
	// GapPurpose: the grant is for another purpose (MZ 19, MZ 21).
	GapPurpose AccessGapKind = "PURPOSE"
	// GapExpired: the grant's last day has passed (MZ 22: 截止时间).
	GapExpired AccessGapKind = "EXPIRED"
	// GapSuspended: the authority suspended the grant (NY 41).
	GapSuspended AccessGapKind = "SUSPENDED"
	// GapRevoked: the authority revoked the grant (WZ 22).
	GapRevoked AccessGapKind = "REVOKED"
	// GapModeNotOffered: unconditional data not shared in this mode.
	GapModeNotOffered AccessGapKind = "MODE_NOT_OFFERED"
	// GapBulk: BULK needs a grant the authority approved (WZ 21).
	GapBulk AccessGapKind = "BULK_NEEDS_GRANT"
	// GapPurposeRequired: unconditional data is used after stating a
	// purpose (MZ 21).
	GapPurposeRequired AccessGapKind = "PURPOSE_REQUIRED"
)

// AccessGap is one shortfall, with the article that makes it one.
type AccessGap struct {
	Kind    AccessGapKind
	Article string
	// ItemIDs are the asked items a grant does not cover (GapItems).
	ItemIDs []int64
	// Detail says it in a sentence that names what is missing.
	Detail string
}

// ValidateAccessQuery checks a query against the entry's items: at least
// one item of the entry, a known mode, the business scenario (MZ 22: a
// grant is for a scenario, so a use without one cannot be judged), and,
// for VERIFY and QUERY (one subject's record), the subject, so the subject
// can later learn who accessed their data (WZ 25).
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
	if strings.TrimSpace(q.Scenario) == "" {
		bad = append(bad, "MZ 22: a use is allowed only in a business scenario (应用业务场景): give the scenario the data would serve")
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

// SameUse says whether two statements of a scenario or purpose name the
// same use: equal but for case and white space (full-width included).
func SameUse(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// DecideAccess decides q for department viewer v on entry r at now, given
// the department's grants for r in any state and the names of the entry's
// items (for the reasons). The one place the rules of use live:
//   - the source uses its own data;
//   - MZ 22 (最小授权): a grant allows use only in its scenario, of its
//     items, in its mode or a narrower one, until its last day; asking for
//     more items than it allows is denied, naming those it does not cover
//     and giving those it does;
//   - MZ 19, MZ 21: a purpose stated with the use must be the grant's;
//   - MZ 21: UNCONDITIONAL data, but BULK, needs no grant, only a stated
//     purpose and a mode the entry is shared in;
//   - WZ 21: BULK always needs a grant;
//   - NY 41, WZ 22: a suspended or revoked grant allows nothing.
//
// A denial lists every shortfall of the grant nearest to allowing the use
// (the fewest shortfalls, then the most items covered, then the newest).
func DecideAccess(v Viewer, r *Resource, itemNames map[int64]string, grants []*ShareGrant, q AccessQuery, now time.Time) AccessDecision {
	d := AccessDecision{At: now, ItemIDs: []int64{}, Gaps: []AccessGap{}, Scenario: strings.TrimSpace(q.Scenario), Purpose: strings.TrimSpace(q.Purpose)}
	if v.DepartmentID == r.SourceDepartmentID {
		d.Allow, d.ItemIDs, d.Reason = true, q.ItemIDs, "the source department uses its own data"
		return d
	}
	if r.Status != StatusPublished {
		return d.deny(AccessGap{Kind: GapNotPublished, Article: "MZ 21", Detail: "the entry is not in the published catalogue"})
	}
	var best *ShareGrant
	var bestGaps []AccessGap
	var bestCovered []int64
	var otherScenarios []string
	for _, g := range grants {
		if !SameUse(g.Scenario, q.Scenario) {
			if !slices.Contains(otherScenarios, g.Scenario) {
				otherScenarios = append(otherScenarios, g.Scenario)
			}
			continue
		}
		gaps, covered := grantGaps(g, q, itemNames, now)
		if best == nil || len(gaps) < len(bestGaps) ||
			len(gaps) == len(bestGaps) && (len(covered) > len(bestCovered) || len(covered) == len(bestCovered) && g.ID > best.ID) {
			best, bestGaps, bestCovered = g, gaps, covered
		}
	}
	if best != nil && len(bestGaps) == 0 {
		d.Allow, d.Grant, d.ItemIDs = true, best, q.ItemIDs
		d.Reason = fmt.Sprintf("grant %s allows %s in %s for %q until %s (MZ 22)", best.NodeID(), itemList(q.ItemIDs, itemNames), best.Mode, best.Scenario, validUntil(best))
		return d
	}
	unconditional := r.ShareType == ShareUnconditional && q.Mode != ModeBulk
	offered := slices.Contains(r.ShareModes, q.Mode)
	if unconditional && offered && d.Purpose != "" {
		d.Allow, d.ItemIDs = true, q.ItemIDs
		d.Reason = "unconditionally shared (MZ 21): any department may use it for its duties, having stated its purpose"
		return d
	}
	if best != nil {
		d.Grant = best
		// Only the items are short: the grant allows the rest now.
		if len(bestGaps) == 1 && bestGaps[0].Kind == GapItems {
			d.ItemIDs = bestCovered
		}
		return d.deny(bestGaps...)
	}
	var gaps []AccessGap
	switch {
	case unconditional && offered:
		gaps = append(gaps, AccessGap{Kind: GapPurposeRequired, Article: "MZ 21",
			Detail: "MZ 21: unconditionally shared data is used after stating its purpose (说明合理用途): give purpose"})
	case unconditional:
		gaps = append(gaps, AccessGap{Kind: GapModeNotOffered, Article: "MZ 21",
			Detail: "the entry is shared by " + joinValues(r.ShareModes) + ", not " + string(q.Mode)})
	case len(otherScenarios) > 0:
		gaps = append(gaps, AccessGap{Kind: GapScenario, Article: "MZ 22",
			Detail: fmt.Sprintf("MZ 22: your grants on this entry are for %s, not %q; request it for this scenario", quoteAll(otherScenarios), d.Scenario)})
	case q.Mode == ModeBulk:
		gaps = append(gaps, AccessGap{Kind: GapBulk, Article: "WZ 21",
			Detail: "BULK needs a grant approved by the source and the data authority (WZ 21)"})
	case r.ShareType == ShareConditional:
		gaps = append(gaps, AccessGap{Kind: GapNoGrant, Article: "MZ 21",
			Detail: "conditionally shared (MZ 21-22): no grant of yours: request it from the source department"})
	default:
		gaps = append(gaps, AccessGap{Kind: GapNoGrant, Article: "MZ 21",
			Detail: "not shared (MZ 21): only VERIFY (核实比对) under a grant: request one from the source department"})
	}
	return d.deny(gaps...)
}

// grantGaps is what grant g, in q's scenario, lacks for q at now, and the
// asked items it covers.
func grantGaps(g *ShareGrant, q AccessQuery, itemNames map[int64]string, now time.Time) ([]AccessGap, []int64) {
	var gaps []AccessGap
	switch g.StatusAt(now) {
	case GrantSuspended:
		gaps = append(gaps, AccessGap{Kind: GapSuspended, Article: "NY 41", Detail: "it is suspended by the data authority (NY 41): " + g.StatusReason})
	case GrantRevoked:
		gaps = append(gaps, AccessGap{Kind: GapRevoked, Article: "WZ 22", Detail: "it was revoked by the data authority (WZ 22): " + g.StatusReason})
	case GrantExpired:
		gaps = append(gaps, AccessGap{Kind: GapExpired, Article: "MZ 22", Detail: "it expired at the end of " + validUntil(g) + " (MZ 22): request it again"})
	}
	if modeRank[g.Mode] < modeRank[q.Mode] {
		gaps = append(gaps, AccessGap{Kind: GapMode, Article: "MZ 22", Detail: fmt.Sprintf("it allows %s, not %s (MZ 22)", g.Mode, q.Mode)})
	}
	var covered, missing []int64
	for _, id := range q.ItemIDs {
		if slices.Contains(g.ItemIDs, id) {
			covered = append(covered, id)
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		detail := "it does not cover " + itemList(missing, itemNames) + " (MZ 22 最小授权)"
		if len(covered) > 0 {
			detail += ": it covers " + itemList(covered, itemNames) + "; ask for those, or request the others"
		}
		gaps = append(gaps, AccessGap{Kind: GapItems, Article: "MZ 22", ItemIDs: missing, Detail: detail})
	}
	if p := strings.TrimSpace(q.Purpose); p != "" && strings.TrimSpace(g.Purpose) != "" && !SameUse(g.Purpose, p) {
		gaps = append(gaps, AccessGap{Kind: GapPurpose, Article: "MZ 19",
			Detail: fmt.Sprintf("it is for the purpose %q, not %q (MZ 19, MZ 21: shared data serves only the purpose it was asked for)", g.Purpose, p)})
	}
	return gaps, covered
}

// deny makes d a denial for gaps, its reason naming each.
func (d AccessDecision) deny(gaps ...AccessGap) AccessDecision {
	d.Allow, d.Gaps = false, gaps
	details := make([]string, len(gaps))
	for i, g := range gaps {
		details[i] = g.Detail
	}
	if d.Grant != nil {
		d.Reason = fmt.Sprintf("grant %s for %q does not allow this use: %s", d.Grant.NodeID(), d.Grant.Scenario, strings.Join(details, "; "))
	} else {
		d.Reason = strings.Join(details, "; ")
	}
	return d
}

// itemList names items by their names, in the order given.
func itemList(ids []int64, names map[int64]string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		if n, ok := names[id]; ok && n != "" {
			out[i] = n
		} else {
			out[i] = NodeID(KindDataItem, id)
		}
	}
	return strings.Join(out, ", ")
}

func quoteAll(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(out, ", ")
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
