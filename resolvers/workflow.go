package resolvers

import (
	"context"
	"strings"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/graph"
	"github.com/citydata/catalogue/graph/model"
)

func (r *Resolver) Mutation() graph.MutationResolver { return &mutationResolver{r} }
func (r *Resolver) Actor() graph.ActorResolver       { return &actorResolver{r} }
func (r *Resolver) Deadline() graph.DeadlineResolver { return &deadlineResolver{r} }
func (r *Resolver) ResourceVersion() graph.ResourceVersionResolver {
	return &resourceVersionResolver{r}
}
func (r *Resolver) WorkingCalendar() graph.WorkingCalendarResolver {
	return &workingCalendarResolver{r}
}

type (
	mutationResolver        struct{ *Resolver }
	actorResolver           struct{ *Resolver }
	deadlineResolver        struct{ *Resolver }
	resourceVersionResolver struct{ *Resolver }
	workingCalendarResolver struct{ *Resolver }
)

// entryOf turns the GraphQL input into an Entry: departments by credit
// code, data elements by global ID. Unknown departments and malformed IDs
// are BAD_USER_INPUT naming the field.
func (r *Resolver) entryOf(ctx context.Context, in model.ResourceInput) (domain.Entry, error) {
	e := domain.Entry{
		Code: in.Code, Name: in.Name, Summary: in.Summary, Classification: in.Classification, Format: in.Format,
		UpdateFrequency: in.UpdateFrequency, ShareType: in.ShareType, ShareConditions: in.ShareConditions,
		ShareScope: in.ShareScope, ShareModes: in.ShareModes, OpenType: in.OpenType, OpenConditions: in.OpenConditions,
		LegalBasis: in.LegalBasis, ContactPerson: in.ContactPerson, ContactPhone: in.ContactPhone,
		ShareEndpoint: in.ShareEndpoint, OpenDownloadURL: in.OpenDownloadURL, OpenAPIURL: in.OpenAPIURL,
	}
	for _, it := range in.DataItems {
		e.Items = append(e.Items, domain.EntryItem{Name: it.Name, DataType: it.DataType, Description: it.Description, Personal: it.Personal})
	}
	for i, gid := range in.DataElementIds {
		id, err := domain.ParseNodeIDOf(domain.KindDataElement, gid)
		if err != nil {
			return e, domain.Errorf(domain.EInvalid, "dataElementIds[%d]: %s", i, domain.ErrorMessage(err))
		}
		e.DataElementIDs = append(e.DataElementIDs, id)
	}
	codes := map[string]*int64{}
	for field, p := range map[string]struct {
		code *string
		id   *int64
	}{
		"collectingDepartment": {in.CollectingDepartment, &e.CollectingDepartmentID},
		"approvingDepartment":  {in.ApprovingDepartment, &e.ApprovingDepartmentID},
		"providingDepartment":  {in.ProvidingDepartment, &e.ProvidingDepartmentID},
	} {
		if p.code == nil || *p.code == "" {
			continue
		}
		code := strings.ToUpper(strings.TrimSpace(*p.code))
		if err := domain.ValidateCreditCode(code); err != nil {
			return e, domain.Errorf(domain.EInvalid, "%s: %s", field, domain.ErrorMessage(err))
		}
		codes[code] = p.id
	}
	if len(codes) > 0 {
		list := make([]string, 0, len(codes))
		for c := range codes {
			list = append(list, c)
		}
		found, err := r.Catalogue.DepartmentsByCreditCode(ctx, list)
		if err != nil {
			return e, err
		}
		for c, id := range codes {
			d := found[c]
			if d == nil {
				return e, domain.Errorf(domain.EInvalid, "no department has the credit code %s", c)
			}
			*id = d.ID
		}
	}
	return e, nil
}

func (r *mutationResolver) CreateResource(ctx context.Context, input model.ResourceInput, idempotencyKey *string) (*domain.Resource, error) {
	v := domain.ViewerFrom(ctx)
	e, err := r.entryOf(ctx, input)
	if err != nil {
		return nil, err
	}
	return r.Catalogue.CreateEntry(ctx, v, e, deref(idempotencyKey))
}

