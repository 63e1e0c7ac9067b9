package store

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// requestChannel is the PostgreSQL notification channel a share request's
// ID is sent on when it is filed or decided; every instance of the service
// listens on it, so a subscriber hears of changes made by any of them.
const requestChannel = "catalogue_share_requests"

// hub fans the notifications of one LISTEN connection out to subscribers.
// The connection is opened with the first subscriber and kept while there
// are any; it reconnects after a failure.
type hub struct {
	mu     sync.Mutex
	subs   map[chan int64]struct{}
	cancel context.CancelFunc // stops the listener; nil when none runs
	// ready is closed once the listener's first LISTEN is in place.
	ready chan struct{}
}

// notifyRequest sends request id on requestChannel; PostgreSQL delivers it
// when tx commits, and never if it rolls back.
func (tx *Tx) notifyRequest(ctx context.Context, id int64) error {
	_, err := tx.tx.Exec(ctx, `SELECT pg_notify($1, $2)`, requestChannel, strconv.FormatInt(id, 10))
	return err
}

// ShareRequestUpdates returns the IDs of share requests filed or decided
// from now until ctx ends, when the channel closes. A subscriber that does
// not keep up loses IDs rather than holding the others back.
func (db *DB) ShareRequestUpdates(ctx context.Context) <-chan int64 {
	ch := make(chan int64, 64)
	h := &db.hub
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[chan int64]struct{}{}
	}
	h.subs[ch] = struct{}{}
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
		delete(h.subs, ch)
		if len(h.subs) == 0 && h.cancel != nil {
			h.cancel()
			h.cancel = nil
		}
		h.mu.Unlock()
		close(ch)
	}()
	return ch
}

// listen holds a LISTEN connection until ctx ends, reconnecting with a
// growing pause when it fails.
func (db *DB) listen(ctx context.Context, ready chan struct{}) {
	pause := 100 * time.Millisecond
	var once sync.Once
	for ctx.Err() == nil {
		err := db.listenOnce(ctx, func() { once.Do(func() { close(ready) }) })
		if ctx.Err() != nil {
			return
		}
		slog.Warn("share request notifications interrupted; reconnecting", "err", err, "in", pause)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 10*time.Second)
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
	if _, err := conn.Exec(ctx, "LISTEN "+requestChannel); err != nil {
		return err
	}
	listening()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		id, err := strconv.ParseInt(n.Payload, 10, 64)
		if err != nil {
			return errors.New("bad share request notification " + strconv.Quote(n.Payload))
		}
		db.hub.mu.Lock()
		for ch := range db.hub.subs {
			select {
			case ch <- id:
			default:
			}
		}
		db.hub.mu.Unlock()
	}
}

// ShareRequestSubscribers is how many subscribers hear share request
// notifications now: those registered once the listener listens.
func (db *DB) ShareRequestSubscribers() int {
	db.hub.mu.Lock()
	defer db.hub.mu.Unlock()
	if db.hub.ready == nil {
		return 0
	}
	select {
	case <-db.hub.ready:
		return len(db.hub.subs)
	default:
		return 0
	}
}
