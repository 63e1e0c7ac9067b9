package resolvers

import (
	"context"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/citydata/catalogue/domain"
)

// loaderWait is how long a loader collects keys before it fetches. Lists
// prime the loaders of the fields their query selects (see prefetch), so
// the wait matters only for single lookups and nested lists; it stays well
// under a millisecond so an idle request barely waits.
const loaderWait = 150 * time.Microsecond

// pageKey identifies one nested page (a department's or theme database's
// resources). Keys of one batch share First and After in practice, since
// they come from one field of the query.
type pageKey struct {
	Parent int64
	First  int
	After  string
}

// Loaders batch the reads of one request. They are made per request, so
// their caches never outlive it and the viewer's scope is fixed.
type Loaders struct {
	c      domain.Catalogue
	viewer domain.Viewer
	scope  domain.ResourceScope
	policy domain.Profile
	// now is the request's instant: every deadline and overdue answer of
	// one request is judged at it. A live context (a subscription's,
	// WithLiveLoaders) reads clock at each use instead and caches nothing,
	// since it lives as long as its connection.
	now   time.Time
	clock func() time.Time
	live  bool

	rightsOnce sync.Once
	rights     domain.Rights
	rightsErr  error

	calendarOnce sync.Once
	// A live context's rights and calendar, reused for liveTTL.
	liveMu      sync.Mutex
	rightsAt    time.Time
	calendarAt  time.Time
	calendar    *domain.Calendar
	calendarErr error

	Department          Loader[int64, *domain.Department]
	DataItems           Loader[int64, []*domain.DataItem]
	Samples             Loader[int64, []map[string]string]
	DataElements        Loader[int64, []*domain.DataElement]
	ThemeDatabases      Loader[int64, []*domain.ThemeDatabase]
	ThemeDepartments    Loader[int64, []*domain.Department]
	DepartmentResources Loader[pageKey, *domain.Page[*domain.Resource]]
	ThemeResources      Loader[pageKey, *domain.Page[*domain.Resource]]
	DepartmentCount     Loader[int64, int]
	ThemeCount          Loader[int64, int]
	Versions            Loader[int64, []*domain.ResourceVersion]
	Resource            Loader[int64, *domain.Resource]
	DataItem            Loader[int64, *domain.DataItem]
	ShareRequest        Loader[int64, *domain.ShareRequest]
	Grant               Loader[int64, *domain.ShareGrant]
	UsageReports        Loader[int64, []*domain.UsageReport]
	LastDataUpdate      Loader[int64, *domain.DataUpdate]
	FullReviews         Loader[int64, *domain.FullReviewStatus]
	// Disputes' parts, keyed by dispute ID; the disputes themselves were
	// loaded in the viewer's scope.
	Evidence       Loader[int64, []*domain.Evidence]
	DisputeHistory Loader[int64, []*domain.DisputeAction]
	SharingSteps   Loader[int64, []*domain.SharingStepRecord]
	DisputeChange  Loader[int64, *domain.ChangeObligation]
}

