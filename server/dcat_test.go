package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/piprate/json-gold/ld"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store/storetest"
)

const (
	dcatNS  = "http://www.w3.org/ns/dcat#"
	dctNS   = "http://purl.org/dc/terms/"
	foafNS  = "http://xmlns.com/foaf/0.1/"
	vcardNS = "http://www.w3.org/2006/vcard/ns#"
	skosNS  = "http://www.w3.org/2004/02/skos/core#"
	hydraNS = "http://www.w3.org/ns/hydra/core#"
	rdfType = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	xsdNS   = "http://www.w3.org/2001/XMLSchema#"
)

// httpResult is a plain HTTP response of the handler.
type httpResult struct {
	status int
	header http.Header
	body   string
}

// getAs sends GET path with accept (none when "") and a's token.
func (a *api) getAs(path, accept string) httpResult {
	a.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	return httpResult{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

// rdfGraph is an expanded document: subject → predicate → objects.
type rdfGraph map[string]map[string][]ld.Node

// expand reads a JSON-LD document with a JSON-LD processor (json-gold).
func expand(t *testing.T, doc string) rdfGraph {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, doc)
	}
	out, err := ld.NewJsonLdProcessor().ToRDF(v, ld.NewJsonLdOptions(""))
	if err != nil {
		t.Fatalf("json-gold: %v", err)
	}
	g := rdfGraph{}
	for _, q := range out.(*ld.RDFDataset).Graphs["@default"] {
		s := q.Subject.GetValue()
		if g[s] == nil {
			g[s] = map[string][]ld.Node{}
		}
		g[s][q.Predicate.GetValue()] = append(g[s][q.Predicate.GetValue()], q.Object)
	}
	return g
}

func (g rdfGraph) has(s, typ string) bool {
	for _, o := range g[s][rdfType] {
		if o.GetValue() == typ {
			return true
		}
	}
	return false
}

func (g rdfGraph) ofType(typ string) []string {
	var out []string
	for s := range g {
		if g.has(s, typ) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// one returns the single object of s p, failing when there is not one.
func (g rdfGraph) one(t *testing.T, s, p string) ld.Node {
	t.Helper()
	os := g[s][p]
	if len(os) != 1 {
		t.Fatalf("%s has %d %s, want 1", s, len(os), p)
	}
	return os[0]
}

func (g rdfGraph) values(s, p string) []string {
	var out []string
	for _, o := range g[s][p] {
		out = append(out, o.GetValue())
	}
	return out
}

func literalOf(t *testing.T, n ld.Node, datatype string) string {
	t.Helper()
	l, ok := n.(ld.Literal)
	if !ok {
		t.Fatalf("%v is not a literal", n)
	}
	if datatype != "" && l.Datatype != datatype {
		t.Fatalf("%q has datatype %s, want %s", l.Value, l.Datatype, datatype)
	}
	return l.Value
}

// harvest walks the catalogue from path by hydra:next, as a harvester
// does, and returns each page's expanded graph.
func harvest(t *testing.T, a *api, path string) []rdfGraph {
	t.Helper()
	var pages []rdfGraph
	for seen := map[string]bool{}; path != ""; {
		if seen[path] || len(pages) > 50 {
			t.Fatalf("paging loops at %s", path)
		}
		seen[path] = true
		res := a.getAs(path, "")
		if res.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, res.status, res.body)
		}
		if ct := res.header.Get("Content-Type"); ct != "application/ld+json" {
			t.Fatalf("GET %s: Content-Type %q", path, ct)
		}
		g := expand(t, res.body)
		pages = append(pages, g)
		views := g.ofType(hydraNS + "PartialCollectionView")
		if len(views) != 1 {
			t.Fatalf("page %s has %d hydra:PartialCollectionView", path, len(views))
		}
		path = ""
		if next := g.values(views[0], hydraNS+"next"); len(next) == 1 {
			u, err := url.Parse(next[0])
			if err != nil {
				t.Fatal(err)
			}
			path = u.RequestURI()
		}
	}
	return pages
}

