package server_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/citydata/catalogue/auth"
	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/store"
)

// The visibility matrix: every viewer × share type × open type × status,
// through every path a resource can be reached by (list, count, search,
// node, lookup by code, _entities, a department's and a theme database's
// resources) and every gated field. The expectations below restate the
// rules of issue 3 independently of domain.AccessTo, so a mistake in
// either fails here.

var (
	matrixShare  = []domain.ShareType{domain.ShareUnconditional, domain.ShareConditional, domain.ShareNone}
	matrixOpen   = []domain.OpenType{domain.OpenUnconditional, domain.OpenConditional, domain.OpenNone}
	matrixStatus = []domain.ResourceStatus{domain.StatusDraft, domain.StatusSubmitted, domain.StatusPublished, domain.StatusReturned, domain.StatusRetired}
)

const (
	srcCode        = "11441400007045121H" // the source department of every matrix resource
	otherCode      = "11441400MB2C91576U" // a department with no grants
	holderCode     = "114414000070452795" // a department holding a one-item grant on every resource
	approvedPerson = "person-approved"    // holds an approved open request on every resource
)

type matrixResource struct {
	code   string
	id     string
	share  domain.ShareType
	open   domain.OpenType
	status domain.ResourceStatus
}

type matrixViewer struct {
	name     string
	role     domain.Role
	dept     string // credit code
	sub      string
	src      bool // the source department
	holder   bool // holds a grant
	approved bool // holds an approved open request
}

var matrixViewers = []matrixViewer{
	{name: "public", role: domain.RolePublic},
	{name: "person", role: domain.RolePerson, sub: "person-plain"},
	{name: "person with approval", role: domain.RolePerson, sub: approvedPerson, approved: true},
	{name: "source department", role: domain.RoleDepartment, dept: srcCode, sub: "staff-src", src: true},
	{name: "other department", role: domain.RoleDepartment, dept: otherCode, sub: "staff-other"},
	{name: "grant holder", role: domain.RoleDepartment, dept: holderCode, sub: "staff-holder", holder: true},
	{name: "authority", role: domain.RoleAuthority, sub: "authority"},
	{name: "auditor", role: domain.RoleAuditor, sub: "auditor"},
}

// api returns a sending v's bearer token (none for the public).
func (v matrixViewer) api(a *api) *api {
	if v.role == domain.RolePublic {
		return a.public()
	}
	return a.as(auth.Claims{Sub: v.sub, Role: v.role, Department: v.dept, Subject: v.subject()})
}

// subject is a PERSON's ID-card number, derived from its sub.
func (v matrixViewer) subject() string {
	if v.role != domain.RolePerson {
		return ""
	}
	return "44140219850715" + fmt.Sprintf("%04d", len(v.sub))
}

// The rules, restated.
func (v matrixViewer) overseer() bool {
	return v.role == domain.RoleAuthority || v.role == domain.RoleAuditor || v.src
}

func (v matrixViewer) seesRow(r matrixResource) bool {
	switch v.role {
	case domain.RoleAuthority, domain.RoleAuditor:
		return true
	case domain.RoleDepartment:
		return r.status == domain.StatusPublished || v.src
	default:
		return r.status == domain.StatusPublished && r.open != domain.OpenNone
	}
}

func (v matrixViewer) gates(r matrixResource) map[string]bool {
	over := v.overseer()
	share := over || v.role == domain.RoleDepartment &&
		(r.share == domain.ShareUnconditional || r.share == domain.ShareConditional && v.holder)
	open := over || r.open == domain.OpenUnconditional || r.open == domain.OpenConditional && v.approved && v.role == domain.RolePerson
	return map[string]bool{
		"shareAccess": share, "openAccess": open, "sample": share || open,
		"contactPhone": over, "reviewNotes": over, "noneShareFiling": over, "versions": over,
	}
}

