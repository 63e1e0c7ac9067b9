package domain

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"
)

// AuditOutcome is how an audited attempt ended.
type AuditOutcome string

const (
	// AuditOK: the change was made, or the access allowed.
	AuditOK AuditOutcome = "OK"
	// AuditRefused: the rules or the viewer's rights refused it (WZ 34:
	// refused attempts are traced too).
	AuditRefused AuditOutcome = "REFUSED"
	// AuditFailed: an internal error stopped it.
	AuditFailed AuditOutcome = "FAILED"
)

// AuditOutcomeOf classifies the error an attempt ended with: nil is OK, an
// internal error FAILED, any error a user can act on REFUSED.
func AuditOutcomeOf(err error) (AuditOutcome, Code) {
	switch code := ErrorCode(err); code {
	case "":
		return AuditOK, ""
	case EInternal:
		return AuditFailed, code
	default:
		return AuditRefused, code
	}
}

// AuditEvent is one entry of the audit log (NY 33: every provision of and
// access to shared data is logged; WZ 25, WZ 34: traceable).
type AuditEvent struct {
	// ID is the event's place in the chain, in commit order, from 1.
	ID        int64
	At        time.Time
	RequestID string
	Actor     Actor
	// Action is the mutation or query field, or a named operation such as
	// "exportAudit".
	Action string
	// TargetKind and TargetID name the row acted on (TargetID 0: none).
	TargetKind NodeKind
	TargetID   int64
	// ResourceID and DepartmentID are the entry and the department the
	// event concerns (0: none), for filtering.
	ResourceID   int64
	DepartmentID int64
	Outcome      AuditOutcome
	Code         Code
	// Message is the user-facing message of a refusal ("internal error"
	// for a failure: details stay in the server log).
	Message string
	// Before and After are JSON snapshots of a catalogue entry around a
	// change; Details is the attempt's sanitised arguments and what it
	// decided. Each is JSON text or empty.
	Before, After, Details string
	PrevHash, Hash         []byte
}

// ComputeHash is SHA-256 over the previous event's hash and every field of
// e, each length-prefixed so no two events encode alike. At counts to the
// microsecond, as PostgreSQL keeps it.
func (e *AuditEvent) ComputeHash() []byte {
	h := sha256.New()
	var n [8]byte
	field := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	field(string(e.PrevHash))
	field(strconv.FormatInt(e.ID, 10))
	field(e.At.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano))
	field(e.RequestID)
	field(e.Actor.Subject)
	field(string(e.Actor.Role))
	field(strconv.FormatInt(e.Actor.DepartmentID, 10))
	field(e.Action)
	field(string(e.TargetKind))
	field(strconv.FormatInt(e.TargetID, 10))
	field(strconv.FormatInt(e.ResourceID, 10))
	field(strconv.FormatInt(e.DepartmentID, 10))
	field(string(e.Outcome))
	field(string(e.Code))
	field(e.Message)
	field(e.Before)
	field(e.After)
	field(e.Details)
	return h.Sum(nil)
}

// ChainVerifier checks audit events one by one in ID order. Start it at
// the chain's anchor: ID 0 and an empty hash, or where a purge left it.
type ChainVerifier struct {
	LastID   int64
	LastHash []byte
	Checked  int64
}

// ChainBreak says where and why the chain does not hold.
type ChainBreak struct {
	ID     int64
	At     time.Time
	Reason string
}

// Check checks the next event read; nil means it follows its predecessor
// and its content matches its hash.
func (c *ChainVerifier) Check(e *AuditEvent) *ChainBreak {
	switch {
	case e.ID != c.LastID+1:
		return &ChainBreak{ID: e.ID, At: e.At, Reason: "events " + strconv.FormatInt(c.LastID+1, 10) + " to " +
			strconv.FormatInt(e.ID-1, 10) + " are missing: deleted or never committed in order"}
	case !bytes.Equal(e.PrevHash, c.LastHash):
		return &ChainBreak{ID: e.ID, At: e.At, Reason: "its previous hash does not match event " + strconv.FormatInt(c.LastID, 10) +
			": an event before it was altered or replaced"}
	}
	if got := e.ComputeHash(); !bytes.Equal(got, e.Hash) {
		return &ChainBreak{ID: e.ID, At: e.At, Reason: "its content does not match its hash (stored " + hex.EncodeToString(e.Hash) +
			", computed " + hex.EncodeToString(got) + "): the event was altered"}
	}
	c.LastID, c.LastHash = e.ID, e.Hash
	c.Checked++
	return nil
}