func newLoaders(c domain.Catalogue, v domain.Viewer, policy domain.Profile, clock func() time.Time, live bool) *Loaders {
	l := &Loaders{c: c, viewer: v, scope: domain.ResourceScopeFor(v), policy: policy, now: clock(), clock: clock, live: live}
	// Each loader is made when first used, by a function of l alone (no
	// closure to allocate per request).
	l.Resource.init(l, func(l *Loaders) *dataloader.Loader[int64, *domain.Resource] {
		return mapLoader(l.live, func(ctx context.Context, ids []int64) (map[int64]*domain.Resource, error) {
			return l.c.ResourcesByID(ctx, l.scope, ids)
		})
	})
	l.DataItem.init(l, func(l *Loaders) *dataloader.Loader[int64, *domain.DataItem] {
		return mapLoader(l.live, func(ctx context.Context, ids []int64) (map[int64]*domain.DataItem, error) {
			return l.c.DataItemsByID(ctx, l.scope, ids)
		})
	})
	// Requests and grants are reached from each other; the scope is the
	// viewer's (a viewer with none sees neither: empty, never an error).
	l.ShareRequest.init(l, func(l *Loaders) *dataloader.Loader[int64, *domain.ShareRequest] {
		return mapLoader(l.live, func(ctx context.Context, ids []int64) (map[int64]*domain.ShareRequest, error) {
			s, err := domain.RequestScopeFor(l.viewer)
			if err != nil {
				return nil, nil
			}
			return l.c.ShareRequestsByID(ctx, s, ids)
		})
	})
	l.Grant.init(l, func(l *Loaders) *dataloader.Loader[int64, *domain.ShareGrant] {
		return mapLoader(l.live, func(ctx context.Context, ids []int64) (map[int64]*domain.ShareGrant, error) {
			s, err := domain.RequestScopeFor(l.viewer)
			if err != nil {
				return nil, nil
			}
			return l.c.GrantsByID(ctx, s, ids)
		})
	})
	l.UsageReports.init(l, func(l *Loaders) *dataloader.Loader[int64, []*domain.UsageReport] {
		return mapLoader(l.live, l.c.UsageReportsOf)
	})
	l.LastDataUpdate.init(l, func(l *Loaders) *dataloader.Loader[int64, *domain.DataUpdate] {
		return mapLoader(l.live, l.c.LastDataUpdatesOf)
	})
	l.FullReviews.init(l, func(l *Loaders) *dataloader.Loader[int64, *domain.FullReviewStatus] {
		return mapLoader(l.live, func(ctx context.Context, ids []int64) (map[int64]*domain.FullReviewStatus, error) {
			return l.c.FullReviewsOf(ctx, ids, l.policy, domain.DateOf(l.Now()))
		})
	})
	l.Evidence.init(l, func(l *Loaders) *dataloader.Loader[int64, []*domain.Evidence] {
		return mapLoader(l.live, l.c.EvidenceOf)
	})
	l.DisputeHistory.init(l, func(l *Loaders) *dataloader.Loader[int64, []*domain.DisputeAction] {
		return mapLoader(l.live, l.c.DisputeHistoryOf)
	})
	l.SharingSteps.init(l, func(l *Loaders) *dataloader.Loader[int64, []*domain.SharingStepRecord] {
		return mapLoader(l.live, l.c.SharingStepsOf)
	})
	// An objection's catalogue change is shown to whoever sees the
	// objection (its objector too): it is the answer to it.
	l.DisputeChange.init(l, func(l *Loaders) *dataloader.Loader[int64, *domain.ChangeObligation] {
		return mapLoader(l.live, func(ctx context.Context, ids []int64) (map[int64]*domain.ChangeObligation, error) {
			return l.c.ChangeObligationsByID(ctx, domain.OversightScope{All: true}, ids)
		})
	})
	l.Department.init(l, func(l *Loaders) *dataloader.Loader[int64, *domain.Department] {
		return mapLoader(l.live, l.c.DepartmentsByID)
	})
	l.DataItems.init(l, func(l *Loaders) *dataloader.Loader[int64, []*domain.DataItem] {
		return mapLoader(l.live, l.c.DataItemsOf)
	})
	l.Samples.init(l, func(l *Loaders) *dataloader.Loader[int64, []map[string]string] {
		return mapLoader(l.live, l.c.ResourceSamplesOf)
	})
	l.DataElements.init(l, func(l *Loaders) *dataloader.Loader[int64, []*domain.DataElement] {
		return mapLoader(l.live, l.c.DataElementsOf)
	})
	l.ThemeDatabases.init(l, func(l *Loaders) *dataloader.Loader[int64, []*domain.ThemeDatabase] {
		return mapLoader(l.live, l.c.ThemeDatabasesOf)
	})
	l.Versions.init(l, func(l *Loaders) *dataloader.Loader[int64, []*domain.ResourceVersion] {
		return mapLoader(l.live, l.c.ResourceVersionsOf)
	})
	l.ThemeDepartments.init(l, func(l *Loaders) *dataloader.Loader[int64, []*domain.Department] {
		return mapLoader(l.live, func(ctx context.Context, ids []int64) (map[int64][]*domain.Department, error) {
			return l.c.DepartmentsOfThemeDatabases(ctx, l.scope, ids)
		})
	})
	l.DepartmentCount.init(l, func(l *Loaders) *dataloader.Loader[int64, int] {
		return mapLoader(l.live, func(ctx context.Context, ids []int64) (map[int64]int, error) {
			return l.c.CountResourcesOfDepartments(ctx, l.scope, ids)
		})
	})
	l.ThemeCount.init(l, func(l *Loaders) *dataloader.Loader[int64, int] {
		return mapLoader(l.live, func(ctx context.Context, ids []int64) (map[int64]int, error) {
			return l.c.CountResourcesOfThemeDatabases(ctx, l.scope, ids)
		})
	})
	l.DepartmentResources.init(l, func(l *Loaders) *dataloader.Loader[pageKey, *domain.Page[*domain.Resource]] {
		return l.pageLoader(&l.DepartmentCount, func(ctx context.Context, ids []int64, p domain.PageArgs) (map[int64]*domain.Page[*domain.Resource], error) {
			return l.c.ResourcesOfDepartments(ctx, l.scope, ids, p)
		})
	})
	l.ThemeResources.init(l, func(l *Loaders) *dataloader.Loader[pageKey, *domain.Page[*domain.Resource]] {
		return l.pageLoader(&l.ThemeCount, func(ctx context.Context, ids []int64, p domain.PageArgs) (map[int64]*domain.Page[*domain.Resource], error) {
			return l.c.ResourcesOfThemeDatabases(ctx, l.scope, ids, p)
		})
	})
	return l
}

