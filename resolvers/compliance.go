package resolvers

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/graph"
	"github.com/citydata/catalogue/graph/model"
)

func (r *Resolver) ComplianceReport() graph.ComplianceReportResolver {
	return &complianceReportResolver{r}
}
func (r *Resolver) ComplianceScope() graph.ComplianceScopeResolver {
	return &complianceScopeResolver{r}
}
func (r *Resolver) DepartmentScorecard() graph.DepartmentScorecardResolver {
	return &departmentScorecardResolver{r}
}
func (r *Resolver) Violation() graph.ViolationResolver { return &violationResolver{r} }

type (
	complianceReportResolver    struct{ *Resolver }
	complianceScopeResolver     struct{ *Resolver }
	departmentScorecardResolver struct{ *Resolver }
	violationResolver           struct{ *Resolver }
)

func (r *complianceScopeResolver) DepartmentID(ctx context.Context, obj *domain.ComplianceScope, data *string) error {
	id, err := optionalID(domain.KindDepartment, data)
	if err != nil {
		return domain.Errorf(domain.EInvalid, "scope.departmentId: %s", domain.ErrorMessage(err))
	}
	obj.DepartmentID = id
	return nil
}

// complianceInputs checks who asks and what for: the scope (a
// department's is itself), its departments and the period.
func complianceInputs(ctx context.Context, c domain.Catalogue, v domain.Viewer, scope *domain.ComplianceScope, from, to *domain.Date, now time.Time) (domain.ComplianceScope, []*domain.Department, domain.Period, error) {
	var s domain.ComplianceScope
	if scope != nil {
		s = *scope
	}
	// SECURITY: refuse before reading anything.
	if err := domain.MayReadCompliance(v, s.DepartmentID); err != nil {
		return s, nil, domain.Period{}, err
	}
	if v.Role == domain.RoleDepartment {
		s.DepartmentID = v.DepartmentID
	}
	if err := s.Validate(); err != nil {
		return s, nil, domain.Period{}, err
	}
	p, err := domain.NewPeriod(from, to, domain.DateOf(now))
	if err != nil {
		return s, nil, p, err
	}
	depts, err := c.ComplianceDepartments(ctx, s)
	if err == nil && s.DepartmentID != 0 && len(depts) == 0 {
		err = domain.Errorf(domain.ENotFound, "no Department %s in the scope (check scope.departmentId, and that regionCode and level fit it)",
			domain.NodeID(domain.KindDepartment, s.DepartmentID))
	}
	return s, depts, p, err
}

func idsOf(depts []*domain.Department) []int64 {
	ids := make([]int64, len(depts))
	for i, d := range depts {
		ids[i] = d.ID
	}
	return ids
}

func (r *queryResolver) ComplianceReport(ctx context.Context, scope *domain.ComplianceScope, from *domain.Date, to *domain.Date) (*domain.ComplianceReport, error) {
	now := For(ctx).Now()
	s, depts, p, err := complianceInputs(ctx, r.Catalogue, domain.ViewerFrom(ctx), scope, from, to, now)
	if err != nil {
		return nil, err
	}
	rep, err := r.Catalogue.Compliance(ctx, idsOf(depts), p, now)
	if err != nil {
		return nil, err
	}
	rep.Scope = s
	return rep, nil
}

// Scorecards is the figures of every department in scope over from..to,
// sorted by key, with the departments by ID: departmentScorecards and
// /export/scorecards.csv.
func Scorecards(ctx context.Context, c domain.Catalogue, v domain.Viewer, scope *domain.ComplianceScope, from, to *domain.Date,
	key domain.ScorecardField, desc bool, now time.Time) ([]*domain.ComplianceFigures, map[int64]*domain.Department, domain.Period, error) {
	_, depts, p, err := complianceInputs(ctx, c, v, scope, from, to, now)
	if err != nil {
		return nil, nil, p, err
	}
	rep, err := c.Compliance(ctx, idsOf(depts), p, now)
	if err != nil {
		return nil, nil, p, err
	}
	byID, names := map[int64]*domain.Department{}, map[int64]string{}
	cards := make([]*domain.ComplianceFigures, 0, len(depts))
	for _, d := range depts {
		byID[d.ID], names[d.ID] = d, d.Name
		cards = append(cards, rep.Departments[d.ID])
	}
	domain.SortScorecards(cards, names, key, desc)
	return cards, byID, p, nil
}

