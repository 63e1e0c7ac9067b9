// Package model holds the GraphQL types that are not domain types: the
// connection and edge types of the Relay lists (hand-written here) and the
// input types gqlgen generates into models_gen.go.
package model

import "github.com/citydata/catalogue/domain"

type (
	ResourceConnection      = domain.Page[*domain.Resource]
	ResourceEdge            = domain.Edge[*domain.Resource]
	DepartmentConnection    = domain.Page[*domain.Department]
	DepartmentEdge          = domain.Edge[*domain.Department]
	ThemeDatabaseConnection = domain.Page[*domain.ThemeDatabase]
	ThemeDatabaseEdge       = domain.Edge[*domain.ThemeDatabase]

	CatalogueChangeObligationConnection = domain.Page[*domain.ChangeObligation]
	CatalogueChangeObligationEdge       = domain.Edge[*domain.ChangeObligation]
	ShareRequestConnection              = domain.Page[*domain.ShareRequest]
	ShareRequestEdge                    = domain.Edge[*domain.ShareRequest]
	GrantConnection                     = domain.Page[*domain.ShareGrant]
	GrantEdge                           = domain.Edge[*domain.ShareGrant]
	OpenRequestConnection               = domain.Page[*domain.OpenRequest]
	OpenRequestEdge                     = domain.Edge[*domain.OpenRequest]
	DisputeConnection                   = domain.Page[domain.DisputeRecord]
	DisputeEdge                         = domain.Edge[domain.DisputeRecord]
	AuditEventConnection                = domain.Page[*domain.AuditEvent]
	AuditEventEdge                      = domain.Edge[*domain.AuditEvent]
	AccessRecordConnection              = domain.Page[*domain.AccessRecord]
	AccessRecordEdge                    = domain.Edge[*domain.AccessRecord]
	LineageConnection                   = domain.Page[*domain.LineageNode]
	LineageNodeEdge                     = domain.Edge[*domain.LineageNode]
	ViolationConnection                 = domain.Page[*domain.ComplianceViolation]
	ViolationEdge                       = domain.Edge[*domain.ComplianceViolation]
	DepartmentScorecardConnection       = domain.Page[*domain.ComplianceFigures]
	DepartmentScorecardEdge             = domain.Edge[*domain.ComplianceFigures]
)

// Node is anything with a global ID (the GraphQL Node interface).
type Node interface {
	NodeID() string
}
