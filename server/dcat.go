package server

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/server/rdf"
)

// The open catalogue as DCAT-AP 3 for open-data portals (NY 42): CKAN
// with ckanext-dcat, udata, piveau and data.europa.eu harvest it.
//
//	GET /dcat/catalog[.jsonld|.ttl]?page=N&pageSize=M  dcat:Catalog, Hydra-paged
//	GET /dcat/datasets/{code}[.jsonld|.ttl]            one dcat:Dataset
//	GET /dcat/datasets/{code}/access                   how to obtain it (HTML)
//	GET /dcat/themes[.jsonld|.ttl]                     skos:ConceptScheme of the theme databases
//	GET /dcat/themes/{code}[.jsonld|.ttl]              one skos:Concept
//	GET /dcat/departments/{creditCode}[.jsonld|.ttl]   one foaf:Agent
//
// Whoever asks gets the public's view: no token is read, and a token does
// not widen it.

// Namespaces of the export.
const (
	nsDCAT  = "http://www.w3.org/ns/dcat#"
	nsDCT   = "http://purl.org/dc/terms/"
	nsFOAF  = "http://xmlns.com/foaf/0.1/"
	nsVCard = "http://www.w3.org/2006/vcard/ns#"
	nsSKOS  = "http://www.w3.org/2004/02/skos/core#"
	nsADMS  = "http://www.w3.org/ns/adms#"
	nsHydra = "http://www.w3.org/ns/hydra/core#"
	nsRDFS  = "http://www.w3.org/2000/01/rdf-schema#"
	// euLanguageZHO is Chinese in the EU language vocabulary.
	euLanguageZHO = "http://publications.europa.eu/resource/authority/language/ZHO"
)

const (
	// DCATDefaultPageSize is a catalogue page's size when pageSize is not
	// given; DCATMaxPageSize (domain.MaxPageSize) the largest allowed.
	DCATDefaultPageSize = 50
	DCATMaxPageSize     = domain.MaxPageSize
	// dcatMaxPage bounds the page number: pages are read by offset, so
	// page N reads N×pageSize rows; 2,000 pages of 100 cover 200,000
	// entries.
	dcatMaxPage = 2000
	// defaultPublisher names the catalogue's publisher when
	// CATALOGUE_PUBLISHER is not set.
	defaultPublisher = "公共数据主管部门"
)

const (
	mediaJSONLD = "application/ld+json"
	mediaTurtle = "text/turtle"
)

type dcatExport struct {
	c         domain.Catalogue
	log       *slog.Logger
	clock     func() time.Time
	publicURL string
	publisher string
}

// registerDCAT adds the DCAT-AP routes to mux.
func registerDCAT(mux *http.ServeMux, cfg Config, clock func() time.Time, log *slog.Logger) {
	x := &dcatExport{c: cfg.Catalogue, log: log, clock: clock,
		publicURL: strings.TrimRight(cfg.PublicURL, "/"), publisher: cfg.Publisher}
	if x.publisher == "" {
		x.publisher = defaultPublisher
	}
	mux.HandleFunc("GET /dcat/catalog", x.catalog(""))
	mux.HandleFunc("GET /dcat/catalog.jsonld", x.catalog(mediaJSONLD))
	mux.HandleFunc("GET /dcat/catalog.ttl", x.catalog(mediaTurtle))
	mux.HandleFunc("GET /dcat/datasets/{doc}", x.dataset)
	mux.HandleFunc("GET /dcat/datasets/{code}/access", x.access)
	mux.HandleFunc("GET /dcat/themes", x.themes(""))
	mux.HandleFunc("GET /dcat/themes.jsonld", x.themes(mediaJSONLD))
	mux.HandleFunc("GET /dcat/themes.ttl", x.themes(mediaTurtle))
	mux.HandleFunc("GET /dcat/themes/{doc}", x.theme)
	mux.HandleFunc("GET /dcat/departments/{doc}", x.department)
}

