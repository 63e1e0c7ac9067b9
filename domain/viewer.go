package domain

import (
	"context"
	"strings"
)

// Role is what a viewer is to the catalogue.
type Role string

const (
	RolePublic     Role = "PUBLIC"     // no token
	RolePerson     Role = "PERSON"     // an authenticated citizen or organisation
	RoleDepartment Role = "DEPARTMENT" // staff of one department
	RoleAuthority  Role = "AUTHORITY"  // the data authority
	RoleAuditor    Role = "AUDITOR"    // reads everything, changes nothing
)

// Viewer is who is asking. The zero Viewer is PUBLIC.
type Viewer struct {
	Role Role
	// Subject is the token's sub claim: who the caller is.
	Subject string
	// DepartmentID is the viewer's department for RoleDepartment.
	DepartmentID int64
	// DataSubject is the ID-card number or credit code of a PERSON viewer.
	DataSubject string
}

// Public is the viewer of a request without a token.
var Public = Viewer{Role: RolePublic}

type viewerKey struct{}

// WithViewer returns a context carrying v.
func WithViewer(ctx context.Context, v Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// ViewerFrom returns the context's viewer, or Public when there is none.
func ViewerFrom(ctx context.Context) Viewer {
	if v, ok := ctx.Value(viewerKey{}).(Viewer); ok {
		return v
	}
	return Public
}

// ResourceScope is the set of resource rows a viewer may know exist. The
// store turns it into a SQL WHERE clause, so lists, counts, cursors, search
// and lookups agree with what is shown.
type ResourceScope struct {
	// All: every resource in every status.
	All bool
	// PublishedOnly: only PUBLISHED resources (plus OwnDepartmentID's own).
	PublishedOnly bool
	// ExcludeOpenNone: hide resources whose open type is NONE.
	ExcludeOpenNone bool
	// OwnDepartmentID, when non-zero, adds that department's own resources in
	// any status.
	OwnDepartmentID int64
}

// ResourceScopeFor decides which resource rows v may see.
func ResourceScopeFor(v Viewer) ResourceScope {
	switch v.Role {
	case RoleAuthority, RoleAuditor:
		// SECURITY: the authority reviews and the auditor traces everything.
		return ResourceScope{All: true}
	case RoleDepartment:
		// SECURITY: the catalogue is published to all departments; a
		// department also sees its own entries in any status.
		return ResourceScope{PublishedOnly: true, OwnDepartmentID: v.DepartmentID}
	default:
		// SECURITY: the public sees only the open catalogue: published
		// entries whose open type is not NONE (NY 44: 不予开放 entries are
		// not in the open catalogue at all).
		return ResourceScope{PublishedOnly: true, ExcludeOpenNone: true}
	}
}

// MayIntrospect reports whether v may read the schema by introspection
// outside development mode: the data authority and auditors, who need to
// see every field the service has. Others learn the schema from its
// documentation, and an attacker learns nothing from probing it (OWASP
// GraphQL cheat sheet).
func MayIntrospect(v Viewer) bool {
	// SECURITY: introspection reveals every internal field and argument.
	return v.Role == RoleAuthority || v.Role == RoleAuditor
}

// MayMutate refuses every change to an auditor, who reads everything and
// changes nothing (NY 33, WZ 34: the trail must be independent of those who
// check it). Other roles are checked by each mutation.
func MayMutate(v Viewer) error {
	// SECURITY: checked once per operation, before any resolver runs.
	if v.Role == RoleAuditor {
		return Errorf(EForbidden, "auditors read everything and change nothing: an AUDITOR token cannot call mutations")
	}
	return nil
}

// Contains reports whether r is among the rows s lets its viewer see: the
// same rule the store applies in SQL, for a row already loaded (a
// mutation's target, locked for update).
func (s ResourceScope) Contains(r *Resource) bool {
	if s.All {
		return true
	}
	if s.ExcludeOpenNone && r.OpenType == OpenNone {
		return false
	}
	if s.PublishedOnly && r.Status != StatusPublished {
		return s.OwnDepartmentID != 0 && r.SourceDepartmentID == s.OwnDepartmentID
	}
	return true
}

// MayConfigure decides who sets the catalogue's settings: the working-day
// calendar and the regions' policy profiles belong to the data authority,
// which coordinates the catalogue (MZ 5, WZ 4).
func MayConfigure(v Viewer) error {
	// SECURITY: settings change every deadline computed after them.
	if err := MayMutate(v); err != nil {
		return err
	}
	if v.Role != RoleAuthority {
		return Errorf(EForbidden, "only the data authority changes the calendar and the policy profiles")
	}
	return nil
}

// ValidateRegionCode checks an administrative division code (GB/T 2260):
// six digits.
func ValidateRegionCode(code string) error {
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return Errorf(EInvalid, "region code %q is not a six-digit administrative division code (GB/T 2260), e.g. 441402", code)
	}
	return nil
}
