package store

import (
	"reflect"
	"testing"
)

func TestLabelInlinesOnlyEnumLabels(t *testing.T) {
	for _, c := range []struct {
		v, typ string
		sql    string
		args   []any
	}{
		{"PUBLISHED", "resource_status", "'PUBLISHED'::resource_status", nil},
		{"ACTIVE", "", "'ACTIVE'", nil},
		{"LEVEL_2", "department_level", "'LEVEL_2'::department_level", nil},
		// Anything else is bound, whatever it holds.
		{"published", "resource_status", "$1::resource_status", []any{"published"}},
		{"X' OR '1'='1", "resource_status", "$1::resource_status", []any{"X' OR '1'='1"}},
		{"A;DROP", "", "$1", []any{"A;DROP"}},
		{"", "share_type", "$1::share_type", []any{""}},
	} {
		q := &query{}
		if got := q.label(c.v, c.typ); got != c.sql || !reflect.DeepEqual(q.args, c.args) {
			t.Errorf("label(%q, %q) = %q with %v, want %q with %v", c.v, c.typ, got, q.args, c.sql, c.args)
		}
	}
}

func TestSeekOnAUniqueKeyHasNoTieBreak(t *testing.T) {
	q := &query{}
	order := q.seek(orderSpec{name: "CODE", expr: "r.code", cast: "text", unique: true}, "r", &cursor{Value: "A-1", ID: 7})
	if order != " ORDER BY r.code ASC" || q.whereSQL() != " WHERE r.code > $1::text" || !reflect.DeepEqual(q.args, []any{"A-1"}) {
		t.Errorf("unique: %q %q %v", order, q.whereSQL(), q.args)
	}
	q = &query{}
	order = q.seek(orderSpec{name: "NAME", expr: "r.name", cast: "text", desc: true}, "r", &cursor{Value: "甲", ID: 7})
	if order != " ORDER BY r.name DESC, r.id DESC" || q.whereSQL() != " WHERE (r.name, r.id) < ($1::text, $2)" {
		t.Errorf("not unique: %q %q %v", order, q.whereSQL(), q.args)
	}
}