func (r *mutationResolver) act(ctx context.Context, gid string, cmd domain.EntryCommand, key *string) (*domain.Resource, error) {
	id, err := domain.ParseNodeIDOf(domain.KindResource, gid)
	if err != nil {
		return nil, err
	}
	cmd.ResourceID, cmd.IdempotencyKey, cmd.Policy, cmd.Now = id, deref(key), r.Policy, For(ctx).Now()
	return r.Catalogue.ActOnEntry(ctx, domain.ViewerFrom(ctx), cmd)
}

func (r *mutationResolver) UpdateResource(ctx context.Context, id string, input model.ResourceInput, expectedVersion int, reason *string, idempotencyKey *string) (*domain.Resource, error) {
	e, err := r.entryOf(ctx, input)
	if err != nil {
		return nil, err
	}
	return r.act(ctx, id, domain.EntryCommand{Event: domain.EventUpdate, Entry: &e, ExpectedVersion: &expectedVersion, Comment: deref(reason)}, idempotencyKey)
}

func (r *mutationResolver) SubmitResource(ctx context.Context, id string, expectedVersion *int, comment *string, idempotencyKey *string) (*domain.Resource, error) {
	return r.act(ctx, id, domain.EntryCommand{Event: domain.EventSubmit, ExpectedVersion: expectedVersion, Comment: deref(comment)}, idempotencyKey)
}

func (r *mutationResolver) ReviewResource(ctx context.Context, id string, decision model.ReviewDecision, comment *string, expectedVersion *int, idempotencyKey *string) (*domain.Resource, error) {
	ev := domain.EventApprove
	if decision == model.ReviewDecisionReturn {
		ev = domain.EventReturn
	}
	return r.act(ctx, id, domain.EntryCommand{Event: ev, ExpectedVersion: expectedVersion, Comment: deref(comment)}, idempotencyKey)
}

func (r *mutationResolver) RetireResource(ctx context.Context, id string, reason string, expectedVersion *int, idempotencyKey *string) (*domain.Resource, error) {
	return r.act(ctx, id, domain.EntryCommand{Event: domain.EventRetire, ExpectedVersion: expectedVersion, Comment: reason}, idempotencyKey)
}

func (r *mutationResolver) AddHolidaySchedule(ctx context.Context, schedule string, replace bool, reason *string, idempotencyKey *string) (*domain.Calendar, error) {
	v := domain.ViewerFrom(ctx)
	// Refuse before parsing: a viewer who may not change the calendar
	// learns nothing about what it would accept.
	if err := domain.MayConfigure(v); err != nil {
		return nil, err
	}
	s, err := domain.ParseHolidaySchedule([]byte(schedule))
	if err != nil {
		return nil, err
	}
	return r.Catalogue.AddHolidaySchedule(ctx, v, s, []byte(schedule), replace, strings.TrimSpace(deref(reason)), deref(idempotencyKey))
}

func (r *mutationResolver) SetRegionPolicy(ctx context.Context, regionCode string, profile *string, idempotencyKey *string) (*model.PolicyProfile, error) {
	if err := r.Catalogue.SetRegionPolicy(ctx, domain.ViewerFrom(ctx), regionCode, strings.TrimSpace(deref(profile)), deref(idempotencyKey)); err != nil {
		return nil, err
	}
	return r.policyProfile(ctx, regionCode)
}

func (r *queryResolver) PolicyProfile(ctx context.Context, regionCode *string) (*model.PolicyProfile, error) {
	if regionCode != nil {
		if err := domain.ValidateRegionCode(*regionCode); err != nil {
			return nil, err
		}
	}
	return r.policyProfile(ctx, deref(regionCode))
}

func (r *Resolver) policyProfile(ctx context.Context, regionCode string) (*model.PolicyProfile, error) {
	p, overridden, err := r.Catalogue.PolicyFor(ctx, regionCode, r.Policy)
	if err != nil {
		return nil, err
	}
	return profileModel(p, overridden), nil
}

