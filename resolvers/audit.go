package resolvers

import (
	"context"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/graph"
	"github.com/citydata/catalogue/graph/model"
)

// AuditFields is the field middleware that makes every mutation, every
// access decision and every refused attempt an audit event (NY 33, WZ 34).
// Each root field gets a domain.AuditRecord in its context; the store
// appends it in the transaction that makes the change. What no
// transaction committed — a refusal, a failure — is appended here on its
// own: always for a mutation, for a query or subscription when it was
// refused (FORBIDDEN, UNAUTHENTICATED).
//
// key protects a person actor's subject (domain.AuditActorOf).
func AuditFields(c domain.Catalogue, key []byte, log *slog.Logger) graphql.FieldMiddleware {
	return func(ctx context.Context, next graphql.Resolver) (res any, err error) {
		fc := graphql.GetFieldContext(ctx)
		if fc == nil || strings.HasPrefix(fc.Field.Name, "__") {
			return next(ctx)
		}
		mutation := fc.Object == "Mutation"
		if !mutation && fc.Object != "Query" && fc.Object != "Subscription" {
			return next(ctx)
		}
		var vars map[string]any
		if graphql.HasOperationContext(ctx) {
			vars = graphql.GetOperationContext(ctx).Variables
		}
		field := fc.Field
		args := func() map[string]any { return domain.SanitizeAuditArgs(auditValues(field.ArgumentMap(vars))) }
		rec := domain.NewAuditRecord(domain.ViewerFrom(ctx), key, domain.RequestIDFrom(ctx), field.Name, auditNow(ctx), args)
		if kind, id := auditTarget(field.ArgumentMap(vars)); id != 0 {
			rec.Target(kind, id)
		}
		// A panic is a failed attempt too: recorded, then passed on to
		// gqlgen's recover function.
		defer func() {
			if p := recover(); p != nil {
				if !rec.Written() {
					if aerr := c.AppendAudit(context.WithoutCancel(ctx), rec.Finished(errors.New("panic"))); aerr != nil {
						log.ErrorContext(ctx, "audit event not written", "action", field.Name, "err", aerr)
					}
				}
				panic(p)
			}
		}()
		res, err = next(domain.WithAudit(ctx, rec))
		if rec.Written() {
			return res, err
		}
		if !mutation {
			if code := domain.ErrorCode(err); code != domain.EForbidden && code != domain.EUnauthenticated {
				return res, err
			}
		}
		// The attempt is over; its record is written even if the client has
		// gone.
		// Every mutation writes through a transaction that commits its event,
		// so what arrives here committed nothing; its event failing is for
		// the log, not the caller.
		if aerr := c.AppendAudit(context.WithoutCancel(ctx), rec.Finished(err)); aerr != nil {
			log.ErrorContext(ctx, "audit event not written", "action", field.Name, "outcome", rec.Finished(err).Outcome, "err", aerr)
		}
		return res, err
	}
}

// auditNow is the request's instant, or the wall clock outside a request.
func auditNow(ctx context.Context) time.Time {
	if l, ok := ctx.Value(loadersKey{}).(*Loaders); ok {
		return l.Now()
	}
	return time.Now()
}

// auditTarget is the row an attempt names: its id argument, else the
// first of resourceId, requestId, grantId, departmentId, at the top or in
// its input.
func auditTarget(args map[string]any) (domain.NodeKind, int64) {
	for _, m := range []map[string]any{args, asMap(args["input"])} {
		for _, key := range []string{"id", "resourceId", "requestId", "grantId", "departmentId"} {
			if s, ok := m[key].(string); ok {
				if kind, id, err := domain.ParseNodeID(s); err == nil {
					return kind, id
				}
			}
		}
	}
	return "", 0
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// auditValues replaces uploaded files by what identifies them: the log
// keeps the name, type and size, not the content.
func auditValues(v map[string]any) map[string]any {
	out := make(map[string]any, len(v))
	for k, x := range v {
		out[k] = auditValue(x)
	}
	return out
}

func auditValue(v any) any {
	switch x := v.(type) {
	case graphql.Upload:
		return map[string]any{"fileName": x.Filename, "size": x.Size, "contentType": x.ContentType}
	case *graphql.Upload:
		if x == nil {
			return nil
		}
		return auditValue(*x)
	case map[string]any:
		return auditValues(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = auditValue(e)
		}
		return out
	}
	return v
}

func (r *Resolver) AuditEvent() graph.AuditEventResolver         { return &auditEventResolver{r} }
func (r *Resolver) AuditIntegrity() graph.AuditIntegrityResolver { return &auditIntegrityResolver{r} }
func (r *Resolver) AccessRecord() graph.AccessRecordResolver     { return &accessRecordResolver{r} }

type (
	auditEventResolver     struct{ *Resolver }
	auditIntegrityResolver struct{ *Resolver }
	accessRecordResolver   struct{ *Resolver }
)

func (r *queryResolver) AuditEvents(ctx context.Context, filter *model.AuditFilter, first *int, after *string) (*domain.Page[*domain.AuditEvent], error) {
	v := domain.ViewerFrom(ctx)
	// SECURITY: refuse before parsing, so others learn nothing.
	if err := domain.MayReadAudit(v); err != nil {
		return nil, err
	}
	f, err := auditCriteria(filter, r.SubjectKey)
	if err != nil {
		return nil, err
	}
	return r.Catalogue.AuditEvents(ctx, v, f, pageArgs(first, after))
}

// auditCriteria turns the GraphQL filter into the store's.
func auditCriteria(filter *model.AuditFilter, key []byte) (domain.AuditCriteria, error) {
	var f domain.AuditCriteria
	if filter == nil {
		return f, nil
	}
	var err error
	f.Actors, f.Action, f.Outcome = domain.AuditActorsFor(deref(filter.Actor), key), deref(filter.Action), deref(filter.Outcome)
	if f.ResourceID, err = optionalID(domain.KindResource, filter.ResourceID); err != nil {
		return f, err
	}
	if f.DepartmentID, err = optionalID(domain.KindDepartment, filter.DepartmentID); err != nil {
		return f, err
	}
	f.From, f.To = deref(filter.From), deref(filter.To)
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return f, domain.Errorf(domain.EInvalid, "filter: from (%s) must be before to (%s)", f.From.Format(time.RFC3339), f.To.Format(time.RFC3339))
	}
	return f, nil
}

