package server_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/citydata/catalogue/auth"
	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/store/storetest"
)

const (
	gajCode = "11441400007045121H" // 梅州市公安局, region 441400
	mzjCode = "114414000070452795" // 梅州市民政局
)

var (
	gaj = auth.Claims{Sub: "li.wei", Role: domain.RoleDepartment, Department: gajCode}
	mzj = auth.Claims{Sub: "wang.fang", Role: domain.RoleDepartment, Department: mzjCode}
)

// entryFields is what the workflow tests read back of an entry.
const entryFields = `id code name status version publishedAt
	revision { status changes { field before after } }
	reviewDeadline { kind workingDays dueDate dueAt citation calendarRevision workingDaysLeft overdue }
	noneShareFiling reviewNotes`

type entry struct {
	ID          string
	Code        string
	Name        string
	Status      string
	Version     int
	PublishedAt *string
	Revision    *struct {
		Status  string
		Changes []struct{ Field, Before, After string }
	}
	ReviewDeadline *struct {
		Kind             string
		WorkingDays      int
		DueDate          string
		DueAt            string
		Citation         string
		CalendarRevision int
		WorkingDaysLeft  *int
		Overdue          bool
	}
	NoneShareFiling *string
	ReviewNotes     *string
}

// draftInput is a complete, valid entry of 公安局 except where a test
// changes it.
func draftInput(code string) map[string]any {
	return map[string]any{
		"code": code, "name": "户籍迁移信息", "summary": "户籍迁入迁出登记记录", "classification": "基础信息资源/人口",
		"format": "数据库", "updateFrequency": "DAILY", "shareType": "CONDITIONAL", "shareConditions": "仅限办理户籍相关业务",
		"shareScope": "全市政务部门", "shareModes": []string{"QUERY", "VERIFY"}, "openType": "UNCONDITIONAL",
		"legalBasis": "《中华人民共和国户口登记条例》", "contactPerson": "李伟", "contactPhone": "0753-2188001",
		"dataItems": []map[string]any{
			{"name": "身份证号", "dataType": "STRING", "description": "公民身份号码", "personal": true},
			{"name": "迁移日期", "dataType": "DATE", "description": "迁入或迁出的日期"},
		},
	}
}

type mutationResult struct {
	Resource *entry
}

// mutate runs a workflow mutation whose field is aliased resource and
// returns the entry, failing the test on any error.
func (a *api) mutate(t *testing.T, mutation string, vars map[string]any) entry {
	t.Helper()
	var out mutationResult
	a.query(mutation, vars, &out)
	if out.Resource == nil {
		t.Fatalf("mutation answered null")
	}
	return *out.Resource
}

const (
	createMutation = `mutation($input: ResourceInput!, $key: String) { resource: createResource(input: $input, idempotencyKey: $key) { ` + entryFields + ` } }`
	updateMutation = `mutation($id: ID!, $input: ResourceInput!, $v: Int!, $reason: String) { resource: updateResource(id: $id, input: $input, expectedVersion: $v, reason: $reason) { ` + entryFields + ` } }`
	submitMutation = `mutation($id: ID!, $v: Int) { resource: submitResource(id: $id, expectedVersion: $v) { ` + entryFields + ` } }`
	reviewMutation = `mutation($id: ID!, $d: ReviewDecision!, $c: String) { resource: reviewResource(id: $id, decision: $d, comment: $c) { ` + entryFields + ` } }`
	retireMutation = `mutation($id: ID!, $r: String!) { resource: retireResource(id: $id, reason: $r) { ` + entryFields + ` } }`
	lookupQuery    = `query($id: ID!) { resource(id: $id) { name status } }`
)