var creditCodeRE = regexp.MustCompile(`^[0-9A-HJ-NPQRTUWXY]{18}$`)

// TestDCATCatalogueHarvest walks the demo's open catalogue page by page
// and checks every DCAT-AP 3 property the issue asks for on the catalogue
// and on each dataset, against what the GraphQL API shows the public.
func TestDCATCatalogueHarvest(t *testing.T) {
	a := newAPI(t, storetest.Options{}).public()
	var want struct {
		Resources struct {
			TotalCount int
			Nodes      []struct {
				Code, Name, Summary, Format, OpenType, UpdateFrequency, ContactPerson string
				PublishedAt                                                           *string
				SourceDepartment                                                      struct{ Name, CreditCode string }
				ThemeDatabases                                                        []struct{ Code string }
			}
		}
	}
	a.query(`{ resources(first: 100) { totalCount nodes { code name summary format openType updateFrequency contactPerson publishedAt
		sourceDepartment { name creditCode } themeDatabases { code } } } }`, nil, &want)
	if want.Resources.TotalCount == 0 || want.Resources.TotalCount > 100 {
		t.Fatalf("the public sees %d entries; the test needs 1..100", want.Resources.TotalCount)
	}
	const base = "http://example.com"
	pages := harvest(t, a, "/dcat/catalog?pageSize=20")
	if wantPages := (want.Resources.TotalCount + 19) / 20; len(pages) != wantPages {
		t.Fatalf("%d pages, want %d", len(pages), wantPages)
	}
	var codes []string
	cat := base + "/dcat/catalog"
	for i, g := range pages {
		if !g.has(cat, dcatNS+"Catalog") {
			t.Fatalf("page %d: no dcat:Catalog %s", i+1, cat)
		}
		for _, p := range []string{dctNS + "title", dctNS + "description", dctNS + "publisher"} {
			if len(g[cat][p]) == 0 {
				t.Errorf("catalogue has no %s", p)
			}
		}
		pub := g.one(t, cat, dctNS+"publisher").GetValue()
		if !g.has(pub, foafNS+"Agent") || len(g[pub][foafNS+"name"]) == 0 {
			t.Errorf("catalogue publisher %s is not a named foaf:Agent", pub)
		}
		if total := literalOf(t, g.one(t, cat, hydraNS+"totalItems"), xsdNS+"integer"); total != strconv.Itoa(want.Resources.TotalCount) {
			t.Errorf("hydra:totalItems %s, want %d", total, want.Resources.TotalCount)
		}
		view := g.ofType(hydraNS + "PartialCollectionView")[0]
		if len(g[view][hydraNS+"first"]) != 1 || len(g[view][hydraNS+"last"]) != 1 {
			t.Errorf("page %d: view without first and last", i+1)
		}
		if (i > 0) != (len(g[view][hydraNS+"previous"]) == 1) {
			t.Errorf("page %d: hydra:previous %v", i+1, g[view][hydraNS+"previous"])
		}
		datasets := g.values(cat, dcatNS+"dataset")
		if len(datasets) != len(g.ofType(dcatNS+"Dataset")) {
			t.Errorf("page %d: %d dcat:dataset links but %d datasets", i+1, len(datasets), len(g.ofType(dcatNS+"Dataset")))
		}
		for _, ds := range g.ofType(dcatNS + "Dataset") {
			codes = append(codes, literalOf(t, g.one(t, ds, dctNS+"identifier"), ""))
		}
	}
	var wantCodes []string
	for _, n := range want.Resources.Nodes {
		wantCodes = append(wantCodes, n.Code)
	}
	slices.Sort(codes)
	slices.Sort(wantCodes)
	if !slices.Equal(codes, wantCodes) {
		t.Fatalf("harvested\n%v\nwant the public's entries\n%v", codes, wantCodes)
	}

	// Each dataset, from its own document, against GraphQL.
	for _, n := range want.Resources.Nodes {
		res := a.getAs("/dcat/datasets/"+n.Code, "application/ld+json")
		if res.status != http.StatusOK {
			t.Fatalf("dataset %s: %d %s", n.Code, res.status, res.body)
		}
		g := expand(t, res.body)
		ds := base + "/dcat/datasets/" + n.Code
		if !g.has(ds, dcatNS+"Dataset") {
			t.Fatalf("%s: no dcat:Dataset at its own URI", n.Code)
		}
		if id := literalOf(t, g.one(t, ds, dctNS+"identifier"), ""); id != n.Code {
			t.Errorf("%s: identifier %q", n.Code, id)
		}
		if title := literalOf(t, g.one(t, ds, dctNS+"title"), ""); title != n.Name {
			t.Errorf("%s: title %q, want %q", n.Code, title, n.Name)
		}
		if len(g[ds][dctNS+"description"]) != 1 {
			t.Errorf("%s: no description", n.Code)
		}
		pub := g.one(t, ds, dctNS+"publisher").GetValue()
		if !g.has(pub, foafNS+"Agent") {
			t.Errorf("%s: publisher %s is not a foaf:Agent", n.Code, pub)
		}
		if cc := literalOf(t, g.one(t, pub, dctNS+"identifier"), ""); cc != n.SourceDepartment.CreditCode || !creditCodeRE.MatchString(cc) {
			t.Errorf("%s: publisher identifier %q, want the credit code %s", n.Code, cc, n.SourceDepartment.CreditCode)
		}
		admsID := g.one(t, pub, "http://www.w3.org/ns/adms#identifier").GetValue()
		if got := g.values(admsID, skosNS+"notation"); !slices.Equal(got, []string{n.SourceDepartment.CreditCode}) {
			t.Errorf("%s: adms:identifier notation %v", n.Code, got)
		}
		freq := g.one(t, ds, dctNS+"accrualPeriodicity").GetValue()
		if wantFreq, _ := domain.EUFrequency(domain.UpdateFrequency(n.UpdateFrequency)); freq != wantFreq {
			t.Errorf("%s: accrualPeriodicity %s, want %s", n.Code, freq, wantFreq)
		}
		if n.PublishedAt != nil {
			literalOf(t, g.one(t, ds, dctNS+"issued"), xsdNS+"dateTime")
		}
		literalOf(t, g.one(t, ds, dctNS+"modified"), xsdNS+"dateTime")
		rights := g.one(t, ds, dctNS+"accessRights").GetValue()
		wantRights := map[string]string{"UNCONDITIONAL": "PUBLIC", "CONDITIONAL": "RESTRICTED"}[n.OpenType]
		if rights != domain.EUAccessRightBase+wantRights {
			t.Errorf("%s (open %s): accessRights %s", n.Code, n.OpenType, rights)
		}
		cp := g.one(t, ds, dcatNS+"contactPoint").GetValue()
		if !g.has(cp, vcardNS+"Kind") || len(g[cp][vcardNS+"fn"]) != 1 {
			t.Errorf("%s: contact point %s is not a vcard:Kind with fn", n.Code, cp)
		}
		var themes []string
		for _, th := range g.values(ds, dcatNS+"theme") {
			if !g.has(th, skosNS+"Concept") {
				t.Errorf("%s: theme %s is not a skos:Concept", n.Code, th)
			}
			themes = append(themes, strings.TrimPrefix(th, base+"/dcat/themes/"))
		}
		var wantThemes []string
		for _, th := range n.ThemeDatabases {
			wantThemes = append(wantThemes, th.Code)
		}
		slices.Sort(themes)
		slices.Sort(wantThemes)
		if !slices.Equal(themes, wantThemes) {
			t.Errorf("%s: themes %v, want %v", n.Code, themes, wantThemes)
		}
		dists := g.values(ds, dcatNS+"distribution")
		if (n.Format != "") != (len(dists) == 1) {
			t.Fatalf("%s (format %q): distributions %v", n.Code, n.Format, dists)
		}
		for _, d := range dists {
			au := g.one(t, d, dcatNS+"accessURL").GetValue()
			if n.OpenType == "CONDITIONAL" && au != ds+"/access" {
				t.Errorf("%s: a conditionally open entry's accessURL is %s, want its open-request page", n.Code, au)
			}
			if ft, ok := domain.EUFileType(n.Format); ok {
				if got := g.one(t, d, dctNS+"format").GetValue(); got != ft {
					t.Errorf("%s: format %s, want %s", n.Code, got, ft)
				}
			}
		}
		if n.OpenType == "CONDITIONAL" {
			page := a.getAs("/dcat/datasets/"+n.Code+"/access", "")
			if page.status != http.StatusOK || !strings.Contains(page.body, "submitOpenRequest") {
				t.Errorf("%s: access page %d does not describe the open request:\n%s", n.Code, page.status, page.body)
			}
		}
	}
}

