package server_test

import (
	"strings"
	"testing"

	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store/storetest"
)

type lineageNode struct {
	ID        string
	Depth     int
	Direction *string
	Node      *struct {
		Typename string `json:"__typename"`
		OpenType string
	}
	Via []struct {
		Kind, From, To string
		Grant          *struct{ ID string }
	}
}

const lineageQuery = `query($id: ID!, $dir: LineageDirection, $depth: Int, $asOf: Date, $first: Int, $after: String) {
	lineage(id: $id, direction: $dir, depth: $depth, asOf: $asOf, first: $first, after: $after) {
		totalCount pageInfo { hasNextPage endCursor }
		nodes { id depth direction node { __typename ... on Resource { openType } } via { kind from to grant { id } } } } }`

// lineage returns every node of a walk, page by page.
func (a *api) lineage(t *testing.T, vars map[string]any) []lineageNode {
	t.Helper()
	var all []lineageNode
	for after := ""; ; {
		v := map[string]any{"first": 7}
		for k, x := range vars {
			v[k] = x
		}
		if after != "" {
			v["after"] = after
		}
		var out struct {
			Lineage struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   string
				}
				Nodes []lineageNode
			}
		}
		a.query(lineageQuery, v, &out)
		all = append(all, out.Lineage.Nodes...)
		if !out.Lineage.PageInfo.HasNextPage {
			if len(all) != out.Lineage.TotalCount {
				t.Fatalf("pages hold %d nodes, totalCount says %d", len(all), out.Lineage.TotalCount)
			}
			if end := out.Lineage.PageInfo.EndCursor; end != "" {
				// Past the last node: an empty page, counted all the same.
				v["after"] = end
				total := out.Lineage.TotalCount
				a.query(lineageQuery, v, &out)
				if len(out.Lineage.Nodes) != 0 || out.Lineage.TotalCount != total {
					t.Fatalf("after the last node: %d nodes and totalCount %d, want none and %d", len(out.Lineage.Nodes), out.Lineage.TotalCount, total)
				}
			}
			return all
		}
		after = out.Lineage.PageInfo.EndCursor
	}
}

