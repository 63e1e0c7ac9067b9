package domain

import (
	"strings"
	"testing"
)

// Every state × event pair, written out: "" means refused.
func TestTransition(t *testing.T) {
	var (
		draft     = WorkflowState{StatusDraft, RevisionNone}
		submitted = WorkflowState{StatusSubmitted, RevisionNone}
		returned  = WorkflowState{StatusReturned, RevisionNone}
		published = WorkflowState{StatusPublished, RevisionNone}
		revDraft  = WorkflowState{StatusPublished, RevisionDraft}
		revSub    = WorkflowState{StatusPublished, RevisionSubmitted}
		revRet    = WorkflowState{StatusPublished, RevisionReturned}
		retired   = WorkflowState{StatusRetired, RevisionNone}
		refused   = WorkflowState{}
	)
	want := map[WorkflowState]map[Event]WorkflowState{
		//           UPDATE     SUBMIT     APPROVE    RETURN     RETIRE
		draft:     {EventUpdate: draft, EventSubmit: submitted, EventApprove: refused, EventReturn: refused, EventRetire: retired},
		submitted: {EventUpdate: refused, EventSubmit: refused, EventApprove: published, EventReturn: returned, EventRetire: refused},
		returned:  {EventUpdate: draft, EventSubmit: submitted, EventApprove: refused, EventReturn: refused, EventRetire: retired},
		// WZ 35: a published entry changes through a revision, reviewed
		// while the published one stays visible.
		published: {EventUpdate: revDraft, EventSubmit: refused, EventApprove: refused, EventReturn: refused, EventRetire: retired},
		revDraft:  {EventUpdate: revDraft, EventSubmit: revSub, EventApprove: refused, EventReturn: refused, EventRetire: retired},
		revSub:    {EventUpdate: refused, EventSubmit: refused, EventApprove: published, EventReturn: revRet, EventRetire: refused},
		revRet:    {EventUpdate: revDraft, EventSubmit: revSub, EventApprove: refused, EventReturn: refused, EventRetire: retired},
		// Nothing is deleted, and a retired entry stays as it is.
		retired: {EventUpdate: refused, EventSubmit: refused, EventApprove: refused, EventReturn: refused, EventRetire: refused},
	}
	if len(want) != len(WorkflowStates) {
		t.Fatalf("the test covers %d states, the workflow has %d", len(want), len(WorkflowStates))
	}
	for _, s := range WorkflowStates {
		for _, e := range Events {
			w, ok := want[s][e]
			if !ok {
				t.Fatalf("the test lacks %s × %s", s, e)
			}
			got, err := Transition(s, e)
			switch {
			case w == refused && err == nil:
				t.Errorf("%s × %s = %s, want a refusal", s, e, got)
			case w == refused && (ErrorCode(err) != EPrecondition || !strings.Contains(err.Error(), "allows")):
				t.Errorf("%s × %s: refusal %v should be FAILED_PRECONDITION and say what is allowed", s, e, err)
			case w != refused && (err != nil || got != w):
				t.Errorf("%s × %s = %s, %v; want %s", s, e, got, err, w)
			}
		}
	}
}

func TestMayAct(t *testing.T) {
	const own, other = 7, 8
	for _, tt := range []struct {
		v    Viewer
		e    Event
		want Code
	}{
		{Viewer{Role: RoleDepartment, DepartmentID: own}, EventUpdate, ""},
		{Viewer{Role: RoleDepartment, DepartmentID: own}, EventSubmit, ""},
		{Viewer{Role: RoleDepartment, DepartmentID: own}, EventRetire, ""},
		{Viewer{Role: RoleDepartment, DepartmentID: own}, EventApprove, EForbidden}, // MZ 7: no self-review
		{Viewer{Role: RoleDepartment, DepartmentID: other}, EventUpdate, EForbidden},
		{Viewer{Role: RoleDepartment, DepartmentID: other}, EventSubmit, EForbidden},
		{Viewer{Role: RoleAuthority}, EventApprove, ""},
		{Viewer{Role: RoleAuthority}, EventReturn, ""},
		{Viewer{Role: RoleAuthority}, EventUpdate, EForbidden},
		{Viewer{Role: RoleAuditor}, EventApprove, EForbidden},
		{Viewer{Role: RoleAuditor}, EventUpdate, EForbidden},
		{Viewer{Role: RolePerson, DataSubject: "x"}, EventUpdate, EForbidden},
		{Public, EventRetire, EForbidden},
	} {
		if got := ErrorCode(MayAct(tt.v, tt.e, own)); got != tt.want {
			t.Errorf("%s (department %d) %s: %q, want %q", tt.v.Role, tt.v.DepartmentID, tt.e, got, tt.want)
		}
	}
}

