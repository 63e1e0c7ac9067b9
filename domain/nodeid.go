package domain

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// NodeKind names the type behind a global ID.
type NodeKind string

const (
	KindDepartment    NodeKind = "Department"
	KindResource      NodeKind = "Resource"
	KindThemeDatabase NodeKind = "ThemeDatabase"
	KindDataItem      NodeKind = "DataItem"
	KindDataElement   NodeKind = "DataElement"
	// KindChangeObligation: a catalogue change obligation (MZ 8).
	KindChangeObligation NodeKind = "CatalogueChangeObligation"
	KindShareRequest     NodeKind = "ShareRequest"
	KindGrant            NodeKind = "Grant"
	KindOpenRequest      NodeKind = "OpenRequest"
	// KindDispute: a data error, sharing dispute or open objection.
	KindDispute  NodeKind = "Dispute"
	KindEvidence NodeKind = "Evidence"
)

// NodeID returns the opaque global ID (Relay) of the row id of kind.
func NodeID(kind NodeKind, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(string(kind) + ":" + strconv.FormatInt(id, 10)))
}

// ParseNodeID decodes a global ID. It returns an EInvalid *Error when the
// ID is not one this server issued.
func ParseNodeID(gid string) (NodeKind, int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(gid)
	if err == nil {
		kind, num, ok := strings.Cut(string(b), ":")
		if ok {
			id, err := strconv.ParseInt(num, 10, 64)
			if err == nil && id > 0 {
				return NodeKind(kind), id, nil
			}
		}
	}
	return "", 0, Errorf(EInvalid, "%q is not a valid ID: use an id returned by this API", gid)
}

// ParseNodeIDOf decodes a global ID that must be of kind want.
func ParseNodeIDOf(want NodeKind, gid string) (int64, error) {
	kind, id, err := ParseNodeID(gid)
	if err != nil {
		return 0, err
	}
	if kind != want {
		return 0, Errorf(EInvalid, "ID %q is a %s, not a %s", gid, kind, want)
	}
	return id, nil
}

// NodeID methods give each type its global ID for the GraphQL id field.

func (d *Department) NodeID() string    { return NodeID(KindDepartment, d.ID) }
func (r *Resource) NodeID() string      { return NodeID(KindResource, r.ID) }
func (t *ThemeDatabase) NodeID() string { return NodeID(KindThemeDatabase, t.ID) }
func (i *DataItem) NodeID() string      { return NodeID(KindDataItem, i.ID) }
func (e *DataElement) NodeID() string   { return NodeID(KindDataElement, e.ID) }

// IsEntity marks the types that are Apollo Federation entities (@key), so
// the generated _entities resolver can hold them in one list.
func (*Department) IsEntity()    {}
func (*Resource) IsEntity()      {}
func (*ThemeDatabase) IsEntity() {}