// base is the absolute URL the export's IRIs start with:
// CATALOGUE_PUBLIC_URL, else this request's scheme and Host.
func (x *dcatExport) base(r *http.Request) string {
	if x.publicURL != "" {
		return x.publicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// docFormat splits a path segment into its name and the format its
// suffix asks for ("" when none).
func docFormat(doc string) (name, format string) {
	if n, ok := strings.CutSuffix(doc, ".jsonld"); ok {
		return n, mediaJSONLD
	}
	if n, ok := strings.CutSuffix(doc, ".ttl"); ok {
		return n, mediaTurtle
	}
	return doc, ""
}

// negotiate picks JSON-LD or Turtle from the Accept header (q-values
// honoured; JSON-LD when the header is absent or accepts anything). ok is
// false when the client accepts neither.
func negotiate(r *http.Request) (string, bool) {
	accept := r.Header.Get("Accept")
	if strings.TrimSpace(accept) == "" {
		return mediaJSONLD, true
	}
	best, bestQ := "", 0.0
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				q = v
			}
		}
		var offer string
		switch mt {
		case mediaJSONLD, "application/json", "*/*", "application/*":
			offer = mediaJSONLD
		case mediaTurtle, "application/x-turtle", "text/*":
			offer = mediaTurtle
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = offer, q
		}
	}
	return best, best != ""
}

// write sends g in format, or negotiates one when format is "".
func (x *dcatExport) write(w http.ResponseWriter, r *http.Request, format string, g *rdf.Graph) {
	if format == "" {
		w.Header().Add("Vary", "Accept")
		var ok bool
		if format, ok = negotiate(r); !ok {
			writeJSONError(w, http.StatusNotAcceptable, domain.EInvalid,
				"the catalogue is served as application/ld+json or text/turtle: accept one of them, or add .jsonld or .ttl to the path")
			return
		}
	}
	h := w.Header()
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("Access-Control-Allow-Origin", "*")
	var err error
	switch format {
	case mediaTurtle:
		h.Set("Content-Type", mediaTurtle+"; charset=utf-8")
		err = g.WriteTurtle(w)
	default:
		h.Set("Content-Type", mediaJSONLD)
		err = g.WriteJSONLD(w)
	}
	if err != nil {
		x.log.WarnContext(r.Context(), "dcat: response not written", "path", r.URL.Path, "err", err)
	}
}

// fail answers a JSON error with extensions.code; internal errors are
// logged and reach the client as "internal error".
func (x *dcatExport) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch code := domain.ErrorCode(err); code {
	case domain.EInvalid:
		writeJSONError(w, http.StatusBadRequest, code, domain.ErrorMessage(err))
	case domain.ENotFound:
		writeJSONError(w, http.StatusNotFound, code, domain.ErrorMessage(err))
	default:
		if writeUnavailable(w, r, x.c, x.log, "dcat export", err) {
			return
		}
		x.log.ErrorContext(r.Context(), "dcat export", "path", r.URL.Path, "err", err)
		writeJSONError(w, http.StatusInternalServerError, domain.EInternal, "internal error")
	}
}

// pageParams reads page and pageSize.
func pageParams(q url.Values) (page, size int, err error) {
	page, size = 1, DCATDefaultPageSize
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > dcatMaxPage {
			return 0, 0, domain.Errorf(domain.EInvalid, "page must be a whole number from 1 to %d, not %q", dcatMaxPage, s)
		}
		page = n
	}
	if s := q.Get("pageSize"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > DCATMaxPageSize {
			return 0, 0, domain.Errorf(domain.EInvalid, "pageSize must be a whole number from 1 to %d, not %q", DCATMaxPageSize, s)
		}
		size = n
	}
	return page, size, nil
}

// openScope is the rows the export may show: the public's (published, open
// type not NONE), the same scope the GraphQL API gives a request without a
// token.
func openScope() domain.ResourceScope {
	// SECURITY: the export is the public's view whoever asks (NY 42, NY 44).
	return domain.ResourceScopeFor(domain.Public)
}