func validEntry() Entry {
	return Entry{
		Code: "441400-GA-900", Name: "户籍迁移信息", Summary: "户籍迁入迁出记录", Classification: "基础信息资源/人口",
		Format: "数据库", UpdateFrequency: FreqDaily, ShareType: ShareUnconditional, ShareScope: "全市政务部门",
		ShareModes: []ShareMode{ModeQuery}, OpenType: OpenNone, LegalBasis: "《中华人民共和国户口登记条例》",
		CollectingDepartmentID: 1, ApprovingDepartmentID: 1, ProvidingDepartmentID: 1,
		Items:          []EntryItem{{Name: "身份证号", DataType: TypeString, Description: "公民身份号码", Personal: true}},
		DataElementIDs: []int64{11},
	}
}

func TestValidateEntry(t *testing.T) {
	ctx := EntryContext{SourceDepartmentID: 1, ElementSources: map[int64]int64{11: 1, 12: 2}, KnownDepartments: map[int64]bool{1: true, 2: true}}
	for _, tt := range []struct {
		name     string
		edit     func(*Entry, *EntryContext)
		complete bool
		want     string // "" = valid
	}{
		{"valid draft", func(*Entry, *EntryContext) {}, false, ""},
		{"valid submission", func(*Entry, *EntryContext) {}, true, ""},
		{"incomplete draft is fine", func(e *Entry, _ *EntryContext) { e.Summary, e.Items = "", nil }, false, ""},
		{"MZ 7 summary", func(e *Entry, _ *EntryContext) { e.Summary = "" }, true, "MZ 7: summary is required"},
		{"MZ 7 items", func(e *Entry, _ *EntryContext) { e.Items = nil }, true, "MZ 7: at least one data item"},
		{"MZ 7 item description", func(e *Entry, _ *EntryContext) { e.Items[0].Description = "" }, true, `MZ 7: data item "身份证号" needs a description`},
		{"MZ 7 departments", func(e *Entry, _ *EntryContext) { e.ApprovingDepartmentID = 0 }, true, "MZ 7: the collecting, approving and providing departments"},
		{"unknown department", func(e *Entry, _ *EntryContext) { e.ProvidingDepartmentID = 99 }, false, "MZ 7: the providing department does not exist"},
		{"MZ 7 share modes", func(e *Entry, _ *EntryContext) { e.ShareModes = nil }, true, "MZ 7: a shared entry names its share modes"},
		{"MZ 10 conditions", func(e *Entry, _ *EntryContext) { e.ShareType = ShareConditional }, true, "MZ 10, WZ 15(2): a CONDITIONAL share type needs share conditions"},
		{"MZ 10 conditional basis", func(e *Entry, _ *EntryContext) {
			e.ShareType, e.ShareConditions, e.LegalBasis, e.OpenType = ShareConditional, "用于户籍核验", "", OpenUnconditional
		}, true, "MZ 10, WZ 15(2): a CONDITIONAL share type needs a legal basis"},
		{"MZ 10 none basis", func(e *Entry, _ *EntryContext) {
			e.ShareType, e.ShareModes, e.LegalBasis, e.OpenType = ShareNone, []ShareMode{ModeVerify}, "", OpenUnconditional
		}, true, "MZ 10, WZ 15(3): a NONE share type needs a legal basis"},
		{"MZ 21 none modes", func(e *Entry, _ *EntryContext) { e.ShareType, e.ShareModes = ShareNone, []ShareMode{ModeBulk} }, false, "MZ 21: a NONE share type allows only the VERIFY mode"},
		{"NONE with VERIFY", func(e *Entry, _ *EntryContext) { e.ShareType, e.ShareModes = ShareNone, []ShareMode{ModeVerify} }, true, ""},
		{"NY 37 base database", func(e *Entry, c *EntryContext) {
			e.ShareType, e.ShareConditions, c.InBaseDatabase = ShareConditional, "仅限核验", true
		}, true, "NY 37: the entry feeds a base database"},
		{"NY 37 unconditional", func(_ *Entry, c *EntryContext) { c.InBaseDatabase = true }, true, ""},
		{"NY 44 open none basis", func(e *Entry, _ *EntryContext) { e.LegalBasis = "" }, true, "NY 44: a NONE open type needs a legal basis"},
		{"NY 46 open conditions", func(e *Entry, _ *EntryContext) { e.OpenType = OpenConditional }, true, "NY 46: a CONDITIONAL open type needs open conditions"},
		{"MZ 11 one source", func(e *Entry, _ *EntryContext) { e.DataElementIDs = []int64{12} }, false, "MZ 11 (一数一源)"},
		{"unknown element", func(e *Entry, _ *EntryContext) { e.DataElementIDs = []int64{13} }, false, "data element " + NodeID(KindDataElement, 13) + " does not exist"},
		{"duplicate item", func(e *Entry, _ *EntryContext) { e.Items = append(e.Items, e.Items[0]) }, false, `data item "身份证号" is listed twice`},
		{"a draft without a code", func(e *Entry, _ *EntryContext) { e.Code = "" }, false, "MZ 7: code is required, even for a draft"},
		{"bad code", func(e *Entry, _ *EntryContext) { e.Code = "户籍 1" }, false, `code "户籍 1": use 3 to 64 letters`},
		{"bad item type", func(e *Entry, _ *EntryContext) { e.Items[0].DataType = "BLOB" }, false, `type "BLOB" is not one of`},
		{"several at once", func(e *Entry, _ *EntryContext) { e.Summary, e.Format = "", "" }, true, "MZ 7: format is required; MZ 7: summary is required"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, c := validEntry(), ctx
			tt.edit(&e, &c)
			err := ValidateEntry(e, c, tt.complete)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if ErrorCode(err) != EInvalid || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want BAD_USER_INPUT saying %q", err, tt.want)
			}
		})
	}
}

