package domain

import "time"

// LineageDirection says which way a lineage walk goes from its start:
// UPSTREAM towards the source departments, DOWNSTREAM towards the
// departments that use the data, or BOTH.
type LineageDirection string

const (
	LineageUpstream   LineageDirection = "UPSTREAM"
	LineageDownstream LineageDirection = "DOWNSTREAM"
	LineageBoth       LineageDirection = "BOTH"
)

// LineageEdgeKind is how data flows along an edge: source department →
// data element → resource → theme database → using departments (through
// grants), and source department → resource for entries without
// elements.
type LineageEdgeKind string

const (
	// EdgeSourceOf: the department is the element's one source (MZ 11).
	EdgeSourceOf LineageEdgeKind = "SOURCE_OF"
	// EdgeCarriedBy: the resource carries the element.
	EdgeCarriedBy LineageEdgeKind = "CARRIED_BY"
	// EdgeProvides: the department is the resource's source.
	EdgeProvides LineageEdgeKind = "PROVIDES"
	// EdgeFeeds: the resource feeds the theme or base database.
	EdgeFeeds LineageEdgeKind = "FEEDS"
	// EdgeGrantedTo: a grant in force gives the department the resource.
	EdgeGrantedTo LineageEdgeKind = "GRANTED_TO"
	// EdgeUsedBy: a grant in force on one of the theme database's
	// resources gives the department its data.
	EdgeUsedBy LineageEdgeKind = "USED_BY"
)

// MaxLineageDepth bounds a lineage walk: enough for the longest chain
// (department → element → resource → theme → department) and back.
const MaxLineageDepth = 6

// LineageQuery is a lineage walk.
type LineageQuery struct {
	StartKind NodeKind
	StartID   int64
	Direction LineageDirection
	Depth     int
	// At is the instant the graph is drawn as of: entries created by then,
	// grants in force then.
	At time.Time
	// Past: At is before now, so a grant's current status does not tell
	// whether it was in force then; its dated changes do.
	Past bool
}

// ValidateLineage checks q's start kind, direction and depth.
func ValidateLineage(q LineageQuery) error {
	switch q.StartKind {
	case KindDepartment, KindDataElement, KindResource, KindThemeDatabase:
	default:
		return Errorf(EInvalid, "lineage starts from a Department, DataElement, Resource or ThemeDatabase, not a %s", q.StartKind)
	}
	switch q.Direction {
	case LineageUpstream, LineageDownstream, LineageBoth:
	default:
		return Errorf(EInvalid, "direction must be UPSTREAM, DOWNSTREAM or BOTH")
	}
	if q.Depth < 1 || q.Depth > MaxLineageDepth {
		return Errorf(EInvalid, "depth must be between 1 and %d, got %d", MaxLineageDepth, q.Depth)
	}
	return nil
}

// LineageEdge is one edge of the graph.
type LineageEdge struct {
	Kind     LineageEdgeKind
	FromKind NodeKind
	FromID   int64
	ToKind   NodeKind
	ToID     int64
	// GrantID is the grant of a GRANTED_TO or USED_BY edge.
	GrantID int64
}

// LineageNode is a node reached, at the fewest steps from the start, with
// the edges that reached it there.
type LineageNode struct {
	Kind  NodeKind
	ID    int64
	Depth int
	// Direction is how it was reached ("" for the start).
	Direction LineageDirection
	Via       []LineageEdge
	// Entity is the department, element, resource or theme database,
	// filled in by the API.
	Entity any
}

// LineageGrants is whose grants a viewer's lineage shows on its edges:
// none for the public and persons (grants are the government's own
// records), a department's own and those on its entries, or all.
func LineageGrants(v Viewer) (OversightScope, bool) {
	s, err := OversightScopeFor(v)
	return s, err == nil
}