func (x *dcatExport) catalog(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		page, size, err := pageParams(r.URL.Query())
		if err != nil {
			x.fail(w, r, err)
			return
		}
		rows, total, err := x.c.ResourcesAt(ctx, openScope(), domain.ResourceCriteria{}, (page-1)*size, size)
		if err != nil {
			x.fail(w, r, err)
			return
		}
		last := max(1, (total+size-1)/size)
		if page > last {
			x.fail(w, r, domain.Errorf(domain.ENotFound, "page %d is past the last page of the catalogue, %d (%d entries, %d a page)", page, last, total, size))
			return
		}
		base := x.base(r)
		g := newGraph()
		cat := x.describeCatalog(g, base)
		ds, err := x.describeDatasets(ctx, g, base, rows)
		if err != nil {
			x.fail(w, r, err)
			return
		}
		for _, d := range ds {
			g.Add(cat, iri(nsDCAT+"dataset"), d)
		}
		// Hydra paging (ckanext-dcat, udata and piveau follow hydra:next):
		// the catalogue is the collection; this page its view.
		doc := base + "/dcat/catalog" + map[string]string{"": "", mediaJSONLD: ".jsonld", mediaTurtle: ".ttl"}[format]
		pageIRI := func(n int) rdf.Term {
			v := url.Values{"page": {strconv.Itoa(n)}}
			if size != DCATDefaultPageSize {
				v.Set("pageSize", strconv.Itoa(size))
			}
			return iri(doc + "?" + v.Encode())
		}
		totalItems := rdf.Typed(strconv.Itoa(total), rdf.XSD+"integer")
		view := pageIRI(page)
		g.Add(cat, iri(rdf.Type), iri(nsHydra+"Collection"))
		g.Add(cat, iri(nsHydra+"totalItems"), totalItems)
		g.Add(cat, iri(nsHydra+"view"), view)
		g.Add(view, iri(rdf.Type), iri(nsHydra+"PartialCollectionView"))
		g.Add(view, iri(nsHydra+"first"), pageIRI(1))
		g.Add(view, iri(nsHydra+"last"), pageIRI(last))
		if page > 1 {
			g.Add(view, iri(nsHydra+"previous"), pageIRI(page-1))
		}
		if page < last {
			g.Add(view, iri(nsHydra+"next"), pageIRI(page+1))
		}
		// ckanext-dcat reads the counts from the view.
		g.Add(view, iri(nsHydra+"totalItems"), totalItems)
		g.Add(view, iri(nsHydra+"itemsPerPage"), rdf.Typed(strconv.Itoa(size), rdf.XSD+"integer"))
		x.write(w, r, format, g)
	}
}

func (x *dcatExport) dataset(w http.ResponseWriter, r *http.Request) {
	code, format := docFormat(r.PathValue("doc"))
	res, err := x.openEntry(r.Context(), code)
	if err != nil {
		x.fail(w, r, err)
		return
	}
	g := newGraph()
	base := x.base(r)
	ds, err := x.describeDatasets(r.Context(), g, base, []*domain.Resource{res})
	if err != nil {
		x.fail(w, r, err)
		return
	}
	g.Add(iri(base+"/dcat/catalog"), iri(nsDCAT+"dataset"), ds[0])
	x.write(w, r, format, g)
}

// openEntry is the entry of the open catalogue with code, or NOT_FOUND
// for one the public may not know exists.
func (x *dcatExport) openEntry(ctx context.Context, code string) (*domain.Resource, error) {
	m, err := x.c.ResourcesByCode(ctx, openScope(), []string{code})
	if err != nil {
		return nil, err
	}
	res := m[code]
	// SECURITY: InOpenCatalogue restates the scope for the row loaded; a
	// draft, a retired entry or one not to be opened is not found.
	if res == nil || !domain.InOpenCatalogue(res) {
		return nil, domain.Errorf(domain.ENotFound, "no entry %q in the open catalogue; the catalogue lists them at /dcat/catalog", code)
	}
	return res, nil
}

func newGraph() *rdf.Graph {
	g := &rdf.Graph{}
	for _, p := range [][2]string{
		{"dcat", nsDCAT}, {"dct", nsDCT}, {"foaf", nsFOAF}, {"vcard", nsVCard}, {"skos", nsSKOS},
		{"adms", nsADMS}, {"hydra", nsHydra}, {"rdfs", nsRDFS}, {"xsd", rdf.XSD},
	} {
		g.Prefix(p[0], p[1])
	}
	return g
}

func iri(s string) rdf.Term { return rdf.IRI(s) }
func zh(s string) rdf.Term  { return rdf.Lang(s, "zh") }
func dateTime(t time.Time) rdf.Term {
	return rdf.Typed(t.UTC().Format(time.RFC3339), rdf.XSD+"dateTime")
}