func (r *queryResolver) DepartmentScorecards(ctx context.Context, scope *domain.ComplianceScope, from *domain.Date, to *domain.Date, orderBy *model.ScorecardOrder, first *int, after *string) (*domain.Page[*domain.ComplianceFigures], error) {
	pa := pageArgs(first, after)
	if err := pa.Validate(); err != nil {
		return nil, err
	}
	key, desc := domain.ScorecardByName, false
	if orderBy != nil {
		key, desc = orderBy.Field, orderBy.Direction != nil && *orderBy.Direction == model.OrderDirectionDesc
	}
	order := string(key)
	if desc {
		order += ":DESC"
	}
	// The figures are computed for every department in scope (a sort
	// needs them all), so the cursor is the position in the sorted list.
	offset := 0
	if pa.After != "" {
		n, ok := scorecardOffset(pa.After, order)
		if !ok {
			return nil, domain.Errorf(domain.EInvalid, "after: %q is not a cursor from this list sorted by %s; pass the endCursor of the previous page, or start again without after when you change orderBy", pa.After, order)
		}
		offset = n + 1
	}
	cards, _, _, err := Scorecards(ctx, r.Catalogue, domain.ViewerFrom(ctx), scope, from, to, key, desc, For(ctx).Now())
	if err != nil {
		return nil, err
	}
	pg := &domain.Page[*domain.ComplianceFigures]{HasPreviousPage: offset > 0, CursorAt: func(i int) string { return scorecardCursor(order, offset+i) }}
	total := len(cards)
	pg.Count = func(context.Context) (int, error) { return total, nil }
	for i := offset; i < len(cards) && len(pg.Nodes) < pa.First; i++ {
		pg.Nodes = append(pg.Nodes, cards[i])
	}
	pg.HasNextPage = offset+len(pg.Nodes) < len(cards)
	return pg, nil
}

func (r *complianceReportResolver) Violations(ctx context.Context, obj *domain.ComplianceReport, kinds []domain.ViolationKind, departmentID *string, first *int, after *string) (*domain.Page[*domain.ComplianceViolation], error) {
	f := domain.ViolationCriteria{Kinds: kinds}
	var err error
	if f.DepartmentID, err = optionalID(domain.KindDepartment, departmentID); err != nil {
		return nil, domain.Errorf(domain.EInvalid, "departmentId: %s", domain.ErrorMessage(err))
	}
	return r.Catalogue.Violations(ctx, obj.IDs, obj.Period, obj.Now, f, pageArgs(first, after))
}

func (r *departmentScorecardResolver) Department(ctx context.Context, obj *domain.ComplianceFigures) (*domain.Department, error) {
	return loadDepartment(ctx, obj.DepartmentID)
}

func (r *violationResolver) Department(ctx context.Context, obj *domain.ComplianceViolation) (*domain.Department, error) {
	return loadDepartment(ctx, obj.DepartmentID)
}

func (r *violationResolver) RecordID(ctx context.Context, obj *domain.ComplianceViolation) (string, error) {
	return domain.NodeID(obj.RecordKind, obj.RecordID), nil
}

func (r *violationResolver) Record(ctx context.Context, obj *domain.ComplianceViolation) (model.Node, error) {
	// SECURITY: loaded within the viewer's scope, like node(id:).
	return r.loadNode(ctx, obj.RecordKind, obj.RecordID)
}

func loadDepartment(ctx context.Context, id int64) (*domain.Department, error) {
	d, err := For(ctx).Department.Load(ctx, id)()
	if err == nil && d == nil {
		err = notFound(domain.KindDepartment, domain.NodeID(domain.KindDepartment, id))
	}
	return d, err
}

// scorecardCursor is the cursor of the i-th scorecard of a list sorted by
// order: the position, tied to the order.
func scorecardCursor(order string, i int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("scorecards|" + order + "|" + strconv.Itoa(i)))
}

func scorecardOffset(cursor, order string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(b), "scorecards|"+order+"|")
	n, err := strconv.Atoi(rest)
	return n, ok && err == nil && n >= 0
}