func (r *queryResolver) AuditIntegrity(ctx context.Context) (*domain.AuditIntegrity, error) {
	if err := domain.MayReadAudit(domain.ViewerFrom(ctx)); err != nil {
		return nil, err
	}
	return r.Catalogue.VerifyAudit(ctx, For(ctx).Now())
}

func (r *queryResolver) MyAccessRecords(ctx context.Context, first *int, after *string) (*domain.Page[*domain.AccessRecord], error) {
	v := domain.ViewerFrom(ctx)
	if err := domain.MayReadOwnAccess(v); err != nil {
		return nil, err
	}
	// SECURITY: matched through the protected identifier only (WZ 25).
	return r.Catalogue.AccessRecordsOf(ctx, domain.ProtectSubject(r.SubjectKey, v.DataSubject), pageArgs(first, after))
}

func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (r *auditEventResolver) Code(ctx context.Context, obj *domain.AuditEvent) (*string, error) {
	return optionalString(string(obj.Code)), nil
}
func (r *auditEventResolver) TargetKind(ctx context.Context, obj *domain.AuditEvent) (*string, error) {
	return optionalString(string(obj.TargetKind)), nil
}
func (r *auditEventResolver) TargetID(ctx context.Context, obj *domain.AuditEvent) (*string, error) {
	if obj.TargetID == 0 || obj.TargetKind == "" {
		return nil, nil
	}
	return optionalString(domain.NodeID(obj.TargetKind, obj.TargetID)), nil
}
func (r *auditEventResolver) Resource(ctx context.Context, obj *domain.AuditEvent) (*domain.Resource, error) {
	if obj.ResourceID == 0 {
		return nil, nil
	}
	return For(ctx).Resource.Load(ctx, obj.ResourceID)()
}
func (r *auditEventResolver) Department(ctx context.Context, obj *domain.AuditEvent) (*domain.Department, error) {
	if obj.DepartmentID == 0 {
		return nil, nil
	}
	return For(ctx).Department.Load(ctx, obj.DepartmentID)()
}
func (r *auditEventResolver) Before(ctx context.Context, obj *domain.AuditEvent) (*string, error) {
	return optionalString(obj.Before), nil
}
func (r *auditEventResolver) After(ctx context.Context, obj *domain.AuditEvent) (*string, error) {
	return optionalString(obj.After), nil
}
func (r *auditEventResolver) Details(ctx context.Context, obj *domain.AuditEvent) (*string, error) {
	return optionalString(obj.Details), nil
}
func (r *auditEventResolver) PrevHash(ctx context.Context, obj *domain.AuditEvent) (string, error) {
	return hex.EncodeToString(obj.PrevHash), nil
}
func (r *auditEventResolver) Hash(ctx context.Context, obj *domain.AuditEvent) (string, error) {
	return hex.EncodeToString(obj.Hash), nil
}

func (r *auditIntegrityResolver) FirstSeq(ctx context.Context, obj *domain.AuditIntegrity) (*int, error) {
	return optionalInt(obj.FirstID), nil
}
func (r *auditIntegrityResolver) LastSeq(ctx context.Context, obj *domain.AuditIntegrity) (*int, error) {
	return optionalInt(obj.LastID), nil
}

func optionalInt(n int64) *int {
	if n == 0 {
		return nil
	}
	i := int(n)
	return &i
}

func (r *accessRecordResolver) Department(ctx context.Context, obj *domain.AccessRecord) (*domain.Department, error) {
	return For(ctx).Department.Load(ctx, obj.DepartmentID)()
}
func (r *accessRecordResolver) Resource(ctx context.Context, obj *domain.AccessRecord) (*domain.Resource, error) {
	return For(ctx).Resource.Load(ctx, obj.ResourceID)()
}
func (r *accessRecordResolver) Grant(ctx context.Context, obj *domain.AccessRecord) (*domain.ShareGrant, error) {
	if obj.GrantID == 0 {
		return nil, nil
	}
	return For(ctx).Grant.Load(ctx, obj.GrantID)()
}
func (r *accessRecordResolver) GrantID(ctx context.Context, obj *domain.AccessRecord) (*string, error) {
	if obj.GrantID == 0 {
		return nil, nil
	}
	return optionalString(domain.NodeID(domain.KindGrant, obj.GrantID)), nil
}
