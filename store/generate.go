package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/domain"
)

// CityScale is the size of a generated city (GenerateCity).
type CityScale struct {
	Departments            int
	ResourcesPerDepartment int
	Requests               int
	OpenRequests           int
	DataErrors             int
	ChangeObligations      int
	Reviews                int
	AuditEvents            int
	// End is the last instant of the generated history; it starts two
	// years before.
	End time.Time
	// UpdateHistory: record every data update of the two years on each
	// entry's frequency (with lapses), not only the last two.
	UpdateHistory bool
	// Seed makes a generation repeatable.
	Seed uint64
}

// FullCity is the scale the compliance benchmark runs at (issue #8): 1,000
// departments, 100,000 resources, 1,000,000 requests and 10,000,000 audit
// events over two years.
func FullCity(end time.Time) CityScale {
	return CityScale{Departments: 1000, ResourcesPerDepartment: 100, Requests: 1_000_000, OpenRequests: 50_000,
		DataErrors: 20_000, ChangeObligations: 10_000, Reviews: 150_000, AuditEvents: 10_000_000, End: end, Seed: 8}
}

// DemoHistory is the history the demo catalogue starts with (DOMAIN.md:
// requests, grants, disputes and audit events across two years): enough
// for every figure of a compliance report to count something.
func DemoHistory(end time.Time) CityScale {
	return CityScale{Requests: 3000, OpenRequests: 300, DataErrors: 150, ChangeObligations: 80, Reviews: 400,
		AuditEvents: 20_000, End: end, Seed: 2026, UpdateHistory: true}
}

// LastMonthEnd is the last instant of the month before now's (China
// time): where a generated history ends, so that every deadline in it
// lies in a year the holiday calendar covers.
func LastMonthEnd(now time.Time) time.Time {
	c := now.In(domain.ChinaTime)
	return time.Date(c.Year(), c.Month(), 1, 0, 0, 0, 0, domain.ChinaTime).Add(-time.Microsecond)
}

// Scaled is s with every count divided by n (at least one of each).
func (s CityScale) Scaled(n int) CityScale {
	div := func(x int) int { return max(1, x/n) }
	s.Departments, s.Requests, s.OpenRequests, s.DataErrors = div(s.Departments), div(s.Requests), div(s.OpenRequests), div(s.DataErrors)
	s.ChangeObligations, s.Reviews, s.AuditEvents = div(s.ChangeObligations), div(s.Reviews), div(s.AuditEvents)
	return s
}

// generator holds what one generation has made so far.
type generator struct {
	db     *DB
	s      CityScale
	rnd    *rand.Rand
	cal    *domain.Calendar
	policy domain.Profile
	start  time.Time
	// published are the IDs of published resources by share type, and
	// each resource's source department.
	published map[domain.ShareType][]int64
	openCond  []int64
	source    map[int64]int64
	// depts are the departments; allResources every resource, items each
	// one's data items, ofDept each department's resources.
	depts        []int64
	allResources []int64
	items        map[int64][]int64
	ofDept       map[int64][]int64
	// freq and pubAt are each published entry's frequency and publication
	// (UpdateHistory).
	freq     map[int64]domain.UpdateFrequency
	pubAt    map[int64]time.Time
	grants   []genGrant
	progress func(string)
}

type genGrant struct {
	id, request, resource, department int64
	mode                              string
	created, until                    time.Time
	revoked                           *time.Time
}

// GenerateCity fills an empty database with a city at scale s: departments
// in one city's districts, their catalogues, and two years of requests,
// grants, usage reports, open requests, data errors, catalogue duties and
// audit events, with the deadlines the default profile gives and realistic
// shares of late, missing and refused answers. Rows are written by COPY;
// the audit events form a valid hash chain. progress hears each step.
func (db *DB) GenerateCity(ctx context.Context, s CityScale, progress func(string)) error {
	empty, err := db.Empty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		return errors.New("generate: the database already holds a catalogue; generate into an empty one")
	}
	g, err := db.newGenerator(ctx, s, progress)
	if err != nil {
		return err
	}
	return g.run(ctx, true)
}

