package resolvers

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"

	"github.com/99designs/gqlgen/graphql"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/graph"
	"github.com/citydata/catalogue/graph/model"
)

func (r *Resolver) DataError() graph.DataErrorResolver           { return &dataErrorResolver{r} }
func (r *Resolver) SharingDispute() graph.SharingDisputeResolver { return &sharingDisputeResolver{r} }
func (r *Resolver) OpenObjection() graph.OpenObjectionResolver   { return &openObjectionResolver{r} }
func (r *Resolver) DisputeAction() graph.DisputeActionResolver   { return &disputeActionResolver{r} }
func (r *Resolver) DisputePosition() graph.DisputePositionResolver {
	return &disputePositionResolver{r}
}
func (r *Resolver) Evidence() graph.EvidenceResolver { return &evidenceResolver{r} }

type (
	dataErrorResolver       struct{ *Resolver }
	sharingDisputeResolver  struct{ *Resolver }
	openObjectionResolver   struct{ *Resolver }
	disputeActionResolver   struct{ *Resolver }
	disputePositionResolver struct{ *Resolver }
	evidenceResolver        struct{ *Resolver }
)

// EvidencePath is where an uploaded evidence file is downloaded from, with
// the bearer token of a viewer who may see its dispute.
const EvidencePath = "/evidence/"

// readEvidence reads the uploads of a report, at most one byte past the
// size limit each (so an oversized file is refused without being held
// whole), and sniffs their type from the content.
func readEvidence(files []*graphql.Upload) ([]domain.EvidenceFile, error) {
	out := make([]domain.EvidenceFile, 0, len(files))
	for i, f := range files {
		if f == nil || f.File == nil {
			return nil, domain.Errorf(domain.EInvalid, "input.files[%d]: no file was sent for it (use the multipart request spec)", i)
		}
		content, err := io.ReadAll(io.LimitReader(f.File, domain.MaxEvidenceFileBytes+1))
		if err != nil {
			return nil, domain.Errorf(domain.EInvalid, "input.files[%d]: the upload could not be read; send it again", i)
		}
		ct, _, _ := mime.ParseMediaType(http.DetectContentType(content))
		out = append(out, domain.EvidenceFile{FileName: f.Filename, ContentType: ct, Content: content})
	}
	return out, nil
}

func (r *mutationResolver) ReportDataError(ctx context.Context, input model.ReportDataErrorInput) (*domain.DataError, error) {
	rid, err := domain.ParseNodeIDOf(domain.KindResource, input.ResourceID)
	if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "input.resourceId: %s", domain.ErrorMessage(err))
	}
	items, err := itemIDs("input.itemIds", input.ItemIds)
	if err != nil {
		return nil, err
	}
	if len(input.Files) > domain.MaxEvidenceFiles {
		// Refused before any file is read.
		return nil, domain.Errorf(domain.EInvalid, "the data error cannot be reported: at most %d files may be attached; %d were sent", domain.MaxEvidenceFiles, len(input.Files))
	}
	files, err := readEvidence(input.Files)
	if err != nil {
		return nil, err
	}
	in := domain.DataErrorInput{ResourceID: rid, ItemIDs: items, Description: input.Description, Subject: deref(input.Subject),
		Files: files, Links: input.Links}
	return r.Catalogue.ReportDataError(ctx, domain.ViewerFrom(ctx), in, r.Policy, deref(input.IdempotencyKey), For(ctx).Now())
}

// act applies cmd to the dispute gid and returns it as T (the kind the
// mutation is for): a dispute of another kind is BAD_USER_INPUT.
func act[T domain.DisputeRecord](ctx context.Context, r *mutationResolver, gid string, cmd domain.DisputeCommand) (T, error) {
	var zero T
	id, err := domain.ParseNodeIDOf(domain.KindDispute, gid)
	if err != nil {
		return zero, err
	}
	cmd.DisputeID = id
	rec, err := r.Catalogue.ActOnDispute(ctx, domain.ViewerFrom(ctx), cmd, r.Policy, For(ctx).Now())
	if err != nil {
		return zero, err
	}
	out, ok := rec.(T)
	if !ok {
		return zero, domain.Errorf(domain.EInternal, "dispute %s is not a %T", gid, zero)
	}
	return out, nil
}

