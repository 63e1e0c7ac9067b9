package domain

import (
	"strings"
	"testing"
)

// Every kind × status × event: what the workflow allows, and that the
// rest is refused naming what is allowed.
func TestDisputeTransition(t *testing.T) {
	type row = map[DisputeEvent]DisputeStatus
	want := map[DisputeKind]map[DisputeStatus]row{
		// MZ 23, NY 65, WZ 23.
		DisputeDataError: {
			DisputeAwaitingVerification: {DisputeEventConfirm: DisputeAwaitingCorrection, DisputeEventReject: DisputeRejected,
				DisputeEventExtend: DisputeAwaitingVerification, DisputeEventWithdraw: DisputeWithdrawn},
			DisputeAwaitingCorrection: {DisputeEventCorrect: DisputeCorrected},
			DisputeCorrected:          {}, DisputeRejected: {}, DisputeWithdrawn: {},
		},
		// MZ 42.
		DisputeSharing: {
			DisputeInProgress: {DisputeEventPosition: DisputeInProgress, DisputeEventEscalate: DisputeInProgress,
				DisputeEventResolve: DisputeResolved, DisputeEventWithdraw: DisputeWithdrawn},
			DisputeResolved: {}, DisputeWithdrawn: {},
		},
		// NY 45.
		DisputeOpenObjection: {
			DisputeAwaitingAnswer: {DisputeEventAccept: DisputeAccepted, DisputeEventReject: DisputeRejected,
				DisputeEventExtend: DisputeAwaitingAnswer, DisputeEventWithdraw: DisputeWithdrawn},
			DisputeAccepted: {}, DisputeRejected: {}, DisputeWithdrawn: {},
		},
	}
	for _, k := range DisputeKinds {
		for s, allowed := range want[k] {
			for _, e := range DisputeEvents {
				got, err := DisputeTransition(k, s, e)
				if next, ok := allowed[e]; ok {
					if err != nil || got != next {
						t.Errorf("%s %s × %s = %s, %v; want %s", k, s, e, got, err, next)
					}
					continue
				}
				if ErrorCode(err) != EPrecondition || !strings.Contains(err.Error(), "allows") {
					t.Errorf("%s %s × %s = %s, %v; want FAILED_PRECONDITION saying what it allows", k, s, e, got, err)
				}
			}
		}
	}
	if _, err := DisputeTransition(DisputeSharing, DisputeAwaitingAnswer, DisputeEventAccept); ErrorCode(err) != EInternal {
		t.Errorf("a status of another kind: %v", err)
	}
	for _, s := range DisputeStatuses {
		open := s == DisputeAwaitingVerification || s == DisputeAwaitingCorrection || s == DisputeInProgress || s == DisputeAwaitingAnswer
		if DisputeOpen(s) != open {
			t.Errorf("DisputeOpen(%s) = %v", s, !open)
		}
	}
}