// GenerateHistory adds s's history (requests, grants, usage reports, open
// requests, data errors, catalogue duties, audit events) to the catalogue
// already in the database, as the demo does: its departments and
// published entries request and use each other's data.
func (db *DB) GenerateHistory(ctx context.Context, s CityScale, progress func(string)) error {
	var n int
	err := db.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM share_requests) + (SELECT count(*) FROM grants) + (SELECT count(*) FROM open_requests)
		+ (SELECT count(*) FROM disputes) + (SELECT count(*) FROM catalogue_change_obligations)`).Scan(&n)
	if err != nil {
		return err
	}
	if n > 0 {
		return errors.New("generate: the catalogue already has a history of requests and duties; add one only to a new catalogue")
	}
	g, err := db.newGenerator(ctx, s, progress)
	if err != nil {
		return err
	}
	rows, err := db.pool.Query(ctx, `SELECT r.id, r.source_department_id, r.share_type::text, r.open_type::text, r.status = 'PUBLISHED',
		  r.update_frequency::text, coalesce(r.published_at, r.created_at),
		  coalesce(array_agg(i.id ORDER BY i.position) FILTER (WHERE i.id IS NOT NULL), '{}')
		FROM resources r LEFT JOIN data_items i ON i.resource_id = r.id AND i.removed_at IS NULL GROUP BY r.id ORDER BY r.id`)
	if err != nil {
		return err
	}
	var (
		id, dept    int64
		share, open string
		published   bool
		freq        string
		pubAt       time.Time
		items       []int64
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &dept, &share, &open, &published, &freq, &pubAt, &items}, func() error {
		g.source[id], g.items[id] = dept, items
		g.freq[id], g.pubAt[id] = domain.UpdateFrequency(freq), pubAt
		g.allResources, g.ofDept[dept] = append(g.allResources, id), append(g.ofDept[dept], id)
		if published && len(items) > 0 {
			g.published[domain.ShareType(share)] = append(g.published[domain.ShareType(share)], id)
			if domain.OpenType(open) == domain.OpenConditional {
				g.openCond = append(g.openCond, id)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := db.pool.QueryRow(ctx, `SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM departments`).Scan(&g.depts); err != nil {
		return err
	}
	if len(g.depts) < 2 || len(g.allResources) == 0 {
		return errors.New("generate: a history needs a catalogue of at least two departments")
	}
	return g.run(ctx, false)
}

func (db *DB) newGenerator(ctx context.Context, s CityScale, progress func(string)) (*generator, error) {
	cal, err := db.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	policy, err := domain.LookupProfile("default")
	if err != nil {
		return nil, err
	}
	g := &generator{db: db, s: s, rnd: rand.New(rand.NewPCG(s.Seed, s.Seed^0x9e3779b97f4a7c15)), cal: cal, policy: policy,
		start: s.End.AddDate(-2, 0, 0), published: map[domain.ShareType][]int64{}, source: map[int64]int64{},
		items: map[int64][]int64{}, ofDept: map[int64][]int64{}, freq: map[int64]domain.UpdateFrequency{}, pubAt: map[int64]time.Time{},
		progress: progress}
	if progress == nil {
		g.progress = func(string) {}
	}
	return g, nil
}

// run writes the city (with catalogue: its departments and entries too).
func (g *generator) run(ctx context.Context, catalogue bool) error {
	db, s := g.db, g.s
	// The rollups' triggers mark months and recount entries row by row; a
	// bulk load turns them off, then marks every month of every
	// department, recounts once, and copies every entry.
	for _, t := range rollupTriggers {
		if _, err := db.pool.Exec(ctx, `ALTER TABLE `+t[0]+` DISABLE TRIGGER `+t[1]); err != nil {
			return fmt.Errorf("generate: %w", err)
		}
	}
	defer func() {
		for _, t := range rollupTriggers {
			if _, err := db.pool.Exec(context.WithoutCancel(ctx), `ALTER TABLE `+t[0]+` ENABLE TRIGGER `+t[1]); err != nil {
				g.progress("could not turn trigger " + t[1] + " of " + t[0] + " back on: " + err.Error())
			}
		}
	}()
	markAll := func(ctx context.Context) error {
		if _, err := db.pool.Exec(ctx, `DELETE FROM compliance_entries`); err != nil {
			return err
		}
		_, err := db.pool.Exec(ctx, `INSERT INTO compliance_dirty (department_id, month)
			SELECT d.id, m::date FROM departments d,
			  generate_series(date_trunc('month', $1::timestamptz AT TIME ZONE 'Asia/Shanghai'), $2::timestamptz AT TIME ZONE 'Asia/Shanghai' + interval '10 years', interval '1 month') m
			ON CONFLICT DO NOTHING`, g.start.AddDate(-1, 0, 0), s.End)
		if err != nil {
			return err
		}
		if _, err := db.pool.Exec(ctx, `INSERT INTO compliance_entries SELECT * FROM compliance_entries_source`); err != nil {
			return err
		}
		return db.RefreshCompliance(ctx)
	}
	type step struct {
		name string
		fn   func(context.Context) error
	}
	var steps []step
	if catalogue {
		steps = []step{{"departments", g.departments}, {"resources", g.resources}}
	}
	for _, step := range append(steps, []step{
		{"data updates", g.updates}, {"share requests and grants", g.requests}, {"usage reports", g.usage}, {"open requests", g.openRequests},
		{"data errors", g.dataErrors}, {"catalogue duties", g.catalogueDuties}, {"audit events", g.audit},
		{"compliance rollups", markAll},
	}...) {
		t0 := time.Now()
		if err := step.fn(ctx); err != nil {
			return fmt.Errorf("generate %s: %w", step.name, err)
		}
		g.progress(fmt.Sprintf("%s: %s", step.name, time.Since(t0).Round(time.Millisecond)))
	}
	for _, t := range []string{"departments", "resources", "data_items", "share_requests", "grants", "open_requests", "disputes", "catalogue_change_obligations", "catalogue_full_reviews", "data_updates"} {
		if _, err := db.pool.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), coalesce((SELECT max(id) FROM `+t+`), 0) + 1, false)`); err != nil {
			return fmt.Errorf("generate: sequence of %s: %w", t, err)
		}
	}
	// VACUUM sets the visibility map, so the index-only scans the reports
	// use need not visit the heap.
	_, err := db.pool.Exec(ctx, `VACUUM ANALYZE`)
	return err
}