// describeCatalog adds the dcat:Catalog with its publisher.
func (x *dcatExport) describeCatalog(g *rdf.Graph, base string) rdf.Term {
	cat := iri(base + "/dcat/catalog")
	pub := iri(base + "/dcat/catalog#publisher")
	g.Add(cat, iri(rdf.Type), iri(nsDCAT+"Catalog"))
	g.Add(cat, iri(nsDCT+"title"), zh("公共数据开放目录"))
	g.Add(cat, iri(nsDCT+"title"), rdf.Lang("Open public data catalogue", "en"))
	g.Add(cat, iri(nsDCT+"description"), zh(x.publisher+"发布的公共数据开放目录：已发布的无条件开放和有条件开放数据资源（NY 42）。有条件开放的数据须申请（NY 46）。"))
	g.Add(cat, iri(nsDCT+"description"), rdf.Lang("The open catalogue published by "+x.publisher+
		" (NY 42): published entries open unconditionally or on request (NY 46).", "en"))
	g.Add(cat, iri(nsDCT+"publisher"), pub)
	g.Add(cat, iri(nsDCT+"language"), iri(euLanguageZHO))
	g.Add(cat, iri(nsFOAF+"homepage"), iri(base+"/"))
	g.Add(cat, iri(nsDCAT+"themeTaxonomy"), iri(base+"/dcat/themes"))
	g.Add(pub, iri(rdf.Type), iri(nsFOAF+"Agent"))
	g.Add(pub, iri(nsFOAF+"name"), zh(x.publisher))
	return cat
}