// A department drafts, submits and gets an entry published through the
// API alone; the authority returns it once; a later revision is reviewed
// while the published content stays visible; every change is a version.
func TestWorkflowDraftToPublished(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	dept, auth, public := a.as(gaj), a.as(authority), a.public()

	// MZ 7: a department drafts its own entry; nobody else sees a draft.
	in := draftInput("441400-GA-900")
	in["summary"] = ""
	e := dept.mutate(t, createMutation, map[string]any{"input": in})
	if e.Status != "DRAFT" || e.Version != 1 || e.ReviewDeadline != nil {
		t.Fatalf("created %+v", e)
	}
	public.queryErr(lookupQuery, map[string]any{"id": e.ID}, "NOT_FOUND")
	a.as(mzj).queryErr(lookupQuery, map[string]any{"id": e.ID}, "NOT_FOUND")
	var seen struct{ Resource struct{ Name, Status string } }
	auth.query(lookupQuery, map[string]any{"id": e.ID}, &seen)
	if seen.Resource.Status != "DRAFT" {
		t.Fatalf("the authority sees %+v", seen)
	}

	// MZ 7: an incomplete entry cannot be submitted, and the refusal names the article.
	err := dept.queryErr(submitMutation, map[string]any{"id": e.ID}, "BAD_USER_INPUT")
	if !contains(err.Message, "MZ 7: summary is required") {
		t.Fatalf("refusal %q does not name MZ 7", err.Message)
	}
	// Only the source department edits; a stale version is a CONFLICT.
	in["summary"] = "户籍迁入迁出登记记录"
	a.as(mzj).queryErr(updateMutation, map[string]any{"id": e.ID, "input": in, "v": 1}, "NOT_FOUND")
	e = dept.mutate(t, updateMutation, map[string]any{"id": e.ID, "input": in, "v": 1, "reason": "补充摘要"})
	if e.Version != 2 || e.Status != "DRAFT" {
		t.Fatalf("updated %+v", e)
	}
	err = dept.queryErr(updateMutation, map[string]any{"id": e.ID, "input": in, "v": 1}, "CONFLICT")
	if !contains(err.Message, "at version 2, not 1") {
		t.Errorf("conflict message %q", err.Message)
	}

	// Submission sets the review deadline: 5 working days (default profile,
	// "as MZ 7"), counted on the stored calendar.
	e = dept.mutate(t, submitMutation, map[string]any{"id": e.ID, "v": 2})
	var cal struct {
		WorkingCalendar struct {
			Revision int
			Due      string `json:"due"`
		}
	}
	a.query(`query($today: Date!) { workingCalendar { revision due: addWorkingDays(date: $today, workingDays: 5) } }`,
		map[string]any{"today": domain.DateOf(time.Now()).String()}, &cal)
	d := e.ReviewDeadline
	if e.Status != "SUBMITTED" || d == nil || d.Kind != "CATALOGUE_REVIEW" || d.WorkingDays != 5 ||
		d.DueDate != cal.WorkingCalendar.Due || d.CalendarRevision != cal.WorkingCalendar.Revision ||
		!contains(d.Citation, "MZ 7") || d.Overdue || d.WorkingDaysLeft == nil || *d.WorkingDaysLeft != 5 {
		t.Fatalf("submitted %+v, deadline %+v; want due %s", e, d, cal.WorkingCalendar.Due)
	}
	if !strings.HasSuffix(d.DueAt, "T23:59:59.999999+08:00") {
		t.Errorf("due at %s, want the end of the day in China time", d.DueAt)
	}
	// Under review the department cannot edit, and cannot review itself.
	dept.queryErr(updateMutation, map[string]any{"id": e.ID, "input": in, "v": 3}, "FAILED_PRECONDITION")
	dept.queryErr(reviewMutation, map[string]any{"id": e.ID, "d": "APPROVE"}, "FORBIDDEN")

	// The authority returns it, saying why; the department fixes and resubmits.
	auth.queryErr(reviewMutation, map[string]any{"id": e.ID, "d": "RETURN"}, "BAD_USER_INPUT")
	e = auth.mutate(t, reviewMutation, map[string]any{"id": e.ID, "d": "RETURN", "c": "共享条件过宽，请写明可办理的业务"})
	if e.Status != "RETURNED" || e.ReviewDeadline != nil || e.ReviewNotes == nil || !contains(*e.ReviewNotes, "共享条件过宽") {
		t.Fatalf("returned %+v", e)
	}
	in["shareConditions"] = "仅限办理户籍迁移、身份核验业务"
	e = dept.mutate(t, updateMutation, map[string]any{"id": e.ID, "input": in, "v": e.Version})
	e = dept.mutate(t, submitMutation, map[string]any{"id": e.ID})
	e = auth.mutate(t, reviewMutation, map[string]any{"id": e.ID, "d": "APPROVE", "c": "同意发布"})
	if e.Status != "PUBLISHED" || e.PublishedAt == nil || e.ReviewDeadline != nil {
		t.Fatalf("approved %+v", e)
	}
	public.query(lookupQuery, map[string]any{"id": e.ID}, &seen)
	if seen.Resource.Name != "户籍迁移信息" {
		t.Fatalf("the public sees %+v", seen)
	}

	// WZ 35: a published entry is changed by a revision; the published
	// content stays visible until the authority approves it.
	in["name"] = "户籍迁移登记信息"
	e = dept.mutate(t, updateMutation, map[string]any{"id": e.ID, "input": in, "v": e.Version, "reason": "按编制指南更名"})
	if e.Status != "PUBLISHED" || e.Name != "户籍迁移信息" || e.Revision == nil || e.Revision.Status != "DRAFT" ||
		len(e.Revision.Changes) != 1 || e.Revision.Changes[0].Field != "name" || e.Revision.Changes[0].After != "户籍迁移登记信息" {
		t.Fatalf("revised %+v, revision %+v", e, e.Revision)
	}
	resp := public.do(`query($id: ID!) { resource(id: $id) { name revision { status } } }`, map[string]any{"id": e.ID})
	if len(resp.Errors) != 1 || resp.Errors[0].code() != "FORBIDDEN" || !contains(string(resp.Data), `"name":"户籍迁移信息"`) {
		t.Fatalf("the public sees the revision: %s %+v", resp.Data, resp.Errors)
	}
	e = dept.mutate(t, submitMutation, map[string]any{"id": e.ID})
	if e.Status != "PUBLISHED" || e.Revision.Status != "SUBMITTED" || e.ReviewDeadline == nil {
		t.Fatalf("revision submitted %+v", e)
	}
	e = auth.mutate(t, reviewMutation, map[string]any{"id": e.ID, "d": "APPROVE"})
	if e.Name != "户籍迁移登记信息" || e.Revision != nil || e.Status != "PUBLISHED" {
		t.Fatalf("revision approved %+v", e)
	}
	public.query(lookupQuery, map[string]any{"id": e.ID}, &seen)
	if seen.Resource.Name != "户籍迁移登记信息" {
		t.Fatalf("after approval the public sees %+v", seen)
	}

	// Retiring needs a reason; a retired entry is kept and changes no more.
	dept.queryErr(retireMutation, map[string]any{"id": e.ID, "r": " "}, "BAD_USER_INPUT")
	e = dept.mutate(t, retireMutation, map[string]any{"id": e.ID, "r": "职能划转至市政务服务数据管理局"})
	if e.Status != "RETIRED" {
		t.Fatalf("retired %+v", e)
	}
	err = dept.queryErr(updateMutation, map[string]any{"id": e.ID, "input": in, "v": e.Version}, "FAILED_PRECONDITION")
	if !contains(err.Message, "WZ 35") {
		t.Errorf("refusal on a retired entry %q", err.Message)
	}

	// The history: every change, who made it, why, and what changed.
	var hist struct {
		Resource struct {
			Versions []struct {
				Version int
				Action  string
				Actor   struct {
					Subject    string
					Role       string
					Department *struct{ ID, CreditCode string }
				}
				Comment        string
				Status         string
				RevisionStatus *string
				Changes        []struct{ Field, Before, After string }
			}
		}
	}
	a.as(auditor).query(`query($id: ID!) { resource(id: $id) { versions { version action comment status revisionStatus
		actor { subject role department { id creditCode } } changes { field before after } } } }`, map[string]any{"id": e.ID}, &hist)
	var actions []string
	for i, v := range hist.Resource.Versions {
		if v.Version != i+1 {
			t.Errorf("version %d numbered %d", i+1, v.Version)
		}
		actions = append(actions, v.Action)
	}
	want := "CREATED UPDATED SUBMITTED RETURNED UPDATED SUBMITTED APPROVED REVISED SUBMITTED APPROVED RETIRED"
	if strings.Join(actions, " ") != want {
		t.Fatalf("versions %v, want %s", actions, want)
	}
	vs := hist.Resource.Versions
	if vs[0].Actor.Subject != "li.wei" || vs[0].Actor.Role != "DEPARTMENT" || vs[0].Actor.Department == nil || vs[0].Actor.Department.CreditCode != gajCode {
		t.Errorf("creator %+v", vs[0].Actor)
	}
	if vs[1].Comment != "补充摘要" || len(vs[1].Changes) != 1 || vs[1].Changes[0].Field != "summary" || vs[1].Changes[0].After != "户籍迁入迁出登记记录" {
		t.Errorf("first update %+v", vs[1])
	}
	if vs[3].Actor.Role != "AUTHORITY" || vs[3].Actor.Department != nil || !contains(vs[3].Comment, "共享条件过宽") || vs[3].Status != "RETURNED" {
		t.Errorf("return %+v", vs[3])
	}
	if vs[7].Status != "PUBLISHED" || vs[7].RevisionStatus == nil || *vs[7].RevisionStatus != "DRAFT" || vs[7].Comment != "按编制指南更名" {
		t.Errorf("revision %+v", vs[7])
	}
	if len(vs[9].Changes) != 1 || vs[9].Changes[0].Field != "name" {
		t.Errorf("approval of the revision should list what became public: %+v", vs[9])
	}
	// Versions are internal: a retired entry does not exist for another
	// department, and of a published one it sees no versions.
	a.as(mzj).queryErr(`query($id: ID!) { resource(id: $id) { versions { version } } }`, map[string]any{"id": e.ID}, "NOT_FOUND")
	var pub struct {
		Resources struct{ Nodes []struct{ ID string } }
	}
	dept.query(`query($src: ID) { resources(first: 1, filter: {sourceDepartmentId: $src, status: PUBLISHED}) { nodes { id } } }`,
		map[string]any{"src": vs[0].Actor.Department.ID}, &pub)
	resp = a.as(mzj).do(`query($id: ID!) { resource(id: $id) { name versions { version } reviewDeadline { dueDate } revision { status } } }`,
		map[string]any{"id": pub.Resources.Nodes[0].ID})
	if len(resp.Errors) != 3 || !contains(string(resp.Data), `"versions":null`) {
		t.Errorf("another department reading the internal fields of a published entry: %s %+v", resp.Data, resp.Errors)
	}
	for _, e := range resp.Errors {
		if e.code() != "FORBIDDEN" {
			t.Errorf("refusal %+v", e)
		}
	}
}