// matrixData builds the hand-made catalogue: one resource per share type ×
// open type × status, all of the source department, each with a personal
// and a plain item and one sample record; a grant of the first item only on
// each for the holder; an approved open request on each for one person;
// a theme database drawing on all of them.
func matrixData(t *testing.T, db *store.DB) []matrixResource {
	t.Helper()
	ctx := context.Background()
	var out []matrixResource
	future := time.Now().Add(24 * time.Hour)
	err := db.Tx(ctx, func(tx *store.Tx) error {
		depts := map[string]*domain.Department{}
		for _, code := range []string{srcCode, otherCode, holderCode} {
			d := &domain.Department{CreditCode: code, Name: "部门" + code[len(code)-4:], Level: domain.LevelCity, RegionCode: "441400"}
			if err := tx.CreateDepartment(ctx, d); err != nil {
				return err
			}
			depts[code] = d
		}
		src := depts[srcCode].ID
		var ids []int64
		published := time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC)
		n := 0
		for _, st := range matrixShare {
			for _, ot := range matrixOpen {
				for _, status := range matrixStatus {
					n++
					r := &domain.Resource{
						Code: fmt.Sprintf("MX-%02d", n), Name: fmt.Sprintf("矩阵测试资源%02d", n), Summary: "可见性矩阵",
						UpdateFrequency: domain.FreqMonthly, ShareType: st, OpenType: ot, Status: status,
						ShareModes:         []domain.ShareMode{domain.ModeQuery, domain.ModeVerify},
						SourceDepartmentID: src, CollectingDepartmentID: src, ApprovingDepartmentID: src, ProvidingDepartmentID: src,
						ContactPerson: "王五", ContactPhone: "0753-0000000", ReviewNotes: "审核意见", NoneShareFiling: "备案",
						ShareEndpoint: "https://share.example/" + fmt.Sprint(n), OpenDownloadURL: "https://open.example/" + fmt.Sprint(n),
						Sample: []map[string]string{{"身份证号": "441402198507150012", "数量": "42"}},
					}
					if status == domain.StatusPublished {
						r.PublishedAt = &published
					}
					items := []*domain.DataItem{
						{Name: "身份证号", DataType: domain.TypeString, Personal: true},
						{Name: "数量", DataType: domain.TypeInteger},
					}
					if err := tx.CreateResource(ctx, r, items, nil); err != nil {
						return err
					}
					g := &domain.Grant{ResourceID: r.ID, ItemIDs: []int64{items[0].ID}, Mode: domain.ModeVerify, Scenario: "矩阵测试", ValidUntil: &future}
					if err := tx.CreateGrant(ctx, g, depts[holderCode].ID); err != nil {
						return err
					}
					if _, err := tx.CreateApprovedOpenRequest(ctx, r.ID, approvedPerson, "矩阵测试"); err != nil {
						return err
					}
					ids = append(ids, r.ID)
					out = append(out, matrixResource{code: r.Code, id: r.NodeID(), share: st, open: ot, status: status})
				}
			}
		}
		return tx.CreateThemeDatabase(ctx, &domain.ThemeDatabase{Code: "MX-THEME", Name: "矩阵主题库", Kind: domain.KindTheme, LeadDepartmentID: src}, ids)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

const gatedSelection = `code viewerAccess { share open sample internal canRequest reason }
  contactPhone reviewNotes noneShareFiling versions { version }
  shareAccess { modes endpoint items { name } }
  openAccess { downloadUrl }
  sample { fields { item value masked } }`

type gatedRow struct {
	Code         string
	ViewerAccess struct {
		Share, Open, Sample, Internal, CanRequest bool
		Reason                                    string
	}
	ContactPhone, ReviewNotes, NoneShareFiling *string
	Versions                                   *[]struct{ Version int }
	ShareAccess                                *struct {
		Modes    []string
		Endpoint string
		Items    []struct{ Name string }
	}
	OpenAccess *struct{ DownloadURL string }
	Sample     []struct {
		Fields []struct {
			Item, Value string
			Masked      bool
		}
	}
}

func TestVisibilityMatrix(t *testing.T) {
	a := newEmptyAPI(t)
	all := matrixData(t, a.db)
	byCode := map[string]matrixResource{}
	for _, r := range all {
		byCode[r.code] = r
	}
	var srcID, themeID string
	{
		var out struct {
			Department     struct{ ID string }
			ThemeDatabases struct{ Nodes []struct{ ID string } }
		}
		a.as(authority).query(`{ department(creditCode: "`+srcCode+`") { id } themeDatabases { nodes { id } } }`, nil, &out)
		srcID, themeID = out.Department.ID, out.ThemeDatabases.Nodes[0].ID
	}

	for _, v := range matrixViewers {
		t.Run(v.name, func(t *testing.T) {
			va := v.api(a)
			var want []string
			for _, r := range all {
				if v.seesRow(r) {
					want = append(want, r.code)
				}
			}
			sort.Strings(want)

			// Lists, counts and search: the same rows everywhere.
			// The gated list is a request of its own, to stay within the
			// cost limit.
			resp := va.do(`{ list: resources(first: 50) { totalCount nodes { `+gatedSelection+` } } }`, nil)
			var data struct {
				List struct {
					TotalCount int
					Nodes      []gatedRow
				}
				Search            *codePage
				Department, Theme *struct{ Resources codePage }
			}
			resp.decode(t, &data)
			other := va.do(`query($src: ID!, $theme: ID!) {
			  search: resources(first: 50, filter: {search: "矩阵"}) { totalCount nodes { code } }
			  department: node(id: $src) { ... on Department { resources(first: 50) { totalCount nodes { code } } } }
			  theme: node(id: $theme) { ... on ThemeDatabase { resources(first: 50) { totalCount nodes { code } } } }
			}`, map[string]any{"src": srcID, "theme": themeID})
			if len(other.Errors) > 0 {
				t.Fatalf("search, Department.resources, ThemeDatabase.resources: %+v", other.Errors)
			}
			other.decode(t, &data)
			var listed []string
			for _, n := range data.List.Nodes {
				listed = append(listed, n.Code)
			}
			checkCodes(t, "resources", listed, data.List.TotalCount, want)
			checkCodes(t, "search", codesOfNodes(data.Search.Nodes), data.Search.TotalCount, want)
			if data.Department == nil || data.Theme == nil {
				t.Fatalf("department or theme database not visible: %+v", resp.Errors)
			}
			checkCodes(t, "Department.resources", codesOfNodes(data.Department.Resources.Nodes), data.Department.Resources.TotalCount, want)
			checkCodes(t, "ThemeDatabase.resources", codesOfNodes(data.Theme.Resources.Nodes), data.Theme.Resources.TotalCount, want)

			// Gated fields: null with FORBIDDEN at their path, or present.
			forbidden := map[string]bool{}
			for _, e := range resp.Errors {
				if e.code() != "FORBIDDEN" || len(e.Path) != 4 || e.Path[0] != "list" {
					t.Errorf("unexpected error %+v", e)
					continue
				}
				i := int(e.Path[2].(float64))
				field := e.Path[3].(string)
				forbidden[fmt.Sprintf("%s.%s", data.List.Nodes[i].Code, field)] = true
				// The message names the field and the rule of its own gate.
				if !strings.HasPrefix(e.Message, field+" of "+data.List.Nodes[i].Code) {
					t.Errorf("FORBIDDEN message %q does not name %s", e.Message, field)
				}
				if internal := field == "contactPhone" || field == "reviewNotes" || field == "noneShareFiling" || field == "versions"; internal != strings.Contains(e.Message, "internal fields") {
					t.Errorf("FORBIDDEN message for %s gives another gate's reason: %q", field, e.Message)
				}
			}
			for _, row := range data.List.Nodes {
				r := byCode[row.Code]
				gates := v.gates(r)
				present := map[string]bool{
					"shareAccess": row.ShareAccess != nil, "openAccess": row.OpenAccess != nil, "sample": row.Sample != nil,
					"contactPhone": row.ContactPhone != nil, "reviewNotes": row.ReviewNotes != nil, "noneShareFiling": row.NoneShareFiling != nil,
					"versions": row.Versions != nil,
				}
				for field, ok := range gates {
					cell := fmt.Sprintf("%s (share %s, open %s, %s).%s", r.code, r.share, r.open, r.status, field)
					if present[field] != ok {
						t.Errorf("%s: visible=%v, want %v", cell, present[field], ok)
					}
					if forbidden[row.Code+"."+field] == ok {
						t.Errorf("%s: FORBIDDEN error=%v, want %v", cell, !ok, !ok)
					}
				}
				va := row.ViewerAccess
				if va.Share != gates["shareAccess"] || va.Open != gates["openAccess"] || va.Sample != gates["sample"] || va.Internal != gates["contactPhone"] || va.Reason == "" {
					t.Errorf("%s: viewerAccess %+v disagrees with the gates %v", r.code, va, gates)
				}
				// Least privilege (MZ 22): a grant shows only its items.
				if row.ShareAccess != nil && v.holder && r.share == domain.ShareConditional {
					if len(row.ShareAccess.Items) != 1 || row.ShareAccess.Items[0].Name != "身份证号" || strings.Join(row.ShareAccess.Modes, ",") != "VERIFY" {
						t.Errorf("%s: grant holder sees %+v, want only the granted item in VERIFY mode", r.code, row.ShareAccess)
					}
				}
				// Personal items are masked for all but overseers.
				if row.Sample != nil {
					f := row.Sample[0].Fields[0]
					wantValue := "441402198507150012"
					if !v.overseer() {
						wantValue = "441402********0012"
					}
					if f.Item != "身份证号" || f.Value != wantValue || f.Masked == v.overseer() {
						t.Errorf("%s: sample %+v, want %s masked=%v", r.code, f, wantValue, !v.overseer())
					}
					if g := row.Sample[0].Fields[1]; g.Value != "42" || g.Masked {
						t.Errorf("%s: plain item %+v was masked", r.code, g)
					}
				}
			}

			// node, resource(code:) and _entities on every resource: visible
			// ones answer, the others do not exist (NOT_FOUND, or null for
			// the gateway).
			var reps []any
			for _, r := range all {
				reps = append(reps, map[string]any{"__typename": "Resource", "id": r.id})
			}
			var ents struct {
				Entities []*struct{ Code string } `json:"_entities"`
			}
			va.query(`query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Resource { code } } }`, map[string]any{"reps": reps}, &ents)
			for i, r := range all {
				seen := ents.Entities[i] != nil
				if seen != v.seesRow(r) {
					t.Errorf("_entities %s (%s/%s/%s): found=%v, want %v", r.code, r.share, r.open, r.status, seen, v.seesRow(r))
				}
			}
			for _, r := range all {
				for _, q := range []string{
					fmt.Sprintf(`{ r: node(id: %q) { ... on Resource { code } } }`, r.id),
					fmt.Sprintf(`{ r: resource(code: %q) { code } }`, r.code),
				} {
					resp := va.do(q, nil)
					found := len(resp.Errors) == 0 && strings.Contains(string(resp.Data), r.code)
					if found != v.seesRow(r) {
						t.Errorf("%s: found=%v, want %v (errors %+v)", q, found, v.seesRow(r), resp.Errors)
					}
					if !found && (len(resp.Errors) == 0 || resp.Errors[0].code() != "NOT_FOUND") {
						t.Errorf("%s: hidden resource answered %+v, want NOT_FOUND", q, resp.Errors)
					}
				}
			}
		})
	}
}

type codePage struct {
	TotalCount int
	Nodes      []struct{ Code string }
}

func codesOfNodes(nodes []struct{ Code string }) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.Code
	}
	return out
}

func checkCodes(t *testing.T, path string, got []string, total int, want []string) {
	t.Helper()
	sort.Strings(got)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s lists %d resources %v, want %d %v", path, len(got), got, len(want), want)
	}
	if total != len(want) {
		t.Errorf("%s totalCount %d, want %d", path, total, len(want))
	}
}
