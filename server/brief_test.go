package server_test

import (
	"context"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"testing"

	"github.com/citydata/catalogue/store/storetest"
)

// briefSelection is every field a brief resource answers (resolvers'
// briefFields): a list selecting only these reads the brief columns.
const briefSelection = `id code name summary classification format updateFrequency shareType openType status
	publishedAt createdAt updatedAt sourceDepartment { id name creditCode level regionCode parent { id } }`

// A list that selects only brief fields reads a third of the columns or
// fewer, only those its fields need; it must answer exactly what the full
// read answers, for every viewer, sort and page, cursors included.
func TestBriefListsAnswerAsFullOnes(t *testing.T) {
	sql := &sqlRecorder{}
	a := newAPI(t, storetest.Options{Tracer: sql})
	viewers := map[string]*api{"authority": a.as(authority), "public": a.public(), "department": a.as(wjj)}
	for _, c := range []struct {
		fields string
		unread []string // columns the brief read must not read
	}{
		{briefSelection, nil},
		{"id code name shareType openType sourceDepartment { name }", []string{"r.summary", "r.status", "r.created_at", "d.credit_code", "d.parent_id"}},
		{"__typename id summary status", []string{"r.format", "r.published_at", "d.level"}},
		{"id publishedAt updateFrequency", []string{"r.summary", "r.updated_at", "d.region_code"}},
		{"id createdAt sourceDepartment { regionCode }", []string{"r.summary", "r.classification", "r.format", "r.updated_at"}},
		{"id sourceDepartment { parent { id } }", []string{"r.summary", "r.updated_at"}},
		{"classification format a: sourceDepartment { name } b: sourceDepartment { level }", []string{"r.summary", "r.status"}},
	} {
		for name, v := range viewers {
			for _, order := range []string{"CODE", "NAME", "UPDATED_AT", "PUBLISHED_AT"} {
				for _, dir := range []string{"ASC", "DESC"} {
					after := ""
					for page := 0; page < 3; page++ {
						vars := map[string]any{"after": after, "order": map[string]any{"field": order, "direction": dir}}
						if after == "" {
							vars["after"] = nil
						}
						sql.reset()
						brief := listPage(t, v, c.fields, vars)
						if sql.any("r.contact_phone") {
							t.Fatalf("%s: a list of brief fields read every column:\n%s", name, strings.Join(sql.all(), "\n"))
						}
						for _, col := range c.unread {
							if col == sortColumn[order] {
								continue // its cursors need it
							}
							if sql.selects(col) {
								t.Fatalf("%s: a list of %s read %s:\n%s", name, c.fields, col, strings.Join(sql.all(), "\n"))
							}
						}
						sql.reset()
						full := listPage(t, v, c.fields+" contactPerson", vars)
						if !sql.any("r.contact_phone") {
							t.Fatalf("%s: a list with contactPerson did not read every column:\n%s", name, strings.Join(sql.all(), "\n"))
						}
						for _, e := range full.Edges {
							delete(e.Node, "contactPerson")
						}
						if !reflect.DeepEqual(brief, full) {
							t.Fatalf("%s, %s, %s %s, page %d: the brief list differs from the full one\nbrief: %+v\nfull:  %+v", name, c.fields, order, dir, page, brief, full)
						}
						if len(brief.Edges) == 0 {
							t.Fatalf("%s, %s %s, page %d: no resources", name, order, dir, page)
						}
						if !brief.PageInfo.HasNextPage {
							break
						}
						after = brief.PageInfo.EndCursor
					}
				}
			}
		}
	}
}

// sortColumn is the column a sort's cursors carry, when a brief read may
// lack it.
var sortColumn = map[string]string{"UPDATED_AT": "r.updated_at", "PUBLISHED_AT": "r.published_at"}

// A brief read's source department may hold only its id and name; the
// department loader, which other fields of the same request read, must
// not be primed with it.
func TestBriefDepartmentsAreNotShared(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	v := a.as(authority)
	var list struct {
		Resources struct{ Nodes []struct{ ID string } }
	}
	v.query(`{ resources(first: 50) { nodes { id } } }`, nil, &list)
	if len(list.Resources.Nodes) == 0 {
		t.Fatal("no resources")
	}
	const node = `node(id: $id) { ... on Resource { sourceDepartment { name } collectingDepartment { id name creditCode level regionCode } } }`
	for _, r := range list.Resources.Nodes {
		alone := v.do(`query($id: ID!) { `+node+` }`, map[string]any{"id": r.ID})
		both := v.do(`query($id: ID!) { resources(first: 50) { nodes { id sourceDepartment { name } } } `+node+` }`, map[string]any{"id": r.ID})
		if len(alone.Errors) > 0 || len(both.Errors) > 0 {
			t.Fatalf("errors: %+v %+v", alone.Errors, both.Errors)
		}
		var x, y struct{ Node any }
		if err := json.Unmarshal(alone.Data, &x); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(both.Data, &y); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(x.Node, y.Node) || !strings.Contains(string(alone.Data), `"creditCode":"`) {
			t.Fatalf("resource %s beside a brief list:\n%s\nalone:\n%s", r.ID, both.Data, alone.Data)
		}
	}
}

