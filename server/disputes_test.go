package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/citydata/catalogue/server"
	"github.com/citydata/catalogue/store/storetest"
)

// upload is one file of a multipart request.
type upload struct {
	name    string
	content []byte
}

// upload sends query with files at variables.in.files.N, as the GraphQL
// multipart request spec has clients do.
func (a *api) upload(query string, vars map[string]any, files ...upload) response {
	a.t.Helper()
	in, _ := vars["in"].(map[string]any)
	nulls := make([]any, len(files))
	in["files"] = nulls
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	m := map[string][]string{}
	for i := range files {
		m[fmt.Sprint(i)] = []string{fmt.Sprintf("variables.in.files.%d", i)}
	}
	mapping, _ := json.Marshal(m)
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("operations", string(ops))
	_ = w.WriteField("map", string(mapping))
	for i, f := range files {
		part, _ := w.CreateFormFile(fmt.Sprint(i), f.name)
		_, _ = part.Write(f.content)
	}
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, "/graphql", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return a.send(req)
}

// get sends a GET of path with a's token.
func (a *api) get(path string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	return rec
}

const (
	disputeFields = `id kind status open openedAt closedAt overdue source { creditCode }
		currentDeadline { kind dueDate workingDays citation workingDaysLeft }
		history { action from to note by { subject role } }`
	errorFields = disputeFields + ` ... on DataError { description verificationNote correctionNote finding businessContinuity
		items { id } reporterDepartment { creditCode }
		verifyDeadline { dueDate workingDays citation } correctDeadline { dueDate workingDays citation }
		extension { workingDays approvedBy reason }
		evidence { id fileName contentType size sha256 url downloadPath } }`
	sharingFields = disputeFields + ` ... on SharingDispute { step resolution decisionReference grantOrdered
		request { id status grant { id status } } requester { creditCode }
		steps { step outcome reasons recommendation endedAt positions { department { creditCode } text } } }`
	objectionFields = disputeFields + ` ... on OpenObjection { objection proposedCorrection reason basis
		answerDeadline { dueDate workingDays citation } extension { workingDays approvedBy }
		catalogueChange { id reason description met metByVersion deadline { dueDate citation } resource { id } } }`

	reportError = `mutation($in: ReportDataErrorInput!) { d: reportDataError(input: $in) { ` + errorFields + ` } }`
	verifyError = `mutation($id: ID!, $f: DataErrorFinding!, $note: String) { d: verifyDataError(id: $id, finding: $f, note: $note) { ` + errorFields + ` } }`
	correctErr  = `mutation($id: ID!, $note: String!) { d: correctDataError(id: $id, note: $note) { ` + errorFields + ` } }`
	extendError = `mutation($id: ID!, $days: Int, $reason: String!, $by: String!) { d: extendDataError(id: $id, workingDays: $days, reason: $reason, approvedBy: $by) { ` + errorFields + ` } }`
)

type deadlineOut struct {
	Kind            string
	DueDate         string
	WorkingDays     int
	Citation        string
	WorkingDaysLeft *int
}

type dispute struct {
	ID, Kind, Status string
	Open             bool
	ClosedAt         *string
	Overdue          bool
	Source           struct{ CreditCode string }
	CurrentDeadline  *deadlineOut
	History          []struct {
		Action string
		From   *string
		To     string
		Note   string
		By     struct{ Subject, Role string }
	}
	// DataError.
	Description, VerificationNote, CorrectionNote string
	Finding                                       *string
	BusinessContinuity                            *string
	Items                                         []struct{ ID string }
	ReporterDepartment                            *struct{ CreditCode string }
	VerifyDeadline, CorrectDeadline               *deadlineOut
	Extension                                     *struct {
		WorkingDays        int
		ApprovedBy, Reason string
	}
	Evidence []struct {
		ID, FileName, ContentType string
		Size                      int
		Sha256, URL, DownloadPath *string
	}
	// SharingDispute.
	Step, Resolution, DecisionReference string
	GrantOrdered                        bool
	Request                             *struct {
		ID, Status string
		Grant      *struct{ ID, Status string }
	}
	Requester *struct{ CreditCode string }
	Steps     []struct {
		Step, Outcome, Reasons, Recommendation string
		EndedAt                                *string
		Positions                              []struct {
			Department struct{ CreditCode string }
			Text       string
		}
	}
	// OpenObjection.
	Objection, ProposedCorrection, Reason, Basis string
	AnswerDeadline                               *deadlineOut
	CatalogueChange                              *struct {
		ID, Reason, Description string
		Met                     bool
		MetByVersion            *int
		Deadline                struct{ DueDate, Citation string }
		Resource                *struct{ ID string }
	}
}

func (a *api) dispute(t *testing.T, q string, vars map[string]any) dispute {
	t.Helper()
	var out struct{ D *dispute }
	a.query(q, vars, &out)
	if out.D == nil {
		t.Fatal("answered null")
	}
	return *out.D
}

