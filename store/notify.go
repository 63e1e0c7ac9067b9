package store

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// The PostgreSQL notification channels: a share request's ID is sent on
// requestChannel when it is filed or decided, a dispute's on
// disputeChannel when it is opened or acted on. Every instance of the
// service listens on them, so a subscriber hears of changes made by any.
const (
	requestChannel = "catalogue_share_requests"
	disputeChannel = "catalogue_disputes"
)

// channels are the channels the listener listens on.
var channels = []string{requestChannel, disputeChannel}

// hub fans the notifications of one LISTEN connection out to subscribers.
// The connection is opened with the first subscriber and kept while there
// are any; it reconnects after a failure.
type hub struct {
	mu sync.Mutex
	// subs are the subscribers of each channel.
	subs   map[string]map[chan int64]struct{}
	cancel context.CancelFunc // stops the listener; nil when none runs
	// ready is closed once the listener's first LISTEN is in place.
	ready chan struct{}
}

// notifyRequest sends request id on requestChannel; PostgreSQL delivers it
// when tx commits, and never if it rolls back.
func (tx *Tx) notifyRequest(ctx context.Context, id int64) error {
	return tx.notify(ctx, requestChannel, id)
}

// notifyDispute sends dispute id on disputeChannel at commit.
func (tx *Tx) notifyDispute(ctx context.Context, id int64) error {
	return tx.notify(ctx, disputeChannel, id)
}

func (tx *Tx) notify(ctx context.Context, channel string, id int64) error {
	_, err := tx.tx.Exec(ctx, `SELECT pg_notify($1, $2)`, channel, strconv.FormatInt(id, 10))
	return err
}

// ShareRequestUpdates returns the IDs of share requests filed or decided
// from now until ctx ends, when the channel closes. A subscriber that does
// not keep up loses IDs rather than holding the others back.
func (db *DB) ShareRequestUpdates(ctx context.Context) <-chan int64 {
	return db.updates(ctx, requestChannel)
}

// DisputeUpdates returns the IDs of disputes opened or acted on from now
// until ctx ends, as ShareRequestUpdates does for requests.
func (db *DB) DisputeUpdates(ctx context.Context) <-chan int64 {
	return db.updates(ctx, disputeChannel)
}

func (db *DB) updates(ctx context.Context, channel string) <-chan int64 {
	ch := make(chan int64, 64)
	h := &db.hub
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[string]map[chan int64]struct{}{}
	}
	if h.subs[channel] == nil {
		h.subs[channel] = map[chan int64]struct{}{}
	}
	h.subs[channel][ch] = struct{}{}
	if h.cancel == nil {
		lctx, cancel := context.WithCancel(context.Background())
		h.cancel, h.ready = cancel, make(chan struct{})
		go db.listen(lctx, h.ready)
	}
	ready := h.ready
	h.mu.Unlock()
	// A subscriber hears of what is committed after it subscribed: wait
	// for the LISTEN (bounded, so a database outage does not hang it).
	select {
	case <-ready:
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
	}
	go func() {
		<-ctx.Done()
		h.mu.Lock()
		delete(h.subs[channel], ch)
		if h.count() == 0 && h.cancel != nil {
			h.cancel()
			h.cancel = nil
		}
		h.mu.Unlock()
		close(ch)
	}()
	return ch
}

// listen holds a LISTEN connection until ctx ends, reconnecting with a
// growing pause when it fails. The pause is at most a second, and starts
// again from the shortest once a connection has listened: pushes resume
// within a second or so of the database's return (a restart).
func (db *DB) listen(ctx context.Context, ready chan struct{}) {
	const first, most = 100 * time.Millisecond, time.Second
	pause := first
	var once sync.Once
	for ctx.Err() == nil {
		listened := false
		err := db.listenOnce(ctx, func() { listened = true; once.Do(func() { close(ready) }) })
		if ctx.Err() != nil {
			return
		}
		if listened {
			pause = first
		}
		slog.WarnContext(ctx, "change notifications interrupted; reconnecting", "err", err, "in", pause)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, most)
	}
}

func (db *DB) listenOnce(ctx context.Context, listening func()) error {
	pooled, err := db.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// A connection that has listened is not handed back to the pool: it
	// would carry the LISTEN to whoever takes it next.
	conn := pooled.Hijack()
	defer conn.Close(context.Background())
	for _, c := range channels {
		if _, err := conn.Exec(ctx, "LISTEN "+c); err != nil {
			return err
		}
	}
	listening()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		id, err := strconv.ParseInt(n.Payload, 10, 64)
		if err != nil {
			return errors.New("bad notification " + strconv.Quote(n.Payload) + " on " + n.Channel)
		}
		db.hub.mu.Lock()
		for ch := range db.hub.subs[n.Channel] {
			select {
			case ch <- id:
			default:
			}
		}
		db.hub.mu.Unlock()
	}
}

// count is the number of subscribers of every channel; h.mu is held.
func (h *hub) count() int {
	n := 0
	for _, subs := range h.subs {
		n += len(subs)
	}
	return n
}

// ShareRequestSubscribers is how many subscribers hear share request
// notifications now: those registered once the listener listens.
func (db *DB) ShareRequestSubscribers() int { return db.subscribers(requestChannel) }

// DisputeSubscribers is ShareRequestSubscribers for disputes.
func (db *DB) DisputeSubscribers() int { return db.subscribers(disputeChannel) }

func (db *DB) subscribers(channel string) int {
	db.hub.mu.Lock()
	defer db.hub.mu.Unlock()
	if db.hub.ready == nil {
		return 0
	}
	select {
	case <-db.hub.ready:
		return len(db.hub.subs[channel])
	default:
		return 0
	}
}