// copyRows streams n rows made by row into table.
func (g *generator) copyRows(ctx context.Context, table string, cols []string, n int, row func(i int) []any) error {
	i := 0
	_, err := g.db.pool.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromFunc(func() ([]any, error) {
		for i < n {
			r := row(i)
			i++
			if r != nil {
				return r, nil
			}
		}
		return nil, nil
	}))
	return err
}

// at is a random instant between from and to.
func (g *generator) at(from, to time.Time) time.Time {
	if !to.After(from) {
		return from
	}
	return from.Add(time.Duration(g.rnd.Int64N(int64(to.Sub(from))))).Truncate(time.Microsecond)
}

// workingTime is an office hour on the working day n working days after t.
func (g *generator) workingTime(t time.Time, n int) time.Time {
	d, err := g.cal.AddWorkingDays(domain.DateOf(t), n)
	if err != nil {
		return t.AddDate(0, 0, n)
	}
	return d.StartOfDay().Add(9*time.Hour + time.Duration(g.rnd.IntN(8*3600))*time.Second)
}

func (g *generator) deadline(kind domain.DeadlineKind, t time.Time) (domain.Deadline, bool) {
	d, err := g.policy.Deadline(g.cal, kind, t)
	return d, err == nil
}

var (
	genRegions = []string{"441400", "441402", "441403", "441421", "441422", "441423", "441424", "441426", "441427", "441481"}
	genBureaus = []string{"公安局", "民政局", "卫生健康局", "人力资源和社会保障局", "教育局", "自然资源局", "水务局", "农业农村局",
		"林业局", "气象局", "市场监督管理局", "税务局", "住房公积金管理中心", "残疾人联合会", "司法局", "交通运输局"}
	genData = []string{"户籍登记", "流动人口", "婚姻登记", "出生医学证明", "社会保险参保", "最低生活保障", "学籍", "不动产登记",
		"取水许可", "农业补贴", "林木采伐许可", "气象观测", "企业登记", "个体工商户登记", "公积金缴存", "残疾人证"}
	genFreqs = []domain.UpdateFrequency{domain.FreqRealTime, domain.FreqDaily, domain.FreqDaily, domain.FreqWeekly, domain.FreqMonthly,
		domain.FreqMonthly, domain.FreqQuarterly, domain.FreqHalfYearly, domain.FreqYearly, domain.FreqIrregular}
)

func (g *generator) departments(ctx context.Context) error {
	for i := 0; i < g.s.Departments; i++ {
		g.depts = append(g.depts, int64(i+1))
	}
	return g.copyRows(ctx, "departments", []string{"id", "credit_code", "name", "level", "region_code", "created_at"}, g.s.Departments, func(i int) []any {
		region := genRegions[i%len(genRegions)]
		level := "COUNTY"
		if region == "441400" {
			level = "CITY"
		}
		first17 := fmt.Sprintf("11%s%09d", region, i+1)
		check, _ := domain.CreditCodeCheck(first17)
		name := fmt.Sprintf("%s%s（%d）", region, genBureaus[i%len(genBureaus)], i/len(genBureaus)+1)
		return []any{int64(i + 1), first17 + string(check), name, level, region, g.start.AddDate(-1, 0, 0)}
	})
}