func (d dispute) actions() string {
	var s []string
	for _, h := range d.History {
		s = append(s, h.Action)
	}
	return strings.Join(s, ",")
}

// usedEntry is a published entry of another department than 公安局,
// shared unconditionally by QUERY and open to the public, so 公安局 gets a
// grant at once and a person can see it.
func usedEntry(t *testing.T, a *api) (e demoEntry, region string) {
	t.Helper()
	var out struct {
		Resources struct {
			Nodes []struct {
				demoEntry
				OpenType string
				Src      struct{ CreditCode, RegionCode string } `json:"sourceDepartment"`
			}
		}
	}
	a.as(authority).query(`{ resources(first: 100, filter: {shareType: UNCONDITIONAL, status: PUBLISHED}) {
		nodes { id code shareType shareModes openType dataItems { id name } sourceDepartment { creditCode regionCode } } } }`, nil, &out)
	for _, n := range out.Resources.Nodes {
		if n.Src.CreditCode == gajCode || n.OpenType == "NONE" || len(n.DataItems) == 0 || !contains(strings.Join(n.ShareModes, ","), "QUERY") {
			continue
		}
		n.demoEntry.Source.CreditCode = n.Src.CreditCode
		return n.demoEntry, n.Src.RegionCode
	}
	t.Fatal("the demo catalogue has no open, unconditionally shared entry of another department")
	return demoEntry{}, ""
}

func setPolicy(t *testing.T, a *api, region, profile string) {
	t.Helper()
	a.as(authority).query(`mutation($r: String!, $p: String!) { setRegionPolicy(regionCode: $r, profile: $p) { name } }`,
		map[string]any{"r": region, "p": profile}, &struct{}{})
}