func TestValidateDataErrorReport(t *testing.T) {
	user := Viewer{Role: RoleDepartment, Subject: "staff", DepartmentID: 2}
	source := Viewer{Role: RoleDepartment, Subject: "src", DepartmentID: 1}
	person := Viewer{Role: RolePerson, Subject: "p-1", DataSubject: "110101199003071234"}
	anonymousPerson := Viewer{Role: RolePerson, Subject: "p-2"}
	holds := ErrorReporter{HoldsGrant: true, SourceDepartmentID: 1, ItemIDs: []int64{10, 11}}
	link := []string{"https://example.gov.cn/proof.pdf"}
	pdf := []EvidenceFile{{FileName: "proof.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4")}}
	cases := []struct {
		name string
		v    Viewer
		in   DataErrorInput
		r    ErrorReporter
		code Code
		want string
	}{
		{"a using department with evidence (MZ 23, NY 64)", user, DataErrorInput{Description: "出生日期错误", ItemIDs: []int64{10}, Links: link}, holds, "", ""},
		{"a file is evidence too", user, DataErrorInput{Description: "x", Files: pdf}, holds, "", ""},
		{"no evidence (NY 64)", user, DataErrorInput{Description: "x"}, holds, EInvalid, "NY 64: attach"},
		{"no grant: not a user of the data (MZ 23)", user, DataErrorInput{Description: "x", Links: link}, ErrorReporter{SourceDepartmentID: 1}, EForbidden, "request it first"},
		{"the source corrects directly", source, DataErrorInput{Description: "x", Links: link}, holds, EPrecondition, "correct it directly"},
		{"no description (NY 64)", user, DataErrorInput{Description: " ", Links: link}, holds, EInvalid, "简洁、准确"},
		{"an item of another entry", user, DataErrorInput{Description: "x", Links: link, ItemIDs: []int64{99}}, holds, EInvalid, "is not an item"},
		{"a data subject about itself (MZ 35), no evidence needed", person, DataErrorInput{Description: "地址错误"}, ErrorReporter{SourceDepartmentID: 1}, "", ""},
		{"naming itself is fine", person, DataErrorInput{Description: "x", Subject: "110101199003071234"}, ErrorReporter{SourceDepartmentID: 1}, "", ""},
		{"about someone else (MZ 35)", person, DataErrorInput{Description: "x", Subject: "other"}, ErrorReporter{SourceDepartmentID: 1}, EInvalid, "your own"},
		{"a person token without a data subject", anonymousPerson, DataErrorInput{Description: "x"}, ErrorReporter{SourceDepartmentID: 1}, EForbidden, "names no data subject"},
		{"the public", Public, DataErrorInput{Description: "x"}, holds, EForbidden, "sign in"},
		{"an auditor changes nothing", Viewer{Role: RoleAuditor, Subject: "a"}, DataErrorInput{Description: "x"}, holds, EForbidden, ""},
		{"a bad link", user, DataErrorInput{Description: "x", Links: []string{"javascript:alert(1)"}}, holds, EInvalid, "not an http(s) address"},
	}
	for _, c := range cases {
		err := ValidateDataErrorReport(c.v, c.in, c.r)
		if ErrorCode(err) != c.code || c.code != "" && !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want %s %q", c.name, err, c.code, c.want)
		}
	}
}

func TestValidateEvidence(t *testing.T) {
	f := func(name, ct string, n int) EvidenceFile {
		return EvidenceFile{FileName: name, ContentType: ct, Content: make([]byte, n)}
	}
	cases := []struct {
		name  string
		files []EvidenceFile
		links []string
		want  string
	}{
		{"a PDF and a PNG", []EvidenceFile{f("a.pdf", "application/pdf", 10), f("b.png", "image/png", 10)}, nil, ""},
		{"exactly the size limit", []EvidenceFile{f("a.pdf", "application/pdf", MaxEvidenceFileBytes)}, nil, ""},
		{"over the size limit", []EvidenceFile{f("big.pdf", "application/pdf", MaxEvidenceFileBytes+1)}, nil, "a file may be at most 10 MiB"},
		{"empty", []EvidenceFile{f("a.pdf", "application/pdf", 0)}, nil, "is empty"},
		{"an executable", []EvidenceFile{f("x.exe", "application/octet-stream", 10)}, nil, "convert documents to PDF"},
		{"too many files", []EvidenceFile{f("1", "text/plain", 1), f("2", "text/plain", 1), f("3", "text/plain", 1), f("4", "text/plain", 1), f("5", "text/plain", 1), f("6", "text/plain", 1)}, nil, "at most 5 files"},
		{"too many links", nil, strings.Split(strings.Repeat("https://a.cn/x ", 11), " ")[:11], "at most 10 links"},
		{"an ftp link", nil, []string{"ftp://a.cn/x"}, "not an http(s) address"},
	}
	for _, c := range cases {
		bad := strings.Join(ValidateEvidence(c.files, c.links), "; ")
		if (c.want == "") != (bad == "") || !strings.Contains(bad, c.want) {
			t.Errorf("%s: %q; want %q", c.name, bad, c.want)
		}
	}
}

