package domain

import "context"

// MaxPageSize is the largest page a list returns; larger requests are refused.
const MaxPageSize = 100

// PageArgs asks for a page of a keyset-paginated list: First rows after the
// opaque cursor After.
type PageArgs struct {
	First int
	After string
}

// Validate refuses a page size outside 0..MaxPageSize.
func (a PageArgs) Validate() error {
	if a.First < 0 || a.First > MaxPageSize {
		return Errorf(EInvalid, "first must be between 0 and %d, got %d", MaxPageSize, a.First)
	}
	return nil
}

// Page is one page of a list, with the cursor of each row.
type Page[T any] struct {
	Nodes []T
	// CursorAt makes the cursor of row i of Nodes. It runs only for the
	// cursors a client asks for (an edge's, startCursor, endCursor), so a
	// page read for its nodes alone makes none (issue #20: making them
	// all took a sixteenth of a list's CPU).
	CursorAt    func(i int) string
	HasNextPage bool
	// HasPreviousPage is true when the page starts after a cursor.
	HasPreviousPage bool
	// Count counts every row the list's filter matches. It runs only when a
	// client asks for totalCount, so pages that do not ask cost no count.
	Count func(context.Context) (int, error)
}

// Edge is one row of a page with its cursor.
type Edge[T any] struct {
	Cursor string
	Node   T
}

// PageInfo is the Relay pagination state of a page.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *string
	EndCursor       *string
}

// Edges returns the page's rows with their cursors.
func (p *Page[T]) Edges() []Edge[T] {
	edges := make([]Edge[T], len(p.Nodes))
	for i, n := range p.Nodes {
		edges[i] = Edge[T]{Cursor: p.CursorAt(i), Node: n}
	}
	return edges
}

// PageInfo returns the page's Relay pagination state.
func (p *Page[T]) PageInfo() *PageInfo {
	pi := &PageInfo{HasNextPage: p.HasNextPage, HasPreviousPage: p.HasPreviousPage}
	if n := len(p.Nodes); n > 0 {
		start, end := p.CursorAt(0), p.CursorAt(n-1)
		pi.StartCursor, pi.EndCursor = &start, &end
	}
	return pi
}

// EndCursor is the cursor of the page's last row, "" when it has none.
func (p *Page[T]) EndCursor() string {
	if len(p.Nodes) == 0 {
		return ""
	}
	return p.CursorAt(len(p.Nodes) - 1)
}

// TotalCount counts every row the page's filter matches.
func (p *Page[T]) TotalCount(ctx context.Context) (int, error) {
	if p.Count == nil {
		return len(p.Nodes), nil
	}
	return p.Count(ctx)
}
