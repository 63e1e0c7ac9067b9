package store

import (
	"encoding/binary"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/citydata/catalogue/domain"
)

// The brief resource list decodes its rows by hand (integers and
// timestamps in PostgreSQL's binary format). pgx's Scan finds a plan and
// allocates for each column (a string each): on a 50-row page that was a
// fifth of the request's CPU (issue #20). A row's text columns become one string here, which each
// field is a slice of, and its integers and timestamps are read in place.
// A row whose columns are not the types and formats expected, or that
// holds a NULL or an infinite timestamp where none is expected, is left
// to Scan, which decodes it, or fails, as it always has.

// column kinds a raw row decoder reads.
const (
	colInt8 = iota
	colText
	colTimestamptz
	colNullInt8
	colNullTimestamptz
)

// rawDecodable reports whether fields are kinds: integers and timestamps
// in binary format, text in either (the bytes are the same).
func rawDecodable(fields []pgconn.FieldDescription, kinds []int) bool {
	if len(fields) != len(kinds) {
		return false
	}
	for i, f := range fields {
		binary := f.Format == pgtype.BinaryFormatCode
		var ok bool
		switch kinds[i] {
		case colInt8, colNullInt8:
			ok = binary && f.DataTypeOID == pgtype.Int8OID
		case colText:
			ok = f.DataTypeOID == pgtype.TextOID || f.DataTypeOID == pgtype.VarcharOID
		case colTimestamptz, colNullTimestamptz:
			ok = binary && f.DataTypeOID == pgtype.TimestamptzOID
		}
		if !ok {
			return false
		}
	}
	return true
}

// rawRow reads a row's binary values in order.
type rawRow struct {
	vals [][]byte
	i    int
	text string // the row's text columns, concatenated, after earlier rows'
	at   int    // where the next text column starts in text
	bad  bool   // a value was not what was expected
}

// newRawRow joins the text columns of vals (kinds) onto text, which
// holds the text of a result's rows so far: one buffer, growing by
// doubling, for a page rather than a string per row. Strings sliced from
// text.String() stay valid as it grows (a strings.Builder never changes
// what it has written). rows is how many rows the result may have, to
// size text at the first.
func newRawRow(text *strings.Builder, vals [][]byte, kinds []int, rows int) rawRow {
	n := 0
	for i, k := range kinds {
		if k == colText {
			n += len(vals[i])
		}
	}
	if text.Cap() == 0 {
		text.Grow(n * max(rows, 1))
	}
	at := text.Len()
	for i, k := range kinds {
		if k == colText {
			text.Write(vals[i])
		}
	}
	return rawRow{vals: vals, text: text.String(), at: at}
}

func (r *rawRow) next() []byte {
	v := r.vals[r.i]
	r.i++
	return v
}

func (r *rawRow) int8() int64 {
	v := r.next()
	if len(v) != 8 {
		r.bad = true
		return 0
	}
	return int64(binary.BigEndian.Uint64(v))
}

func (r *rawRow) nullInt8() *int64 {
	if r.vals[r.i] == nil {
		r.i++
		return nil
	}
	n := r.int8()
	return &n
}

func (r *rawRow) str() string {
	v := r.next()
	if v == nil {
		r.bad = true
		return ""
	}
	s := r.text[r.at : r.at+len(v)]
	r.at += len(v)
	return s
}

// microsecFromUnixEpochToY2K is PostgreSQL's epoch, 2000-01-01, in Unix
// microseconds.
const microsecFromUnixEpochToY2K = 946684800 * 1000000

// timestamptz decodes as pgx does (time.Unix, so in time.Local); the
// infinities, which pgx's time.Time refuses, and years pgx may refuse
// are bad.
func (r *rawRow) timestamptz() time.Time {
	v := r.next()
	if len(v) != 8 {
		r.bad = true
		return time.Time{}
	}
	us := int64(binary.BigEndian.Uint64(v))
	if us == 1<<63-1 || us == -1<<63 {
		r.bad = true
		return time.Time{}
	}
	t := time.Unix(microsecFromUnixEpochToY2K/1000000+us/1000000, (microsecFromUnixEpochToY2K%1000000*1000)+(us%1000000*1000))
	if y := t.Year(); y < 1 || y > 9999 {
		r.bad = true // pgx's range check, and its error, are Scan's
	}
	return t
}