// describeDatasets adds a dcat:Dataset for each entry, with its publisher,
// themes, contact point and distribution, and returns their IRIs in order.
// Only what the public may read of an entry is written: fields gated
// OPEN only where domain.AccessTo opens that gate for the public, and
// nothing gated SHARE, SAMPLE or INTERNAL.
func (x *dcatExport) describeDatasets(ctx context.Context, g *rdf.Graph, base string, rows []*domain.Resource) ([]rdf.Term, error) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	themes, err := x.c.ThemeDatabasesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	updates, err := x.c.LastDataUpdatesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	now := x.clock()
	out := make([]rdf.Term, 0, len(rows))
	for _, r := range rows {
		if !domain.InOpenCatalogue(r) {
			// The scope already keeps these out; never write one.
			return nil, fmt.Errorf("dcat: entry %d (%s, %s) outside the open catalogue reached the export", r.ID, r.Status, r.OpenType)
		}
		// SECURITY: the public's gates for this entry, as the GraphQL API
		// decides them for a request without a token.
		access := domain.AccessTo(domain.Public, r, domain.Rights{}, now)
		dsURL := base + "/dcat/datasets/" + url.PathEscape(r.Code)
		ds := iri(dsURL)
		accessPage := iri(dsURL + "/access")
		g.Add(ds, iri(rdf.Type), iri(nsDCAT+"Dataset"))
		g.Add(ds, iri(nsDCT+"identifier"), rdf.String(r.Code))
		g.Add(ds, iri(nsDCT+"title"), zh(r.Name))
		desc := r.Summary
		if strings.TrimSpace(desc) == "" {
			desc = r.Name
		}
		g.Add(ds, iri(nsDCT+"description"), zh(desc))
		for _, k := range strings.FieldsFunc(r.Classification, func(c rune) bool { return c == '/' || c == '／' }) {
			if k = strings.TrimSpace(k); k != "" {
				g.Add(ds, iri(nsDCAT+"keyword"), zh(k))
			}
		}
		g.Add(ds, iri(nsDCT+"language"), iri(euLanguageZHO))
		if d := r.SourceDepartment; d != nil {
			g.Add(ds, iri(nsDCT+"publisher"), x.describeDepartment(g, base, d))
		}
		for _, t := range themes[r.ID] {
			g.Add(ds, iri(nsDCAT+"theme"), describeTheme(g, base, t))
		}
		if f, ok := domain.EUFrequency(r.UpdateFrequency); ok {
			g.Add(ds, iri(nsDCT+"accrualPeriodicity"), iri(f))
		}
		if r.PublishedAt != nil {
			g.Add(ds, iri(nsDCT+"issued"), dateTime(*r.PublishedAt))
		}
		modified := r.UpdatedAt
		if u := updates[r.ID]; u != nil && u.At.After(modified) {
			modified = u.At
		}
		g.Add(ds, iri(nsDCT+"modified"), dateTime(modified))
		if ar, ok := domain.EUAccessRight(r.OpenType); ok {
			g.Add(ds, iri(nsDCT+"accessRights"), iri(ar))
		}
		rights := iri(dsURL + "#rights")
		g.Add(rights, iri(rdf.Type), iri(nsDCT+"RightsStatement"))
		g.Add(rights, iri(nsRDFS+"label"), zh(rightsText(r)))
		g.Add(ds, iri(nsDCT+"rights"), rights)
		g.Add(ds, iri(nsDCAT+"landingPage"), accessPage)
		g.Add(accessPage, iri(rdf.Type), iri(nsFOAF+"Document"))

		contact := iri(dsURL + "#contact")
		g.Add(ds, iri(nsDCAT+"contactPoint"), contact)
		g.Add(contact, iri(rdf.Type), iri(nsVCard+"Kind"))
		fn := r.ContactPerson // public; the phone is internal and never written
		if fn == "" && r.SourceDepartment != nil {
			fn = r.SourceDepartment.Name
		}
		if fn != "" {
			g.Add(contact, iri(nsVCard+"fn"), zh(fn))
		}
		if r.SourceDepartment != nil {
			g.Add(contact, iri(nsVCard+"organization-name"), zh(r.SourceDepartment.Name))
		}
		g.Add(contact, iri(nsVCard+"hasURL"), accessPage)

		if strings.TrimSpace(r.Format) != "" {
			dist := iri(dsURL + "#distribution")
			g.Add(ds, iri(nsDCAT+"distribution"), dist)
			g.Add(dist, iri(rdf.Type), iri(nsDCAT+"Distribution"))
			g.Add(dist, iri(nsDCT+"title"), zh(r.Name+"（"+r.Format+"）"))
			if ft, ok := domain.EUFileType(r.Format); ok {
				g.Add(dist, iri(nsDCT+"format"), iri(ft))
			}
			g.Add(dist, iri(nsDCT+"rights"), rights)
			// SECURITY: the open platform's download and API are gated
			// OPEN: only where the public's gate is open (unconditionally
			// open data, NY 46). Conditional entries point to how to apply.
			accessURL := accessPage
			if access.Allows(domain.GateOpen) {
				if u := httpURL(r.OpenAPIURL); u != "" {
					accessURL = iri(u)
				} else if u := httpURL(r.OpenDownloadURL); u != "" {
					accessURL = iri(u)
				}
				if u := httpURL(r.OpenDownloadURL); u != "" {
					g.Add(dist, iri(nsDCAT+"downloadURL"), iri(u))
				}
			}
			g.Add(dist, iri(nsDCAT+"accessURL"), accessURL)
		}
		out = append(out, ds)
	}
	return out, nil
}

// httpURL returns s when it is an absolute http(s) URL that is a valid
// IRI, else "" (a malformed link is left out rather than written broken).
func httpURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// rightsText states the open type, its conditions and basis, and how to
// obtain the data, in one sentence.
func rightsText(r *domain.Resource) string {
	var b strings.Builder
	switch r.OpenType {
	case domain.OpenUnconditional:
		b.WriteString("无条件开放（NY 46）：任何人经身份认证后可获取")
	case domain.OpenConditional:
		b.WriteString("有条件开放（NY 46）：须提交开放申请（submitOpenRequest），说明用途和范围，经数源部门同意后获取")
	}
	if c := strings.TrimSpace(r.OpenConditions); c != "" {
		b.WriteString("；开放条件：" + c)
	}
	if l := strings.TrimSpace(r.LegalBasis); l != "" && r.OpenType == domain.OpenConditional {
		b.WriteString("；依据：" + l)
	}
	return b.String()
}