// kindOf refuses, before anything changes, a mutation for one kind of
// dispute on another: the event tables differ per kind, but the messages
// are clearer named by the mutation.
func kindOf(ctx context.Context, r *mutationResolver, gid string, want domain.DisputeKind, mutation string) error {
	id, err := domain.ParseNodeIDOf(domain.KindDispute, gid)
	if err != nil {
		return err
	}
	scope, err := domain.DisputeScopeFor(domain.ViewerFrom(ctx))
	if err != nil {
		return err
	}
	m, err := r.Catalogue.DisputesByID(ctx, scope, []int64{id})
	if err != nil {
		return err
	}
	rec := m[id]
	if rec == nil {
		return domain.Errorf(domain.ENotFound, "no Dispute %s", gid)
	}
	if k := rec.Record().Kind; k != want {
		return domain.Errorf(domain.EInvalid, "%s is for %s disputes; %s is %s", mutation, want, gid, k)
	}
	return nil
}

func (r *mutationResolver) VerifyDataError(ctx context.Context, id string, finding domain.Finding, note *string, idempotencyKey *string) (*domain.DataError, error) {
	if err := kindOf(ctx, r, id, domain.DisputeDataError, "verifyDataError"); err != nil {
		return nil, err
	}
	e := domain.DisputeEventConfirm
	if finding == domain.FindingRejected {
		e = domain.DisputeEventReject
	}
	return act[*domain.DataError](ctx, r, id, domain.DisputeCommand{Event: e, Note: deref(note), IdempotencyKey: deref(idempotencyKey)})
}

func (r *mutationResolver) CorrectDataError(ctx context.Context, id string, note string, idempotencyKey *string) (*domain.DataError, error) {
	if err := kindOf(ctx, r, id, domain.DisputeDataError, "correctDataError"); err != nil {
		return nil, err
	}
	return act[*domain.DataError](ctx, r, id, domain.DisputeCommand{Event: domain.DisputeEventCorrect, Note: note, IdempotencyKey: deref(idempotencyKey)})
}

func (r *mutationResolver) ExtendDataError(ctx context.Context, id string, workingDays *int, reason string, approvedBy string, idempotencyKey *string) (*domain.DataError, error) {
	if err := kindOf(ctx, r, id, domain.DisputeDataError, "extendDataError"); err != nil {
		return nil, err
	}
	days := deref(workingDays)
	if workingDays != nil && days <= 0 {
		return nil, domain.Errorf(domain.EInvalid, "workingDays must be positive, or left out for the whole extension")
	}
	return act[*domain.DataError](ctx, r, id, domain.DisputeCommand{Event: domain.DisputeEventExtend, Days: days, Note: reason,
		ApprovedBy: approvedBy, IdempotencyKey: deref(idempotencyKey)})
}

func (r *mutationResolver) OpenSharingDispute(ctx context.Context, requestID string, position string, idempotencyKey *string) (*domain.SharingDispute, error) {
	id, err := domain.ParseNodeIDOf(domain.KindShareRequest, requestID)
	if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "requestId: %s", domain.ErrorMessage(err))
	}
	return r.Catalogue.OpenSharingDispute(ctx, domain.ViewerFrom(ctx), id, position, deref(idempotencyKey), For(ctx).Now())
}

func (r *mutationResolver) AddDisputePosition(ctx context.Context, id string, position string, idempotencyKey *string) (*domain.SharingDispute, error) {
	if err := kindOf(ctx, r, id, domain.DisputeSharing, "addDisputePosition"); err != nil {
		return nil, err
	}
	return act[*domain.SharingDispute](ctx, r, id, domain.DisputeCommand{Event: domain.DisputeEventPosition, Note: position, IdempotencyKey: deref(idempotencyKey)})
}

func (r *mutationResolver) EscalateSharingDispute(ctx context.Context, input model.EscalateSharingDisputeInput) (*domain.SharingDispute, error) {
	if err := kindOf(ctx, r, input.ID, domain.DisputeSharing, "escalateSharingDispute"); err != nil {
		return nil, err
	}
	esc := domain.Escalation{Outcome: input.Outcome, Reasons: deref(input.Reasons), Recommendation: deref(input.Recommendation)}
	return act[*domain.SharingDispute](ctx, r, input.ID, domain.DisputeCommand{Event: domain.DisputeEventEscalate, Escalation: esc,
		Note: input.Outcome, IdempotencyKey: deref(input.IdempotencyKey)})
}