// resources writes each department's catalogue: mostly published
// entries, a few drafts, submissions under review and retired ones; a few
// published ones incomplete or missing their basis, as imported
// catalogues are.
func (g *generator) resources(ctx context.Context) error {
	n := g.s.Departments * g.s.ResourcesPerDepartment
	type res struct {
		share domain.ShareType
		open  domain.OpenType
		pub   bool
	}
	made := make([]res, n)
	err := g.copyRows(ctx, "resources", []string{"id", "code", "name", "summary", "classification", "format", "update_frequency",
		"share_type", "share_conditions", "share_scope", "share_modes", "open_type", "open_conditions", "legal_basis",
		"source_department_id", "collecting_department_id", "approving_department_id", "providing_department_id",
		"status", "published_at", "created_at", "updated_at", "submitted_at", "review_due_date", "review_due_at", "review_days",
		"review_citation", "review_calendar_revision"}, n, func(i int) []any {
		id, dept := int64(i+1), int64(i/g.s.ResourcesPerDepartment+1)
		r := g.rnd.Float64()
		share, modes, cond := domain.ShareUnconditional, []string{"QUERY", "BULK"}, ""
		switch {
		case r < 0.35:
			share, modes, cond = domain.ShareConditional, []string{"VERIFY", "QUERY", "BULK"}, "用于履行法定职责"
		case r < 0.45:
			share, modes = domain.ShareNone, []string{"VERIFY"}
		}
		open, openCond := domain.OpenNone, ""
		switch r := g.rnd.Float64(); {
		case r < 0.3:
			open = domain.OpenUnconditional
		case r < 0.5:
			open, openCond = domain.OpenConditional, "经申请审核后开放"
		}
		basis := ""
		if (share != domain.ShareUnconditional || open == domain.OpenNone) && g.rnd.Float64() < 0.97 {
			basis = "《中华人民共和国数据安全法》"
		}
		summary := "记录" + genData[i%len(genData)] + "的基本信息"
		if g.rnd.Float64() < 0.03 {
			summary = ""
		}
		created := g.at(g.start.AddDate(-1, 0, 0), g.s.End.AddDate(0, -1, 0))
		status, published := "PUBLISHED", any(nil)
		var submitted, dueDate, dueAt, days, citation, calRev any
		switch r := g.rnd.Float64(); {
		case r < 0.04:
			status = "DRAFT"
		case r < 0.06:
			status = "SUBMITTED"
			sub := g.at(g.s.End.AddDate(0, -1, 0), g.s.End)
			if d, ok := g.deadline(domain.DeadlineCatalogueReview, sub); ok {
				submitted, dueDate, dueAt, days, citation, calRev = sub, dateColumn(d.Due), d.DueAt, d.Days, d.Citation, d.Revision
			} else {
				status = "DRAFT"
			}
		case r < 0.08:
			status, published = "RETIRED", created.Add(72*time.Hour)
		default:
			published = created.Add(72 * time.Hour)
		}
		made[i] = res{share, open, status == "PUBLISHED"}
		return []any{id, fmt.Sprintf("%s-%05d", genRegions[int(dept-1)%len(genRegions)], id), genData[i%len(genData)] + fmt.Sprintf("数据（%d）", id),
			summary, "基础信息", "结构化", string(genFreqs[g.rnd.IntN(len(genFreqs))]), string(share), cond, "全市", modes,
			string(open), openCond, basis, dept, dept, dept, dept, status, published, created, created, submitted, dueDate, dueAt,
			days, citation, calRev}
	})
	if err != nil {
		return err
	}
	for i, r := range made {
		id := int64(i + 1)
		dept := int64(i/g.s.ResourcesPerDepartment + 1)
		g.source[id], g.items[id] = dept, itemsOf(id)
		g.allResources, g.ofDept[dept] = append(g.allResources, id), append(g.ofDept[dept], id)
		if r.pub {
			g.published[r.share] = append(g.published[r.share], id)
			if r.open == domain.OpenConditional {
				g.openCond = append(g.openCond, id)
			}
		}
	}
	// Three data items each (信息项), a few without a description.
	return g.copyRows(ctx, "data_items", []string{"id", "resource_id", "position", "name", "data_type", "description"}, 3*n, func(i int) []any {
		desc := "字段说明"
		if g.rnd.Float64() < 0.01 {
			desc = ""
		}
		return []any{int64(i + 1), int64(i/3 + 1), i%3 + 1, []string{"姓名", "证件号码", "登记日期"}[i%3], []string{"STRING", "STRING", "DATE"}[i%3], desc}
	})
}

// rollupTriggers are the triggers (table, name) that keep the compliance
// rollups and entries.
var rollupTriggers = [][2]string{{"catalogue_reviews", "compliance_marks"}, {"resources", "compliance_marks"},
	{"catalogue_change_obligations", "compliance_marks"}, {"share_requests", "compliance_marks"}, {"open_requests", "compliance_marks"},
	{"disputes", "compliance_marks"}, {"grants", "compliance_marks"}, {"grant_changes", "compliance_marks"}, {"usage_reports", "compliance_marks"},
	{"resources", "compliance_entry"}, {"data_items", "compliance_entry"}, {"data_updates", "compliance_entry"}}

// otherDept is a department other than d.
func (g *generator) otherDept(d int64) (int64, bool) {
	if len(g.depts) < 2 {
		return 0, false
	}
	for {
		if o := g.depts[g.rnd.IntN(len(g.depts))]; o != d {
			return o, true
		}
	}
}

// itemsOf are the data item IDs of resource id.
func itemsOf(id int64) []int64 { return []int64{3*id - 2, 3*id - 1, 3 * id} }