// MZ 23: a using department reports an error with evidence (NY 64); the
// source verifies within 5 working days and corrects within 10 of the
// verification; while open the record says business goes on (WZ 23);
// the uploaded file is kept with its SHA-256 and served only to those who
// see the dispute.
func TestDataErrorVerifiedAndCorrected(t *testing.T) {
	clock := &testClock{}
	clock.set("2026-03-02 09:00") // a Monday
	a := newAPIWith(t, storetest.Options{Demo: true}, server.Config{Clock: clock.Now})
	e, region := usedEntry(t, a)
	setPolicy(t, a, region, "meizhou")
	user, src, other := a.as(gaj), a.as(departmentClaims(e.Source.CreditCode)), a.as(bystander(e))

	in := func() map[string]any {
		return map[string]any{"resourceId": e.ID, "itemIds": []string{e.DataItems[0].ID}, "description": "出生日期与户籍登记不一致",
			"links": []string{"https://example.gov.cn/evidence/1"}}
	}
	// Before it uses the data, 公安局 may not report on it (MZ 23).
	if err := user.queryErr(reportError, map[string]any{"in": in()}, "FORBIDDEN"); !contains(err.Message, "MZ 23") {
		t.Errorf("no grant: %s", err.Message)
	}
	r := user.request(t, submitRequest, map[string]any{"in": requestInput(e, "QUERY", e.DataItems[0].ID)})
	if r.Status != "GRANTED" {
		t.Fatalf("unconditional request: %+v", r)
	}
	noEvidence := in()
	delete(noEvidence, "links")
	if err := user.queryErr(reportError, map[string]any{"in": noEvidence}, "BAD_USER_INPUT"); !contains(err.Message, "NY 64") {
		t.Errorf("no evidence: %s", err.Message)
	}

	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
	resp := user.upload(reportError, map[string]any{"in": in()}, upload{"户籍登记表.pdf", pdf})
	if len(resp.Errors) > 0 {
		t.Fatalf("report: %+v", resp.Errors)
	}
	var out struct{ D dispute }
	resp.decode(t, &out)
	d := out.D
	// MZ 23: 5 working days from Monday 03-02: Monday 03-09.
	if d.Kind != "DATA_ERROR" || d.Status != "AWAITING_VERIFICATION" || !d.Open || d.VerifyDeadline.DueDate != "2026-03-09" ||
		d.VerifyDeadline.Citation != "MZ 23" || d.CurrentDeadline == nil || d.CurrentDeadline.DueDate != "2026-03-09" ||
		deref(d.CurrentDeadline.WorkingDaysLeft) != 5 || d.ReporterDepartment == nil || d.ReporterDepartment.CreditCode != gajCode {
		t.Fatalf("reported %+v", d)
	}
	if d.BusinessContinuity == nil || !contains(*d.BusinessContinuity, "WZ 23") {
		t.Errorf("an open error says business goes on: %v", d.BusinessContinuity)
	}
	sum := sha256.Sum256(pdf)
	if len(d.Evidence) != 2 {
		t.Fatalf("evidence %+v", d.Evidence)
	}
	file, link := d.Evidence[0], d.Evidence[1]
	if file.FileName != "户籍登记表.pdf" || file.ContentType != "application/pdf" || file.Size != len(pdf) ||
		deref(file.Sha256) != hex.EncodeToString(sum[:]) || file.DownloadPath == nil || file.URL != nil {
		t.Errorf("file evidence %+v", file)
	}
	if deref(link.URL) != "https://example.gov.cn/evidence/1" || link.Sha256 != nil || link.DownloadPath != nil {
		t.Errorf("link evidence %+v", link)
	}
	// The file comes back as stored, with its hash; only to those who see the dispute.
	for name, who := range map[string]*api{"reporter": user, "source": src, "auditor": a.as(auditor)} {
		rec := who.get(*file.DownloadPath)
		got := sha256.Sum256(rec.Body.Bytes())
		if rec.Code != http.StatusOK || got != sum || rec.Header().Get("Repr-Digest") != "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":" ||
			rec.Header().Get("X-Content-Type-Options") != "nosniff" || !contains(rec.Header().Get("Content-Disposition"), "attachment") {
			t.Errorf("%s downloads %d %q %v", name, rec.Code, rec.Body.String(), rec.Header())
		}
	}
	if rec := other.get(*file.DownloadPath); rec.Code != http.StatusNotFound || !contains(rec.Body.String(), "NOT_FOUND") {
		t.Errorf("a bystander downloads: %d %s", rec.Code, rec.Body.String())
	}
	if rec := a.public().get(*file.DownloadPath); rec.Code != http.StatusForbidden {
		t.Errorf("the public downloads: %d %s", rec.Code, rec.Body.String())
	}

	// The reporter does not verify; the source does, confirming on Thursday.
	user.queryErr(verifyError, map[string]any{"id": d.ID, "f": "CONFIRMED"}, "FORBIDDEN")
	other.queryErr(verifyError, map[string]any{"id": d.ID, "f": "CONFIRMED"}, "NOT_FOUND")
	clock.set("2026-03-05 15:00")
	d = src.dispute(t, verifyError, map[string]any{"id": d.ID, "f": "CONFIRMED", "note": "核实确有错误"})
	// MZ 23: 10 working days after the verification: 03-19.
	if d.Status != "AWAITING_CORRECTION" || deref(d.Finding) != "CONFIRMED" || d.CorrectDeadline == nil ||
		d.CorrectDeadline.DueDate != "2026-03-19" || d.CorrectDeadline.Citation != "MZ 23" || d.CurrentDeadline.DueDate != "2026-03-19" {
		t.Fatalf("verified %+v", d)
	}
	src.queryErr(correctErr, map[string]any{"id": d.ID, "note": " "}, "BAD_USER_INPUT")
	clock.set("2026-03-18 11:00")
	d = src.dispute(t, correctErr, map[string]any{"id": d.ID, "note": "已在源头更正出生日期并重新汇聚"})
	if d.Status != "CORRECTED" || d.Open || d.ClosedAt == nil || d.CurrentDeadline != nil || d.Overdue || d.BusinessContinuity != nil ||
		d.CorrectionNote != "已在源头更正出生日期并重新汇聚" || d.actions() != "REPORT,CONFIRM,CORRECT" {
		t.Fatalf("corrected %+v", d)
	}
	src.queryErr(correctErr, map[string]any{"id": d.ID, "note": "again"}, "FAILED_PRECONDITION")

	// The dispute lists: the parties and the authority see it; filters work.
	count := func(who *api, filter map[string]any) int {
		var l struct{ Disputes struct{ TotalCount int } }
		who.query(`query($f: DisputeFilter) { disputes(filter: $f) { totalCount } }`, map[string]any{"f": filter}, &l)
		return l.Disputes.TotalCount
	}
	for name, c := range map[string]int{
		"reporter": count(user, nil), "source": count(src, nil), "authority": count(a.as(authority), map[string]any{"kind": "DATA_ERROR", "status": "CORRECTED"}),
		"open": count(a.as(authority), map[string]any{"open": true}), "bystander": count(other, nil),
		"by resource": count(a.as(auditor), map[string]any{"resourceId": e.ID}),
	} {
		want := map[string]int{"reporter": 1, "source": 1, "authority": 1, "open": 0, "bystander": 0, "by resource": 1}[name]
		if c != want {
			t.Errorf("%s lists %d disputes, want %d", name, c, want)
		}
	}
	a.public().queryErr(`{ disputes { totalCount } }`, nil, "FORBIDDEN")

	// Once it uses the entry, the bystander sees the report (WZ 23) but
	// not the reporter's evidence, in the API or as a download.
	other.request(t, submitRequest, map[string]any{"in": requestInput(e, "QUERY", e.DataItems[0].ID)})
	if n := count(other, nil); n != 1 {
		t.Errorf("a user of the entry lists %d disputes, want 1", n)
	}
	other.queryErr(`query($id: ID!) { node(id: $id) { ... on DataError { evidence { id } } } }`, map[string]any{"id": d.ID}, "FORBIDDEN")
	if rec := other.get(*file.DownloadPath); rec.Code != http.StatusNotFound {
		t.Errorf("a user of the entry downloads the evidence: %d %s", rec.Code, rec.Body.String())
	}
}

