package domain

import (
	"strings"
	"testing"
)

func TestOpenTransition(t *testing.T) {
	want := map[OpenRequestStatus]map[OpenEvent]OpenRequestStatus{
		OpenPending: {OpenEventApprove: OpenApproved, OpenEventReject: OpenRejected, OpenEventExtend: OpenPending, OpenEventWithdraw: OpenWithdrawn},
	}
	for _, s := range OpenRequestStatuses {
		for _, e := range OpenEvents {
			w := want[s][e]
			got, err := OpenTransition(s, e)
			if w == "" && ErrorCode(err) != EPrecondition || w != "" && (err != nil || got != w) {
				t.Errorf("%s × %s = %s, %v; want %q", s, e, got, err, w)
			}
		}
	}
}

func TestValidateOpenRequest(t *testing.T) {
	person := Viewer{Role: RolePerson, Subject: "441402198507150012"}
	ok := OpenRequestInput{ResourceID: 1, Purpose: "学术研究", Scope: "2024 年全市汇总数据"}
	for _, tt := range []struct {
		name string
		v    Viewer
		in   OpenRequestInput
		ot   OpenType
		code Code
		want string
	}{
		{"a person, conditional", person, ok, OpenConditional, "", ""},
		{"unconditional needs none (NY 46)", person, ok, OpenUnconditional, EInvalid, "no request is needed"},
		{"no purpose", person, OpenRequestInput{Scope: "x"}, OpenConditional, EInvalid, "purpose"},
		{"no scope", person, OpenRequestInput{Purpose: "x"}, OpenConditional, EInvalid, "scope"},
		{"a department", Viewer{Role: RoleDepartment, DepartmentID: 3}, ok, OpenConditional, EForbidden, "submitShareRequest"},
		{"the public", Public, ok, OpenConditional, EForbidden, "signed-in"},
		{"an auditor", Viewer{Role: RoleAuditor}, ok, OpenConditional, EForbidden, ""},
	} {
		err := ValidateOpenRequest(tt.v, tt.in, tt.ot)
		if tt.code == "" && err != nil || tt.code != "" && (ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: %v, want %s %q", tt.name, err, tt.code, tt.want)
		}
	}
}

func TestMayDecideOpen(t *testing.T) {
	const source = 6
	const me = "441402198507150012"
	for _, tt := range []struct {
		v   Viewer
		e   OpenEvent
		may bool
	}{
		{Viewer{Role: RoleDepartment, DepartmentID: source}, OpenEventApprove, true},
		{Viewer{Role: RoleDepartment, DepartmentID: source}, OpenEventExtend, true},
		{Viewer{Role: RoleDepartment, DepartmentID: 7}, OpenEventReject, false},
		{Viewer{Role: RoleAuthority}, OpenEventApprove, false},
		{Viewer{Role: RolePerson, Subject: me}, OpenEventWithdraw, true},
		{Viewer{Role: RolePerson, Subject: "someone else"}, OpenEventWithdraw, false},
		{Viewer{Role: RolePerson, Subject: me}, OpenEventApprove, false},
		{Viewer{Role: RoleAuditor}, OpenEventWithdraw, false},
	} {
		err := MayDecideOpen(tt.v, tt.e, source, me)
		if (err == nil) != tt.may || err != nil && ErrorCode(err) != EForbidden {
			t.Errorf("%s %q %s: %v, want allowed %v", tt.v.Role, tt.v.Subject, tt.e, err, tt.may)
		}
	}
	if ValidateOpenRefusal("涉及个人隐私", "") == nil || !strings.Contains(ValidateOpenRefusal("", "x").Error(), "NY 46") {
		t.Error("NY 46: a refusal gives reasons and a basis")
	}
}

// NY 46: one extension of at most 10 working days, approved by the
// department head; profiles without one refuse it.
func TestOpenExtension(t *testing.T) {
	cal := seededCalendar(t)
	ny, _ := LookupProfile("nanyang")
	mz, _ := LookupProfile("meizhou")
	rule := ny.Rule(DeadlineOpenAnswer)
	d, err := ny.Deadline(cal, DeadlineOpenAnswer, date(t, "2025-09-22").StartOfDay()) // 10 working days, 09-28 and 10-11 made up: 2025-10-11
	if err != nil || d.Due.String() != "2025-10-11" {
		t.Fatalf("deadline %+v %v", d, err)
	}
	ext, err := OpenExtension(cal, d, rule, false, "数据量大，需脱敏处理", "张局长")
	if err != nil || ext.Due.String() != "2025-10-24" || ext.Days != 20 || !ext.DueAt.Equal(ext.Due.EndOfDay()) {
		t.Errorf("extended %+v %v; want due 2025-10-24 after 20 working days", ext, err)
	}
	if _, err := OpenExtension(cal, ext, rule, true, "再延", "张局长"); ErrorCode(err) != EPrecondition {
		t.Errorf("a second extension: %v", err)
	}
	if _, err := OpenExtension(cal, d, rule, false, "x", ""); ErrorCode(err) != EInvalid {
		t.Errorf("an extension without the head's approval: %v", err)
	}
	if _, err := OpenExtension(cal, d, mz.Rule(DeadlineOpenAnswer), false, "x", "y"); ErrorCode(err) != EPrecondition {
		t.Errorf("meizhou has no extension: %v", err)
	}
}

func TestOpenRequestScope(t *testing.T) {
	for _, tt := range []struct {
		v    Viewer
		want OpenRequestScope
		err  bool
	}{
		{Viewer{Role: RoleAuditor}, OpenRequestScope{All: true}, false},
		{Viewer{Role: RoleDepartment, DepartmentID: 4}, OpenRequestScope{SourceDepartmentID: 4}, false},
		{Viewer{Role: RolePerson, Subject: "p1"}, OpenRequestScope{Requester: "p1"}, false},
		{Public, OpenRequestScope{}, true},
	} {
		got, err := OpenRequestScopeFor(tt.v)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("%s: %+v %v", tt.v.Role, got, err)
		}
	}
}