// updates records the last two updates of each published entry; about one
// in seven has since fallen behind its frequency (MZ 13).
func (g *generator) updates(ctx context.Context) error {
	var ids []int64
	for _, list := range g.published {
		ids = append(ids, list...)
	}
	if g.s.UpdateHistory {
		return g.updateHistory(ctx, ids)
	}
	return g.copyRows(ctx, "data_updates", []string{"resource_id", "at", "rows", "recorded_subject", "recorded_role", "recorded_department_id", "recorded_at"},
		2*len(ids), func(i int) []any {
			id := ids[i/2]
			ago := time.Duration(g.rnd.Int64N(int64(20 * 24 * time.Hour)))
			if g.rnd.Float64() < 0.15 {
				ago += 200 * 24 * time.Hour
			}
			at := g.s.End.Add(-ago).Add(-time.Duration(i%2) * 24 * time.Hour).Truncate(time.Microsecond)
			return []any{id, at, int64(1000 + g.rnd.IntN(1_000_000)), "generator", "DEPARTMENT", g.source[id], at}
		})
}

// updateHistory records each entry's updates over the two years at its
// frequency, a little early as a rule, with a lapse now and then and
// about one entry in seven given up on (MZ 13).
func (g *generator) updateHistory(ctx context.Context, ids []int64) error {
	type update struct {
		id int64
		at time.Time
	}
	var list []update
	for _, id := range ids {
		months, days, ok := domain.UpdateInterval(g.freq[id])
		if !ok {
			months = 4 // IRREGULAR: now and then
		}
		until := g.s.End
		if g.rnd.Float64() < 0.15 {
			until = g.at(g.start, g.s.End)
		}
		t := g.pubAt[id]
		if t.Before(g.start) {
			t = g.start
		}
		for {
			next := t.AddDate(0, months, days)
			step := next.Sub(t)
			t = next.Add(-time.Duration(g.rnd.Int64N(int64(step)/4 + 1)))
			if g.rnd.Float64() < 0.03 {
				t = t.Add(2 * step)
			}
			if t.After(until) {
				break
			}
			list = append(list, update{id, t.Truncate(time.Microsecond)})
		}
	}
	return g.copyRows(ctx, "data_updates", []string{"resource_id", "at", "rows", "recorded_subject", "recorded_role", "recorded_department_id", "recorded_at"},
		len(list), func(i int) []any {
			u := list[i]
			return []any{u.id, u.at, int64(1000 + g.rnd.IntN(1_000_000)), "generator", "DEPARTMENT", g.source[u.id], u.at}
		})
}