// Loader is a dataloader made when first used: a request uses few of its
// loaders, and making all of them was a fourteenth of what a list
// allocated (issue #20).
type Loader[K comparable, V any] struct {
	once  sync.Once
	owner *Loaders
	make  func(*Loaders) *dataloader.Loader[K, V]
	l     *dataloader.Loader[K, V]
}

func (z *Loader[K, V]) init(owner *Loaders, make func(*Loaders) *dataloader.Loader[K, V]) {
	z.owner, z.make = owner, make
}

func (z *Loader[K, V]) get() *dataloader.Loader[K, V] {
	z.once.Do(func() { z.l = z.make(z.owner) })
	return z.l
}

// Load is dataloader.Loader's Load.
func (z *Loader[K, V]) Load(ctx context.Context, key K) dataloader.Thunk[V] {
	return z.get().Load(ctx, key)
}

// LoadMany is dataloader.Loader's LoadMany.
func (z *Loader[K, V]) LoadMany(ctx context.Context, keys []K) dataloader.ThunkMany[V] {
	return z.get().LoadMany(ctx, keys)
}

// Prime is dataloader.Loader's Prime.
func (z *Loader[K, V]) Prime(ctx context.Context, key K, value V) {
	z.get().Prime(ctx, key, value)
}

// mapLoader makes a loader from a batch read that returns a map; a key the
// map lacks loads as V's zero value (no row, or an empty list).
func mapLoader[K comparable, V any](live bool, fetch func(context.Context, []K) (map[K]V, error)) *dataloader.Loader[K, V] {
	return dataloader.NewBatchedLoader(func(ctx context.Context, keys []K) []*dataloader.Result[V] {
		m, err := fetch(ctx, keys)
		out := make([]*dataloader.Result[V], len(keys))
		for i, k := range keys {
			out[i] = &dataloader.Result[V]{Data: m[k], Error: err}
		}
		return out
	}, loaderOptions[K, V](live)...)
}

// loaderOptions: a short wait, bounded batches, and no cache for a live
// context, whose answers must follow the database.
func loaderOptions[K comparable, V any](live bool) []dataloader.Option[K, V] {
	opts := []dataloader.Option[K, V]{dataloader.WithWait[K, V](loaderWait), dataloader.WithBatchCapacity[K, V](500)}
	if live {
		opts = append(opts, dataloader.WithCache[K, V](&dataloader.NoCache[K, V]{}))
	}
	return opts
}

// pageLoader batches nested pages: keys with the same page arguments are
// fetched in one statement. Each page's totalCount goes through count, so
// counts batch too. After fetching, it primes the loaders of the fields the
// query selects on the pages' resources.
func (l *Loaders) pageLoader(count *Loader[int64, int], fetch func(context.Context, []int64, domain.PageArgs) (map[int64]*domain.Page[*domain.Resource], error)) *dataloader.Loader[pageKey, *domain.Page[*domain.Resource]] {
	return dataloader.NewBatchedLoader(func(ctx context.Context, keys []pageKey) []*dataloader.Result[*domain.Page[*domain.Resource]] {
		out := make([]*dataloader.Result[*domain.Page[*domain.Resource]], len(keys))
		groups := map[domain.PageArgs][]int64{}
		for _, k := range keys {
			p := domain.PageArgs{First: k.First, After: k.After}
			groups[p] = append(groups[p], k.Parent)
		}
		pages := map[pageKey]*domain.Page[*domain.Resource]{}
		errs := map[domain.PageArgs]error{}
		var all []*domain.Resource
		for p, parents := range groups {
			m, err := fetch(ctx, parents, p)
			errs[p] = err
			for id, pg := range m {
				pg.Count = countFrom(count, id)
				pages[pageKey{Parent: id, First: p.First, After: p.After}] = pg
				all = append(all, pg.Nodes...)
			}
		}
		prefetchErr := l.prefetchResources(ctx, all, selected(ctx))
		for i, k := range keys {
			err := errs[domain.PageArgs{First: k.First, After: k.After}]
			if err == nil {
				err = prefetchErr
			}
			out[i] = &dataloader.Result[*domain.Page[*domain.Resource]]{Data: pages[k], Error: err}
		}
		return out
	}, loaderOptions[pageKey, *domain.Page[*domain.Resource]](l.live)...)
}