func (r *queryResolver) PolicyProfiles(ctx context.Context) ([]*model.PolicyProfile, error) {
	profiles := domain.Profiles()
	out := make([]*model.PolicyProfile, 0, len(profiles))
	for _, name := range domain.ProfileNames() {
		out = append(out, profileModel(profiles[name], false))
	}
	return out, nil
}

func profileModel(p domain.Profile, overridden bool) *model.PolicyProfile {
	m := &model.PolicyProfile{Name: p.Name, Title: p.Title, Regulation: p.Regulation, RegionOverride: overridden, FullReview: &p.FullReview}
	for _, k := range domain.DeadlineKinds {
		rule := p.Rule(k)
		m.Rules = append(m.Rules, &rule)
	}
	return m
}

func (r *queryResolver) WorkingCalendar(ctx context.Context) (*domain.Calendar, error) {
	return For(ctx).Calendar(ctx)
}

func (r *workingCalendarResolver) Years(ctx context.Context, obj *domain.Calendar) ([]int, error) {
	return obj.Years(), nil
}

func (r *workingCalendarResolver) IsWorkingDay(ctx context.Context, obj *domain.Calendar, date domain.Date) (*bool, error) {
	ok, err := obj.IsWorkingDay(date)
	if err != nil {
		return nil, err
	}
	return &ok, nil
}

func (r *workingCalendarResolver) AddWorkingDays(ctx context.Context, obj *domain.Calendar, date domain.Date, workingDays int) (*domain.Date, error) {
	d, err := obj.AddWorkingDays(date, workingDays)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// Revision is reached only through @access(gate: INTERNAL): the pending
// change against the published content.
func (r *resourceResolver) Revision(ctx context.Context, obj *domain.Resource) (*model.ResourceRevision, error) {
	if obj.Revision == nil {
		return nil, nil
	}
	l := For(ctx)
	items, err := l.DataItems.Load(ctx, obj.ID)()
	if err != nil {
		return nil, err
	}
	elements, err := l.DataElements.Load(ctx, obj.ID)()
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(elements))
	for i, e := range elements {
		ids[i] = e.ID
	}
	changes := domain.DiffEntries(domain.EntryOf(obj, items, ids), *obj.Revision)
	out := &model.ResourceRevision{Status: obj.RevisionStatus, Changes: make([]*domain.FieldChange, len(changes))}
	for i := range changes {
		out.Changes[i] = &changes[i]
	}
	return out, nil
}

// Versions is reached only through @access(gate: INTERNAL).
func (r *resourceResolver) Versions(ctx context.Context, obj *domain.Resource) ([]*domain.ResourceVersion, error) {
	vs, err := For(ctx).Versions.Load(ctx, obj.ID)()
	if vs == nil && err == nil {
		vs = []*domain.ResourceVersion{}
	}
	return vs, err
}

func (r *resourceVersionResolver) Status(ctx context.Context, obj *domain.ResourceVersion) (domain.ResourceStatus, error) {
	return obj.State.Status, nil
}

func (r *resourceVersionResolver) RevisionStatus(ctx context.Context, obj *domain.ResourceVersion) (*domain.RevisionStatus, error) {
	if obj.State.Revision == domain.RevisionNone {
		return nil, nil
	}
	return &obj.State.Revision, nil
}

func (r *actorResolver) Department(ctx context.Context, obj *domain.Actor) (*domain.Department, error) {
	if obj.DepartmentID == 0 {
		return nil, nil
	}
	return For(ctx).Department.Load(ctx, obj.DepartmentID)()
}

// WorkingDaysLeft counts on today's calendar; a due date in a year the
// calendar lacks answers null with the calendar's error.
func (r *deadlineResolver) WorkingDaysLeft(ctx context.Context, obj *domain.Deadline) (*int, error) {
	cal, err := For(ctx).Calendar(ctx)
	if err != nil {
		return nil, err
	}
	n, err := cal.WorkingDaysLeft(domain.DateOf(For(ctx).Now()), obj.Due)
	if err != nil {
		return nil, err
	}
	return &n, nil
}

func (r *deadlineResolver) Overdue(ctx context.Context, obj *domain.Deadline) (bool, error) {
	return For(ctx).Now().After(obj.DueAt), nil
}