// Evidence limits: file count, size and type are refused with messages
// that say what to send.
func TestDataErrorEvidenceLimits(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	e, _ := usedEntry(t, a)
	user := a.as(gaj)
	user.request(t, submitRequest, map[string]any{"in": requestInput(e, "QUERY", e.DataItems[0].ID)})
	in := func() map[string]any {
		return map[string]any{"resourceId": e.ID, "description": "数据缺失"}
	}
	txt := upload{"note.txt", []byte("户籍地址缺失门牌号")}
	cases := []struct {
		name  string
		files []upload
		want  string
	}{
		{"six files", []upload{txt, txt, txt, txt, txt, txt}, "at most 5 files"},
		{"an executable", []upload{{"x.exe", append([]byte("MZ\x90\x00\x03"), make([]byte, 100)...)}}, "convert documents to PDF"},
		{"over 10 MiB", []upload{{"big.txt", bytes.Repeat([]byte("a"), 10<<20+1)}}, "at most 10 MiB"},
	}
	for _, c := range cases {
		resp := user.upload(reportError, map[string]any{"in": in()}, c.files...)
		if len(resp.Errors) == 0 || resp.Errors[0].code() != "BAD_USER_INPUT" || !contains(resp.Errors[0].Message, c.want) {
			t.Errorf("%s: %+v", c.name, resp.Errors)
		}
	}
	var none struct{ Disputes struct{ TotalCount int } }
	a.as(authority).query(`{ disputes { totalCount } }`, nil, &none)
	if none.Disputes.TotalCount != 0 {
		t.Errorf("refused reports were kept: %d", none.Disputes.TotalCount)
	}
	// Text is accepted, and its type sniffed, not taken from the client.
	resp := user.upload(reportError, map[string]any{"in": in()}, upload{"photo.png", []byte("户籍地址缺失门牌号")})
	var out struct{ D dispute }
	resp.decode(t, &out)
	if len(resp.Errors) > 0 || len(out.D.Evidence) != 1 || out.D.Evidence[0].ContentType != "text/plain" {
		t.Errorf("a text file named .png: %+v %+v", resp.Errors, out.D.Evidence)
	}
	// Without a token the upload is refused before its parts are read.
	resp = a.public().upload(reportError, map[string]any{"in": in()}, txt)
	if resp.status != http.StatusUnauthorized || len(resp.Errors) == 0 || resp.Errors[0].code() != "UNAUTHENTICATED" {
		t.Errorf("a public upload: %d %+v", resp.status, resp.Errors)
	}
}