// describeDepartment adds a department as a foaf:Agent identified by its
// unified social credit code.
func (x *dcatExport) describeDepartment(g *rdf.Graph, base string, d *domain.Department) rdf.Term {
	a := iri(base + "/dcat/departments/" + url.PathEscape(d.CreditCode))
	id := iri(base + "/dcat/departments/" + url.PathEscape(d.CreditCode) + "#identifier")
	g.Add(a, iri(rdf.Type), iri(nsFOAF+"Agent"))
	g.Add(a, iri(rdf.Type), iri(nsFOAF+"Organization"))
	g.Add(a, iri(nsFOAF+"name"), zh(d.Name))
	g.Add(a, iri(nsDCT+"identifier"), rdf.String(d.CreditCode))
	g.Add(a, iri(nsADMS+"identifier"), id)
	g.Add(id, iri(rdf.Type), iri(nsADMS+"Identifier"))
	g.Add(id, iri(nsSKOS+"notation"), rdf.String(d.CreditCode))
	g.Add(id, iri(nsADMS+"schemaAgency"), zh("统一社会信用代码（GB 32100-2015）"))
	return a
}

var themeKindLabel = map[domain.ThemeKind]string{
	domain.KindBase: "基础数据库", domain.KindTheme: "主题数据库", domain.KindSpecial: "专题数据库",
}

// describeTheme adds a theme database as a skos:Concept of the scheme at
// /dcat/themes.
func describeTheme(g *rdf.Graph, base string, t *domain.ThemeDatabase) rdf.Term {
	scheme := iri(base + "/dcat/themes")
	c := iri(base + "/dcat/themes/" + url.PathEscape(t.Code))
	g.Add(c, iri(rdf.Type), iri(nsSKOS+"Concept"))
	g.Add(c, iri(nsSKOS+"prefLabel"), zh(t.Name))
	g.Add(c, iri(nsSKOS+"notation"), rdf.String(t.Code))
	g.Add(c, iri(nsSKOS+"inScheme"), scheme)
	if k := themeKindLabel[t.Kind]; k != "" {
		g.Add(c, iri(nsSKOS+"scopeNote"), zh(k))
	}
	return c
}

// allThemes reads every theme database, by code.
func (x *dcatExport) allThemes(ctx context.Context) ([]*domain.ThemeDatabase, error) {
	var all []*domain.ThemeDatabase
	p := domain.PageArgs{First: domain.MaxPageSize}
	for {
		pg, err := x.c.ThemeDatabases(ctx, domain.ThemeDatabaseCriteria{}, p)
		if err != nil {
			return nil, err
		}
		all = append(all, pg.Nodes...)
		if !pg.HasNextPage || len(pg.Nodes) == 0 {
			return all, nil
		}
		p.After = pg.EndCursor()
	}
}

// describeScheme adds the concept scheme of the theme databases.
func describeScheme(g *rdf.Graph, base string) rdf.Term {
	s := iri(base + "/dcat/themes")
	g.Add(s, iri(rdf.Type), iri(nsSKOS+"ConceptScheme"))
	g.Add(s, iri(nsDCT+"title"), zh("基础数据库、主题数据库和专题数据库（MZ 14, NY 30）"))
	g.Add(s, iri(nsDCT+"title"), rdf.Lang("Base, theme and special-subject databases", "en"))
	return s
}

func (x *dcatExport) themes(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		all, err := x.allThemes(r.Context())
		if err != nil {
			x.fail(w, r, err)
			return
		}
		base := x.base(r)
		g := newGraph()
		s := describeScheme(g, base)
		for _, t := range all {
			c := describeTheme(g, base, t)
			g.Add(s, iri(nsSKOS+"hasTopConcept"), c)
			g.Add(c, iri(nsSKOS+"topConceptOf"), s)
			if d := strings.TrimSpace(t.Description); d != "" {
				g.Add(c, iri(nsSKOS+"definition"), zh(d))
			}
		}
		x.write(w, r, format, g)
	}
}