func (r *rawRow) nullTimestamptz() *time.Time {
	if r.vals[r.i] == nil {
		r.i++
		return nil
	}
	t := r.timestamptz()
	return &t
}

type (
	res  = domain.Resource
	dept = domain.Department
)

// briefColumn is one column of a brief read (domain.Resource.Brief):
// read when the read asks for its part (0: always), decoded by hand as
// kind by read, or by pgx's Scan into dest. The constructors below make
// both from the field, so each column names it once.
type briefColumn struct {
	part domain.ResourceParts
	sql  string
	kind int
	read func(r *res, d *dept, v *rawRow)
	dest func(r *res, d *dept) any
}

// field is where a column goes: a field of the resource or of its
// source department.
type field[T any] func(r *res, d *dept) *T

func textCol[T ~string](part domain.ResourceParts, sql string, f field[T]) briefColumn {
	return briefColumn{part, sql, colText,
		func(r *res, d *dept, v *rawRow) { *f(r, d) = T(v.str()) }, func(r *res, d *dept) any { return f(r, d) }}
}

func int8Col(part domain.ResourceParts, sql string, f field[int64]) briefColumn {
	return briefColumn{part, sql, colInt8,
		func(r *res, d *dept, v *rawRow) { *f(r, d) = v.int8() }, func(r *res, d *dept) any { return f(r, d) }}
}

func nullInt8Col(part domain.ResourceParts, sql string, f field[*int64]) briefColumn {
	return briefColumn{part, sql, colNullInt8,
		func(r *res, d *dept, v *rawRow) { *f(r, d) = v.nullInt8() }, func(r *res, d *dept) any { return f(r, d) }}
}

func timeCol(part domain.ResourceParts, sql string, f field[time.Time]) briefColumn {
	return briefColumn{part, sql, colTimestamptz,
		func(r *res, d *dept, v *rawRow) { *f(r, d) = v.timestamptz() }, func(r *res, d *dept) any { return f(r, d) }}
}

func nullTimeCol(part domain.ResourceParts, sql string, f field[*time.Time]) briefColumn {
	return briefColumn{part, sql, colNullTimestamptz,
		func(r *res, d *dept, v *rawRow) { *f(r, d) = v.nullTimestamptz() }, func(r *res, d *dept) any { return f(r, d) }}
}

// briefColumns are every column a brief read may read, the resource's
// then its source department's (from briefDepartment on, its id first).
var briefColumns = []briefColumn{
	int8Col(0, "r.id", func(r *res, _ *dept) *int64 { return &r.ID }),
	textCol(0, "r.code", func(r *res, _ *dept) *string { return &r.Code }),
	textCol(0, "r.name", func(r *res, _ *dept) *string { return &r.Name }),
	textCol(domain.PartSummary, "r.summary", func(r *res, _ *dept) *string { return &r.Summary }),
	textCol(domain.PartClassification, "r.classification", func(r *res, _ *dept) *string { return &r.Classification }),
	textCol(domain.PartFormat, "r.format", func(r *res, _ *dept) *string { return &r.Format }),
	textCol(domain.PartUpdateFrequency, "r.update_frequency::text", func(r *res, _ *dept) *domain.UpdateFrequency { return &r.UpdateFrequency }),
	textCol(0, "r.share_type::text", func(r *res, _ *dept) *domain.ShareType { return &r.ShareType }),
	textCol(0, "r.open_type::text", func(r *res, _ *dept) *domain.OpenType { return &r.OpenType }),
	textCol(domain.PartStatus, "r.status::text", func(r *res, _ *dept) *domain.ResourceStatus { return &r.Status }),
	int8Col(0, "r.source_department_id", func(r *res, _ *dept) *int64 { return &r.SourceDepartmentID }),
	nullTimeCol(domain.PartPublishedAt, "r.published_at", func(r *res, _ *dept) **time.Time { return &r.PublishedAt }),
	timeCol(domain.PartCreatedAt, "r.created_at", func(r *res, _ *dept) *time.Time { return &r.CreatedAt }),
	timeCol(domain.PartUpdatedAt, "r.updated_at", func(r *res, _ *dept) *time.Time { return &r.UpdatedAt }),
	// departmentColumns, by part
	int8Col(0, "d.id", func(_ *res, d *dept) *int64 { return &d.ID }),
	textCol(domain.PartDepartment, "d.credit_code", func(_ *res, d *dept) *string { return &d.CreditCode }),
	textCol(0, "d.name", func(_ *res, d *dept) *string { return &d.Name }),
	textCol(domain.PartDepartment, "d.level::text", func(_ *res, d *dept) *domain.DepartmentLevel { return &d.Level }),
	textCol(domain.PartDepartment, "d.region_code", func(_ *res, d *dept) *string { return &d.RegionCode }),
	nullInt8Col(domain.PartDepartment, "d.parent_id", func(_ *res, d *dept) **int64 { return &d.ParentID }),
}