// A verification not made by its deadline is listed as overdue; WZ 23
// allows one extension approved by the source's responsible person, to at
// most 15 working days in all; a person reports on data about itself
// (MZ 35), and who it is shows only to those who handle the report.
func TestDataErrorOverdueAndWenzhouExtension(t *testing.T) {
	clock := &testClock{}
	clock.set("2026-03-02 09:00")
	a := newAPIWith(t, storetest.Options{Demo: true}, server.Config{Clock: clock.Now})
	e, region := usedEntry(t, a)
	src, user := a.as(departmentClaims(e.Source.CreditCode)), a.as(gaj)
	user.request(t, submitRequest, map[string]any{"in": requestInput(e, "QUERY", e.DataItems[0].ID)})
	person := a.as(zhang)

	person.queryErr(reportError, map[string]any{"in": map[string]any{"resourceId": e.ID, "description": "地址错误", "subject": chen.Subject}}, "BAD_USER_INPUT")
	d := person.dispute(t, reportError, map[string]any{"in": map[string]any{"resourceId": e.ID, "description": "本人住址登记错误"}})
	// The default profile cites the cities' common number.
	if d.VerifyDeadline.DueDate != "2026-03-09" || !contains(d.VerifyDeadline.Citation, "default") {
		t.Fatalf("reported %+v", d.VerifyDeadline)
	}
	// meizhou allows no extension (MZ 23).
	setPolicy(t, a, region, "meizhou")
	src.queryErr(extendError, map[string]any{"id": d.ID, "days": 5, "reason": "需调取档案", "by": "王主任"}, "FAILED_PRECONDITION")

	// Overdue after Monday 03-09, not before.
	overdue := func(who *api) []string {
		var l struct {
			Disputes struct{ Nodes []struct{ ID string } }
		}
		who.query(`{ disputes(filter: {overdue: true}) { nodes { id } } }`, nil, &l)
		var ids []string
		for _, n := range l.Disputes.Nodes {
			ids = append(ids, n.ID)
		}
		return ids
	}
	clock.set("2026-03-09 23:00")
	if got := overdue(src); len(got) != 0 {
		t.Errorf("overdue on the due day: %v", got)
	}
	clock.set("2026-03-10 09:00")
	if got := overdue(src); len(got) != 1 || got[0] != d.ID {
		t.Errorf("overdue the day after: %v", got)
	}
	var one struct{ Node dispute }
	src.query(`query($id: ID!) { node(id: $id) { ... on Dispute { `+disputeFields+` } } }`, map[string]any{"id": d.ID}, &one)
	if !one.Node.Overdue || deref(one.Node.CurrentDeadline.WorkingDaysLeft) != -1 {
		t.Errorf("overdue record %+v %+v", one.Node, one.Node.CurrentDeadline)
	}

	// Under wenzhou: one extension, at most 10 more working days.
	clock.set("2026-03-04 09:00")
	setPolicy(t, a, region, "wenzhou")
	if err := src.queryErr(extendError, map[string]any{"id": d.ID, "days": 11, "reason": "需调取档案", "by": "王主任"}, "BAD_USER_INPUT"); !contains(err.Message, "15 in all") {
		t.Errorf("past the cap: %s", err.Message)
	}
	src.queryErr(extendError, map[string]any{"id": d.ID, "reason": "需调取档案", "by": " "}, "BAD_USER_INPUT")
	person.queryErr(extendError, map[string]any{"id": d.ID, "reason": "x", "by": "y"}, "FORBIDDEN")
	d = src.dispute(t, extendError, map[string]any{"id": d.ID, "reason": "需调取纸质档案核查", "by": "王主任"})
	// 03-09 plus 10 working days: 03-23; 15 in all.
	if d.VerifyDeadline.DueDate != "2026-03-23" || d.VerifyDeadline.WorkingDays != 15 || d.Extension == nil ||
		d.Extension.WorkingDays != 10 || d.Extension.ApprovedBy != "王主任" || d.actions() != "REPORT,EXTEND" {
		t.Fatalf("extended %+v %+v", d.VerifyDeadline, d.Extension)
	}
	src.queryErr(extendError, map[string]any{"id": d.ID, "days": 1, "reason": "再延", "by": "王主任"}, "FAILED_PRECONDITION")
	clock.set("2026-03-10 09:00")
	if got := overdue(src); len(got) != 0 {
		t.Errorf("overdue after the extension: %v", got)
	}

	// 公安局 uses the entry, so it sees the report, but not who made it.
	const who = `query($id: ID!) { node(id: $id) { ... on DataError { reporterPerson subject } } }`
	resp := user.do(who, map[string]any{"id": d.ID})
	if len(resp.Errors) != 2 || resp.Errors[0].code() != "FORBIDDEN" || !contains(string(resp.Data), `"reporterPerson":null`) {
		t.Errorf("a user of the data sees the person: %s %+v", resp.Data, resp.Errors)
	}
	for name, viewer := range map[string]*api{"source": src, "reporter": person, "auditor": a.as(auditor)} {
		var got struct {
			Node struct{ ReporterPerson, Subject *string }
		}
		viewer.query(who, map[string]any{"id": d.ID}, &got)
		if deref(got.Node.ReporterPerson) != zhang.Sub || deref(got.Node.Subject) != zhang.Subject {
			t.Errorf("%s sees %+v", name, got.Node)
		}
	}
	a.as(chen).queryErr(who, map[string]any{"id": d.ID}, "NOT_FOUND")
	// Nor through the history or the evidence (MZ 35).
	var seen struct {
		Node struct {
			History []struct {
				By struct{ Subject, Role string }
			}
		}
	}
	user.query(`query($id: ID!) { node(id: $id) { ... on DataError { history { by { subject role } } } } }`, map[string]any{"id": d.ID}, &seen)
	if h := seen.Node.History; len(h) == 0 || h[0].By.Role != "PERSON" || h[0].By.Subject != "" {
		t.Errorf("a user of the data sees who reported in the history: %+v", h)
	}
	src.query(`query($id: ID!) { node(id: $id) { ... on DataError { history { by { subject role } } } } }`, map[string]any{"id": d.ID}, &seen)
	if h := seen.Node.History; len(h) == 0 || h[0].By.Subject != zhang.Sub {
		t.Errorf("the source does not see who reported: %+v", h)
	}
	if err := user.queryErr(`query($id: ID!) { node(id: $id) { ... on DataError { evidence { id } } } }`, map[string]any{"id": d.ID}, "FORBIDDEN"); !contains(err.Message, "MZ 35") {
		t.Errorf("a user of the data reads the evidence: %s", err.Message)
	}

	// The source rejects with a note; the person is told why.
	src.queryErr(verifyError, map[string]any{"id": d.ID, "f": "REJECTED"}, "BAD_USER_INPUT")
	d = src.dispute(t, verifyError, map[string]any{"id": d.ID, "f": "REJECTED", "note": "经核对户籍档案，登记无误"})
	if d.Status != "REJECTED" || d.VerificationNote != "经核对户籍档案，登记无误" || d.Open || d.CorrectDeadline != nil {
		t.Errorf("rejected %+v", d)
	}
}

