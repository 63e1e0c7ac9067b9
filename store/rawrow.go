package store

import (
	"encoding/binary"
	"strings"
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

// briefKinds are briefResourceColumns' kinds, in order: a change to
// either is a change to both (TestBriefRowsDecodeAsScanDoes fails otherwise).
var briefKinds = [...]int{
	colInt8, colText, colText, colText, colText, colText, // id, code, name, summary, classification, format
	colText, colText, colText, colText, // update_frequency, share_type, open_type, status
	colInt8, colNullTimestamptz, colTimestamptz, colTimestamptz, // source_department_id, published_at, created_at, updated_at
	colInt8, colText, colText, colText, colText, colNullInt8, // departmentColumns
}

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
	text string // the row's text columns, concatenated
	at   int    // where the next text column starts in text
	bad  bool   // a value was not what was expected
}

// newRawRow joins the text columns of vals (kinds) into one string.
func newRawRow(vals [][]byte, kinds []int) rawRow {
	n := 0
	for i, k := range kinds {
		if k == colText {
			n += len(vals[i])
		}
	}
	var b strings.Builder
	b.Grow(n)
	for i, k := range kinds {
		if k == colText {
			b.Write(vals[i])
		}
	}
	return rawRow{vals: vals, text: b.String()}
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

// scanBriefResource reads briefResourceColumns.
func scanBriefResource(row pgx.CollectableRow) (*domain.Resource, error) {
	if !rawDecodable(row.FieldDescriptions(), briefKinds[:]) {
		return scanBriefResourceSlow(row)
	}
	r := &domain.Resource{Brief: true, SourceDepartment: &domain.Department{}}
	d := r.SourceDepartment
	v := newRawRow(row.RawValues(), briefKinds[:])
	r.ID, r.Code, r.Name, r.Summary, r.Classification, r.Format = v.int8(), v.str(), v.str(), v.str(), v.str(), v.str()
	r.UpdateFrequency, r.ShareType = domain.UpdateFrequency(v.str()), domain.ShareType(v.str())
	r.OpenType, r.Status = domain.OpenType(v.str()), domain.ResourceStatus(v.str())
	r.SourceDepartmentID, r.PublishedAt, r.CreatedAt, r.UpdatedAt = v.int8(), v.nullTimestamptz(), v.timestamptz(), v.timestamptz()
	d.ID, d.CreditCode, d.Name, d.Level, d.RegionCode, d.ParentID = v.int8(), v.str(), v.str(), domain.DepartmentLevel(v.str()), v.str(), v.nullInt8()
	if v.bad {
		return scanBriefResourceSlow(row)
	}
	return r, nil
}

// scanBriefResourceSlow reads briefResourceColumns with pgx's Scan.
func scanBriefResourceSlow(row pgx.Row) (*domain.Resource, error) {
	r := &domain.Resource{Brief: true, SourceDepartment: &domain.Department{}}
	d := r.SourceDepartment
	err := row.Scan(&r.ID, &r.Code, &r.Name, &r.Summary, &r.Classification, &r.Format,
		&r.UpdateFrequency, &r.ShareType, &r.OpenType, &r.Status,
		&r.SourceDepartmentID, &r.PublishedAt, &r.CreatedAt, &r.UpdatedAt,
		&d.ID, &d.CreditCode, &d.Name, &d.Level, &d.RegionCode, &d.ParentID)
	if err != nil {
		return nil, err
	}
	return r, nil
}
