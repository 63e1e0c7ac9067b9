package server

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"sync"
)

// Drain closes the subscription websockets when the server shuts down.
// http.Server.Shutdown waits for requests in flight but not for hijacked
// connections, which websockets are: without this they would be cut (a
// TCP reset) when the process exits. With Config.Drain set, Begin ends
// every subscription with a websocket close frame (1000, "terminated"),
// and Wait returns once each connection has finished its close handshake.
type Drain struct {
	ctx   context.Context
	begin context.CancelFunc

	mu    sync.Mutex
	open  int           // websocket connections not yet closed
	empty chan struct{} // closed, and replaced, whenever open drops to 0
}

// NewDrain returns a Drain not yet begun.
func NewDrain() *Drain {
	ctx, cancel := context.WithCancel(context.Background())
	return &Drain{ctx: ctx, begin: cancel, empty: make(chan struct{})}
}

func (d *Drain) add(n int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.open += n
	if d.open == 0 {
		close(d.empty)
		d.empty = make(chan struct{})
	}
}

// Begin closes every websocket, and every one opened after. Give it to
// http.Server.RegisterOnShutdown.
func (d *Drain) Begin() { d.begin() }

// Wait waits until every websocket connection is closed, or ctx ends.
func (d *Drain) Wait(ctx context.Context) error {
	for {
		d.mu.Lock()
		open, empty := d.open, d.empty
		d.mu.Unlock()
		if open == 0 {
			return nil
		}
		select {
		case <-empty:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// serve runs a websocket upgrade: its context ends when the drain begins,
// which makes gqlgen send the close frame, and the drain counts its
// connection until it is closed.
func (d *Drain) serve(next http.Handler, w http.ResponseWriter, r *http.Request) {
	if d == nil {
		next.ServeHTTP(w, r)
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(d.ctx, cancel)
	defer stop()
	next.ServeHTTP(&drainWriter{ResponseWriter: w, d: d}, r.WithContext(ctx))
}

// drainWriter counts the connection its websocket hijacks.
type drainWriter struct {
	http.ResponseWriter
	d *Drain
}

func (w *drainWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	w.d.add(1)
	return &drainConn{Conn: conn, d: w.d}, rw, nil
}

func (w *drainWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type drainConn struct {
	net.Conn
	d    *Drain
	once sync.Once
}

func (c *drainConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.d.add(-1) })
	return err
}
