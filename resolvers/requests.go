package resolvers

import (
	"context"
	"slices"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/graph"
	"github.com/citydata/catalogue/graph/model"
)

func (r *Resolver) ShareRequest() graph.ShareRequestResolver { return &shareRequestResolver{r} }
func (r *Resolver) ShareTerms() graph.ShareTermsResolver     { return &shareTermsResolver{r} }
func (r *Resolver) Grant() graph.GrantResolver               { return &grantResolver{r} }

type (
	shareRequestResolver struct{ *Resolver }
	shareTermsResolver   struct{ *Resolver }
	grantResolver        struct{ *Resolver }
)

// itemIDs parses global IDs of data items, naming the argument on error.
func itemIDs(arg string, gids []string) ([]int64, error) {
	ids := make([]int64, len(gids))
	for i, gid := range gids {
		id, err := domain.ParseNodeIDOf(domain.KindDataItem, gid)
		if err != nil {
			return nil, domain.Errorf(domain.EInvalid, "%s[%d]: %s", arg, i, domain.ErrorMessage(err))
		}
		ids[i] = id
	}
	return ids, nil
}

// loadItems loads data items by ID in order, skipping those the viewer
// may not see (or that the entry no longer has).
func loadItems(ctx context.Context, ids []int64) ([]*domain.DataItem, error) {
	items, errs := For(ctx).DataItem.LoadMany(ctx, ids)()
	out := make([]*domain.DataItem, 0, len(items))
	for i, it := range items {
		if len(errs) > i && errs[i] != nil {
			return nil, errs[i]
		}
		if it != nil {
			out = append(out, it)
		}
	}
	return out, nil
}

func (r *mutationResolver) SubmitShareRequest(ctx context.Context, input model.SubmitShareRequestInput) (*domain.ShareRequest, error) {
	rid, err := domain.ParseNodeIDOf(domain.KindResource, input.ResourceID)
	if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "resourceId: %s", domain.ErrorMessage(err))
	}
	items, err := itemIDs("itemIds", input.ItemIds)
	if err != nil {
		return nil, err
	}
	in := domain.ShareRequestInput{ResourceID: rid, Purpose: input.Purpose, Scenario: input.Scenario, ItemIDs: items, Mode: input.Mode, Until: input.Until}
	return r.Catalogue.SubmitShareRequest(ctx, domain.ViewerFrom(ctx), in, r.Policy, deref(input.IdempotencyKey), For(ctx).Now())
}

func (r *mutationResolver) DecideShareRequest(ctx context.Context, id string, decision domain.Decision, itemIds []string, mode *domain.ShareMode, until *domain.Date, reason *string, basis *string, idempotencyKey *string) (*domain.ShareRequest, error) {
	cmd := domain.RequestCommand{Decision: decision, Reason: deref(reason), Basis: deref(basis), IdempotencyKey: deref(idempotencyKey)}
	if itemIds != nil {
		ids, err := itemIDs("itemIds", itemIds)
		if err != nil {
			return nil, err
		}
		cmd.Terms.ItemIDs = ids
	}
	cmd.Terms.Mode, cmd.Terms.Until = deref(mode), deref(until)
	return r.decide(ctx, id, cmd)
}

func (r *mutationResolver) WithdrawShareRequest(ctx context.Context, id string, idempotencyKey *string) (*domain.ShareRequest, error) {
	return r.decide(ctx, id, domain.RequestCommand{Decision: domain.DecisionWithdraw, IdempotencyKey: deref(idempotencyKey)})
}

func (r *mutationResolver) decide(ctx context.Context, gid string, cmd domain.RequestCommand) (*domain.ShareRequest, error) {
	var err error
	if cmd.RequestID, err = domain.ParseNodeIDOf(domain.KindShareRequest, gid); err != nil {
		return nil, err
	}
	return r.Catalogue.DecideShareRequest(ctx, domain.ViewerFrom(ctx), cmd, For(ctx).Now())
}

func (r *mutationResolver) changeGrant(ctx context.Context, gid string, e domain.GrantEvent, reason string, idempotencyKey *string) (*domain.ShareGrant, error) {
	id, err := domain.ParseNodeIDOf(domain.KindGrant, gid)
	if err != nil {
		return nil, err
	}
	return r.Catalogue.ChangeGrant(ctx, domain.ViewerFrom(ctx), id, e, reason, deref(idempotencyKey), For(ctx).Now())
}

func (r *mutationResolver) SuspendGrant(ctx context.Context, id string, reason string, idempotencyKey *string) (*domain.ShareGrant, error) {
	return r.changeGrant(ctx, id, domain.EventSuspend, reason, idempotencyKey)
}