// briefDepartment is the index in briefColumns of the department's first
// column, its id.
var briefDepartment = func() int {
	for i, c := range briefColumns {
		if c.sql == "d.id" {
			return i
		}
	}
	panic("store: briefColumns has no d.id")
}()

// briefRead is a brief read of some parts: its columns, as SQL and as
// briefColumns' entries, and where the department's start among them.
type briefRead struct {
	parts      domain.ResourceParts
	sql        string
	cols       []briefColumn
	kinds      []int
	department int
}

// briefReads holds the brief read of each set of parts, made when first
// asked for.
var briefReads [domain.AllBriefParts + 1]atomic.Pointer[briefRead]

// briefReadOf returns the brief read of parts.
func briefReadOf(parts domain.ResourceParts) *briefRead {
	parts &= domain.AllBriefParts
	if b := briefReads[parts].Load(); b != nil {
		return b
	}
	b := &briefRead{parts: parts}
	var sql []string
	for i, c := range briefColumns {
		if i == briefDepartment {
			b.department = len(b.cols)
		}
		if c.part == 0 || parts&c.part != 0 {
			sql = append(sql, c.sql)
			b.cols = append(b.cols, c)
			b.kinds = append(b.kinds, c.kind)
		}
	}
	b.sql = strings.Join(sql, ", ")
	briefReads[parts].Store(b)
	return b
}

// scanner reads the rows of one result of b, of up to rows rows. Rows
// that share a source department share one *domain.Department: a page of
// resources sorted by code is mostly one department's, and one
// statement's rows agree on it. The resources are allocated together, in
// one slice of rows.
func (b *briefRead) scanner(rows int) func(row pgx.CollectableRow) (*domain.Resource, error) {
	var (
		last             *domain.Department
		checked, decodes bool
		slab             []domain.Resource
		text             strings.Builder
	)
	return func(row pgx.CollectableRow) (*domain.Resource, error) {
		if !checked {
			checked, decodes = true, rawDecodable(row.FieldDescriptions(), b.kinds)
		}
		if !decodes {
			return b.scanSlow(row)
		}
		vals := row.RawValues()
		id := vals[b.department]
		share := last != nil && len(id) == 8 && int64(binary.BigEndian.Uint64(id)) == last.ID
		n := len(b.cols)
		if share {
			n = b.department
		}
		if len(slab) == cap(slab) {
			slab = make([]domain.Resource, 0, max(rows, 1))
		}
		slab = slab[:len(slab)+1]
		r := &slab[len(slab)-1]
		r.Brief, r.BriefParts = true, b.parts
		d := last
		if !share {
			d = &domain.Department{}
		}
		v := newRawRow(&text, vals[:n], b.kinds[:n], rows)
		for i := range n {
			b.cols[i].read(r, d, &v)
		}
		if v.bad {
			return b.scanSlow(row)
		}
		r.SourceDepartment, last = d, d
		return r, nil
	}
}

// scanSlow reads a row of b with pgx's Scan.
func (b *briefRead) scanSlow(row pgx.Row) (*domain.Resource, error) {
	r := &domain.Resource{Brief: true, BriefParts: b.parts, SourceDepartment: &domain.Department{}}
	dest := make([]any, len(b.cols))
	for i, c := range b.cols {
		dest[i] = c.dest(r, r.SourceDepartment)
	}
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	return r, nil
}