// prefetchResources loads, in one statement per field, what the query
// selects on a list of resources, and primes the loaders with it. The
// nested resolvers then find their rows in the cache and never wait for a
// batch, so a list costs the same statements whatever its length.
func (l *Loaders) prefetchResources(ctx context.Context, list []*domain.Resource, sel selection) error {
	if len(list) == 0 || l.live { // a live context caches nothing to prime
		return nil
	}
	ids := make([]int64, len(list))
	var primed *domain.Department // a page's rows share their departments (store.Resources)
	for i, r := range list {
		ids[i] = r.ID
		// A brief read's department may be part of one (its id and name):
		// a loader holds whole ones.
		if d := r.SourceDepartment; d != nil && d != primed && (!r.Brief || r.BriefParts&domain.PartDepartment != 0) {
			l.Department.Prime(ctx, r.SourceDepartmentID, d)
			primed = d
		}
	}
	if sel.has("collectingDepartment") || sel.has("approvingDepartment") || sel.has("providingDepartment") {
		others := make([]int64, 0, 3*len(list))
		for _, r := range list {
			others = append(others, r.CollectingDepartmentID, r.ApprovingDepartmentID, r.ProvidingDepartmentID)
		}
		if err := prime(ctx, &l.Department, others, l.c.DepartmentsByID); err != nil {
			return err
		}
	}
	if sel.has("dataItems") || sel.has("shareAccess") || sel.has("sample") {
		if err := prime(ctx, &l.DataItems, ids, l.c.DataItemsOf); err != nil {
			return err
		}
	}
	if sel.has("sample") {
		if err := prime(ctx, &l.Samples, ids, l.c.ResourceSamplesOf); err != nil {
			return err
		}
	}
	if sel.has("dataElements") {
		if err := prime(ctx, &l.DataElements, ids, l.c.DataElementsOf); err != nil {
			return err
		}
		// Element source departments load through the loader's batch.
	}
	if sel.has("themeDatabases") {
		if err := prime(ctx, &l.ThemeDatabases, ids, l.c.ThemeDatabasesOf); err != nil {
			return err
		}
	}
	return nil
}

// prefetchDepartments primes the loaders for what the query selects on a
// list of departments: parents and nested resource pages with their counts.
func (l *Loaders) prefetchDepartments(ctx context.Context, list []*domain.Department, sel selection) error {
	if len(list) == 0 || l.live { // a live context caches nothing to prime
		return nil
	}
	ids := make([]int64, len(list))
	var parents []int64
	for i, d := range list {
		ids[i] = d.ID
		l.Department.Prime(ctx, d.ID, d)
		if d.ParentID != nil {
			parents = append(parents, *d.ParentID)
		}
	}
	if sel.has("parent") && len(parents) > 0 {
		if err := prime(ctx, &l.Department, parents, l.c.DepartmentsByID); err != nil {
			return err
		}
	}
	if sel.has("resources") {
		return l.prefetchPages(ctx, ids, sel, &l.DepartmentResources, &l.DepartmentCount,
			func(ctx context.Context, ids []int64, p domain.PageArgs) (map[int64]*domain.Page[*domain.Resource], error) {
				return l.c.ResourcesOfDepartments(ctx, l.scope, ids, p)
			},
			func(ctx context.Context, ids []int64) (map[int64]int, error) {
				return l.c.CountResourcesOfDepartments(ctx, l.scope, ids)
			})
	}
	return nil
}

// prefetchThemes primes the loaders for what the query selects on a list
// of theme databases.
func (l *Loaders) prefetchThemes(ctx context.Context, list []*domain.ThemeDatabase, sel selection) error {
	if len(list) == 0 || l.live { // a live context caches nothing to prime
		return nil
	}
	ids := make([]int64, len(list))
	leads := make([]int64, len(list))
	for i, t := range list {
		ids[i], leads[i] = t.ID, t.LeadDepartmentID
	}
	if sel.has("leadDepartment") {
		if err := prime(ctx, &l.Department, leads, l.c.DepartmentsByID); err != nil {
			return err
		}
	}
	if sel.has("departments") {
		if err := prime(ctx, &l.ThemeDepartments, ids, func(ctx context.Context, ids []int64) (map[int64][]*domain.Department, error) {
			return l.c.DepartmentsOfThemeDatabases(ctx, l.scope, ids)
		}); err != nil {
			return err
		}
	}
	if sel.has("resources") {
		return l.prefetchPages(ctx, ids, sel, &l.ThemeResources, &l.ThemeCount,
			func(ctx context.Context, ids []int64, p domain.PageArgs) (map[int64]*domain.Page[*domain.Resource], error) {
				return l.c.ResourcesOfThemeDatabases(ctx, l.scope, ids, p)
			},
			func(ctx context.Context, ids []int64) (map[int64]int, error) {
				return l.c.CountResourcesOfThemeDatabases(ctx, l.scope, ids)
			})
	}
	return nil
}