func (r *mutationResolver) ReinstateGrant(ctx context.Context, id string, reason string, idempotencyKey *string) (*domain.ShareGrant, error) {
	return r.changeGrant(ctx, id, domain.EventReinstate, reason, idempotencyKey)
}

func (r *mutationResolver) RevokeGrant(ctx context.Context, id string, reason string, idempotencyKey *string) (*domain.ShareGrant, error) {
	return r.changeGrant(ctx, id, domain.EventRevoke, reason, idempotencyKey)
}

func (r *queryResolver) ShareRequests(ctx context.Context, first *int, after *string, filter *model.ShareRequestFilter) (*domain.Page[*domain.ShareRequest], error) {
	s, err := domain.RequestScopeFor(domain.ViewerFrom(ctx))
	if err != nil {
		return nil, err
	}
	var f domain.ShareRequestCriteria
	if filter != nil {
		f.Status = deref(filter.Status)
		if f.RequesterDepartmentID, err = optionalID(domain.KindDepartment, filter.RequesterDepartmentID); err != nil {
			return nil, err
		}
		if f.SourceDepartmentID, err = optionalID(domain.KindDepartment, filter.SourceDepartmentID); err != nil {
			return nil, err
		}
		if f.ResourceID, err = optionalID(domain.KindResource, filter.ResourceID); err != nil {
			return nil, err
		}
		if f.OverdueAt, err = overdueAt(ctx, "overdue", filter.Overdue); err != nil {
			return nil, err
		}
	}
	pg, err := r.Catalogue.ShareRequests(ctx, s, f, pageArgs(first, after))
	if err != nil {
		return nil, err
	}
	return pg, For(ctx).prefetchRequests(ctx, pg.Nodes, selected(ctx))
}

func (r *queryResolver) Grants(ctx context.Context, first *int, after *string, filter *model.GrantFilter) (*domain.Page[*domain.ShareGrant], error) {
	s, err := domain.RequestScopeFor(domain.ViewerFrom(ctx))
	if err != nil {
		return nil, err
	}
	f := domain.GrantCriteria{At: For(ctx).Now()}
	if filter != nil {
		f.Status = deref(filter.Status)
		at, err := overdueAt(ctx, "usageReportMissing", filter.UsageReportMissing)
		if err != nil {
			return nil, err
		}
		if !at.IsZero() {
			f.Usage = domain.GrantUsageCriteria{Missing: true, Today: domain.DateOf(at)}
		}
		if f.DepartmentID, err = optionalID(domain.KindDepartment, filter.DepartmentID); err != nil {
			return nil, err
		}
		if f.ResourceID, err = optionalID(domain.KindResource, filter.ResourceID); err != nil {
			return nil, err
		}
	}
	pg, err := r.Catalogue.Grants(ctx, s, f, pageArgs(first, after))
	if err != nil {
		return nil, err
	}
	return pg, For(ctx).prefetchGrants(ctx, pg.Nodes, selected(ctx))
}

func (r *shareRequestResolver) Resource(ctx context.Context, obj *domain.ShareRequest) (*domain.Resource, error) {
	return For(ctx).Resource.Load(ctx, obj.ResourceID)()
}

func (r *shareRequestResolver) Requester(ctx context.Context, obj *domain.ShareRequest) (*domain.Department, error) {
	return For(ctx).Department.Load(ctx, obj.RequesterDepartmentID)()
}

func (r *shareRequestResolver) Source(ctx context.Context, obj *domain.ShareRequest) (*domain.Department, error) {
	return For(ctx).Department.Load(ctx, obj.SourceDepartmentID)()
}

func (r *shareRequestResolver) Items(ctx context.Context, obj *domain.ShareRequest) ([]*domain.DataItem, error) {
	return loadItems(ctx, obj.Asked.ItemIDs)
}

func (r *shareRequestResolver) Mode(ctx context.Context, obj *domain.ShareRequest) (domain.ShareMode, error) {
	return obj.Asked.Mode, nil
}

func (r *shareRequestResolver) Until(ctx context.Context, obj *domain.ShareRequest) (*domain.Date, error) {
	return &obj.Asked.Until, nil
}

func (r *shareRequestResolver) Overdue(ctx context.Context, obj *domain.ShareRequest) (bool, error) {
	return obj.OverdueAt(For(ctx).Now()), nil
}

func (r *shareRequestResolver) Approved(ctx context.Context, obj *domain.ShareRequest) (*domain.ShareTerms, error) {
	return obj.Decided, nil
}

func (r *shareRequestResolver) Grant(ctx context.Context, obj *domain.ShareRequest) (*domain.ShareGrant, error) {
	if obj.GrantID == 0 {
		return nil, nil
	}
	return For(ctx).Grant.Load(ctx, obj.GrantID)()
}