// Downstream from a base database, lineage reaches every department
// granted one of its resources, the grant on the edge; upstream it
// reaches the resources, their source departments and data elements; a
// public viewer's lineage shows no resource it may not see and no grant.
func TestLineage(t *testing.T) {
	clock := &testClock{}
	clock.set("2027-01-11 10:00") // after the demo was loaded
	a := newAPIWith(t, storetest.Options{Demo: true}, server.Config{Clock: clock.Now})
	auth := a.as(authority)
	var bases struct {
		ThemeDatabases struct {
			Nodes []struct {
				ID        string
				Resources struct {
					Nodes []struct {
						ID, ShareType, OpenType string
						ShareModes              []string
						DataItems               []struct{ ID string }
						SourceDepartment        struct{ CreditCode string }
					}
				}
			}
		}
	}
	auth.query(`{ themeDatabases(first: 5, filter: {kind: BASE}) { nodes { id resources(first: 60) { nodes {
		id shareType openType shareModes dataItems { id } sourceDepartment { creditCode } } } } } }`, nil, &bases)
	// A base database with an unconditionally shared resource of another
	// department than 公安局 and a resource the public may not see.
	var base, shared, hidden string
	var sharedEntry demoEntry
	for _, b := range bases.ThemeDatabases.Nodes {
		shared, hidden = "", ""
		for _, r := range b.Resources.Nodes {
			if r.OpenType == "NONE" {
				hidden = r.ID
			}
			if r.ShareType == "UNCONDITIONAL" && r.SourceDepartment.CreditCode != gajCode && len(r.DataItems) > 0 && strings.Contains(strings.Join(r.ShareModes, ","), "QUERY") {
				shared = r.ID
				sharedEntry = demoEntry{ID: r.ID}
				for _, it := range r.DataItems {
					sharedEntry.DataItems = append(sharedEntry.DataItems, struct{ ID, Name string }{ID: it.ID})
				}
				sharedEntry.Source.CreditCode = r.SourceDepartment.CreditCode
			}
		}
		if shared != "" && hidden != "" {
			base = b.ID
			break
		}
	}
	if base == "" {
		t.Fatal("the demo has no base database with an unconditionally shared and a not-open resource")
	}
	// Two departments get grants on it.
	g1 := a.as(gaj).request(t, submitRequest, map[string]any{"in": requestInput(sharedEntry, "QUERY", sharedEntry.DataItems[0].ID)})
	other := bystander(sharedEntry)
	g2 := a.as(other).request(t, submitRequest, map[string]any{"in": requestInput(sharedEntry, "QUERY", sharedEntry.DataItems[0].ID)})
	if g1.Grant == nil || g2.Grant == nil {
		t.Fatalf("grants %+v %+v", g1, g2)
	}

	down := auth.lineage(t, map[string]any{"id": base, "dir": "DOWNSTREAM", "depth": 1})
	used := map[string]string{}
	for _, n := range down {
		if n.Depth == 0 {
			if n.ID != base || n.Direction != nil {
				t.Errorf("the start %+v", n)
			}
			continue
		}
		if n.Node == nil || n.Node.Typename != "Department" || deref(n.Direction) != "DOWNSTREAM" {
			t.Errorf("downstream at depth 1: %+v", n)
		}
		for _, e := range n.Via {
			if e.Kind != "USED_BY" || e.From != base || e.To != n.ID || e.Grant == nil {
				t.Errorf("edge %+v", e)
			} else {
				used[e.Grant.ID] = n.ID
			}
		}
	}
	if _, ok := used[g1.Grant.ID]; !ok {
		t.Errorf("公安局's grant %s not on an edge: %v", g1.Grant.ID, used)
	}
	if _, ok := used[g2.Grant.ID]; !ok {
		t.Errorf("the other department's grant %s not on an edge: %v", g2.Grant.ID, used)
	}

	// From the resource: downstream it feeds the base database and is
	// granted to both departments; from one of its data elements upstream
	// is the element's one source department (MZ 11).
	fromRes := auth.lineage(t, map[string]any{"id": shared, "dir": "DOWNSTREAM", "depth": 1})
	edgeKinds := map[string]int{}
	for _, n := range fromRes {
		for _, e := range n.Via {
			edgeKinds[e.Kind]++
		}
	}
	if edgeKinds["FEEDS"] < 1 || edgeKinds["GRANTED_TO"] != 2 {
		t.Errorf("downstream of the resource: %v", edgeKinds)
	}
	var elems struct {
		Resource struct {
			DataElements []struct{ ID string }
		}
	}
	auth.query(`query($id: ID!) { resource(id: $id) { dataElements { id } } }`, map[string]any{"id": shared}, &elems)
	if len(elems.Resource.DataElements) == 0 {
		t.Fatal("the shared resource carries no data element")
	}
	{
		el := elems.Resource.DataElements[0].ID
		up := auth.lineage(t, map[string]any{"id": el, "dir": "UPSTREAM", "depth": 1})
		if len(up) != 2 || up[1].Node == nil || up[1].Node.Typename != "Department" || len(up[1].Via) != 1 || up[1].Via[0].Kind != "SOURCE_OF" || up[1].Via[0].To != el {
			t.Errorf("upstream of a data element: %+v", up)
		}
	}

	// Upstream: resources feed it, their departments provide them.
	up := auth.lineage(t, map[string]any{"id": base, "dir": "UPSTREAM", "depth": 3})
	kinds := map[int]map[string]bool{}
	sawHidden := false
	for _, n := range up {
		if kinds[n.Depth] == nil {
			kinds[n.Depth] = map[string]bool{}
		}
		if n.Node != nil {
			kinds[n.Depth][n.Node.Typename] = true
		}
		sawHidden = sawHidden || n.ID == hidden
	}
	if !kinds[1]["Resource"] || len(kinds[1]) != 1 || !kinds[2]["Department"] || !sawHidden {
		t.Errorf("upstream kinds by depth %v, hidden resource seen %v", kinds, sawHidden)
	}

	// The public sees the same walk without what it may not see.
	pub := a.public().lineage(t, map[string]any{"id": base, "depth": 4})
	for _, n := range pub {
		if n.ID == hidden || n.Node != nil && n.Node.Typename == "Resource" && n.Node.OpenType == "NONE" {
			t.Errorf("the public's lineage shows a not-open resource: %+v", n)
		}
		for _, e := range n.Via {
			if e.Grant != nil || e.Kind == "GRANTED_TO" || e.Kind == "USED_BY" || e.From == hidden || e.To == hidden {
				t.Errorf("the public's lineage shows %+v", e)
			}
		}
	}
	if len(pub) == 0 {
		t.Fatal("the public's lineage is empty")
	}
	a.public().queryErr(lineageQuery, map[string]any{"id": hidden}, "NOT_FOUND")

	// Pages hold each node once, nearest first.
	both := auth.lineage(t, map[string]any{"id": base, "depth": 4})
	seen := map[string]bool{}
	for i, n := range both {
		if seen[n.ID] {
			t.Fatalf("%s on two pages", n.ID)
		}
		seen[n.ID] = true
		if i > 0 && n.Depth < both[i-1].Depth {
			t.Fatalf("not nearest first at %d", i)
		}
	}
	// As of a day before the grants, no grant edges.
	past := auth.lineage(t, map[string]any{"id": base, "dir": "DOWNSTREAM", "depth": 1, "asOf": "2020-01-01"})
	if len(past) != 1 {
		t.Errorf("as of 2020 the base database leads to %d nodes, want only itself", len(past))
	}
	// A suspended grant is not in force: its edge goes (NY 41); as of a
	// day before the suspension it was there.
	clock.set("2027-01-20 10:00")
	auth.query(`mutation($id: ID!) { suspendGrant(id: $id, reason: "超范围使用") { status } }`, map[string]any{"id": g2.Grant.ID}, &struct{}{})
	for _, n := range auth.lineage(t, map[string]any{"id": base, "dir": "DOWNSTREAM", "depth": 1}) {
		for _, e := range n.Via {
			if e.Grant != nil && e.Grant.ID == g2.Grant.ID {
				t.Errorf("a suspended grant's edge %+v", e)
			}
		}
	}
	before := false
	for _, n := range auth.lineage(t, map[string]any{"id": base, "dir": "DOWNSTREAM", "depth": 1, "asOf": "2027-01-15"}) {
		for _, e := range n.Via {
			before = before || e.Grant != nil && e.Grant.ID == g2.Grant.ID
		}
	}
	if !before {
		t.Error("as of 01-15, before its suspension, the grant's edge is missing")
	}
	auth.queryErr(lineageQuery, map[string]any{"id": base, "depth": 7}, "BAD_USER_INPUT")
	auth.queryErr(lineageQuery, map[string]any{"id": g1.ID}, "BAD_USER_INPUT")
}