// End checks that the chain reaches the head recorded when it was last
// appended to: events deleted from the end leave it short.
func (c *ChainVerifier) End(headID int64, headHash []byte) *ChainBreak {
	if c.LastID != headID || !bytes.Equal(c.LastHash, headHash) {
		return &ChainBreak{ID: c.LastID + 1, Reason: "the log ends at event " + strconv.FormatInt(c.LastID, 10) +
			" but the chain's head is event " + strconv.FormatInt(headID, 10) + ": events at the end were deleted"}
	}
	return nil
}

// AuditIntegrity is the result of verifying the whole chain.
type AuditIntegrity struct {
	OK bool
	// Checked events, and the first and last ID checked.
	Checked        int64
	FirstID        int64
	LastID         int64
	PurgedThrough  int64
	FirstBroken    *ChainBreak
	VerifiedAt     time.Time
	VerifiedOnHead int64
}

// AuditRetentionMonths is how long audit events are kept before a purge may drop
// them (NY 33: 日志留存时间不少于六个月).
const AuditRetentionMonths = 6

// ValidatePurge refuses a purge of the events before cutoff unless all of
// them are at least AuditRetentionMonths old on today (NY 33).
func ValidatePurge(cutoff, today Date) error {
	oldest := today.AddMonths(-AuditRetentionMonths)
	if oldest.Before(cutoff) {
		return Errorf(EInvalid, "NY 33: audit events are kept at least %d months; on %s only events before %s may be purged, not those before %s",
			AuditRetentionMonths, today, oldest, cutoff)
	}
	return nil
}

// MayReadAudit: the audit log is for auditors and the data authority.
func MayReadAudit(v Viewer) error {
	if v.Role == RoleAuditor || v.Role == RoleAuthority {
		return nil
	}
	return Errorf(EForbidden, "the audit log is for auditors and the data authority (WZ 34)")
}

// AuditCriteria filters the audit log.
type AuditCriteria struct {
	// Actors are actor_subject values (AuditActorsFor); any matches.
	Actors []string
	// DepartmentID: events by the department's staff or about its entries.
	DepartmentID int64
	ResourceID   int64
	Action       string
	Outcome      AuditOutcome
	// From and To bound At: From ≤ at < To; zero is open.
	From, To time.Time
}

// AuditRecord is the audit event of the attempt in progress (a mutation,
// or a query that records, like accessDecision), carried in its context:
// the store fills in its target and snapshots and appends it in the
// transaction that makes the change, so a change is never committed
// without its event; if no transaction committed it, the API appends it
// on its own with the attempt's outcome.
type AuditRecord struct {
	mu      sync.Mutex
	event   AuditEvent
	args    func() map[string]any
	result  map[string]any
	written bool
}

// NewAuditRecord starts the record of action by v at at, v named as
// AuditActorOf with key; args, called when the event is written, gives
// the attempt's arguments (SanitizeAuditArgs).
func NewAuditRecord(v Viewer, key []byte, requestID, action string, at time.Time, args func() map[string]any) *AuditRecord {
	return &AuditRecord{event: AuditEvent{At: at, RequestID: requestID, Actor: AuditActorOf(v, key), Action: action}, args: args}
}

// personActor prefixes the protected subject of a PERSON actor.
const personActor = "person:"

// AuditActorOf is v as the audit log names it: staff by their token
// subject, a person by the keyed hash of theirs (WZ 25, MZ 35: a person's
// token subject may be their ID number, which the log must not keep in
// clear; an auditor finds their events by the identifier, hashed alike).
func AuditActorOf(v Viewer, key []byte) Actor {
	a := ActorOf(v)
	if v.Role == RolePerson && a.Subject != "" {
		a.Subject = personActor + hex.EncodeToString(ProtectSubject(key, a.Subject))
	}
	return a
}

// AuditActorsFor are the actor_subject values an auditor's actor filter
// matches: the subject as given (staff) and as a person's protected one.
func AuditActorsFor(actor string, key []byte) []string {
	actor = strings.TrimSpace(actor)
	if actor == "" {
		return nil
	}
	if strings.HasPrefix(actor, personActor) {
		return []string{actor}
	}
	return []string{actor, personActor + hex.EncodeToString(ProtectSubject(key, actor))}
}

