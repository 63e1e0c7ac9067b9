package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
	"github.com/citydata/catalogue/store"
	"github.com/citydata/catalogue/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// recorder keeps the SQL and arguments of every statement.
type recorder struct {
	mu    sync.Mutex
	stmts []pgx.TraceQueryStartData
}

func (r *recorder) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.mu.Lock()
	r.stmts = append(r.stmts, d)
	r.mu.Unlock()
	return ctx
}
func (r *recorder) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// The Chinese substring search is answered from the n-gram GIN index,
// not by scanning every row: EXPLAIN the statement the store really sends.
func TestSearchUsesIndex(t *testing.T) {
	ctx := context.Background()
	rec := &recorder{}
	db := storetest.NewDB(t, storetest.Options{Demo: true, Tracer: rec})
	for _, s := range []string{"户籍", "户籍登记", "户"} {
		rec.stmts = nil
		p, err := db.Resources(ctx, domain.ResourceScope{All: true}, domain.ResourceCriteria{Search: s},
			domain.ResourceSort{Field: domain.ResourceByCode}, domain.PageArgs{First: 20})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Nodes) == 0 {
			t.Fatalf("search %q found nothing", s)
		}
		if len(rec.stmts) == 0 {
			t.Fatal("no statement recorded")
		}
		st := rec.stmts[0]
		plan := explain(t, db, st.SQL, st.Args)
		if !strings.Contains(plan, "resources_search_grams_idx") {
			t.Errorf("search %q does not use resources_search_grams_idx:\n%s", s, plan)
		}
	}
}

// explain returns the plan of sql with sequential scans priced out, as
// they would be on a catalogue of realistic size.
func explain(t *testing.T, db *store.DB, sql string, args []any) string {
	t.Helper()
	var lines []string
	err := db.Tx(context.Background(), func(tx *store.Tx) error {
		if _, err := tx.Exec(context.Background(), "SET LOCAL enable_seqscan = off"); err != nil {
			return err
		}
		rows, err := tx.Query(context.Background(), "EXPLAIN "+sql, args...)
		if err != nil {
			return err
		}
		lines, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	return strings.Join(lines, "\n")
}

// 一数一源 (MZ 11): the database itself refuses a second source department
// for a data element, and a resource carrying another department's element.
func TestOneSourcePerDataElement(t *testing.T) {
	ctx := context.Background()
	db := storetest.NewDB(t, storetest.Options{})
	var a, b domain.Department
	var elem domain.DataElement
	err := db.Tx(ctx, func(tx *store.Tx) error {
		a = domain.Department{CreditCode: "11441400007045069Q", Name: "梅州市公安局", Level: domain.LevelCity, RegionCode: "441400"}
		b = domain.Department{CreditCode: "91350100M000100Y43", Name: "梅州市民政局", Level: domain.LevelCity, RegionCode: "441400"}
		if err := tx.CreateDepartment(ctx, &a); err != nil {
			return err
		}
		if err := tx.CreateDepartment(ctx, &b); err != nil {
			return err
		}
		elem = domain.DataElement{Code: "DE-SFZH", Name: "公民身份号码", SourceDepartmentID: a.ID}
		return tx.CreateDataElement(ctx, &elem)
	})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		do   func(tx *store.Tx) error
	}{
		{"second department claims the element's code", func(tx *store.Tx) error {
			return tx.CreateDataElement(ctx, &domain.DataElement{Code: "DE-SFZH", Name: "身份证号", SourceDepartmentID: b.ID})
		}},
		{"second department claims the element's name", func(tx *store.Tx) error {
			return tx.CreateDataElement(ctx, &domain.DataElement{Code: "DE-SFZH-2", Name: "公民身份号码", SourceDepartmentID: b.ID})
		}},
		{"resource of another department carries the element", func(tx *store.Tx) error {
			r := &domain.Resource{Code: "441400-MZ-900", Name: "低保对象名册", ShareType: domain.ShareUnconditional,
				OpenType: domain.OpenNone, UpdateFrequency: domain.FreqMonthly, Status: domain.StatusDraft,
				SourceDepartmentID: b.ID, CollectingDepartmentID: b.ID, ApprovingDepartmentID: b.ID, ProvidingDepartmentID: b.ID}
			return tx.CreateResource(ctx, r, nil, []int64{elem.ID})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.Tx(ctx, tt.do)
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.EConflict || !strings.Contains(de.Message, "MZ 11") {
				t.Fatalf("err = %v, want CONFLICT citing MZ 11", err)
			}
		})
	}

	// The source department's own resource may carry it.
	err = db.Tx(ctx, func(tx *store.Tx) error {
		r := &domain.Resource{Code: "441400-GA-900", Name: "人口基本信息", ShareType: domain.ShareUnconditional,
			OpenType: domain.OpenNone, UpdateFrequency: domain.FreqMonthly, Status: domain.StatusDraft,
			SourceDepartmentID: a.ID, CollectingDepartmentID: a.ID, ApprovingDepartmentID: a.ID, ProvidingDepartmentID: a.ID}
		return tx.CreateResource(ctx, r, nil, []int64{elem.ID})
	})
	if err != nil {
		t.Fatalf("source department's own resource refused: %v", err)
	}
}