const (
	openSharing = `mutation($r: ID!, $p: String!) { d: openSharingDispute(requestId: $r, position: $p) { ` + sharingFields + ` } }`
	addPosition = `mutation($id: ID!, $p: String!) { d: addDisputePosition(id: $id, position: $p) { ` + sharingFields + ` } }`
	escalate    = `mutation($in: EscalateSharingDisputeInput!) { d: escalateSharingDispute(input: $in) { ` + sharingFields + ` } }`
	resolve     = `mutation($in: ResolveSharingDisputeInput!) { d: resolveSharingDispute(input: $in) { ` + sharingFields + ` } }`
)

// MZ 42: a refused request goes through negotiation, the authority's
// coordination and joint consultation to the government; the last step
// needs the authority's reasons and recommendation; the government's
// decision orders the request granted, through the request workflow.
func TestSharingDispute(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	e := findEntry(t, a, "CONDITIONAL", "QUERY", 1)
	user, src, auth := a.as(gaj), a.as(departmentClaims(e.Source.CreditCode)), a.as(authority)
	r := user.request(t, submitRequest, map[string]any{"in": requestInput(e, "QUERY", e.DataItems[0].ID)})
	// A request pending on time cannot be disputed yet.
	user.queryErr(openSharing, map[string]any{"r": r.ID, "p": "履职需要"}, "FAILED_PRECONDITION")
	src.request(t, decideRequest, map[string]any{"id": r.ID, "d": "REJECT", "reason": "涉及个人隐私", "basis": "《个人信息保护法》第十三条"})

	src.queryErr(openSharing, map[string]any{"r": r.ID, "p": "x"}, "FORBIDDEN")
	d := user.dispute(t, openSharing, map[string]any{"r": r.ID, "p": "办理户籍迁移须核验，属法定职责"})
	if d.Kind != "SHARING" || d.Status != "IN_PROGRESS" || d.Step != "NEGOTIATION" || d.CurrentDeadline != nil ||
		d.Requester.CreditCode != gajCode || d.Request.ID != r.ID || d.Request.Status != "REJECTED" {
		t.Fatalf("opened %+v", d)
	}
	user.queryErr(openSharing, map[string]any{"r": r.ID, "p": "again"}, "CONFLICT")
	d = src.dispute(t, addPosition, map[string]any{"id": d.ID, "p": "可提供核验服务，不提供查询"})
	a.as(bystander(e)).queryErr(addPosition, map[string]any{"id": d.ID, "p": "x"}, "NOT_FOUND")
	auth.queryErr(addPosition, map[string]any{"id": d.ID, "p": "x"}, "FORBIDDEN")

	// Negotiation fails: a party moves it to the authority.
	user.queryErr(escalate, map[string]any{"in": map[string]any{"id": d.ID, "outcome": " "}}, "BAD_USER_INPUT")
	d = user.dispute(t, escalate, map[string]any{"in": map[string]any{"id": d.ID, "outcome": "双方未能达成一致"}})
	if d.Step != "AUTHORITY_COORDINATION" {
		t.Fatalf("after negotiation %+v", d)
	}
	user.queryErr(escalate, map[string]any{"in": map[string]any{"id": d.ID, "outcome": "x"}}, "FORBIDDEN")
	d = auth.dispute(t, escalate, map[string]any{"in": map[string]any{"id": d.ID, "outcome": "协调未果"}})
	// MZ 42: to the government only with reasons and a recommendation.
	if err := auth.queryErr(escalate, map[string]any{"in": map[string]any{"id": d.ID, "outcome": "会商未果", "recommendation": "以查询方式共享"}}, "BAD_USER_INPUT"); !contains(err.Message, "列明各方理据") {
		t.Errorf("without reasons: %s", err.Message)
	}
	d = auth.dispute(t, escalate, map[string]any{"in": map[string]any{"id": d.ID, "outcome": "联合会商未果",
		"reasons": "公安局：户籍迁移须核验；数源部门：涉及隐私", "recommendation": "以查询方式共享，限定户籍迁移场景"}})
	if d.Step != "GOVERNMENT_DECISION" {
		t.Fatalf("after consultation %+v", d)
	}
	auth.queryErr(escalate, map[string]any{"in": map[string]any{"id": d.ID, "outcome": "x", "reasons": "x", "recommendation": "x"}}, "FAILED_PRECONDITION")
	src.queryErr(resolve, map[string]any{"in": map[string]any{"id": d.ID, "outcome": "x", "grantRequest": true}}, "FORBIDDEN")
	auth.queryErr(resolve, map[string]any{"in": map[string]any{"id": d.ID, "outcome": "市政府决定共享", "grantRequest": true}}, "BAD_USER_INPUT")

	// The government decides: the request is granted.
	d = auth.dispute(t, resolve, map[string]any{"in": map[string]any{"id": d.ID, "outcome": "市政府决定以查询方式共享",
		"grantRequest": true, "decisionReference": "梅市府函〔2026〕15号"}})
	if d.Status != "RESOLVED" || d.Open || !d.GrantOrdered || d.DecisionReference != "梅市府函〔2026〕15号" ||
		d.Request.Status != "GRANTED" || d.Request.Grant == nil || d.Request.Grant.Status != "ACTIVE" {
		t.Fatalf("resolved %+v %+v", d, d.Request)
	}
	if len(d.Steps) != 4 || d.Steps[0].Step != "NEGOTIATION" || len(d.Steps[0].Positions) != 2 ||
		d.Steps[0].Positions[1].Department.CreditCode != e.Source.CreditCode || d.Steps[0].Outcome != "双方未能达成一致" ||
		d.Steps[2].Reasons == "" || d.Steps[2].Recommendation != "以查询方式共享，限定户籍迁移场景" ||
		d.Steps[3].Outcome != "市政府决定以查询方式共享" || d.Steps[3].EndedAt == nil {
		t.Errorf("steps %+v", d.Steps)
	}
	if d.actions() != "OPEN,POSITION,ESCALATE,ESCALATE,ESCALATE,RESOLVE" {
		t.Errorf("history %s", d.actions())
	}
	var acc shareAccess
	user.query(shareAccessQuery, map[string]any{"id": e.ID}, &acc)
	if !acc.Resource.ViewerAccess.Share || acc.Resource.ShareAccess == nil {
		t.Errorf("the ordered grant gives no access: %+v", acc)
	}
	user.queryErr(openSharing, map[string]any{"r": r.ID, "p": "again"}, "FAILED_PRECONDITION")

	// Withdrawing another: only who opened it.
	r2 := user.request(t, submitRequest, map[string]any{"in": requestInput(e, "QUERY", e.DataItems[0].ID)})
	src.request(t, decideRequest, map[string]any{"id": r2.ID, "d": "REJECT", "reason": "x", "basis": "y"})
	d2 := user.dispute(t, openSharing, map[string]any{"r": r2.ID, "p": "需要"})
	const withdraw = `mutation($id: ID!) { d: withdrawDispute(id: $id, note: "已另行协商") { ` + sharingFields + ` } }`
	src.queryErr(withdraw, map[string]any{"id": d2.ID}, "FORBIDDEN")
	if d2 = user.dispute(t, withdraw, map[string]any{"id": d2.ID}); d2.Status != "WITHDRAWN" || d2.Request.Status != "REJECTED" {
		t.Errorf("withdrawn %+v", d2)
	}
	// A mutation for another kind says so.
	if err := src.queryErr(verifyError, map[string]any{"id": d2.ID, "f": "CONFIRMED"}, "BAD_USER_INPUT"); !contains(err.Message, "DATA_ERROR") {
		t.Errorf("verify a sharing dispute: %s", err.Message)
	}
}

