package telemetry

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// auditReadTimeout bounds the audit chain read of one scrape: a database
// that does not answer leaves the audit gauges out of the scrape instead of
// holding it.
const auditReadTimeout = time.Second

func desc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc(prometheus.BuildFQName(namespace, "", name), help, nil, nil)
}

var (
	poolAcquired     = desc("db_pool_acquired_conns", "Connections of the pgx pool in use now.")
	poolIdle         = desc("db_pool_idle_conns", "Idle connections of the pgx pool.")
	poolTotal        = desc("db_pool_total_conns", "Connections of the pgx pool, in use, idle or being opened.")
	poolConstructing = desc("db_pool_constructing_conns", "Connections of the pgx pool being opened now.")
	poolMax          = desc("db_pool_max_conns", "The pgx pool's maximum size.")
	poolAcquires     = desc("db_pool_acquires_total", "Connections taken from the pgx pool.")
	poolAcquireSecs  = desc("db_pool_acquire_duration_seconds_total", "Time spent taking connections from the pgx pool.")
	poolEmpty        = desc("db_pool_empty_acquires_total", "Acquires that found no idle connection and waited for one to be opened or released.")
	poolEmptyWait    = desc("db_pool_empty_acquire_wait_seconds_total", "Time acquires spent waiting because the pool had no idle connection.")
	poolCanceled     = desc("db_pool_canceled_acquires_total", "Acquires abandoned because their context ended.")
	poolNew          = desc("db_pool_new_conns_total", "Connections the pgx pool has opened.")
	auditHead        = desc("audit_chain_head", "Id of the last event of the audit log's hash chain.")
	auditLength      = desc("audit_chain_events", "Events the audit log's hash chain holds (the head less those purged, NY 33).")
)

type dbCollector struct {
	db  DB
	log *slog.Logger
}

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolAcquired, poolIdle, poolTotal, poolConstructing, poolMax,
		poolAcquires, poolAcquireSecs, poolEmpty, poolEmptyWait, poolCanceled, poolNew, auditHead, auditLength} {
		ch <- d
	}
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.db.PoolStat()
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(poolAcquired, float64(s.AcquiredConns()))
	gauge(poolIdle, float64(s.IdleConns()))
	gauge(poolTotal, float64(s.TotalConns()))
	gauge(poolConstructing, float64(s.ConstructingConns()))
	gauge(poolMax, float64(s.MaxConns()))
	counter(poolAcquires, float64(s.AcquireCount()))
	counter(poolAcquireSecs, s.AcquireDuration().Seconds())
	counter(poolEmpty, float64(s.EmptyAcquireCount()))
	counter(poolEmptyWait, s.EmptyAcquireWaitTime().Seconds())
	counter(poolCanceled, float64(s.CanceledAcquireCount()))
	counter(poolNew, float64(s.NewConnsCount()))

	ctx, cancel := context.WithTimeout(context.Background(), auditReadTimeout)
	defer cancel()
	head, purged, err := c.db.AuditChainHead(ctx)
	if err != nil {
		c.log.Warn("metrics: audit chain head not read; left out of this scrape", "err", err)
		return
	}
	gauge(auditHead, float64(head))
	gauge(auditLength, float64(head-purged))
}