func (r *mutationResolver) ResolveSharingDispute(ctx context.Context, input model.ResolveSharingDisputeInput) (*domain.SharingDispute, error) {
	if err := kindOf(ctx, r, input.ID, domain.DisputeSharing, "resolveSharingDispute"); err != nil {
		return nil, err
	}
	res := domain.Resolution{Outcome: input.Outcome, Grant: input.GrantRequest, DecisionReference: deref(input.DecisionReference)}
	if input.ItemIds != nil || input.Mode != nil || input.Until != nil {
		if !input.GrantRequest {
			return nil, domain.Errorf(domain.EInvalid, "itemIds, mode and until narrow a grant: give them with grantRequest: true only")
		}
		if input.ItemIds != nil {
			items, err := itemIDs("input.itemIds", input.ItemIds)
			if err != nil {
				return nil, err
			}
			res.Terms.ItemIDs = items
		}
		res.Terms.Mode, res.Terms.Until = deref(input.Mode), deref(input.Until)
	}
	return act[*domain.SharingDispute](ctx, r, input.ID, domain.DisputeCommand{Event: domain.DisputeEventResolve, Resolution: res,
		Note: input.Outcome, IdempotencyKey: deref(input.IdempotencyKey)})
}

func (r *mutationResolver) ObjectToOpenCatalogue(ctx context.Context, resourceID string, objection string, proposedCorrection string, idempotencyKey *string) (*domain.OpenObjection, error) {
	id, err := domain.ParseNodeIDOf(domain.KindResource, resourceID)
	if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "resourceId: %s", domain.ErrorMessage(err))
	}
	in := domain.ObjectionInput{ResourceID: id, Objection: objection, ProposedCorrection: proposedCorrection}
	return r.Catalogue.ObjectToOpenCatalogue(ctx, domain.ViewerFrom(ctx), in, r.Policy, deref(idempotencyKey), For(ctx).Now())
}

func (r *mutationResolver) AcceptObjection(ctx context.Context, id string, note *string, idempotencyKey *string) (*domain.OpenObjection, error) {
	if err := kindOf(ctx, r, id, domain.DisputeOpenObjection, "acceptObjection"); err != nil {
		return nil, err
	}
	return act[*domain.OpenObjection](ctx, r, id, domain.DisputeCommand{Event: domain.DisputeEventAccept, Note: deref(note), Reason: deref(note), IdempotencyKey: deref(idempotencyKey)})
}

func (r *mutationResolver) RejectObjection(ctx context.Context, id string, reason string, basis string, idempotencyKey *string) (*domain.OpenObjection, error) {
	if err := kindOf(ctx, r, id, domain.DisputeOpenObjection, "rejectObjection"); err != nil {
		return nil, err
	}
	return act[*domain.OpenObjection](ctx, r, id, domain.DisputeCommand{Event: domain.DisputeEventReject, Reason: reason, Basis: basis, Note: reason, IdempotencyKey: deref(idempotencyKey)})
}

func (r *mutationResolver) ExtendObjection(ctx context.Context, id string, reason string, approvedBy string, idempotencyKey *string) (*domain.OpenObjection, error) {
	if err := kindOf(ctx, r, id, domain.DisputeOpenObjection, "extendObjection"); err != nil {
		return nil, err
	}
	return act[*domain.OpenObjection](ctx, r, id, domain.DisputeCommand{Event: domain.DisputeEventExtend, Note: reason, ApprovedBy: approvedBy, IdempotencyKey: deref(idempotencyKey)})
}

func (r *mutationResolver) WithdrawDispute(ctx context.Context, id string, note *string, idempotencyKey *string) (domain.DisputeRecord, error) {
	return act[domain.DisputeRecord](ctx, r, id, domain.DisputeCommand{Event: domain.DisputeEventWithdraw, Note: deref(note), IdempotencyKey: deref(idempotencyKey)})
}

func (r *queryResolver) Disputes(ctx context.Context, first *int, after *string, filter *model.DisputeFilter) (*domain.Page[domain.DisputeRecord], error) {
	s, err := domain.DisputeScopeFor(domain.ViewerFrom(ctx))
	if err != nil {
		return nil, err
	}
	var f domain.DisputeCriteria
	if filter != nil {
		f.Kind, f.Status, f.Open = deref(filter.Kind), deref(filter.Status), filter.Open
		if f.ResourceID, err = optionalID(domain.KindResource, filter.ResourceID); err != nil {
			return nil, err
		}
		if f.DepartmentID, err = optionalID(domain.KindDepartment, filter.DepartmentID); err != nil {
			return nil, err
		}
		if f.OverdueAt, err = overdueAt(ctx, "overdue", filter.Overdue); err != nil {
			return nil, err
		}
	}
	return r.Catalogue.Disputes(ctx, s, f, pageArgs(first, after))
}

// DisputeUpdated pushes each dispute the viewer's scope holds when it is
// opened or acted on, loaded afresh, as RequestUpdated does.
func (r *subscriptionResolver) DisputeUpdated(ctx context.Context) (<-chan domain.DisputeRecord, error) {
	// SECURITY: the scope is the connection's viewer's, fixed at init.
	scope, err := domain.DisputeScopeFor(domain.ViewerFrom(ctx))
	if err != nil {
		return nil, err
	}
	return relay(ctx, r.Catalogue.DisputeUpdates(ctx), func(ctx context.Context, ids []int64) (map[int64]domain.DisputeRecord, error) {
		return r.Catalogue.DisputesByID(ctx, scope, ids)
	}, "dispute"), nil
}