// The rules each refusal names: MZ 10 (basis of a NONE share type, filed
// with the authority on approval), MZ 11 (one source per data element),
// NY 37 (base databases shared unconditionally), credit codes.
func TestWorkflowValidation(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	dept, auth := a.as(gaj), a.as(authority)

	// MZ 10, WZ 15(3): NONE needs a basis; once approved it is on file.
	in := draftInput("441400-GA-901")
	in["shareType"], in["shareModes"], in["legalBasis"], in["shareConditions"] = "NONE", []string{"VERIFY"}, "", ""
	e := dept.mutate(t, createMutation, map[string]any{"input": in})
	err := dept.queryErr(submitMutation, map[string]any{"id": e.ID}, "BAD_USER_INPUT")
	if !contains(err.Message, "MZ 10, WZ 15(3)") {
		t.Fatalf("refusal %q", err.Message)
	}
	// MZ 21: NONE allows only VERIFY, even in a draft.
	in["shareModes"] = []string{"BULK"}
	err = dept.queryErr(updateMutation, map[string]any{"id": e.ID, "input": in, "v": 1}, "BAD_USER_INPUT")
	if !contains(err.Message, "MZ 21") {
		t.Fatalf("refusal %q", err.Message)
	}
	in["shareModes"], in["legalBasis"] = []string{"VERIFY"}, "《中华人民共和国居民身份证法》第十九条"
	e = dept.mutate(t, updateMutation, map[string]any{"id": e.ID, "input": in, "v": 1})
	e = dept.mutate(t, submitMutation, map[string]any{"id": e.ID})
	e = auth.mutate(t, reviewMutation, map[string]any{"id": e.ID, "d": "APPROVE"})
	if e.NoneShareFiling == nil || !contains(*e.NoneShareFiling, "filed with the data authority") || !contains(*e.NoneShareFiling, "居民身份证法") {
		t.Fatalf("NONE entry approved without a filing: %+v", e)
	}

	// MZ 11: an element whose source is another department is refused.
	var els struct {
		Resources struct {
			Nodes []struct {
				DataElements []struct {
					ID               string
					SourceDepartment struct{ CreditCode string }
				}
			}
		}
	}
	auth.query(`{ resources(first: 100) { nodes { dataElements { id sourceDepartment { creditCode } } } } }`, nil, &els)
	var own, foreign string
	for _, n := range els.Resources.Nodes {
		for _, el := range n.DataElements {
			if el.SourceDepartment.CreditCode == gajCode {
				own = el.ID
			} else {
				foreign = el.ID
			}
		}
	}
	if own == "" || foreign == "" {
		t.Fatal("the demo catalogue lacks data elements of 公安局 and of another department")
	}
	in2 := draftInput("441400-GA-902")
	in2["dataElementIds"] = []string{foreign}
	err = dept.queryErr(createMutation, map[string]any{"input": in2}, "BAD_USER_INPUT")
	if !contains(err.Message, "MZ 11") {
		t.Fatalf("refusal %q", err.Message)
	}
	in2["dataElementIds"] = []string{own}
	dept.mutate(t, createMutation, map[string]any{"input": in2})

	// Credit codes are checked, then looked up.
	in3 := draftInput("441400-GA-903")
	in3["approvingDepartment"] = "11441400007045121X"
	err = dept.queryErr(createMutation, map[string]any{"input": in3}, "BAD_USER_INPUT")
	if !contains(err.Message, "approvingDepartment") {
		t.Fatalf("refusal %q", err.Message)
	}
	in3["approvingDepartment"] = "91440300MA5FUKWQ09" // valid, but no such department
	err = dept.queryErr(createMutation, map[string]any{"input": in3}, "BAD_USER_INPUT")
	if !contains(err.Message, "no department has the credit code") {
		t.Fatalf("refusal %q", err.Message)
	}
	// A duplicate code is a CONFLICT.
	dept.queryErr(createMutation, map[string]any{"input": draftInput("441400-GA-901")}, "CONFLICT")

	// NY 37: an entry feeding a base database must stay UNCONDITIONAL.
	var base struct {
		ThemeDatabases struct {
			Nodes []struct {
				Resources struct {
					Nodes []struct {
						ID               string
						Code             string
						Version          int
						ShareType        string
						SourceDepartment struct{ CreditCode string }
					}
				}
			}
		}
	}
	auth.query(`{ themeDatabases(filter: {kind: BASE}, first: 10) { nodes { resources(first: 50) { nodes {
		id code version shareType sourceDepartment { creditCode } } } } } }`, nil, &base)
	for _, db := range base.ThemeDatabases.Nodes {
		for _, r := range db.Resources.Nodes {
			if r.SourceDepartment.CreditCode != gajCode || r.ShareType != "UNCONDITIONAL" {
				continue
			}
			in4 := draftInput(r.Code)
			e := dept.mutate(t, updateMutation, map[string]any{"id": r.ID, "input": in4, "v": r.Version})
			err := dept.queryErr(submitMutation, map[string]any{"id": e.ID}, "BAD_USER_INPUT")
			if !contains(err.Message, "NY 37") {
				t.Fatalf("refusal %q", err.Message)
			}
			return
		}
	}
	t.Fatal("the demo catalogue has no unconditional base-database entry of 公安局")
}

