// Package resolvers answers the GraphQL schema in schema/ with the domain's
// Catalogue. It never touches the database driver: rows come from the
// domain.Catalogue interface, batched through per-request loaders.
package resolvers

import (
	"context"
	"time"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/graph"
)

// Resolver is the root of the resolvers.
type Resolver struct {
	Catalogue domain.Catalogue
	// Policy is the deployment's policy profile; a region's override wins
	// (Catalogue.PolicyFor).
	Policy domain.Profile
	// SubjectKey keys the hash data subjects are recorded as
	// (domain.ProtectSubject).
	SubjectKey []byte
}

var _ graph.ResolverRoot = &Resolver{}

func (r *Resolver) Query() graph.QueryResolver                 { return &queryResolver{r} }
func (r *Resolver) Entity() graph.EntityResolver               { return &entityResolver{r} }
func (r *Resolver) Department() graph.DepartmentResolver       { return &departmentResolver{r} }
func (r *Resolver) Resource() graph.ResourceResolver           { return &resourceResolver{r} }
func (r *Resolver) DataElement() graph.DataElementResolver     { return &dataElementResolver{r} }
func (r *Resolver) ThemeDatabase() graph.ThemeDatabaseResolver { return &themeDatabaseResolver{r} }

type (
	queryResolver         struct{ *Resolver }
	entityResolver        struct{ *Resolver }
	departmentResolver    struct{ *Resolver }
	resourceResolver      struct{ *Resolver }
	dataElementResolver   struct{ *Resolver }
	themeDatabaseResolver struct{ *Resolver }
)

// scope is the resource rows the request's viewer may see.
func scope(ctx context.Context) domain.ResourceScope {
	return domain.ResourceScopeFor(domain.ViewerFrom(ctx))
}

// pageArgs turns a connection's first/after arguments into PageArgs;
// the schema gives first a default, so nil only comes from an explicit null.
func pageArgs(first *int, after *string) domain.PageArgs {
	p := domain.PageArgs{First: 20}
	if first != nil {
		p.First = *first
	}
	if after != nil {
		p.After = *after
	}
	return p
}

// optionalID parses a global ID of kind that may be absent; absent is 0.
func optionalID(kind domain.NodeKind, gid *string) (int64, error) {
	if gid == nil {
		return 0, nil
	}
	return domain.ParseNodeIDOf(kind, *gid)
}

func notFound(kind domain.NodeKind, key string) error {
	return domain.Errorf(domain.ENotFound, "no %s %s", kind, key)
}

// overdueAt turns a filter's overdue: true into the request's instant to
// judge deadlines at (zero: no filter); false is refused, as it would
// read as "on time", which is not what the lists can say.
func overdueAt(ctx context.Context, arg string, b *bool) (time.Time, error) {
	if b == nil {
		return time.Time{}, nil
	}
	if !*b {
		return time.Time{}, domain.Errorf(domain.EInvalid, "%s: false is not a filter; leave it out", arg)
	}
	return For(ctx).Now(), nil
}

// deref returns *p, or T's zero value for nil.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