// relay loads each ID of ids in the viewer's scope and pushes what it may
// see, until ctx ends.
func relay[T comparable](ctx context.Context, ids <-chan int64, load func(context.Context, []int64) (map[int64]T, error), what string) <-chan T {
	out := make(chan T)
	go func() {
		defer close(out)
		var zero T
		for id := range ids {
			m, err := load(ctx, []int64{id})
			if err != nil {
				if ctx.Err() == nil {
					slog.ErrorContext(ctx, "load an updated "+what, "id", id, "err", err)
				}
				continue
			}
			x := m[id]
			if x == zero {
				continue // not the viewer's to see
			}
			select {
			case out <- x:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// The fields every kind shares.

func disputeResource(ctx context.Context, d domain.DisputeRecord) (*domain.Resource, error) {
	return For(ctx).Resource.Load(ctx, d.Record().ResourceID)()
}

func disputeSource(ctx context.Context, d domain.DisputeRecord) (*domain.Department, error) {
	return For(ctx).Department.Load(ctx, d.Record().SourceDepartmentID)()
}

// disputeHistory: the actions, a person's identifier only for the
// dispute's parties (MZ 35, WZ 25).
func disputeHistory(ctx context.Context, d domain.DisputeRecord) ([]*domain.DisputeAction, error) {
	list, err := For(ctx).DisputeHistory.Load(ctx, d.Record().ID)()
	if err != nil || d.Record().IsParty(domain.ViewerFrom(ctx)) {
		return list, err
	}
	out := make([]*domain.DisputeAction, len(list))
	for i, a := range list {
		if a.By.Role == domain.RolePerson {
			c := *a
			c.By.Subject = ""
			a = &c
		}
		out[i] = a
	}
	return out, nil
}

func (r *dataErrorResolver) Resource(ctx context.Context, obj *domain.DataError) (*domain.Resource, error) {
	return disputeResource(ctx, obj)
}
func (r *dataErrorResolver) Source(ctx context.Context, obj *domain.DataError) (*domain.Department, error) {
	return disputeSource(ctx, obj)
}
func (r *dataErrorResolver) Overdue(ctx context.Context, obj *domain.DataError) (bool, error) {
	return obj.OverdueAt(For(ctx).Now()), nil
}
func (r *dataErrorResolver) History(ctx context.Context, obj *domain.DataError) ([]*domain.DisputeAction, error) {
	return disputeHistory(ctx, obj)
}

func (r *sharingDisputeResolver) Resource(ctx context.Context, obj *domain.SharingDispute) (*domain.Resource, error) {
	return disputeResource(ctx, obj)
}
func (r *sharingDisputeResolver) Source(ctx context.Context, obj *domain.SharingDispute) (*domain.Department, error) {
	return disputeSource(ctx, obj)
}
func (r *sharingDisputeResolver) Overdue(ctx context.Context, obj *domain.SharingDispute) (bool, error) {
	return obj.OverdueAt(For(ctx).Now()), nil
}
func (r *sharingDisputeResolver) History(ctx context.Context, obj *domain.SharingDispute) ([]*domain.DisputeAction, error) {
	return disputeHistory(ctx, obj)
}

func (r *openObjectionResolver) Resource(ctx context.Context, obj *domain.OpenObjection) (*domain.Resource, error) {
	return disputeResource(ctx, obj)
}
func (r *openObjectionResolver) Source(ctx context.Context, obj *domain.OpenObjection) (*domain.Department, error) {
	return disputeSource(ctx, obj)
}
func (r *openObjectionResolver) Overdue(ctx context.Context, obj *domain.OpenObjection) (bool, error) {
	return obj.OverdueAt(For(ctx).Now()), nil
}
func (r *openObjectionResolver) History(ctx context.Context, obj *domain.OpenObjection) ([]*domain.DisputeAction, error) {
	return disputeHistory(ctx, obj)
}

// Data errors.

func (r *dataErrorResolver) Items(ctx context.Context, obj *domain.DataError) ([]*domain.DataItem, error) {
	return loadItems(ctx, obj.ItemIDs)
}

func (r *dataErrorResolver) Evidence(ctx context.Context, obj *domain.DataError) ([]*domain.Evidence, error) {
	// SECURITY: the reporter's material, for the parties only.
	if !obj.IsParty(domain.ViewerFrom(ctx)) {
		return nil, domain.Errorf(domain.EForbidden, "DataError.evidence is shown only to the source department, the reporter, the data authority and auditors (MZ 35)")
	}
	return For(ctx).Evidence.Load(ctx, obj.ID)()
}

func (r *dataErrorResolver) ReporterDepartment(ctx context.Context, obj *domain.DataError) (*domain.Department, error) {
	if obj.ReporterDepartmentID == 0 {
		return nil, nil
	}
	return For(ctx).Department.Load(ctx, obj.ReporterDepartmentID)()
}

// reporterGate: MZ 35, WZ 25: who a person reporter is, and whom a record
// is about, only for those who handle the report (domain.MaySeeReporter).
func reporterGate(ctx context.Context, obj *domain.DataError, field, value string) (*string, error) {
	if value == "" {
		return nil, nil
	}
	// SECURITY: personal identifiers of a report.
	if !domain.MaySeeReporter(domain.ViewerFrom(ctx), obj.SourceDepartmentID, obj.ReporterDepartmentID, obj.ReporterPerson) {
		return nil, domain.Errorf(domain.EForbidden, "DataError.%s is shown only to the source department, the data authority, auditors and the reporter (MZ 35)", field)
	}
	return &value, nil
}

func (r *dataErrorResolver) ReporterPerson(ctx context.Context, obj *domain.DataError) (*string, error) {
	return reporterGate(ctx, obj, "reporterPerson", obj.ReporterPerson)
}

func (r *dataErrorResolver) Subject(ctx context.Context, obj *domain.DataError) (*string, error) {
	return reporterGate(ctx, obj, "subject", obj.Subject)
}

func (r *dataErrorResolver) BusinessContinuity(ctx context.Context, obj *domain.DataError) (*string, error) {
	s := domain.BusinessContinuity(obj.Status)
	if s == "" {
		return nil, nil
	}
	return &s, nil
}

// Sharing disputes.

func (r *sharingDisputeResolver) Request(ctx context.Context, obj *domain.SharingDispute) (*domain.ShareRequest, error) {
	return For(ctx).ShareRequest.Load(ctx, obj.RequestID)()
}

func (r *sharingDisputeResolver) Requester(ctx context.Context, obj *domain.SharingDispute) (*domain.Department, error) {
	return For(ctx).Department.Load(ctx, obj.RequesterDepartmentID)()
}

func (r *sharingDisputeResolver) Steps(ctx context.Context, obj *domain.SharingDispute) ([]*domain.SharingStepRecord, error) {
	return For(ctx).SharingSteps.Load(ctx, obj.ID)()
}

func (r *disputePositionResolver) Department(ctx context.Context, obj *domain.Position) (*domain.Department, error) {
	return For(ctx).Department.Load(ctx, obj.DepartmentID)()
}

// Objections.

func (r *openObjectionResolver) Objector(ctx context.Context, obj *domain.OpenObjection) (*string, error) {
	// SECURITY: as a person reporter of a data error (MZ 35).
	if !domain.MaySeeReporter(domain.ViewerFrom(ctx), obj.SourceDepartmentID, 0, obj.Objector) {
		return nil, domain.Errorf(domain.EForbidden, "OpenObjection.objector is shown only to the source department, the data authority, auditors and the objector")
	}
	return &obj.Objector, nil
}

func (r *openObjectionResolver) CatalogueChange(ctx context.Context, obj *domain.OpenObjection) (*domain.ChangeObligation, error) {
	if obj.ObligationID == 0 {
		return nil, nil
	}
	return For(ctx).DisputeChange.Load(ctx, obj.ObligationID)()
}

// History and evidence.

func (r *disputeActionResolver) From(ctx context.Context, obj *domain.DisputeAction) (*domain.DisputeStatus, error) {
	if obj.From == "" {
		return nil, nil
	}
	return &obj.From, nil
}

func (r *evidenceResolver) Sha256(ctx context.Context, obj *domain.Evidence) (*string, error) {
	if obj.SHA256 == nil {
		return nil, nil
	}
	s := hex.EncodeToString(obj.SHA256)
	return &s, nil
}

func (r *evidenceResolver) URL(ctx context.Context, obj *domain.Evidence) (*string, error) {
	if obj.URL == "" {
		return nil, nil
	}
	return &obj.URL, nil
}

func (r *evidenceResolver) DownloadPath(ctx context.Context, obj *domain.Evidence) (*string, error) {
	if obj.URL != "" {
		return nil, nil
	}
	s := fmt.Sprintf("%s%s", EvidencePath, obj.NodeID())
	return &s, nil
}
