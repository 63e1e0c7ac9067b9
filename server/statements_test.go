package server_test

import (
	"testing"

	"github.com/citydata/catalogue/auth"
	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/store/storetest"
)

// TestStatementsDependOnDepthNotRows guards against N+1 queries: the
// statements a page costs must not grow with its rows.
func TestStatementsDependOnDepthNotRows(t *testing.T) {
	counter := &statementCounter{}
	a := newAPI(t, storetest.Options{Tracer: counter}).as(authority)
	count := func(query string, vars map[string]any) int64 {
		t.Helper()
		var out map[string]any
		a.query(query, vars, &out) // warm: the query cache and prepared statements
		counter.n.Store(0)
		a.query(query, vars, &out)
		return counter.n.Load()
	}
	const page = `query($first: Int) { resources(first: $first) { totalCount edges { node {
	  code sourceDepartment { name creditCode } dataItems { name dataType personal }
	  themeDatabases { code name } dataElements { code } collectingDepartment { name } } } } }`
	small, large := count(page, map[string]any{"first": 5}), count(page, map[string]any{"first": 50})
	if small != large {
		t.Errorf("a 5-resource page took %d statements, a 50-resource page %d; want equal", small, large)
	}
	if large > 6 {
		t.Errorf("a resource page took %d statements, want at most 6 (list, count, items, themes, elements, departments)", large)
	}

	const nested = `query($first: Int) { departments(first: $first) { nodes { name parent { name }
	  resources(first: 3) { totalCount nodes { code dataItems { name } themeDatabases { code } } } } } }`
	small, large = count(nested, map[string]any{"first": 3}), count(nested, map[string]any{"first": 15})
	if small != large {
		t.Errorf("nested lists: 3 departments took %d statements, 15 took %d; want equal", small, large)
	}
	const themes = `query($first: Int) { themeDatabases(first: $first) { nodes { leadDepartment { name } departments { name }
	  resources(first: 5) { totalCount nodes { code sourceDepartment { name } } } } } }`
	small, large = count(themes, map[string]any{"first": 2}), count(themes, map[string]any{"first": 8})
	if small != large {
		t.Errorf("theme databases: 2 took %d statements, 8 took %d; want equal", small, large)
	}

	// The gates decide per field from rights loaded once per request: one
	// statement, whatever the number of rows and gated fields; the samples
	// are read in one more.
	dept := newAPI(t, storetest.Options{Tracer: counter}).as(auth.Claims{Sub: "staff", Role: domain.RoleDepartment, Department: "11441400007045121H"})
	countAs := func(a *api, query string, vars map[string]any) int64 {
		t.Helper()
		a.do(query, vars)
		counter.n.Store(0)
		for _, e := range a.do(query, vars).Errors {
			if e.code() != "FORBIDDEN" { // refused gated fields are expected
				t.Fatalf("%s: %+v", query, e)
			}
		}
		return counter.n.Load()
	}
	const plain = `query($first: Int) { resources(first: $first) { nodes { code dataItems { name } } } }`
	const gated = `query($first: Int) { resources(first: $first) { nodes { code dataItems { name }
	  viewerAccess { share open canRequest } shareAccess { endpoint items { name } } openAccess { apiUrl }
	  sample { fields { value } } contactPhone } } }`
	base := countAs(dept, plain, map[string]any{"first": 50})
	small, large = countAs(dept, gated, map[string]any{"first": 5}), countAs(dept, gated, map[string]any{"first": 50})
	if small != large || large > base+2 {
		t.Errorf("gated fields: 5 rows took %d statements, 50 took %d, ungated %d; want equal and at most two more (the viewer's rights, the samples)", small, large, base)
	}
}

// Lists of share requests and grants, with what a dashboard shows of
// each, cost the same statements for 2 rows as for 8.
func TestRequestListsDependOnDepthNotRows(t *testing.T) {
	counter := &statementCounter{}
	a := newAPI(t, storetest.Options{Tracer: counter})
	dept := a.as(gaj)
	u := findEntry(t, a, "UNCONDITIONAL", "QUERY", 1)
	for i := 0; i < 8; i++ {
		dept.request(t, submitRequest, map[string]any{"in": requestInput(u, "QUERY", u.DataItems[0].ID)})
	}
	auth := a.as(authority)
	count := func(query string, first int) int64 {
		t.Helper()
		var out map[string]any
		auth.query(query, map[string]any{"first": first}, &out)
		counter.n.Store(0)
		auth.query(query, map[string]any{"first": first}, &out)
		return counter.n.Load()
	}
	const requests = `query($first: Int) { shareRequests(first: $first) { totalCount nodes { id status
	  requester { name } source { name } items { name } resource { code sourceDepartment { name } }
	  deadline { dueDate workingDaysLeft } approved { items { name } } grant { status items { name } usageReports { period } missingUsageReports } } } }`
	if small, large := count(requests, 2), count(requests, 8); small != large {
		t.Errorf("share requests: 2 took %d statements, 8 took %d; want equal", small, large)
	}
	const grants = `query($first: Int) { grants(first: $first) { totalCount nodes { id status department { name }
	  items { name } resource { code } request { status requester { name } } usageReports { period } } } }`
	if small, large := count(grants, 2), count(grants, 8); small != large {
		t.Errorf("grants: 2 took %d statements, 8 took %d; want equal", small, large)
	}
}