// WZ 23: 5 working days to verify, extendable once with the responsible
// person's approval to at most 15 in all; other cities allow none.
func TestDataErrorExtension(t *testing.T) {
	cal := seededCalendar(t)
	wz, _ := LookupProfile("wenzhou")
	mz, _ := LookupProfile("meizhou")
	rule := wz.Rule(DeadlineErrorVerify)
	d, err := wz.Deadline(cal, DeadlineErrorVerify, date(t, "2025-09-22").StartOfDay())
	if err != nil || d.Due.String() != "2025-09-28" || d.Days != 5 {
		t.Fatalf("deadline %+v %v; want 2025-09-28 (a make-up working day)", d, err)
	}
	cases := []struct {
		name     string
		days     int
		already  bool
		approver string
		rule     Rule
		code     Code
		due      string
		total    int
	}{
		// National Day 2025: 10-01 to 10-08 off, 10-11 made up.
		{"the whole extension: 15 in all", 0, false, "王主任", rule, "", "2025-10-17", 15},
		{"part of it", 3, false, "王主任", rule, "", "2025-10-09", 8},
		{"exactly the cap", 10, false, "王主任", rule, "", "2025-10-17", 15},
		{"past the cap", 11, false, "王主任", rule, EInvalid, "", 0},
		{"a second extension", 2, true, "王主任", rule, EPrecondition, "", 0},
		{"without the responsible person", 2, false, " ", rule, EInvalid, "", 0},
		{"meizhou allows none (MZ 23)", 2, false, "王主任", mz.Rule(DeadlineErrorVerify), EPrecondition, "", 0},
	}
	for _, c := range cases {
		got, err := ExtendDeadline(cal, d, c.rule, c.already, c.days, "核查需调取纸质档案", c.approver)
		switch {
		case ErrorCode(err) != c.code:
			t.Errorf("%s: %v; want %s", c.name, err, c.code)
		case c.code == "" && (got.Due.String() != c.due || got.Days != c.total || !got.DueAt.Equal(got.Due.EndOfDay())):
			t.Errorf("%s: due %s after %d days; want %s after %d", c.name, got.Due, got.Days, c.due, c.total)
		}
	}
	if _, err := ExtendDeadline(cal, d, rule, false, 11, "x", "y"); err == nil || !strings.Contains(err.Error(), "15 in all") {
		t.Errorf("the cap error names the total: %v", err)
	}
}

