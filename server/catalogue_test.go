package server_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/citydata/catalogue/demo"
	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/store/storetest"
)

// publicCodes is what the open catalogue lists, computed from the demo data
// by the rule (published, open type not NONE), sorted by code.
func publicCodes(keep func(demo.Resource) bool) []string {
	var codes []string
	for _, r := range demo.Catalogue.Resources {
		if r.Status == domain.StatusPublished && r.OpenType != domain.OpenNone && (keep == nil || keep(r)) {
			codes = append(codes, r.Code)
		}
	}
	slices.Sort(codes)
	return codes
}

type resourcePage struct {
	Resources struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage     bool
			HasPreviousPage bool
			EndCursor       *string
		}
		Edges []struct {
			Cursor string
			Node   struct {
				ID               string
				Code             string
				Name             string
				Summary          string
				ShareType        string
				OpenType         string
				Status           string
				SourceDepartment struct{ ID, Name, CreditCode string }
				DataItems        []struct{ Name, DataType string }
				ThemeDatabases   []struct{ Code, Kind string }
			}
		}
	}
}

const listQuery = `query($first: Int, $after: String, $filter: ResourceFilter, $orderBy: ResourceOrder) {
  resources(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node {
      id code name summary shareType openType status
      sourceDepartment { id name creditCode }
      dataItems { name dataType }
      themeDatabases { code kind }
    } }
  }
}`

func codesOf(p resourcePage) []string {
	var codes []string
	for _, e := range p.Resources.Edges {
		codes = append(codes, e.Node.Code)
	}
	return codes
}

func TestListResourcesWithNestedFields(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	var p resourcePage
	a.query(listQuery, map[string]any{"first": 20}, &p)

	want := publicCodes(nil)
	if p.Resources.TotalCount != len(want) {
		t.Errorf("totalCount = %d, want %d", p.Resources.TotalCount, len(want))
	}
	if got := codesOf(p); !slices.Equal(got, want[:20]) {
		t.Errorf("first page codes = %v\nwant %v", got, want[:20])
	}
	if !p.Resources.PageInfo.HasNextPage || p.Resources.PageInfo.HasPreviousPage {
		t.Errorf("pageInfo = %+v, want next and no previous", p.Resources.PageInfo)
	}
	byCode := map[string]demo.Resource{}
	for _, r := range demo.Catalogue.Resources {
		byCode[r.Code] = r
	}
	deptName := map[string]string{}
	for _, d := range demo.Catalogue.Departments {
		deptName[d.Key] = d.Name
	}
	for _, e := range p.Resources.Edges {
		n := e.Node
		d := byCode[n.Code]
		if n.Name != d.Name || n.ShareType != string(d.ShareType) || n.OpenType != string(d.OpenType) {
			t.Errorf("%s: got %s/%s/%s, want %s/%s/%s", n.Code, n.Name, n.ShareType, n.OpenType, d.Name, d.ShareType, d.OpenType)
		}
		if n.SourceDepartment.Name != deptName[d.Source] {
			t.Errorf("%s: source department %q, want %q", n.Code, n.SourceDepartment.Name, deptName[d.Source])
		}
		if len(n.DataItems) != len(d.Items) || (len(d.Items) > 0 && n.DataItems[0].Name != d.Items[0].Name) {
			t.Errorf("%s: data items %v, want %d items starting %q", n.Code, n.DataItems, len(d.Items), d.Items[0].Name)
		}
		wantThemes := 0
		for _, th := range demo.Catalogue.Themes {
			if slices.Contains(th.Resources, n.Code) {
				wantThemes++
			}
		}
		if len(n.ThemeDatabases) != wantThemes {
			t.Errorf("%s: %d theme databases, want %d", n.Code, len(n.ThemeDatabases), wantThemes)
		}
	}
}

func TestPaginationWalksEveryRowOnce(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	for _, order := range []struct {
		name    string
		orderBy map[string]any
		sorted  func([]string) []string
	}{
		{"code", nil, func(s []string) []string { return s }},
		{"code desc", map[string]any{"field": "CODE", "direction": "DESC"}, func(s []string) []string {
			s = slices.Clone(s)
			slices.Reverse(s)
			return s
		}},
		{"name", map[string]any{"field": "NAME"}, nil},
		{"published", map[string]any{"field": "PUBLISHED_AT", "direction": "DESC"}, nil},
	} {
		t.Run(order.name, func(t *testing.T) {
			var got []string
			var after any
			for pages := 0; ; pages++ {
				if pages > 50 {
					t.Fatal("pagination does not end")
				}
				var p resourcePage
				a.query(listQuery, map[string]any{"first": 7, "after": after, "orderBy": order.orderBy}, &p)
				got = append(got, codesOf(p)...)
				if !p.Resources.PageInfo.HasNextPage {
					break
				}
				after = *p.Resources.PageInfo.EndCursor
			}
			want := publicCodes(nil)
			if order.sorted != nil {
				if w := order.sorted(want); !slices.Equal(got, w) {
					t.Fatalf("walked %v\nwant %v", got, w)
				}
			}
			sortedGot := slices.Clone(got)
			slices.Sort(sortedGot)
			if !slices.Equal(sortedGot, want) {
				t.Fatalf("walked %d rows %v, want each of %d rows once", len(got), got, len(want))
			}
		})
	}
}

