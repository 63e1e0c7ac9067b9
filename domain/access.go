package domain

import (
	"fmt"
	"time"
)

// Gate names what a field's visibility depends on. The schema marks each
// gated field with @access(gate: ...); Access decides, for one viewer and
// one resource, which gates are open.
type Gate string

const (
	// GateShare: how a department obtains the data on the sharing
	// platform, gated by the share type (MZ 21, WZ 15).
	GateShare Gate = "SHARE"
	// GateOpen: download and API on the open platform, gated by the open
	// type (NY 44, NY 46, QY 24).
	GateOpen Gate = "OPEN"
	// GateSample: example records, shown only where the share or open gate
	// is open, masked for all but the source and the overseers.
	GateSample Gate = "SAMPLE"
	// GateInternal: review notes, the responsible person's phone and the
	// filing of a NONE share type (MZ 10, WZ 15(3)): the source department,
	// the authority and auditors only.
	GateInternal Gate = "INTERNAL"
)

// Gates lists every gate, for validation and tests.
var Gates = []Gate{GateShare, GateOpen, GateSample, GateInternal}

// Grant is an active share grant held by the viewer's department (MZ 22:
// least privilege: the grant names the items and mode it allows).
type Grant struct {
	ID         int64
	ResourceID int64
	ItemIDs    []int64
	Mode       ShareMode
	Scenario   string
	// Purpose is the use the request stated (MZ 21), kept with the grant.
	Purpose    string
	ValidUntil *time.Time
}

// Rights is what a viewer holds beyond its role: its department's active
// share grants and its approved open requests, loaded once per request.
type Rights struct {
	// Grants by resource ID (active and unexpired only).
	Grants map[int64]*Grant
	// OpenApproved holds the resources the viewer's open requests were
	// approved for (NY 46).
	OpenApproved map[int64]bool
}

// Access is what one viewer may see of one resource.
type Access struct {
	Share    bool // GateShare
	Open     bool // GateOpen
	Sample   bool // GateSample
	Internal bool // GateInternal
	// MaskSample: personal items of the sample are masked (WZ 17, WZ 28).
	MaskSample bool
	// CanRequest: the viewer could file a request that would give it more
	// than it has now (a share request for a department, an open request
	// for a person).
	CanRequest bool
	// Grant is the viewer's grant that opens the share gate, if any.
	Grant *Grant
	// Reason says why, in a sentence a dashboard can show: the share
	// reason for departments, the open reason for everyone else.
	Reason string
	// ShareReason and OpenReason say why each gate is open or closed
	// (see Why).
	ShareReason, OpenReason string
}

// Allows reports whether gate g is open.
func (a Access) Allows(g Gate) bool {
	switch g {
	case GateShare:
		return a.Share
	case GateOpen:
		return a.Open
	case GateSample:
		return a.Sample
	case GateInternal:
		return a.Internal
	}
	return false
}

// overseer reports whether v sees everything about r: its source
// department, the data authority (which reviews the catalogue, MZ 7) and
// auditors (who trace everything, WZ 34).
func overseer(v Viewer, r *Resource) bool {
	switch v.Role {
	case RoleAuthority, RoleAuditor:
		return true
	case RoleDepartment:
		return v.DepartmentID != 0 && v.DepartmentID == r.SourceDepartmentID
	}
	return false
}

// AccessTo decides what v, holding rights, may see of r at time now. It
// is the one place the share-type and open-type rules for fields live; the
// rows a viewer may see at all are ResourceScopeFor's.
func AccessTo(v Viewer, r *Resource, rights Rights, now time.Time) Access {
	if overseer(v, r) {
		who := "the source department"
		if v.Role != RoleDepartment {
			who = "the " + map[Role]string{RoleAuthority: "data authority", RoleAuditor: "auditor"}[v.Role]
		}
		why := fmt.Sprintf("%s sees every field of the entry", who)
		return Access{Share: true, Open: true, Sample: true, Internal: true,
			Reason: why, ShareReason: why, OpenReason: why}
	}
	var a Access
	switch v.Role {
	case RoleDepartment:
		grant := rights.Grants[r.ID]
		if grant != nil && grant.ValidUntil != nil && !now.Before(*grant.ValidUntil) {
			grant = nil // expired since the rights were loaded
		}
		switch r.ShareType {
		case ShareUnconditional:
			// MZ 21, QY 16(1): unconditional data is open to every
			// department; a request only records the purpose.
			a.Share, a.Grant = true, grant
			a.CanRequest = grant == nil
			a.ShareReason = "unconditionally shared (MZ 21): any department may obtain it after stating a purpose"
		case ShareConditional:
			// MZ 21-22: conditional data needs a grant from the source.
			if grant != nil {
				a.Share, a.Grant = true, grant
				a.ShareReason = "conditionally shared (MZ 22): your department holds an active grant"
			} else {
				a.CanRequest = true
				a.ShareReason = "conditionally shared (MZ 21): request it from the source department"
			}
		default:
			// MZ 21: not shared; others may only ask for verification.
			a.CanRequest = true
			a.ShareReason = "not shared (MZ 10, MZ 21): only verification (核实比对) may be requested"
		}
		switch r.OpenType {
		case OpenUnconditional:
			a.Open = true
			a.OpenReason = "unconditionally open (NY 46)"
		case OpenConditional:
			// NY 46: open requests are for citizens and organisations;
			// a department obtains data by sharing.
			a.OpenReason = "conditionally open (NY 46): only holders of an approved open request see it; departments obtain data by sharing"
		default:
			a.OpenReason = "not open (NY 44)"
		}
		a.Reason = a.ShareReason
	case RolePerson, RolePublic:
		// MZ 21: sharing is between government departments.
		a.ShareReason = "sharing (MZ 21) is between government departments; the public uses the open platform"
		switch r.OpenType {
		case OpenUnconditional:
			// NY 46, QY 24(1): anyone, after identity authentication.
			a.Open = true
			a.OpenReason = "unconditionally open (NY 46)"
		case OpenConditional:
			// NY 46, QY 24(2): on an approved application.
			switch {
			case v.Role == RolePerson && rights.OpenApproved[r.ID]:
				a.Open = true
				a.OpenReason = "conditionally open (NY 46): your open request was approved"
			case v.Role == RolePerson:
				a.CanRequest = true
				a.OpenReason = "conditionally open (NY 46): apply with purpose and scope"
			default:
				a.OpenReason = "conditionally open (NY 46): sign in to apply with purpose and scope"
			}
		default:
			a.OpenReason = "not open (NY 44)"
		}
		a.Reason = a.OpenReason
	}
	// The sample follows the gates, masked (WZ 17, WZ 28, NY 44 脱敏).
	a.Sample = a.Share || a.Open
	a.MaskSample = true
	return a
}

// Why says, in a sentence a user can act on, why gate g is open or closed
// for this viewer.
func (a Access) Why(g Gate) string {
	switch g {
	case GateShare:
		return a.ShareReason
	case GateOpen:
		return a.OpenReason
	case GateSample:
		if a.Sample {
			return "example records follow the share and open gates, masked (WZ 17, WZ 28)"
		}
		return "example records are shown only where shareAccess or openAccess is visible: " + a.ShareReason + "; " + a.OpenReason
	case GateInternal:
		if a.Internal {
			return a.Reason
		}
		return "internal fields are for the source department, the data authority and auditors only (MZ 10, WZ 15)"
	}
	return a.Reason
}