func (r *shareTermsResolver) Items(ctx context.Context, obj *domain.ShareTerms) ([]*domain.DataItem, error) {
	return loadItems(ctx, obj.ItemIDs)
}

func (r *grantResolver) Resource(ctx context.Context, obj *domain.ShareGrant) (*domain.Resource, error) {
	return For(ctx).Resource.Load(ctx, obj.ResourceID)()
}

func (r *grantResolver) Department(ctx context.Context, obj *domain.ShareGrant) (*domain.Department, error) {
	return For(ctx).Department.Load(ctx, obj.DepartmentID)()
}

func (r *grantResolver) Items(ctx context.Context, obj *domain.ShareGrant) ([]*domain.DataItem, error) {
	return loadItems(ctx, obj.ItemIDs)
}

func (r *grantResolver) Status(ctx context.Context, obj *domain.ShareGrant) (domain.GrantStatus, error) {
	return obj.StatusAt(For(ctx).Now()), nil
}

func (r *grantResolver) Request(ctx context.Context, obj *domain.ShareGrant) (*domain.ShareRequest, error) {
	if obj.RequestID == 0 {
		return nil, nil
	}
	return For(ctx).ShareRequest.Load(ctx, obj.RequestID)()
}

func (r *Resolver) AccessDecision() graph.AccessDecisionResolver { return &accessDecisionResolver{r} }

type accessDecisionResolver struct{ *Resolver }

func (r *queryResolver) AccessDecision(ctx context.Context, resourceID string, itemIds []string, mode domain.ShareMode, scenario string, purpose *string, subject *string) (*domain.AccessDecision, error) {
	v := domain.ViewerFrom(ctx)
	// SECURITY: refuse before parsing, so a non-department learns nothing.
	if err := domain.MayAskAccess(v); err != nil {
		return nil, err
	}
	rid, err := domain.ParseNodeIDOf(domain.KindResource, resourceID)
	if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "resourceId: %s", domain.ErrorMessage(err))
	}
	items, err := itemIDs("itemIds", itemIds)
	if err != nil {
		return nil, err
	}
	q := domain.AccessQuery{ResourceID: rid, ItemIDs: items, Mode: mode, Scenario: scenario, Purpose: deref(purpose), Subject: deref(subject)}
	var hash []byte
	if q.Subject != "" {
		hash = domain.ProtectSubject(r.SubjectKey, q.Subject)
	}
	return r.Catalogue.RecordAccessDecision(ctx, v, q, hash, For(ctx).Now())
}

func (r *accessDecisionResolver) Items(ctx context.Context, obj *domain.AccessDecision) ([]*domain.DataItem, error) {
	return loadItems(ctx, obj.ItemIDs)
}

func (r *Resolver) AccessGap() graph.AccessGapResolver { return &accessGapResolver{r} }

type accessGapResolver struct{ *Resolver }

func (r *accessGapResolver) Items(ctx context.Context, obj *domain.AccessGap) ([]*domain.DataItem, error) {
	return loadItems(ctx, obj.ItemIDs)
}

func (r *Resolver) UsageReport() graph.UsageReportResolver { return &usageReportResolver{r} }

type usageReportResolver struct{ *Resolver }

func (r *usageReportResolver) Period(ctx context.Context, obj *domain.UsageReport) (string, error) {
	return obj.Period.String(), nil
}

func (r *mutationResolver) FileUsageReport(ctx context.Context, grantID string, period string, scenario string, outcome string, securityMeasures string, idempotencyKey *string) (*domain.UsageReport, error) {
	id, err := domain.ParseNodeIDOf(domain.KindGrant, grantID)
	if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "grantId: %s", domain.ErrorMessage(err))
	}
	h, err := domain.ParseHalfYear(period)
	if err != nil {
		return nil, err
	}
	in := domain.UsageReportInput{GrantID: id, Period: h, Scenario: scenario, Outcome: outcome, SecurityMeasures: securityMeasures}
	return r.Catalogue.FileUsageReport(ctx, domain.ViewerFrom(ctx), in, deref(idempotencyKey), For(ctx).Now())
}

func (r *grantResolver) UsageReports(ctx context.Context, obj *domain.ShareGrant) ([]*domain.UsageReport, error) {
	reports, err := For(ctx).UsageReports.Load(ctx, obj.ID)()
	if reports == nil && err == nil {
		reports = []*domain.UsageReport{}
	}
	return reports, err
}

func (r *grantResolver) MissingUsageReports(ctx context.Context, obj *domain.ShareGrant) ([]string, error) {
	reports, err := For(ctx).UsageReports.Load(ctx, obj.ID)()
	if err != nil {
		return nil, err
	}
	filed := make(map[domain.HalfYear]bool, len(reports))
	for _, rep := range reports {
		filed[rep.Period] = true
	}
	out := []string{}
	for _, h := range domain.MissingUsageReports(obj.CreatedAt, obj.Ended(), domain.DateOf(For(ctx).Now()), filed) {
		out = append(out, h.String())
	}
	return out, nil
}

