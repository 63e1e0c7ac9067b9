package resolvers

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/graph/model"
)

// Rights returns what the request's viewer holds beyond its role (grants,
// approved open requests), loaded once per request on first use. The
// public and the overseers hold nothing that changes a decision, so they
// cost no statement.
func (l *Loaders) Rights(ctx context.Context) (domain.Rights, error) {
	if l.live {
		l.liveMu.Lock()
		defer l.liveMu.Unlock()
		if l.rightsAt.IsZero() || l.Now().Sub(l.rightsAt) > liveTTL {
			rights, err := l.loadRights(ctx)
			if err != nil {
				return rights, err
			}
			l.rights, l.rightsAt = rights, l.Now()
		}
		return l.rights, nil
	}
	l.rightsOnce.Do(func() { l.rights, l.rightsErr = l.loadRights(ctx) })
	return l.rights, l.rightsErr
}

// loadRights reads the viewer's rights; the public and the overseers hold
// none that change a decision.
func (l *Loaders) loadRights(ctx context.Context) (domain.Rights, error) {
	switch l.viewer.Role {
	case domain.RoleDepartment, domain.RolePerson:
		return l.c.ViewerRights(ctx, l.viewer, l.Now())
	}
	return domain.Rights{}, nil
}

// Access decides what the request's viewer may see of r (domain.AccessTo).
func (l *Loaders) Access(ctx context.Context, r *domain.Resource) (domain.Access, error) {
	rights, err := l.Rights(ctx)
	if err != nil {
		return domain.Access{}, err
	}
	return domain.AccessTo(l.viewer, r, rights, l.Now()), nil
}

// AccessDirective implements @access(gate:): the field resolves only when
// the viewer passes the gate for the resource it belongs to; otherwise it
// is null with a FORBIDDEN error whose path names the field.
func AccessDirective(ctx context.Context, obj any, next graphql.Resolver, gate domain.Gate) (any, error) {
	if d, ok := obj.(*domain.Department); ok && gate == domain.GateInternal {
		// SECURITY: a department's internal records are for itself and
		// its overseers (domain.OversightScopeFor).
		if s, err := domain.OversightScopeFor(For(ctx).viewer); err != nil || !s.Contains(d.ID) {
			field := graphql.GetFieldContext(ctx).Field.Name
			return nil, domain.Errorf(domain.EForbidden, "%s of %s is not visible to you: %s", field, d.Name, s.Why())
		}
		return next(ctx)
	}
	r, ok := obj.(*domain.Resource)
	if !ok {
		// A schema mistake: @access on a field of another type.
		return nil, fmt.Errorf("@access(gate: %s) on a field of %T, not of Resource (or INTERNAL of Department)", gate, obj)
	}
	a, err := For(ctx).Access(ctx, r)
	if err != nil {
		return nil, err
	}
	if !a.Allows(gate) {
		field := graphql.GetFieldContext(ctx).Field.Name
		return nil, domain.Errorf(domain.EForbidden, "%s of %s is not visible to you: %s", field, r.Code, a.Why(gate))
	}
	return next(ctx)
}

func (r *resourceResolver) ViewerAccess(ctx context.Context, obj *domain.Resource) (*domain.Access, error) {
	a, err := For(ctx).Access(ctx, obj)
	return &a, err
}

// ShareAccess is reached only through @access(gate: SHARE). A grant
// narrows the modes and items to what it allows (least privilege, MZ 22).
func (r *resourceResolver) ShareAccess(ctx context.Context, obj *domain.Resource) (*model.ShareAccess, error) {
	l := For(ctx)
	a, err := l.Access(ctx, obj)
	if err != nil {
		return nil, err
	}
	items, err := l.DataItems.Load(ctx, obj.ID)()
	if err != nil {
		return nil, err
	}
	sa := &model.ShareAccess{Modes: obj.ShareModes, Endpoint: obj.ShareEndpoint, Items: items}
	if g := a.Grant; g != nil && obj.ShareType != domain.ShareUnconditional {
		sa.Modes = []domain.ShareMode{g.Mode}
		allowed := make(map[int64]bool, len(g.ItemIDs))
		for _, id := range g.ItemIDs {
			allowed[id] = true
		}
		sa.Items = nil
		for _, it := range items {
			if allowed[it.ID] {
				sa.Items = append(sa.Items, it)
			}
		}
		if sa.Items == nil {
			sa.Items = []*domain.DataItem{}
		}
	}
	if g := a.Grant; g != nil {
		sa.GrantScenario = &g.Scenario
		sa.GrantExpiresAt = g.ValidUntil
	}
	return sa, nil
}

// OpenAccess is reached only through @access(gate: OPEN).
func (r *resourceResolver) OpenAccess(ctx context.Context, obj *domain.Resource) (*model.OpenAccess, error) {
	return &model.OpenAccess{DownloadURL: obj.OpenDownloadURL, APIURL: obj.OpenAPIURL, Conditions: obj.OpenConditions}, nil
}

// Sample is reached only through @access(gate: SAMPLE). Values are listed
// in data item order; personal items are masked unless the viewer is the
// source, the authority or an auditor (WZ 17, WZ 28).
func (r *resourceResolver) Sample(ctx context.Context, obj *domain.Resource) ([]*model.SampleRecord, error) {
	l := For(ctx)
	a, err := l.Access(ctx, obj)
	if err != nil {
		return nil, err
	}
	items, err := l.DataItems.Load(ctx, obj.ID)()
	if err != nil {
		return nil, err
	}
	sample, err := l.Samples.Load(ctx, obj.ID)()
	if err != nil {
		return nil, err
	}
	out := make([]*model.SampleRecord, 0, len(sample))
	for _, rec := range sample {
		fields := make([]*model.SampleField, 0, len(items))
		for _, it := range items {
			v, ok := rec[it.Name]
			if !ok {
				continue
			}
			masked := a.MaskSample && it.Personal
			if masked {
				v = domain.Mask(v)
			}
			fields = append(fields, &model.SampleField{Item: it.Name, Value: v, Masked: masked})
		}
		out = append(out, &model.SampleRecord{Fields: fields})
	}
	return out, nil
}