// TestDCATShowsOnlyWhatThePublicMaySee: on the visibility matrix, only
// published entries open UNCONDITIONAL or CONDITIONAL appear, in any page,
// format or document; the others are NOT_FOUND, whatever token is sent; and
// no field the public may not read is written.
func TestDCATShowsOnlyWhatThePublicMaySee(t *testing.T) {
	a := newEmptyAPI(t)
	data := matrixData(t, a.db)
	// Every matrix entry gets a format, so each has a distribution that
	// could carry the OPEN-gated links, and an open-platform API.
	conn, err := pgx.Connect(context.Background(), a.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), `UPDATE resources SET format = 'JSON',
		open_api_url = replace(open_download_url, 'https://open.example/', 'https://api.open.example/') WHERE code LIKE 'MX-%'`); err != nil {
		t.Fatal(err)
	}
	inCatalogue := func(r matrixResource) bool {
		return r.status == domain.StatusPublished && r.open != domain.OpenNone
	}
	var want []string
	for _, r := range data {
		if inCatalogue(r) {
			want = append(want, r.code)
		}
	}
	if len(want) != 6 {
		t.Fatalf("matrix has %d open published entries, want 6", len(want))
	}
	// Strings only gated fields carry: share endpoints (SHARE), the
	// phone, review notes and filing (INTERNAL), the sample (SAMPLE).
	forbidden := []string{"share.example", "0753-0000000", "审核意见", "备案", "441402198507150012"}
	shown := map[string]bool{}
	checkBody := func(what, body string) {
		t.Helper()
		for _, s := range forbidden {
			if strings.Contains(body, s) {
				t.Errorf("%s shows %q, which the public may not see", what, s)
			}
		}
		for _, o := range data {
			if !inCatalogue(o) && strings.Contains(body, o.code+`"`) || !inCatalogue(o) && strings.Contains(body, o.code+">") {
				t.Errorf("%s mentions %s (%s, open %s)", what, o.code, o.status, o.open)
			}
			// OPEN-gated links only for unconditionally open entries.
			n := strings.TrimLeft(strings.TrimPrefix(o.code, "MX-"), "0")
			for _, link := range []string{"https://open.example/" + n, "https://api.open.example/" + n} {
				if strings.Contains(body, link+`"`) || strings.Contains(body, link+">") || strings.Contains(body, link+"<") {
					if o.open != domain.OpenUnconditional || !inCatalogue(o) {
						t.Errorf("%s shows the open platform's link %s of %s (open %s, %s)", what, link, o.code, o.open, o.status)
					}
					if o.open == domain.OpenUnconditional && inCatalogue(o) {
						shown[o.code+" "+link] = true
					}
				}
			}
		}
	}
	for _, viewer := range []*api{a.public(), a.as(authority)} {
		for _, path := range []string{"/dcat/catalog?pageSize=4", "/dcat/catalog.ttl?pageSize=4"} {
			var got []string
			for page := 1; page <= 2; page++ {
				p := strings.Replace(path, "?", "?page="+strconv.Itoa(page)+"&", 1)
				res := viewer.getAs(p, "")
				if res.status != http.StatusOK {
					t.Fatalf("GET %s: %d %s", p, res.status, res.body)
				}
				checkBody(p, res.body)
				for _, c := range want {
					if strings.Contains(res.body, "/dcat/datasets/"+c+`"`) || strings.Contains(res.body, "/dcat/datasets/"+c+">") {
						got = append(got, c)
					}
				}
			}
			if viewer.getAs(strings.Replace(path, "?", "?page=3&", 1), "").status != http.StatusNotFound {
				t.Errorf("%s page 3 of 2 is not NOT_FOUND", path)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s lists %v, want %v", path, got, want)
			}
		}
		for _, r := range data {
			for _, doc := range []string{"/dcat/datasets/" + r.code, "/dcat/datasets/" + r.code + ".ttl", "/dcat/datasets/" + r.code + ".jsonld", "/dcat/datasets/" + r.code + "/access"} {
				res := viewer.getAs(doc, "")
				if !inCatalogue(r) {
					if res.status != http.StatusNotFound || !strings.Contains(res.body, `"NOT_FOUND"`) {
						t.Errorf("%s (%s, open %s): %d %s, want NOT_FOUND", doc, r.status, r.open, res.status, res.body)
					}
					continue
				}
				if res.status != http.StatusOK {
					t.Fatalf("%s: %d %s", doc, res.status, res.body)
				}
				checkBody(doc, res.body)
			}
		}
	}
	// The gate is not closed for everyone: unconditionally open entries do
	// show their download and API (3 share types, each link).
	if len(shown) != 6 {
		t.Errorf("open-platform links shown: %v, want both links of the 3 unconditionally open entries", shown)
	}
}