// requests writes the share requests and the grants they made.
func (g *generator) requests(ctx context.Context) error {
	cond, uncond := g.published[domain.ShareConditional], g.published[domain.ShareUnconditional]
	if len(cond) == 0 || len(uncond) == 0 {
		return errors.New("too few published entries to request")
	}
	var grantID int64
	err := g.copyRows(ctx, "share_requests", []string{"id", "resource_id", "requester_department_id", "source_department_id",
		"requested_by", "purpose", "scenario", "item_ids", "mode", "until", "status", "submitted_at", "due_date", "due_at", "due_days",
		"due_citation", "calendar_revision", "decided_item_ids", "decided_mode", "decided_until", "source_decided_at", "source_decided_by",
		"reason", "basis", "answer_days", "authority_decided_at", "authority_decided_by"}, g.s.Requests, func(i int) []any {
		id := int64(i + 1)
		conditional := g.rnd.Float64() < 0.8
		res := uncond[g.rnd.IntN(len(uncond))]
		if conditional {
			res = cond[g.rnd.IntN(len(cond))]
		}
		src := g.source[res]
		req, ok := g.otherDept(src)
		if !ok {
			return nil
		}
		submitted := g.at(g.start, g.s.End)
		until := domain.DateOf(submitted).AddDays(365)
		mode := "QUERY"
		switch r := g.rnd.Float64(); {
		case r < 0.2:
			mode = "VERIFY"
		case r < 0.25 && conditional:
			mode = "BULK" // WZ 21: the authority approves after the source
		}
		if len(g.items[res]) == 0 {
			return nil
		}
		items := g.items[res][:1+g.rnd.IntN(len(g.items[res]))]
		status, reason, basis := "GRANTED", "", ""
		var dueDate, dueAt, days, citation, calRev, decidedAt, decidedBy, answerDays, dItems, dMode, dUntil, authAt, authBy any
		decided := submitted
		if conditional {
			d, ok := g.deadline(domain.DeadlineShareAnswer, submitted)
			if !ok {
				return nil
			}
			dueDate, dueAt, days, citation, calRev = dateColumn(d.Due), d.DueAt, d.Days, d.Citation, d.Revision
			// Most answer within their days, some late, some never.
			var k int
			switch r := g.rnd.Float64(); {
			case r < 0.78:
				k = g.rnd.IntN(d.Days + 1)
			case r < 0.9:
				k = d.Days + 1 + g.rnd.IntN(10)
			case r < 0.95:
				k = -1 // withdrawn
			default:
				k = -2 // unanswered
			}
			switch {
			case k == -1:
				status = "WITHDRAWN"
			case k == -2:
				status = "PENDING_SOURCE"
			default:
				decided = g.workingTime(submitted, k)
				if decided.After(g.s.End) {
					status = "PENDING_SOURCE"
					break
				}
				decidedAt, decidedBy = decided, fmt.Sprintf("DEPARTMENT/%d/staff", src)
				if n, ok := domain.AnswerDays(g.cal, submitted, decided); ok {
					answerDays = n
				}
				if g.rnd.Float64() < 0.2 {
					status, reason, basis = "REJECTED", "不属于履行职责所需", "MZ 22"
					if g.rnd.Float64() < 0.05 {
						reason = ""
					}
				} else {
					dItems, dMode, dUntil = items, mode, dateColumn(until)
					if mode == "BULK" {
						if t := g.workingTime(decided, 1+g.rnd.IntN(3)); t.Before(g.s.End) {
							decided, authAt, authBy = t, t, "AUTHORITY/0/staff"
						} else {
							status = "PENDING_AUTHORITY"
						}
					}
				}
			}
		}
		if status == "GRANTED" {
			grantID++
			gr := genGrant{id: grantID, request: id, resource: res, department: req, mode: mode, created: decided, until: until.EndOfDay()}
			if r := g.rnd.Float64(); r < 0.01 && decided.Before(g.s.End.AddDate(0, -1, 0)) {
				t := g.at(decided, g.s.End)
				gr.revoked = &t
			}
			g.grants = append(g.grants, gr)
		}
		return []any{id, res, req, src, fmt.Sprintf("DEPARTMENT/%d/staff", req), "办理业务时核验信息", "业务办理", items, mode,
			dateColumn(until), status, submitted, dueDate, dueAt, days, citation, calRev, dItems, dMode, dUntil, decidedAt, decidedBy,
			reason, basis, answerDays, authAt, authBy}
	})
	if err != nil {
		return err
	}
	// Each grant of the request that made it, on its terms.
	err = g.copyRows(ctx, "grants", []string{"id", "request_id", "resource_id", "department_id", "item_ids", "mode", "scenario", "purpose", "valid_until", "status",
		"created_at", "revoked_at", "status_reason"}, len(g.grants), func(i int) []any {
		gr := g.grants[i]
		status, why := "ACTIVE", ""
		if gr.revoked != nil {
			status, why = "REVOKED", "超出申请用途使用"
		} else if g.rnd.Float64() < 0.01 {
			status, why = "SUSPENDED", "超出申请用途使用"
		}
		return []any{gr.id, gr.request, gr.resource, gr.department, g.items[gr.resource][:1], gr.mode, "业务办理", "办理业务时核验信息", gr.until, status, gr.created, gr.revoked, why}
	})
	if err != nil {
		return err
	}
	// The changes behind each suspended or revoked grant (WZ 22).
	_, err = g.db.pool.Exec(ctx, `INSERT INTO grant_changes (grant_id, at, actor, from_status, to_status, reason)
		SELECT id, coalesce(revoked_at, created_at + (valid_until - created_at) / 3), 'AUTHORITY/0/generator', 'ACTIVE', status, status_reason
		FROM grants WHERE status <> 'ACTIVE'`)
	return err
}

// usage files the half-yearly reports of the grants (MZ 39): most on time,
// some late, some never.
func (g *generator) usage(ctx context.Context) error {
	type rep struct {
		grant int64
		h     domain.HalfYear
	}
	var reps []rep
	today := domain.DateOf(g.s.End)
	for _, gr := range g.grants {
		for _, h := range domain.UsagePeriods(gr.created, gr.revoked, today) {
			if h.Last().Before(today) && !gr.until.Before(h.First().StartOfDay()) {
				reps = append(reps, rep{gr.id, h})
			}
		}
	}
	return g.copyRows(ctx, "usage_reports", []string{"grant_id", "period", "period_index", "scenario", "outcome", "security_measures", "filed_by", "filed_at"},
		len(reps), func(i int) []any {
			r := reps[i]
			filed := r.h.Last().StartOfDay().Add(-time.Duration(g.rnd.IntN(10*24)) * time.Hour)
			switch x := g.rnd.Float64(); {
			case x < 0.15:
				return nil // never filed
			case x < 0.25:
				filed = r.h.Last().EndOfDay().Add(time.Duration(1+g.rnd.IntN(30*24)) * time.Hour)
			}
			return []any{r.grant, r.h.String(), r.h.Index(), "业务办理", "提升办事效率", "专人专岗，日志留存", "generator", filed}
		})
}