// Target sets the row acted on, unless one is already set.
func (r *AuditRecord) Target(kind NodeKind, id int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.event.TargetID == 0 {
		r.event.TargetKind, r.event.TargetID = kind, id
	}
}

// Created names the row the attempt created: it becomes the target, for a
// create has nothing to act on before.
func (r *AuditRecord) Created(kind NodeKind, id int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.event.TargetKind, r.event.TargetID = kind, id
}

// Decided sets the outcome of an attempt that commits a record of its own
// refusal, as an access decision that denies does.
func (r *AuditRecord) Decided(outcome AuditOutcome, code Code, message string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.event.Outcome, r.event.Code, r.event.Message = outcome, code, message
}

// Note adds what the attempt decided to the event's details.
func (r *AuditRecord) Note(key string, value any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.result == nil {
		r.result = map[string]any{}
	}
	r.result[key] = value
}

// Event is the event so far, its details encoded.
func (r *AuditRecord) Event() AuditEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.event
	d := map[string]any{}
	if r.args != nil {
		if a := r.args(); len(a) > 0 {
			d["args"] = a
		}
	}
	if len(r.result) > 0 {
		d["result"] = r.result
	}
	if len(d) > 0 {
		b, err := json.Marshal(d)
		if err != nil {
			b = []byte(`{"args":"not encodable"}`)
		}
		e.Details = string(b)
	}
	return e
}

// Finished is the event of an attempt that committed nothing, ended with
// err (nil: it succeeded without writing).
func (r *AuditRecord) Finished(err error) AuditEvent {
	e := r.Event()
	e.Outcome, e.Code = AuditOutcomeOf(err)
	if err != nil {
		e.Message = ErrorMessage(err)
	}
	return e
}

// Written reports whether the event was committed.
func (r *AuditRecord) Written() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.written
}

// MarkWritten records that the event was committed.
func (r *AuditRecord) MarkWritten() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.written = true
}

// ChangesCatalogue tells the actions that change a catalogue entry, whose
// events keep the entry as it was before and after (WZ 35).
func ChangesCatalogue(action string) bool {
	switch action {
	case "createResource", "updateResource", "submitResource", "reviewResource", "retireResource":
		return true
	}
	return false
}

type auditKey struct{}

// WithAudit returns a context carrying r.
func WithAudit(ctx context.Context, r *AuditRecord) context.Context {
	return context.WithValue(ctx, auditKey{}, r)
}

// AuditFrom returns the context's record, or nil.
func AuditFrom(ctx context.Context) *AuditRecord {
	r, _ := ctx.Value(auditKey{}).(*AuditRecord)
	return r
}

type requestIDKey struct{}

// WithRequestID returns a context carrying the HTTP request's ID.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestIDFrom returns the context's request ID, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// SanitizeAuditArgs returns args as they may be kept in the log: a data
// subject's identifier (any "subject" argument, and an auditor's "actor"
// filter, which may be a person's) is replaced, since the log
// must not name the subject (WZ 25: matched through the protected hash
// only), and values too long for a log are cut.
func SanitizeAuditArgs(args map[string]any) map[string]any {
	out := make(map[string]any, len(args))
	for k, v := range args {
		out[k] = sanitizeAuditValue(k, v)
	}
	return out
}

const maxAuditString = 2000

func sanitizeAuditValue(key string, v any) any {
	if (strings.EqualFold(key, "subject") || strings.EqualFold(key, "actor")) && v != nil {
		return "[protected]"
	}
	switch x := v.(type) {
	case map[string]any:
		return SanitizeAuditArgs(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = sanitizeAuditValue("", e)
		}
		return out
	case string:
		if r := []rune(x); len(r) > maxAuditString {
			return string(r[:maxAuditString]) + "…"
		}
	}
	return v
}

// AccessRecord is an access decision about a data subject, as the subject
// sees it (WZ 25: who accessed data about me, when, for which scenario,
// under which grant).
type AccessRecord struct {
	ID           int64
	At           time.Time
	DepartmentID int64
	ResourceID   int64
	Mode         ShareMode
	Allowed      bool
	GrantID      int64
	Scenario     string
	Reason       string
}

// MayReadOwnAccess: a signed-in person with an identifier (MZ 35, WZ 25).
func MayReadOwnAccess(v Viewer) error {
	if v.Role != RolePerson || strings.TrimSpace(v.DataSubject) == "" {
		return Errorf(EForbidden, "myAccessRecords is for a signed-in person whose token carries their ID number or credit code (WZ 25)")
	}
	return nil
}