// prefetchRequests primes the loaders for what the query selects on a list
// of share requests (and on their grants and resources), so a page costs
// the same statements whatever its length.
func (l *Loaders) prefetchRequests(ctx context.Context, list []*domain.ShareRequest, sel selection) error {
	if len(list) == 0 || l.live {
		return nil
	}
	var depts, items, resources, grants []int64
	for _, r := range list {
		depts = append(depts, r.RequesterDepartmentID, r.SourceDepartmentID)
		items = append(items, r.Asked.ItemIDs...)
		if r.Decided != nil {
			items = append(items, r.Decided.ItemIDs...)
		}
		resources = append(resources, r.ResourceID)
		if r.GrantID != 0 {
			grants = append(grants, r.GrantID)
		}
	}
	if sel.has("requester") || sel.has("source") {
		if err := prime(ctx, &l.Department, depts, l.c.DepartmentsByID); err != nil {
			return err
		}
	}
	if sel.has("items") || sel.child("approved").has("items") {
		if err := l.primeItems(ctx, items); err != nil {
			return err
		}
	}
	if sel.has("resource") {
		if err := l.primeResources(ctx, resources, sel.child("resource")); err != nil {
			return err
		}
	}
	if sel.has("grant") && len(grants) > 0 {
		m, err := l.c.GrantsByID(ctx, l.requestScope(), grants)
		if err != nil {
			return err
		}
		var list []*domain.ShareGrant
		for _, id := range grants {
			l.Grant.Prime(ctx, id, m[id])
			if m[id] != nil {
				list = append(list, m[id])
			}
		}
		return l.prefetchGrants(ctx, list, sel.child("grant"))
	}
	return nil
}

// prefetchGrants is prefetchRequests for a list of grants.
func (l *Loaders) prefetchGrants(ctx context.Context, list []*domain.ShareGrant, sel selection) error {
	if len(list) == 0 || l.live {
		return nil
	}
	var ids, depts, items, resources, requests []int64
	for _, g := range list {
		ids = append(ids, g.ID)
		depts = append(depts, g.DepartmentID)
		items = append(items, g.ItemIDs...)
		resources = append(resources, g.ResourceID)
		if g.RequestID != 0 {
			requests = append(requests, g.RequestID)
		}
	}
	if sel.has("department") {
		if err := prime(ctx, &l.Department, depts, l.c.DepartmentsByID); err != nil {
			return err
		}
	}
	if sel.has("items") {
		if err := l.primeItems(ctx, items); err != nil {
			return err
		}
	}
	if sel.has("resource") {
		if err := l.primeResources(ctx, resources, sel.child("resource")); err != nil {
			return err
		}
	}
	if sel.has("usageReports") || sel.has("missingUsageReports") {
		if err := prime(ctx, &l.UsageReports, ids, l.c.UsageReportsOf); err != nil {
			return err
		}
	}
	if sel.has("request") && len(requests) > 0 {
		m, err := l.c.ShareRequestsByID(ctx, l.requestScope(), requests)
		if err != nil {
			return err
		}
		var list []*domain.ShareRequest
		for _, id := range requests {
			l.ShareRequest.Prime(ctx, id, m[id])
			if m[id] != nil {
				list = append(list, m[id])
			}
		}
		// One level down only: a request's own grant is the grant above.
		child := sel.child("request")
		child.fields = withoutField(child.fields, "grant")
		return l.prefetchRequests(ctx, list, child)
	}
	return nil
}

func (l *Loaders) primeItems(ctx context.Context, ids []int64) error {
	return prime(ctx, &l.DataItem, ids, func(ctx context.Context, ids []int64) (map[int64]*domain.DataItem, error) {
		return l.c.DataItemsByID(ctx, l.scope, ids)
	})
}

// primeResources primes the Resource loader and what sel selects on them.
func (l *Loaders) primeResources(ctx context.Context, ids []int64, sel selection) error {
	m, err := l.c.ResourcesByID(ctx, l.scope, ids)
	if err != nil {
		return err
	}
	var list []*domain.Resource
	for _, id := range ids {
		l.Resource.Prime(ctx, id, m[id])
		if r := m[id]; r != nil && !slices.Contains(list, r) {
			list = append(list, r)
		}
	}
	return l.prefetchResources(ctx, list, sel)
}

// requestScope is the viewer's request scope; the list that reached here
// was loaded in it, so it exists.
func (l *Loaders) requestScope() domain.OversightScope {
	s, _ := domain.RequestScopeFor(l.viewer)
	return s
}