func (g *generator) openRequests(ctx context.Context) error {
	if len(g.openCond) == 0 {
		return nil
	}
	return g.copyRows(ctx, "open_requests", []string{"id", "resource_id", "requester", "purpose", "status", "created_at", "decided_at",
		"due_date", "due_at", "due_days", "due_citation", "calendar_revision", "reason", "basis", "decided_by"}, g.s.OpenRequests, func(i int) []any {
		res := g.openCond[g.rnd.IntN(len(g.openCond))]
		created := g.at(g.start, g.s.End)
		d, ok := g.deadline(domain.DeadlineOpenAnswer, created)
		if !ok {
			return nil
		}
		status, reason, basis, by := "APPROVED", "", "", "generator"
		var decided any
		k := g.rnd.IntN(d.Days + 1)
		if g.rnd.Float64() < 0.1 {
			k = d.Days + 1 + g.rnd.IntN(10)
		}
		if t := g.workingTime(created, k); t.Before(g.s.End) && g.rnd.Float64() < 0.95 {
			decided = t
			if g.rnd.Float64() < 0.3 {
				status, reason, basis = "REJECTED", "涉及个人信息", "NY 44"
			}
		} else {
			status, by = "PENDING", ""
		}
		return []any{int64(i + 1), res, fmt.Sprintf("person:%016x", g.rnd.Uint64()), "研究", status, created, decided,
			dateColumn(d.Due), d.DueAt, d.Days, d.Citation, d.Revision, reason, basis, by}
	})
}

func (g *generator) dataErrors(ctx context.Context) error {
	cond := g.published[domain.ShareConditional]
	return g.copyRows(ctx, "disputes", []string{"id", "kind", "status", "resource_id", "source_department_id", "opened_subject", "opened_role",
		"opened_department_id", "opened_at", "due_date", "due_at", "due_days", "due_citation", "calendar_revision", "description",
		"reporter_department_id", "finding", "verified_at", "correct_due_date", "correct_due_at", "correct_due_days", "correct_due_citation",
		"correct_calendar_revision", "corrected_at", "closed_at"}, g.s.DataErrors, func(i int) []any {
		res := cond[g.rnd.IntN(len(cond))]
		src := g.source[res]
		rep, ok := g.otherDept(src)
		if !ok {
			return nil
		}
		opened := g.at(g.start, g.s.End)
		d, ok := g.deadline(domain.DeadlineErrorVerify, opened)
		if !ok {
			return nil
		}
		status := "AWAITING_VERIFICATION"
		var finding, verified, cDate, cAt, cDays, cCite, cRev, corrected, closed any
		k := g.rnd.IntN(d.Days + 1)
		if g.rnd.Float64() < 0.12 {
			k = d.Days + 1 + g.rnd.IntN(8)
		}
		if v := g.workingTime(opened, k); v.Before(g.s.End) && g.rnd.Float64() < 0.95 {
			verified = v
			if g.rnd.Float64() < 0.3 {
				status, finding, closed = "REJECTED", "REJECTED", v
			} else if c, ok := g.deadline(domain.DeadlineErrorCorrect, v); ok {
				status, finding = "AWAITING_CORRECTION", "CONFIRMED"
				cDate, cAt, cDays, cCite, cRev = dateColumn(c.Due), c.DueAt, c.Days, c.Citation, c.Revision
				k := g.rnd.IntN(c.Days + 1)
				if g.rnd.Float64() < 0.15 {
					k = c.Days + 1 + g.rnd.IntN(10)
				}
				if t := g.workingTime(v, k); t.Before(g.s.End) {
					status, corrected, closed = "CORRECTED", t, t
				}
			}
		}
		return []any{int64(i + 1), "DATA_ERROR", status, res, src, fmt.Sprintf("DEPARTMENT/%d/staff", rep), "DEPARTMENT", rep, opened,
			dateColumn(d.Due), d.DueAt, d.Days, d.Citation, d.Revision, "数据与实际不符", rep, finding, verified,
			cDate, cAt, cDays, cCite, cRev, corrected, closed}
	})
}

