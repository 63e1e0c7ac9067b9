package resolvers

import (
	"context"

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

func (r *mutationResolver) changeGrant(ctx context.Context, gid string, e domain.GrantEvent, reason string) (*domain.ShareGrant, error) {
	id, err := domain.ParseNodeIDOf(domain.KindGrant, gid)
	if err != nil {
		return nil, err
	}
	return r.Catalogue.ChangeGrant(ctx, domain.ViewerFrom(ctx), id, e, reason, For(ctx).Now())
}

func (r *mutationResolver) SuspendGrant(ctx context.Context, id string, reason string) (*domain.ShareGrant, error) {
	return r.changeGrant(ctx, id, domain.EventSuspend, reason)
}

func (r *mutationResolver) ReinstateGrant(ctx context.Context, id string, reason string) (*domain.ShareGrant, error) {
	return r.changeGrant(ctx, id, domain.EventReinstate, reason)
}

func (r *mutationResolver) RevokeGrant(ctx context.Context, id string, reason string) (*domain.ShareGrant, error) {
	return r.changeGrant(ctx, id, domain.EventRevoke, reason)
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
	return r.Catalogue.ShareRequests(ctx, s, f, pageArgs(first, after))
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
	return r.Catalogue.Grants(ctx, s, f, pageArgs(first, after))
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

func (r *queryResolver) AccessDecision(ctx context.Context, resourceID string, itemIds []string, mode domain.ShareMode, subject *string) (*domain.AccessDecision, error) {
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
	q := domain.AccessQuery{ResourceID: rid, ItemIDs: items, Mode: mode, Subject: deref(subject)}
	var hash []byte
	if q.Subject != "" {
		hash = domain.ProtectSubject(r.SubjectKey, q.Subject)
	}
	return r.Catalogue.RecordAccessDecision(ctx, v, q, hash, For(ctx).Now())
}

func (r *accessDecisionResolver) Items(ctx context.Context, obj *domain.AccessDecision) ([]*domain.DataItem, error) {
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