func TestSharingDisputeSteps(t *testing.T) {
	const requester, source = 2, 1
	req := Viewer{Role: RoleDepartment, Subject: "r", DepartmentID: requester}
	src := Viewer{Role: RoleDepartment, Subject: "s", DepartmentID: source}
	other := Viewer{Role: RoleDepartment, Subject: "o", DepartmentID: 3}
	authority := Viewer{Role: RoleAuthority, Subject: "a"}
	outcome := Escalation{Outcome: "协商不成"}
	full := Escalation{Outcome: "会商不成", Reasons: "使用方: 履职需要; 数源方: 涉及隐私", Recommendation: "以核验方式共享"}
	cases := []struct {
		name string
		v    Viewer
		step SharingStep
		esc  Escalation
		code Code
		want string
	}{
		{"the requester ends negotiation", req, StepNegotiation, outcome, "", ""},
		{"the source ends negotiation", src, StepNegotiation, outcome, "", ""},
		{"a stranger cannot", other, StepNegotiation, outcome, EForbidden, ""},
		{"an outcome is recorded", req, StepNegotiation, Escalation{}, EInvalid, "record the outcome"},
		{"the authority ends coordination", authority, StepAuthorityCoordination, outcome, "", ""},
		{"a party cannot end coordination", req, StepAuthorityCoordination, outcome, EForbidden, "data authority"},
		{"to the government with reasons and recommendation (MZ 42)", authority, StepJointConsultation, full, "", ""},
		{"to the government without reasons (MZ 42)", authority, StepJointConsultation, Escalation{Outcome: "x", Recommendation: "y"}, EInvalid, "列明各方理据"},
		{"to the government without a recommendation (MZ 42)", authority, StepJointConsultation, Escalation{Outcome: "x", Reasons: "y"}, EInvalid, "倾向性意见"},
		{"nothing after the government", authority, StepGovernmentDecision, full, EPrecondition, "last step"},
	}
	for _, c := range cases {
		err := MayEscalate(c.v, c.step, requester, source, c.esc)
		if ErrorCode(err) != c.code || c.code != "" && !strings.Contains(err.Error(), c.want) {
			t.Errorf("escalate: %s: %v; want %s %q", c.name, err, c.code, c.want)
		}
	}
	resolutions := []struct {
		name string
		v    Viewer
		step SharingStep
		res  Resolution
		code Code
	}{
		{"the source settles the negotiation", src, StepNegotiation, Resolution{Outcome: "同意以核验方式共享", Grant: true}, ""},
		{"the requester withdraws instead", req, StepNegotiation, Resolution{Outcome: "x"}, EForbidden},
		{"the authority records a coordination", authority, StepAuthorityCoordination, Resolution{Outcome: "x"}, ""},
		{"a party cannot record a coordination", src, StepJointConsultation, Resolution{Outcome: "x"}, EForbidden},
		{"the government's decision names its document", authority, StepGovernmentDecision, Resolution{Outcome: "x"}, EInvalid},
		{"with it", authority, StepGovernmentDecision, Resolution{Outcome: "x", DecisionReference: "梅府函〔2026〕12号"}, ""},
		{"an outcome is recorded", authority, StepAuthorityCoordination, Resolution{}, EInvalid},
	}
	for _, c := range resolutions {
		if err := MayResolve(c.v, c.step, source, c.res); ErrorCode(err) != c.code {
			t.Errorf("resolve: %s: %v; want %s", c.name, err, c.code)
		}
	}
	for i, s := range SharingSteps[:3] {
		if n, err := NextStep(s); err != nil || n != SharingSteps[i+1] {
			t.Errorf("after %s: %s %v", s, n, err)
		}
	}
}

func TestValidateSharingDispute(t *testing.T) {
	req := Viewer{Role: RoleDepartment, Subject: "r", DepartmentID: 2}
	cases := []struct {
		name     string
		v        Viewer
		r        SharingDisputeRequest
		position string
		code     Code
	}{
		{"a refused request (MZ 42)", req, SharingDisputeRequest{Status: RequestRejected, Requester: 2, Source: 1}, "履职需要", ""},
		{"an overdue request (WZ 20)", req, SharingDisputeRequest{Status: RequestPendingSource, Overdue: true, Requester: 2, Source: 1}, "x", ""},
		{"a pending request on time", req, SharingDisputeRequest{Status: RequestPendingSource, Requester: 2, Source: 1}, "x", EPrecondition},
		{"a granted request", req, SharingDisputeRequest{Status: RequestGranted, Requester: 2, Source: 1}, "x", EPrecondition},
		{"one open dispute per request", req, SharingDisputeRequest{Status: RequestRejected, Requester: 2, Source: 1, OpenAlready: true}, "x", EConflict},
		{"no position", req, SharingDisputeRequest{Status: RequestRejected, Requester: 2, Source: 1}, " ", EInvalid},
		{"only the requester", Viewer{Role: RoleDepartment, Subject: "s", DepartmentID: 1}, SharingDisputeRequest{Status: RequestRejected, Requester: 2, Source: 1}, "x", EForbidden},
	}
	for _, c := range cases {
		if err := ValidateSharingDispute(c.v, c.r, c.position); ErrorCode(err) != c.code {
			t.Errorf("%s: %v; want %s", c.name, err, c.code)
		}
	}
}