func (x *dcatExport) theme(w http.ResponseWriter, r *http.Request) {
	code, format := docFormat(r.PathValue("doc"))
	all, err := x.allThemes(r.Context())
	if err != nil {
		x.fail(w, r, err)
		return
	}
	i := slices.IndexFunc(all, func(t *domain.ThemeDatabase) bool { return t.Code == code })
	if i < 0 {
		x.fail(w, r, domain.Errorf(domain.ENotFound, "no theme database %q; they are listed at /dcat/themes", code))
		return
	}
	base := x.base(r)
	g := newGraph()
	s := describeScheme(g, base)
	c := describeTheme(g, base, all[i])
	g.Add(c, iri(nsSKOS+"topConceptOf"), s)
	if d := strings.TrimSpace(all[i].Description); d != "" {
		g.Add(c, iri(nsSKOS+"definition"), zh(d))
	}
	x.write(w, r, format, g)
}

func (x *dcatExport) department(w http.ResponseWriter, r *http.Request) {
	code, format := docFormat(r.PathValue("doc"))
	m, err := x.c.DepartmentsByCreditCode(r.Context(), []string{code})
	if err != nil {
		x.fail(w, r, err)
		return
	}
	d := m[code]
	if d == nil {
		x.fail(w, r, domain.Errorf(domain.ENotFound, "no department with credit code %q", code))
		return
	}
	g := newGraph()
	x.describeDepartment(g, x.base(r), d)
	x.write(w, r, format, g)
}

// accessPage tells a person how to obtain an entry of the open catalogue:
// the download and API of unconditionally open data, or the open request
// (NY 46) for conditionally open data.
var accessPage = template.Must(template.New("access").Parse(`<!doctype html>
<html lang="zh">
<head><meta charset="utf-8"><title>{{.Name}}（{{.Code}}）获取方式</title></head>
<body>
<h1>{{.Name}}</h1>
<p>资源代码 {{.Code}} · 数源部门 {{.Department}} · <a href="{{.Dataset}}">DCAT-AP</a></p>
<p>{{.Rights}}</p>
{{if .Conditional}}
<h2>申请开放（NY 46）/ How to request it</h2>
<p>有条件开放的数据须由经身份认证的个人或组织提交开放申请，说明用途和范围；数源部门在政策规定的工作日内答复，可延长一次。
Conditionally open data is obtained by an open request: sign in (a PERSON bearer token), then send to {{.GraphQL}}:</p>
<pre>mutation {
  submitOpenRequest(resourceId: "{{.ID}}", purpose: "用途", scope: "使用范围", idempotencyKey: "open-{{.Code}}-1") {
    id status deadline { dueDate workingDaysLeft citation }
  }
}</pre>
<p>申请获批后，<code>resource(code: "{{.Code}}") { openAccess { downloadUrl apiUrl conditions } }</code> 返回获取地址。
Once approved, openAccess on the entry gives the download and API.</p>
{{else}}
<h2>获取 / How to obtain it</h2>
<ul>
{{if .Download}}<li>下载 / download: <a href="{{.Download}}">{{.Download}}</a></li>{{end}}
{{if .API}}<li>接口 / API: <a href="{{.API}}">{{.API}}</a></li>{{end}}
<li>GraphQL {{.GraphQL}}: <code>resource(code: "{{.Code}}") { openAccess { downloadUrl apiUrl conditions } }</code></li>
</ul>
{{end}}
</body>
</html>
`))

func (x *dcatExport) access(w http.ResponseWriter, r *http.Request) {
	res, err := x.openEntry(r.Context(), r.PathValue("code"))
	if err != nil {
		x.fail(w, r, err)
		return
	}
	base := x.base(r)
	// SECURITY: the same public gates as the dataset document.
	a := domain.AccessTo(domain.Public, res, domain.Rights{}, x.clock())
	data := map[string]any{
		"Name": res.Name, "Code": res.Code, "ID": res.NodeID(),
		"Dataset": base + "/dcat/datasets/" + url.PathEscape(res.Code),
		"Rights":  rightsText(res), "GraphQL": base + "/graphql",
		"Conditional": res.OpenType == domain.OpenConditional,
	}
	if res.SourceDepartment != nil {
		data["Department"] = res.SourceDepartment.Name
	}
	if a.Allows(domain.GateOpen) {
		data["Download"], data["API"] = httpURL(res.OpenDownloadURL), httpURL(res.OpenAPIURL)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'")
	if err := accessPage.Execute(w, data); err != nil {
		x.log.WarnContext(r.Context(), "dcat: access page not written", "code", res.Code, "err", err)
	}
}