func TestDCATNegotiationAndErrors(t *testing.T) {
	a := newAPIWith(t, storetest.Options{Demo: true}, server.Config{PublicURL: "https://data.example.gov.cn", Publisher: "梅州市政务服务数据管理局"})
	for _, tc := range []struct {
		path, accept string
		status       int
		contentType  string
	}{
		{"/dcat/catalog", "", 200, "application/ld+json"},
		{"/dcat/catalog", "*/*", 200, "application/ld+json"},
		{"/dcat/catalog", "application/json", 200, "application/ld+json"},
		{"/dcat/catalog", "text/turtle", 200, "text/turtle; charset=utf-8"},
		{"/dcat/catalog", "application/ld+json;q=0.5, text/turtle", 200, "text/turtle; charset=utf-8"},
		{"/dcat/catalog", "text/turtle;q=0.2, application/ld+json", 200, "application/ld+json"},
		{"/dcat/catalog", "text/html", 406, "application/json"},
		{"/dcat/catalog.ttl", "application/ld+json", 200, "text/turtle; charset=utf-8"},
		{"/dcat/catalog.jsonld", "text/turtle", 200, "application/ld+json"},
		{"/dcat/themes.ttl", "", 200, "text/turtle; charset=utf-8"},
		{"/dcat/departments/11441400007045121H.ttl", "", 200, "text/turtle; charset=utf-8"},
		{"/dcat/catalog?page=0", "", 400, "application/json"},
		{"/dcat/catalog?page=x", "", 400, "application/json"},
		{"/dcat/catalog?pageSize=101", "", 400, "application/json"},
		{"/dcat/catalog?page=999", "", 404, "application/json"},
		{"/dcat/datasets/NO-SUCH", "", 404, "application/json"},
		{"/dcat/themes/NO-SUCH", "", 404, "application/json"},
		{"/dcat/departments/NO-SUCH", "", 404, "application/json"},
	} {
		res := a.public().getAs(tc.path, tc.accept)
		if res.status != tc.status || res.header.Get("Content-Type") != tc.contentType {
			t.Errorf("GET %s (Accept %q): %d %s, want %d %s\n%.300s", tc.path, tc.accept, res.status,
				res.header.Get("Content-Type"), tc.status, tc.contentType, res.body)
			continue
		}
		if tc.status >= 400 {
			var body struct {
				Errors []gqlError `json:"errors"`
			}
			if err := json.Unmarshal([]byte(res.body), &body); err != nil || len(body.Errors) != 1 {
				t.Errorf("GET %s: error body %s", tc.path, res.body)
				continue
			}
			wantCode := map[int]string{400: "BAD_USER_INPUT", 404: "NOT_FOUND", 406: "BAD_USER_INPUT"}[tc.status]
			if body.Errors[0].code() != wantCode || body.Errors[0].Message == "" {
				t.Errorf("GET %s: error %+v, want %s", tc.path, body.Errors[0], wantCode)
			}
		}
	}
	if v := a.public().getAs("/dcat/catalog", "").header.Get("Vary"); v != "Accept" {
		t.Errorf("negotiated catalogue: Vary %q", v)
	}

	// CATALOGUE_PUBLIC_URL and CATALOGUE_PUBLISHER.
	g := expand(t, a.public().getAs("/dcat/catalog", "").body)
	cat := "https://data.example.gov.cn/dcat/catalog"
	if !g.has(cat, dcatNS+"Catalog") {
		t.Fatalf("no catalogue at %s", cat)
	}
	pub := g.one(t, cat, dctNS+"publisher").GetValue()
	if got := g.values(pub, foafNS+"name"); !slices.Equal(got, []string{"梅州市政务服务数据管理局"}) {
		t.Errorf("publisher name %v", got)
	}
	for s := range g {
		if !strings.HasPrefix(s, "https://data.example.gov.cn/") {
			t.Errorf("subject %s does not start with the public URL", s)
		}
	}

	// The themes: a concept scheme of every base, theme and special database.
	var themes struct {
		ThemeDatabases struct{ TotalCount int }
	}
	a.public().query(`{ themeDatabases(first: 100) { totalCount } }`, nil, &themes)
	g = expand(t, a.public().getAs("/dcat/themes", "").body)
	scheme := "https://data.example.gov.cn/dcat/themes"
	if !g.has(scheme, skosNS+"ConceptScheme") {
		t.Fatalf("no concept scheme at %s", scheme)
	}
	if n := len(g.values(scheme, skosNS+"hasTopConcept")); n != themes.ThemeDatabases.TotalCount || n == 0 {
		t.Errorf("%d top concepts, want %d", n, themes.ThemeDatabases.TotalCount)
	}
	for _, c := range g.ofType(skosNS + "Concept") {
		if len(g[c][skosNS+"prefLabel"]) != 1 || !slices.Equal(g.values(c, skosNS+"inScheme"), []string{scheme}) {
			t.Errorf("concept %s without a label in the scheme", c)
		}
	}
	g = expand(t, a.public().getAs("/dcat/departments/11441400007045121H", "").body)
	dep := "https://data.example.gov.cn/dcat/departments/11441400007045121H"
	if !g.has(dep, foafNS+"Agent") || !slices.Equal(g.values(dep, dctNS+"identifier"), []string{"11441400007045121H"}) {
		t.Errorf("department document: %v", g[dep])
	}
}

