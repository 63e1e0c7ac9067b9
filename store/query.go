package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/citydata/catalogue/domain"
)

// query builds a SELECT's WHERE clause with numbered parameters.
type query struct {
	where []string
	args  []any
}

// arg adds a parameter and returns its placeholder.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// keyIn is the condition that col is one of keys: col = ANY(array) for
// several, col = key for one. PostgreSQL plans a statement with an array
// parameter anew on every execution when its generic plan, costed for an
// array of ten, loses to the custom plans made for one key; with a scalar
// it keeps the generic plan after five executions. A resource's detail,
// whose loads are all of one key, spent half its PostgreSQL time planning
// them (issue #20; TestStatementsKeepTheirPlans).
func keyIn[K any](q *query, col string, keys []K) string {
	if len(keys) == 1 {
		return col + " = " + q.arg(keys[0])
	}
	return col + " = ANY(" + q.arg(keys) + ")"
}

// label returns an enum label as an SQL literal of type typ (none when
// typ is empty), where arg would bind it. A bound label makes PostgreSQL
// plan the statement again on every execution, since one generic plan
// cannot tell a rare label from a common one: 0.3 ms of the 0.4 ms the
// published list's statement takes (issue #20). Labels are few, so each
// is one statement in pgx's cache. GraphQL has checked the value against
// its enum; anything else than an enum label's characters is bound still.
func (q *query) label(v, typ string) string {
	if !enumLabel.MatchString(v) {
		if typ == "" {
			return q.arg(v)
		}
		return q.arg(v) + "::" + typ
	}
	if typ == "" {
		return "'" + v + "'"
	}
	return "'" + v + "'::" + typ
}

var enumLabel = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,62}$`)

// and adds a condition; %s-free, placeholders come from arg.
func (q *query) and(cond string) { q.where = append(q.where, cond) }

func (q *query) whereSQL() string {
	if len(q.where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(q.where, " AND ")
}

// clone copies q so that a count can share the filter but not the cursor.
func (q *query) clone() *query {
	return &query{where: append([]string(nil), q.where...), args: append([]any(nil), q.args...)}
}

// cursor is the decoded form of an opaque cursor: the ordering it belongs
// to, the row's sort value and its ID.
type cursor struct {
	Order string `json:"o"`
	Value string `json:"v"`
	ID    int64  `json:"i"`
}

func encodeCursor(order, value string, id int64) string {
	b, _ := json.Marshal(cursor{Order: order, Value: value, ID: id})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor parses an after cursor made for order. An empty string is
// no cursor.
func decodeCursor(s, order string) (*cursor, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.ID <= 0 {
		return nil, notACursor(s)
	}
	if c.Order != order {
		return nil, domain.Errorf(domain.EInvalid, "after: the cursor was made for a list sorted by %s, not %s; start again without after when you change orderBy", c.Order, order)
	}
	// PostgreSQL text holds no NUL: such a value is no row's.
	if strings.ContainsRune(c.Value, 0) {
		return nil, notACursor(s)
	}
	return &c, nil
}

func notACursor(s string) error {
	return domain.Errorf(domain.EInvalid, "after: %q is not a cursor from this list; pass the endCursor or an edge cursor of the previous page", s)
}

// decode parses an after cursor of o's list, and checks that its value
// casts to o's type, so that a cursor a client made by hand is refused as
// BAD_USER_INPUT instead of failing in PostgreSQL.
func (o orderSpec) decode(s string) (*cursor, error) {
	c, err := decodeCursor(s, o.key())
	if err != nil || c == nil {
		return c, err
	}
	switch o.cast {
	case "timestamptz":
		if c.Value == "-infinity" || c.Value == "infinity" {
			break
		}
		// What encodeCursor writes: Go's RFC 3339, in years PostgreSQL holds.
		if t, err := time.Parse(time.RFC3339Nano, c.Value); err != nil || t.Year() < 1 || t.Year() > 9999 {
			return nil, notACursor(s)
		}
	case "bigint":
		if _, err := strconv.ParseInt(c.Value, 10, 64); err != nil {
			return nil, notACursor(s)
		}
	}
	return c, nil
}

// orderSpec is a sortable column: the SQL expression, how its cursor value
// is cast back, and the name that ties cursors to it.
type orderSpec struct {
	name string
	expr string
	cast string
	desc bool
	// unique says expr is a UNIQUE column (or the id itself), so rows
	// are ordered without the id tie-break. The tie-break would make
	// PostgreSQL sort the index's rows again: on the list query a third
	// of its execution time.
	unique bool
}

func (o orderSpec) key() string {
	if o.desc {
		return o.name + ":DESC"
	}
	return o.name
}

// seek adds the keyset condition for rows after c, and returns ORDER BY.
func (q *query) seek(o orderSpec, alias string, c *cursor) string {
	dir, cmp := "ASC", ">"
	if o.desc {
		dir, cmp = "DESC", "<"
	}
	if o.unique {
		if c != nil {
			q.and(o.expr + " " + cmp + " " + q.arg(c.Value) + "::" + o.cast)
		}
		return " ORDER BY " + o.expr + " " + dir
	}
	if c != nil {
		q.and("(" + o.expr + ", " + alias + ".id) " + cmp + " (" + q.arg(c.Value) + "::" + o.cast + ", " + q.arg(c.ID) + ")")
	}
	return " ORDER BY " + o.expr + " " + dir + ", " + alias + ".id " + dir
}

// limit returns the LIMIT that fetches one row more than asked, to learn
// whether there is a next page.
func limit(p domain.PageArgs) string { return " LIMIT " + strconv.Itoa(p.First+1) }

// page trims the extra row of a LIMIT first+1 query and fills cursors.
func page[T any](rows []T, p domain.PageArgs, cursorOf func(T) string) *domain.Page[T] {
	pg := &domain.Page[T]{HasPreviousPage: p.After != ""}
	if len(rows) > p.First {
		rows, pg.HasNextPage = rows[:p.First], true
	}
	pg.Nodes = rows
	pg.CursorAt = func(i int) string { return cursorOf(rows[i]) }
	return pg
}

// searchCondition matches substring s of the text expression expr. The
// n-gram array column grams lets a GIN index find candidates, including for
// Chinese text without word boundaries; strpos then checks the real match.
func (q *query) search(grams, expr, s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	p := q.arg(s)
	if grams != "" {
		q.and(grams + " @> catalogue_query_grams(" + p + ")")
	}
	q.and("strpos(lower(" + expr + "), lower(" + p + ")) > 0")
}

// changed loads row id that a change just made or changed, whoever the
// viewer (its actor was allowed the change): byID under the scope that
// sees everything, which must find it.
func changed[S any, T comparable](ctx context.Context, byID func(context.Context, S, []int64) (map[int64]T, error), all S, id int64, what string) (T, error) {
	var zero T
	m, err := byID(ctx, all, []int64{id})
	if err != nil {
		return zero, err
	}
	if m[id] == zero {
		return zero, fmt.Errorf("%s %d vanished after a change", what, id)
	}
	return m[id], nil
}