// An object field whose selection is all plain (tools/gqlgen's plain
// object fields: an edge's node, a resource's source department) is
// marshalled without gqlgen's field machinery; it must answer what
// gqlgen's path answers, which a resolver in the selection (parent) or a
// gated field (contactPerson) forces.
func TestPlainObjectFieldsAnswerAsGqlgenDoes(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	const dept = `__typename id name creditCode level regionCode`
	for name, v := range map[string]*api{"authority": a.as(authority), "public": a.public(), "department": a.as(wjj)} {
		fast := listPage(t, v, `__typename id code name shareType openType status`, nil)
		slow := listPage(t, v, `__typename id code name shareType openType status contactPerson`, nil)
		for _, e := range slow.Edges {
			delete(e.Node, "contactPerson")
		}
		if len(fast.Edges) == 0 || !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s: edges' nodes differ\nplain:  %+v\ngqlgen: %+v", name, fast, slow)
		}
		fast = listPage(t, v, `id sourceDepartment { `+dept+` }`, nil)
		slow = listPage(t, v, `id sourceDepartment { `+dept+` parent { id } }`, nil)
		for _, e := range slow.Edges {
			delete(e.Node["sourceDepartment"].(map[string]any), "parent")
		}
		if len(fast.Edges) == 0 || fast.Edges[0].Node["sourceDepartment"].(map[string]any)["__typename"] != "Department" || !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s: source departments differ\nplain:  %+v\ngqlgen: %+v", name, fast, slow)
		}
	}
}

// A selection of plain fields is written straight from the Go value
// (tools/gqlgen's writers), a list of them planned once; byte for byte,
// with aliases, repeated fields, fragments, @include and @skip, it is what
// gqlgen's field sets and lists write, which a resolver in the selection
// (stale, parent) forces.
func TestPlainSelectionsAreWrittenAsGqlgenWrites(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	const query = `query($slow: Boolean!) { resources(first: 6) { edges { node { ...R
	  c: code code name n2: name ... on Resource { shareType __typename } openType @include(if: true) status @skip(if: true)
	  sourceDepartment { __typename d: name name creditCode ... @include(if: true) { level } parent @include(if: $slow) { id } }
	  stale @include(if: $slow) } }
	  nodes { ...R n: name shareType stale @include(if: $slow) } } }
	fragment R on Resource { id code }`
	parent := regexp.MustCompile(`,"parent":(null|\{"id":"[^"]*"\})`)
	stale := regexp.MustCompile(`,"stale":(true|false)`)
	for name, v := range map[string]*api{"authority": a.as(authority), "public": a.public(), "department": a.as(wjj)} {
		fast := v.do(query, map[string]any{"slow": false})
		slow := v.do(query, map[string]any{"slow": true})
		if len(fast.Errors) > 0 || len(slow.Errors) > 0 {
			t.Fatalf("%s: errors %+v %+v", name, fast.Errors, slow.Errors)
		}
		got := string(fast.Data)
		want := stale.ReplaceAllString(parent.ReplaceAllString(string(slow.Data), ""), "")
		if want == string(slow.Data) || !strings.Contains(got, `"c":"`) || !strings.Contains(got, `"__typename":"Department","d":"`) {
			t.Fatalf("%s: the answers are not what the test expects:\n%s\n%s", name, got, slow.Data)
		}
		if got != want {
			t.Errorf("%s: written directly:\n%s\nby gqlgen:\n%s", name, got, want)
		}
	}
}

type briefPage struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage bool
		EndCursor   string
	}
	Edges []struct {
		Cursor string
		Node   map[string]any
	}
}

func listPage(t *testing.T, a *api, fields string, vars map[string]any) briefPage {
	t.Helper()
	var out struct{ Resources briefPage }
	a.query(`query($after: String, $order: ResourceOrder) { resources(first: 4, after: $after, orderBy: $order) {
	  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { `+fields+` } } } }`, vars, &out)
	return out.Resources
}

// sqlRecorder is a pgx tracer keeping the SQL of the statements it sees.
type sqlRecorder struct {
	mu  sync.Mutex
	sql []string
}

func (r *sqlRecorder) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sql = append(r.sql, d.SQL)
	return ctx
}
func (r *sqlRecorder) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (r *sqlRecorder) reset() { r.mu.Lock(); r.sql = nil; r.mu.Unlock() }

func (r *sqlRecorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.sql...)
}

// selects reports whether a statement since the last reset reads column
// (has it before its first FROM).
func (r *sqlRecorder) selects(column string) bool {
	for _, q := range r.all() {
		if cols, _, _ := strings.Cut(q, " FROM "); strings.Contains(cols, column) {
			return true
		}
	}
	return false
}

// any reports whether a statement since the last reset contains s.
func (r *sqlRecorder) any(s string) bool {
	for _, q := range r.all() {
		if strings.Contains(q, s) {
			return true
		}
	}
	return false
}