func TestDiffEntries(t *testing.T) {
	a := validEntry()
	if d := DiffEntries(a, a); len(d) != 0 {
		t.Fatalf("an entry differs from itself: %+v", d)
	}
	b := validEntry()
	b.Name = "户籍迁移登记信息"
	b.Items[0].Description = "18位公民身份号码"
	b.Items = append(b.Items, EntryItem{Name: "迁入日期", DataType: TypeDate, Description: "迁入日期"})
	b.ShareModes = []ShareMode{ModeQuery, ModeVerify}
	got := DiffEntries(a, b)
	want := []FieldChange{
		{"name", "户籍迁移信息", "户籍迁移登记信息"},
		{"shareModes", "QUERY", "QUERY, VERIFY"},
		{"dataItems.身份证号", "身份证号 (STRING): 公民身份号码 [personal]", "身份证号 (STRING): 18位公民身份号码 [personal]"},
		{"dataItems.迁入日期", "", "迁入日期 (DATE): 迁入日期"},
	}
	if len(got) != len(want) {
		t.Fatalf("diff = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("change %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	// Removing an item is a change too; removals come before the others.
	if d := DiffEntries(b, a); len(d) != 4 || d[2].Field != "dataItems.迁入日期" || d[2].After != "" {
		t.Errorf("reverse diff = %+v", d)
	}
}