const (
	objectMutation = `mutation($r: ID!, $o: String!, $c: String!) { d: objectToOpenCatalogue(resourceId: $r, objection: $o, proposedCorrection: $c) { ` + objectionFields + ` } }`
	acceptObj      = `mutation($id: ID!) { d: acceptObjection(id: $id, note: "同意更正") { ` + objectionFields + ` } }`
	rejectObj      = `mutation($id: ID!, $reason: String!, $basis: String!) { d: rejectObjection(id: $id, reason: $reason, basis: $basis) { ` + objectionFields + ` } }`
	extendObj      = `mutation($id: ID!) { d: extendObjection(id: $id, reason: "需征求主管部门意见", approvedBy: "刘局长") { ` + objectionFields + ` } }`
)

// NY 45: a person objects to an open catalogue entry; the source answers
// within 10 working days, extendable once by 10; an accepted objection
// opens a catalogue change obligation for the entry that its revision,
// submitted through the workflow, meets; a refusal gives reason and basis.
func TestOpenObjection(t *testing.T) {
	clock := &testClock{}
	clock.set("2026-03-02 09:00")
	a := newAPIWith(t, storetest.Options{Demo: true}, server.Config{Clock: clock.Now})
	rid, srcCode, region := conditionallyOpen(t, a.public())
	setPolicy(t, a, region, "nanyang")
	person, src := a.as(zhang), a.as(departmentClaims(srcCode))
	vars := map[string]any{"r": rid, "o": "该目录开放条件过严，汇总数据不含个人信息", "c": "将开放类型改为无条件开放"}

	a.public().queryErr(objectMutation, vars, "FORBIDDEN")
	a.as(gaj).queryErr(objectMutation, vars, "FORBIDDEN")
	person.queryErr(objectMutation, map[string]any{"r": rid, "o": "x", "c": " "}, "BAD_USER_INPUT")
	d := person.dispute(t, objectMutation, vars)
	// NY 45: 10 working days from Monday 03-02: Monday 03-16.
	if d.Kind != "OPEN_OBJECTION" || d.Status != "AWAITING_ANSWER" || d.AnswerDeadline.DueDate != "2026-03-16" || d.AnswerDeadline.Citation != "NY 45" {
		t.Fatalf("objected %+v %+v", d, d.AnswerDeadline)
	}
	person.queryErr(acceptObj, map[string]any{"id": d.ID}, "FORBIDDEN")
	d = src.dispute(t, extendObj, map[string]any{"id": d.ID})
	if d.AnswerDeadline.DueDate != "2026-03-30" || d.AnswerDeadline.WorkingDays != 20 || d.Extension == nil || d.Extension.ApprovedBy != "刘局长" {
		t.Fatalf("extended %+v %+v", d.AnswerDeadline, d.Extension)
	}
	src.queryErr(extendObj, map[string]any{"id": d.ID}, "FAILED_PRECONDITION")

	clock.set("2026-03-10 10:00")
	d = src.dispute(t, acceptObj, map[string]any{"id": d.ID})
	c := d.CatalogueChange
	// NY 22 under nanyang: the catalogue is updated within 5 working days.
	if d.Status != "ACCEPTED" || c == nil || c.Reason != "OBJECTION" || c.Met || c.Resource == nil || c.Resource.ID != rid ||
		!contains(c.Description, "将开放类型改为无条件开放") || c.Deadline.DueDate != "2026-03-17" || c.Deadline.Citation != "NY 22" {
		t.Fatalf("accepted %+v %+v", d, c)
	}
	// The objector sees what its objection led to.
	var mine struct{ Node dispute }
	person.query(`query($id: ID!) { node(id: $id) { ... on OpenObjection { `+objectionFields+` } } }`, map[string]any{"id": d.ID}, &mine)
	if mine.Node.CatalogueChange == nil || mine.Node.CatalogueChange.ID != c.ID {
		t.Errorf("the objector sees %+v", mine.Node.CatalogueChange)
	}

	// Another entry's submission does not meet it; the entry's revision does.
	var entryNow struct {
		Resource struct {
			Version int
			Name    string
		}
	}
	src.query(`query($id: ID!) { resource(id: $id) { version name } }`, map[string]any{"id": rid}, &entryNow)
	other := src.mutate(t, createMutation, map[string]any{"input": draftInput("441400-NY45-001")})
	src.mutate(t, submitMutation, map[string]any{"id": other.ID})
	person.query(`query($id: ID!) { node(id: $id) { ... on OpenObjection { `+objectionFields+` } } }`, map[string]any{"id": d.ID}, &mine)
	if c := mine.Node.CatalogueChange; c == nil || c.Met {
		t.Errorf("another entry's submission met the objection's change: %+v", c)
	}
	var full map[string]any
	var raw struct{ Resource map[string]any }
	src.query(`query($id: ID!) { resource(id: $id) { code name summary classification format updateFrequency shareType shareConditions
		shareScope shareModes openType openConditions legalBasis contactPerson contactPhone dataItems { name dataType description personal } } }`,
		map[string]any{"id": rid}, &raw)
	full = raw.Resource
	full["openType"], full["openConditions"] = "UNCONDITIONAL", ""
	for k, v := range full {
		if v == nil {
			delete(full, k)
		}
	}
	src.mutate(t, updateMutation, map[string]any{"id": rid, "input": full, "v": entryNow.Resource.Version, "reason": "NY 45 异议更正"})
	src.mutate(t, submitMutation, map[string]any{"id": rid})
	person.query(`query($id: ID!) { node(id: $id) { ... on OpenObjection { `+objectionFields+` } } }`, map[string]any{"id": d.ID}, &mine)
	if c := mine.Node.CatalogueChange; c == nil || !c.Met || c.MetByVersion == nil {
		t.Errorf("the revision did not meet the change: %+v", c)
	}

	// A second objection, refused with reason and basis.
	d2 := person.dispute(t, objectMutation, vars)
	src.queryErr(rejectObj, map[string]any{"id": d2.ID, "reason": "含敏感信息", "basis": " "}, "BAD_USER_INPUT")
	d2 = src.dispute(t, rejectObj, map[string]any{"id": d2.ID, "reason": "含敏感信息", "basis": "NY 44"})
	if d2.Status != "REJECTED" || d2.Reason != "含敏感信息" || d2.Basis != "NY 44" || d2.CatalogueChange != nil {
		t.Errorf("rejected %+v", d2)
	}
	// Another person sees neither.
	var theirs struct{ Disputes struct{ TotalCount int } }
	a.as(chen).query(`{ disputes { totalCount } }`, nil, &theirs)
	if theirs.Disputes.TotalCount != 0 {
		t.Errorf("another person sees %d objections", theirs.Disputes.TotalCount)
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