func TestSearchFindsChineseSubstrings(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	for _, q := range []string{"户籍", "登记", "气象", "户", "不存在的词语"} {
		t.Run(q, func(t *testing.T) {
			var p resourcePage
			a.query(listQuery, map[string]any{"first": 100, "filter": map[string]any{"search": q}}, &p)
			want := publicCodes(func(r demo.Resource) bool {
				return strings.Contains(r.Name+" "+r.Summary, q)
			})
			if got := codesOf(p); !slices.Equal(got, want) {
				t.Errorf("search %q found %v, want %v", q, got, want)
			}
			if p.Resources.TotalCount != len(want) {
				t.Errorf("search %q: totalCount %d, want %d", q, p.Resources.TotalCount, len(want))
			}
		})
	}
	var p resourcePage
	a.query(listQuery, map[string]any{"first": 100, "filter": map[string]any{"search": "户籍"}}, &p)
	found := false
	for _, e := range p.Resources.Edges {
		found = found || e.Node.Name == "户籍登记数据"
	}
	if !found {
		t.Errorf("户籍 does not find 户籍登记数据: %v", codesOf(p))
	}
}

func TestFilters(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	var depts struct {
		Departments struct {
			Nodes []struct{ ID, CreditCode string }
		}
	}
	a.query(`{ departments(first: 100) { nodes { id creditCode } } }`, nil, &depts)
	deptKey := map[string]string{}
	for _, d := range demo.Catalogue.Departments {
		deptKey[d.CreditCode] = d.Key
	}
	var themes struct {
		ThemeDatabases struct{ Nodes []struct{ ID, Code string } }
	}
	a.query(`{ themeDatabases(first: 100) { nodes { id code } } }`, nil, &themes)
	theme := demo.Catalogue.Themes[0]

	tests := []struct {
		name   string
		filter map[string]any
		keep   func(demo.Resource) bool
	}{
		{"share type", map[string]any{"shareType": "CONDITIONAL"}, func(r demo.Resource) bool { return r.ShareType == domain.ShareConditional }},
		{"open type", map[string]any{"openType": "UNCONDITIONAL"}, func(r demo.Resource) bool { return r.OpenType == domain.OpenUnconditional }},
		{"update frequency", map[string]any{"updateFrequency": "DAILY"}, func(r demo.Resource) bool { return r.Frequency == domain.FreqDaily }},
		{"status draft is invisible to the public", map[string]any{"status": "DRAFT"}, func(r demo.Resource) bool { return false }},
		{"source department", map[string]any{"sourceDepartmentId": depts.Departments.Nodes[0].ID}, func(r demo.Resource) bool {
			return r.Source == deptKey[depts.Departments.Nodes[0].CreditCode]
		}},
		{"theme database", map[string]any{"themeDatabaseId": themeID(themes.ThemeDatabases.Nodes, theme.Code)}, func(r demo.Resource) bool {
			return slices.Contains(theme.Resources, r.Code)
		}},
		{"combined", map[string]any{"shareType": "UNCONDITIONAL", "openType": "UNCONDITIONAL", "search": "数据"}, func(r demo.Resource) bool {
			return r.ShareType == domain.ShareUnconditional && r.OpenType == domain.OpenUnconditional && strings.Contains(r.Name+" "+r.Summary, "数据")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p resourcePage
			a.query(listQuery, map[string]any{"first": 100, "filter": tt.filter}, &p)
			want := publicCodes(tt.keep)
			if got := codesOf(p); !slices.Equal(got, want) {
				t.Errorf("filter %v: got %v\nwant %v", tt.filter, got, want)
			}
			if p.Resources.TotalCount != len(want) {
				t.Errorf("filter %v: totalCount %d, want %d", tt.filter, p.Resources.TotalCount, len(want))
			}
		})
	}
}

func themeID(nodes []struct{ ID, Code string }, code string) string {
	for _, n := range nodes {
		if n.Code == code {
			return n.ID
		}
	}
	return ""
}