// prefetchPages loads the nested "resources" page of every parent in one
// statement, their counts in another when totalCount is selected, and
// what the query selects on the pages' resources.
func (l *Loaders) prefetchPages(ctx context.Context, parents []int64, sel selection,
	pages *Loader[pageKey, *domain.Page[*domain.Resource]], counts *Loader[int64, int],
	fetch func(context.Context, []int64, domain.PageArgs) (map[int64]*domain.Page[*domain.Resource], error),
	count func(context.Context, []int64) (map[int64]int, error),
) error {
	key := sel.pageArgs("resources")
	p := domain.PageArgs{First: key.First, After: key.After}
	if p.Validate() != nil {
		return nil // the field's resolver reports it
	}
	m, err := fetch(ctx, parents, p)
	if err != nil {
		return err
	}
	inner := sel.child("resources")
	if inner.has("totalCount") {
		if err := prime(ctx, counts, parents, count); err != nil {
			return err
		}
	}
	var all []*domain.Resource
	for _, id := range parents {
		pg := m[id]
		pg.Count = countFrom(counts, id)
		all = append(all, pg.Nodes...)
		key.Parent = id
		pages.Prime(ctx, key, pg)
	}
	return l.prefetchResources(ctx, all, inner)
}

// countFrom makes a page's Count read the parent's count through the
// count loader, so the counts of nested pages batch.
func countFrom(counts *Loader[int64, int], id int64) func(context.Context) (int, error) {
	return func(ctx context.Context) (int, error) { return counts.Load(ctx, id)() }
}

func prime[V any](ctx context.Context, l *Loader[int64, V], ids []int64, fetch func(context.Context, []int64) (map[int64]V, error)) error {
	m, err := fetch(ctx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		l.Prime(ctx, id, m[id])
	}
	return nil
}

type loadersKey struct{}

// For returns the request's loaders.
func For(ctx context.Context) *Loaders {
	return ctx.Value(loadersKey{}).(*Loaders)
}

// WithLoaders returns a context carrying fresh loaders for the context's
// viewer and the deployment's policy profile, judging everything at the
// instant clock gives now; the HTTP middleware calls it once per request.
func WithLoaders(ctx context.Context, c domain.Catalogue, policy domain.Profile, clock func() time.Time) context.Context {
	return context.WithValue(ctx, loadersKey{}, newLoaders(c, domain.ViewerFrom(ctx), policy, clock, false))
}

// WithLiveLoaders is WithLoaders for a context that outlives a request (a
// websocket connection's): nothing is cached, and each use reads clock.
func WithLiveLoaders(ctx context.Context, c domain.Catalogue, policy domain.Profile, clock func() time.Time) context.Context {
	return context.WithValue(ctx, loadersKey{}, newLoaders(c, domain.ViewerFrom(ctx), policy, clock, true))
}

// liveTTL is how long a live context reuses the viewer's rights and the
// calendar: long enough for one event's answer to need one statement for
// each, short enough that a suspended grant stops showing at once.
const liveTTL = time.Second

// Now is the instant the request is judged at.
func (l *Loaders) Now() time.Time {
	if l.live {
		return l.clock()
	}
	return l.now
}

// Calendar is the working-day calendar, read once per request (every time
// in a live context).
func (l *Loaders) Calendar(ctx context.Context) (*domain.Calendar, error) {
	if l.live {
		l.liveMu.Lock()
		defer l.liveMu.Unlock()
		if l.calendar == nil || l.Now().Sub(l.calendarAt) > liveTTL {
			cal, err := l.c.Calendar(ctx)
			if err != nil {
				return nil, err
			}
			l.calendar, l.calendarAt = cal, l.Now()
		}
		return l.calendar, nil
	}
	l.calendarOnce.Do(func() { l.calendar, l.calendarErr = l.c.Calendar(ctx) })
	return l.calendar, l.calendarErr
}