func TestValidateObjection(t *testing.T) {
	person := Viewer{Role: RolePerson, Subject: "p"}
	ok := ObjectionInput{Objection: "开放类型应为无条件开放", ProposedCorrection: "改为无条件开放"}
	cases := []struct {
		name      string
		v         Viewer
		in        ObjectionInput
		published bool
		code      Code
	}{
		{"a person on a published entry (NY 45)", person, ok, true, ""},
		{"a draft is not in the open catalogue", person, ok, false, EInvalid},
		{"no objection", person, ObjectionInput{ProposedCorrection: "x"}, true, EInvalid},
		{"no proposed correction", person, ObjectionInput{Objection: "x"}, true, EInvalid},
		{"a department reports a data error instead", Viewer{Role: RoleDepartment, Subject: "d", DepartmentID: 1}, ok, true, EForbidden},
		{"the public signs in first", Public, ok, true, EForbidden},
	}
	for _, c := range cases {
		if err := ValidateObjection(c.v, c.in, c.published); ErrorCode(err) != c.code {
			t.Errorf("%s: %v; want %s", c.name, err, c.code)
		}
	}
	if err := ValidateObjectionRefusal("", "x"); ErrorCode(err) != EInvalid || !strings.Contains(err.Error(), "NY 45") {
		t.Errorf("NY 45: a refusal gives reasons and basis: %v", err)
	}
	in := ObjectionChange(7, "MZ-GA-001", " 改为无条件开放 ", Date{Year: 2026, Month: 3, Day: 2})
	if in.Reason != ChangeObjection || !strings.Contains(in.Description, "NY 45") || !strings.HasSuffix(in.Description, "改为无条件开放") {
		t.Errorf("the change an accepted objection opens: %+v", in)
	}
}

func TestMayActOnDispute(t *testing.T) {
	opener := Actor{Subject: "staff-2", Role: RoleDepartment, DepartmentID: 2}
	d := &Dispute{Kind: DisputeDataError, SourceDepartmentID: 1, OpenedBy: opener}
	src := Viewer{Role: RoleDepartment, Subject: "s", DepartmentID: 1}
	colleague := Viewer{Role: RoleDepartment, Subject: "staff-2b", DepartmentID: 2}
	person := Viewer{Role: RolePerson, Subject: "p"}
	cases := []struct {
		name string
		v    Viewer
		e    DisputeEvent
		code Code
	}{
		{"the source confirms (MZ 23)", src, DisputeEventConfirm, ""},
		{"the source extends (WZ 23)", src, DisputeEventExtend, ""},
		{"the reporter does not confirm", colleague, DisputeEventConfirm, EForbidden},
		{"the authority does not correct the source's data", Viewer{Role: RoleAuthority, Subject: "a"}, DisputeEventCorrect, EForbidden},
		{"the reporter's department withdraws", colleague, DisputeEventWithdraw, ""},
		{"the source does not withdraw it", src, DisputeEventWithdraw, EForbidden},
		{"another person does not withdraw it", person, DisputeEventWithdraw, EForbidden},
		{"a party states a position", src, DisputeEventPosition, ""},
		{"a stranger does not", Viewer{Role: RoleDepartment, Subject: "x", DepartmentID: 9}, DisputeEventPosition, EForbidden},
		{"an auditor changes nothing", Viewer{Role: RoleAuditor, Subject: "au"}, DisputeEventWithdraw, EForbidden},
	}
	for _, c := range cases {
		if err := MayActOnDispute(c.v, d, c.e, 2); ErrorCode(err) != c.code {
			t.Errorf("%s: %v; want %s", c.name, err, c.code)
		}
	}
	objection := &Dispute{Kind: DisputeOpenObjection, SourceDepartmentID: 1, OpenedBy: Actor{Subject: "p", Role: RolePerson}}
	if err := MayActOnDispute(person, objection, DisputeEventWithdraw, 0); err != nil {
		t.Errorf("the objector withdraws: %v", err)
	}
	if err := MayActOnDispute(person, objection, DisputeEventAccept, 0); ErrorCode(err) != EForbidden || !strings.Contains(err.Error(), "NY 45") {
		t.Errorf("only the source answers an objection: %v", err)
	}
}