// Auditors read everything and change nothing (WZ 34); the public and
// persons cannot draft.
func TestWorkflowRoles(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	for _, c := range []struct {
		name string
		api  *api
	}{
		{"auditor", a.as(auditor)},
		{"public", a.public()},
		{"person", a.as(auth.Claims{Sub: "zhang.san", Role: domain.RolePerson, Subject: "441402198507150012"})},
		{"authority", a.as(authority)},
	} {
		err := c.api.queryErr(createMutation, map[string]any{"input": draftInput("441400-GA-950")}, "FORBIDDEN")
		if c.name == "auditor" && !contains(err.Message, "auditors read everything and change nothing") {
			t.Errorf("auditor refusal %q", err.Message)
		}
	}
	// An auditor is refused before anything runs, whatever the mutation.
	resp := a.as(auditor).do(`mutation { setRegionPolicy(regionCode: "441400", profile: "nanyang") { name } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].code() != "FORBIDDEN" || string(resp.Data) != "" && string(resp.Data) != "null" {
		t.Fatalf("auditor mutation: %s %+v", resp.Data, resp.Errors)
	}
}

// Two concurrent edits of one version: one succeeds, the other is a
// CONFLICT; the history has one update.
func TestWorkflowConcurrentEdits(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	dept := a.as(gaj)
	e := dept.mutate(t, createMutation, map[string]any{"input": draftInput("441400-GA-910")})
	var wg sync.WaitGroup
	codes := make([]string, 2)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := draftInput("441400-GA-910")
			in["name"] = fmt.Sprintf("户籍迁移信息（第%d稿）", i+1)
			resp := dept.do(updateMutation, map[string]any{"id": e.ID, "input": in, "v": 1})
			if len(resp.Errors) > 0 {
				codes[i] = resp.Errors[0].code()
			} else {
				codes[i] = "OK"
			}
		}()
	}
	wg.Wait()
	if !(codes[0] == "OK" && codes[1] == "CONFLICT" || codes[0] == "CONFLICT" && codes[1] == "OK") {
		t.Fatalf("concurrent edits answered %v, want one OK and one CONFLICT", codes)
	}
	var hist struct {
		Resource struct{ Versions []struct{ Action string } }
	}
	dept.query(`query($id: ID!) { resource(id: $id) { versions { action } } }`, map[string]any{"id": e.ID}, &hist)
	if len(hist.Resource.Versions) != 2 {
		t.Fatalf("versions %+v, want CREATED and one UPDATED", hist.Resource.Versions)
	}
}

// A retried mutation with the same idempotency key acts once; the key
// reused for other input is a CONFLICT.
func TestWorkflowIdempotency(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	dept := a.as(gaj)
	in := draftInput("441400-GA-920")
	var wg sync.WaitGroup
	ids := make([]string, 3)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out mutationResult
			resp := dept.do(createMutation, map[string]any{"input": in, "key": "create-920"})
			resp.decode(t, &out)
			if len(resp.Errors) == 0 && out.Resource != nil {
				ids[i] = out.Resource.ID
			}
		}()
	}
	wg.Wait()
	if ids[0] == "" || ids[0] != ids[1] || ids[1] != ids[2] {
		t.Fatalf("three tries with one key made %v", ids)
	}
	var count struct{ Resources struct{ TotalCount int } }
	dept.query(`{ resources(filter: {search: "户籍迁移信息"}) { totalCount } }`, nil, &count)
	if count.Resources.TotalCount != 1 {
		t.Fatalf("%d entries, want 1", count.Resources.TotalCount)
	}
	other := draftInput("441400-GA-921")
	err := dept.queryErr(createMutation, map[string]any{"input": other, "key": "create-920"}, "CONFLICT")
	if !contains(err.Message, "different request") {
		t.Errorf("reuse refusal %q", err.Message)
	}
	// The key is the sender's: another department may use the same string.
	a.as(mzj).mutate(t, createMutation, map[string]any{"input": draftInput("441400-MZ-920"), "key": "create-920"})
}

// Policy profiles: the deployment's numbers, a region's override, and
// deadlines that follow it.
func TestPolicyProfiles(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	auth, dept := a.as(authority), a.as(gaj)
	type profile struct {
		Name           string
		RegionOverride bool
		Rules          []struct {
			Kind        string
			WorkingDays int
			Citation    string
			Defaulted   bool
		}
	}
	var got struct{ PolicyProfile profile }
	a.public().query(`{ policyProfile { name regionOverride rules { kind workingDays citation defaulted } } }`, nil, &got)
	if got.PolicyProfile.Name != "default" || len(got.PolicyProfile.Rules) != len(domain.DeadlineKinds) {
		t.Fatalf("deployment profile %+v", got.PolicyProfile)
	}
	a.public().queryErr(`{ policyProfile(regionCode: "4414") { name } }`, nil, "BAD_USER_INPUT")
	dept.queryErr(`mutation { setRegionPolicy(regionCode: "441400", profile: "nanyang") { name } }`, nil, "FORBIDDEN")
	auth.queryErr(`mutation { setRegionPolicy(regionCode: "441400", profile: "shenzhen") { name } }`, nil, "BAD_USER_INPUT")
	var set struct{ SetRegionPolicy profile }
	auth.query(`mutation { setRegionPolicy(regionCode: "441400", profile: "nanyang") { name regionOverride rules { kind workingDays citation } } }`, nil, &set)
	if set.SetRegionPolicy.Name != "nanyang" || !set.SetRegionPolicy.RegionOverride {
		t.Fatalf("override %+v", set.SetRegionPolicy)
	}
	// 公安局 is in 441400: its review deadline now cites NY 22.
	e := dept.mutate(t, createMutation, map[string]any{"input": draftInput("441400-GA-930")})
	e = dept.mutate(t, submitMutation, map[string]any{"id": e.ID})
	if e.ReviewDeadline == nil || e.ReviewDeadline.Citation != "NY 22" {
		t.Fatalf("deadline under the nanyang override: %+v", e.ReviewDeadline)
	}
	var all struct{ PolicyProfiles []profile }
	a.public().query(`{ policyProfiles { name } }`, nil, &all)
	if len(all.PolicyProfiles) != 6 {
		t.Errorf("profiles %+v", all.PolicyProfiles)
	}
}

// The calendar: seeded from the State Council schedules; the authority
// adds a year; a deadline into a year without one is refused.
func TestWorkingCalendar(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	auth := a.as(authority)
	var cal struct {
		WorkingCalendar struct {
			Revision     int
			Years        []int
			Holiday      bool `json:"holiday"`
			Makeup       bool `json:"makeup"`
			AfterHoliday string
		}
	}
	a.public().query(`{ workingCalendar { revision years holiday: isWorkingDay(date: "2025-10-01") makeup: isWorkingDay(date: "2025-10-11")
		afterHoliday: addWorkingDays(date: "2025-09-30", workingDays: 5) } }`, nil, &cal)
	c := cal.WorkingCalendar
	if len(c.Years) != 8 || c.Years[0] != 2019 || c.Years[7] != 2026 || c.Holiday || !c.Makeup || c.AfterHoliday != "2025-10-14" {
		t.Fatalf("calendar %+v", c)
	}
	err := a.public().queryErr(`{ workingCalendar { addWorkingDays(date: "2026-12-30", workingDays: 5) } }`, nil, "FAILED_PRECONDITION")
	if !contains(err.Message, "2027") {
		t.Errorf("refusal %q", err.Message)
	}

	const add = `mutation($s: String!, $r: Boolean!, $why: String) { addHolidaySchedule(schedule: $s, replace: $r, reason: $why) { revision years } }`
	y2027 := `{"year": 2027, "papers": ["test schedule"], "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}`
	a.as(gaj).queryErr(add, map[string]any{"s": y2027, "r": false}, "FORBIDDEN")
	auth.queryErr(add, map[string]any{"s": `{"year": 2027, "days": [{"date": "2027-01-01"}]}`, "r": false}, "BAD_USER_INPUT")
	auth.queryErr(add, map[string]any{"s": "not json", "r": false}, "BAD_USER_INPUT")
	var added struct {
		AddHolidaySchedule struct {
			Revision int
			Years    []int
		}
	}
	auth.query(add, map[string]any{"s": y2027, "r": false}, &added)
	if added.AddHolidaySchedule.Revision <= c.Revision || len(added.AddHolidaySchedule.Years) != 9 {
		t.Fatalf("after adding 2027: %+v", added)
	}
	var after struct{ WorkingCalendar struct{ D string } }
	a.public().query(`{ workingCalendar { d: addWorkingDays(date: "2026-12-30", workingDays: 2) } }`, nil, &after)
	if after.WorkingCalendar.D != "2027-01-04" { // 12-31, then 01-01 off, weekend, 01-04
		t.Errorf("across the new year: %s", after.WorkingCalendar.D)
	}
	auth.queryErr(add, map[string]any{"s": y2027, "r": false}, "CONFLICT")
	auth.queryErr(add, map[string]any{"s": y2027, "r": true}, "BAD_USER_INPUT")
	auth.query(add, map[string]any{"s": y2027, "r": true, "why": "国务院办公厅通知调整"}, &added)
}