// catalogueDuties writes change obligations (MZ 8), the authority's
// reviews (MZ 8, NY 22) and yearly full reviews (QY 8).
func (g *generator) catalogueDuties(ctx context.Context) error {
	err := g.copyRows(ctx, "catalogue_change_obligations", []string{"id", "department_id", "reason", "description", "occurred_on",
		"recorded_subject", "recorded_role", "recorded_at", "due_date", "due_at", "due_days", "due_citation", "calendar_revision",
		"met_at", "met_resource_id", "met_version"}, g.s.ChangeObligations, func(i int) []any {
		dept := g.depts[g.rnd.IntN(len(g.depts))]
		at := g.at(g.start, g.s.End)
		d, ok := g.deadline(domain.DeadlineCatalogueUpdate, at)
		if !ok {
			return nil
		}
		var met, metRes, metVer any
		k := g.rnd.IntN(d.Days + 1)
		if g.rnd.Float64() < 0.15 {
			k = d.Days + 1 + g.rnd.IntN(15)
		}
		if t := g.workingTime(at, k); t.Before(g.s.End) && g.rnd.Float64() < 0.9 && len(g.ofDept[dept]) > 0 {
			met, metRes, metVer = t, g.ofDept[dept][0], 2
		}
		return []any{int64(i + 1), dept, "DUTIES", "法定职能调整", dateColumn(domain.DateOf(at)), "authority", "AUTHORITY", at,
			dateColumn(d.Due), d.DueAt, d.Days, d.Citation, d.Revision, met, metRes, metVer}
	})
	if err != nil {
		return err
	}
	err = g.copyRows(ctx, "catalogue_reviews", []string{"resource_id", "version", "department_id", "submitted_at", "due_at", "decided_at", "outcome"},
		g.s.Reviews, func(i int) []any {
			res := g.allResources[g.rnd.IntN(len(g.allResources))]
			sub := g.at(g.start, g.s.End)
			d, ok := g.deadline(domain.DeadlineCatalogueReview, sub)
			if !ok {
				return nil
			}
			k := g.rnd.IntN(d.Days + 1)
			if g.rnd.Float64() < 0.08 {
				k = d.Days + 1 + g.rnd.IntN(5)
			}
			outcome := "APPROVED"
			if g.rnd.Float64() < 0.2 {
				outcome = "RETURNED"
			}
			// Versions are unique per resource: the review's place in the list.
			return []any{res, 1000 + i, g.source[res], sub, d.DueAt, g.workingTime(sub, k), outcome}
		})
	if err != nil {
		return err
	}
	years := []int{g.start.Year(), g.start.Year() + 1, g.start.Year() + 2}
	return g.copyRows(ctx, "catalogue_full_reviews", []string{"department_id", "reviewed_on", "note", "recorded_subject", "recorded_role", "recorded_at"},
		len(g.depts)*len(years), func(i int) []any {
			y := years[i%len(years)]
			if g.rnd.Float64() < 0.15 {
				return nil
			}
			on := domain.Date{Year: y, Month: time.Month(1 + g.rnd.IntN(12)), Day: 1 + g.rnd.IntN(28)}
			if !on.StartOfDay().Before(g.s.End) {
				return nil
			}
			return []any{g.depts[i/len(years)], dateColumn(on), "全面梳理本单位目录", "authority", "AUTHORITY", on.StartOfDay().Add(10 * time.Hour)}
		})
}

// audit writes the audit log: access decisions mostly, then the
// mutations, in time order, chained as appendAudit chains them.
func (g *generator) audit(ctx context.Context) error {
	n := g.s.AuditEvents
	if n == 0 {
		return nil
	}
	err := g.db.plainTx(ctx, func(tx *Tx) error {
		// Stepped from the first of a month: from the 30th, AddDate
		// would skip February.
		first, _ := monthOf(g.start)
		for m := first; m.Before(g.s.End.AddDate(0, 1, 0)); m = m.AddDate(0, 1, 0) {
			if err := tx.ensurePartition(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var head domain.AuditEvent
	if err := g.db.pool.QueryRow(ctx, `SELECT last_id, last_hash FROM audit_chain`).Scan(&head.ID, &head.Hash); err != nil {
		return fmt.Errorf("audit chain head: %w", err)
	}
	actions := []string{"accessDecision", "accessDecision", "accessDecision", "accessDecision", "accessDecision", "accessDecision",
		"submitShareRequest", "decideShareRequest", "updateResource", "recordDataUpdate", "fileUsageReport", "submitOpenRequest"}
	step := g.s.End.Sub(g.start) / time.Duration(n)
	prev, last := head.Hash, head
	err = g.copyRows(ctx, "audit_events", []string{"id", "at", "request_id", "actor_subject", "actor_role", "actor_department_id",
		"action", "target_kind", "target_id", "resource_id", "department_id", "outcome", "code", "message", "prev_hash", "hash"}, n, func(i int) []any {
		dept := g.depts[g.rnd.IntN(len(g.depts))]
		res := g.allResources[g.rnd.IntN(len(g.allResources))]
		e := domain.AuditEvent{ID: head.ID + int64(i+1), At: g.start.Add(step * time.Duration(i)).Truncate(time.Microsecond),
			RequestID: fmt.Sprintf("gen-%d", i+1), Actor: domain.Actor{Subject: fmt.Sprintf("staff-%d", dept), Role: domain.RoleDepartment, DepartmentID: dept},
			Action: actions[g.rnd.IntN(len(actions))], TargetKind: domain.KindResource, TargetID: res, ResourceID: res,
			DepartmentID: g.source[res], Outcome: domain.AuditOK, PrevHash: prev}
		if g.rnd.Float64() < 0.03 {
			e.Outcome, e.Code, e.Message = domain.AuditRefused, domain.EForbidden, "no active grant covers this request"
		}
		e.Hash = e.ComputeHash()
		prev, last = e.Hash, e
		return []any{e.ID, e.At, e.RequestID, e.Actor.Subject, string(e.Actor.Role), e.Actor.DepartmentID, e.Action, string(e.TargetKind),
			e.TargetID, e.ResourceID, e.DepartmentID, string(e.Outcome), string(e.Code), e.Message, e.PrevHash, e.Hash}
	})
	if err != nil {
		return err
	}
	_, err = g.db.pool.Exec(ctx, `UPDATE audit_chain SET last_id = $1, last_hash = $2`, last.ID, last.Hash)
	return err
}