// MZ 35, WZ 25: a person reporter and the record's subject are shown to
// the source, the authority, auditors and the reporter only.
func TestMaySeeReporter(t *testing.T) {
	const source, reporterDept = 1, 2
	cases := []struct {
		v    Viewer
		want bool
	}{
		{Viewer{Role: RoleAuthority, Subject: "a"}, true},
		{Viewer{Role: RoleAuditor, Subject: "a"}, true},
		{Viewer{Role: RoleDepartment, Subject: "s", DepartmentID: source}, true},
		{Viewer{Role: RoleDepartment, Subject: "r", DepartmentID: reporterDept}, true},
		{Viewer{Role: RoleDepartment, Subject: "u", DepartmentID: 3}, false},
		{Viewer{Role: RolePerson, Subject: "p"}, true},
		{Viewer{Role: RolePerson, Subject: "q"}, false},
		{Public, false},
	}
	for _, c := range cases {
		if got := MaySeeReporter(c.v, source, reporterDept, "p"); got != c.want {
			t.Errorf("%+v: %v; want %v", c.v, got, c.want)
		}
	}
	if BusinessContinuity(DisputeAwaitingVerification) == "" || !strings.Contains(BusinessContinuity(DisputeAwaitingCorrection), "WZ 23") {
		t.Error("WZ 23: an open data error says business goes on")
	}
	if BusinessContinuity(DisputeCorrected) != "" {
		t.Error("a closed one says nothing")
	}
}

func TestDisputeScopeFor(t *testing.T) {
	cases := []struct {
		v    Viewer
		want DisputeScope
		code Code
	}{
		{Viewer{Role: RoleAuthority, Subject: "a"}, DisputeScope{All: true}, ""},
		{Viewer{Role: RoleAuditor, Subject: "a"}, DisputeScope{All: true}, ""},
		{Viewer{Role: RoleDepartment, Subject: "d", DepartmentID: 4}, DisputeScope{DepartmentID: 4}, ""},
		{Viewer{Role: RolePerson, Subject: "p"}, DisputeScope{Person: "p"}, ""},
		{Public, DisputeScope{}, EForbidden},
	}
	for _, c := range cases {
		got, err := DisputeScopeFor(c.v)
		if got != c.want || ErrorCode(err) != c.code {
			t.Errorf("%+v: %+v %v", c.v, got, err)
		}
	}
}

// MZ 42 with MZ 22 and WZ 21: an ordered grant narrows, never widens, may
// set its own last day, and is BULK only when the authority orders it.
func TestOrderedTerms(t *testing.T) {
	today := Date{2026, 9, 1}
	asked := ShareTerms{ItemIDs: []int64{1, 2}, Mode: ModeBulk, Until: Date{2026, 6, 30}}
	tests := []struct {
		name  string
		step  SharingStep
		terms ShareTerms
		want  string // "" or a fragment of the error
		until Date
		mode  ShareMode
	}{
		{"asked last day passed", StepAuthorityCoordination, ShareTerms{}, "has passed", Date{}, ""},
		{"own last day", StepAuthorityCoordination, ShareTerms{Until: Date{2027, 6, 30}}, "", Date{2027, 6, 30}, ModeBulk},
		{"bulk at negotiation", StepNegotiation, ShareTerms{Until: Date{2027, 6, 30}}, "WZ 21", Date{}, ""},
		{"narrower at negotiation", StepNegotiation, ShareTerms{Mode: ModeQuery, Until: Date{2027, 1, 31}}, "", Date{2027, 1, 31}, ModeQuery},
		{"never widened", StepGovernmentDecision, ShareTerms{ItemIDs: []int64{3}, Until: Date{2027, 1, 31}}, "MZ 22", Date{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := OrderedTerms(tt.step, asked, tt.terms, today)
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("err = %v, want %q", err, tt.want)
				}
				return
			}
			if err != nil || got.Until != tt.until || got.Mode != tt.mode || len(got.ItemIDs) != 2 {
				t.Fatalf("got %+v, %v", got, err)
			}
		})
	}
}