// A catalogue page costs the same statements whatever its size: the page
// with its count, then one batch each for themes and data updates.
func TestDCATStatementsDoNotDependOnPageSize(t *testing.T) {
	counter := &statementCounter{}
	a := newAPI(t, storetest.Options{Tracer: counter}).public()
	count := func(path string) int64 {
		t.Helper()
		before := counter.n.Load()
		if res := a.getAs(path, ""); res.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, res.status, res.body)
		}
		return counter.n.Load() - before
	}
	small, large := count("/dcat/catalog?pageSize=2"), count("/dcat/catalog?pageSize=50")
	t.Logf("statements per page: %d", large)
	if small != large || large > 8 {
		t.Errorf("a page of 2 took %d statements, a page of 50 %d; want the same, at most 8", small, large)
	}
}

// BenchmarkDCATCataloguePage serves one 50-entry page of the demo's open
// catalogue in each format.
func BenchmarkDCATCataloguePage(b *testing.B) {
	a := newAPI(b, storetest.Options{}).public()
	for _, accept := range []string{"application/ld+json", "text/turtle"} {
		b.Run(strings.ReplaceAll(accept, "/", "-"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, "/dcat/catalog?pageSize=50", nil)
				req.Header.Set("Accept", accept)
				rec := httptest.NewRecorder()
				a.handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
				}
			}
		})
	}
}
