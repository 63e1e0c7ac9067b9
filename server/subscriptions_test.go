package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	coderws "github.com/coder/websocket"

	"github.com/citydata/catalogue/auth"
	"github.com/citydata/catalogue/store/storetest"
)

// wsClient speaks graphql-transport-ws to the test server.
type wsClient struct {
	t    *testing.T
	conn *coderws.Conn
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func dialWS(t *testing.T, srv *httptest.Server, origin string) (*coderws.Conn, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	return coderws.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql", &coderws.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: h})
}

// connect opens a connection as c and waits for connection_ack.
func connect(t *testing.T, srv *httptest.Server, c auth.Claims) *wsClient {
	t.Helper()
	return connectFor(t, srv, c, time.Hour)
}

// connectFor is connect with a token that lives ttl.
func connectFor(t *testing.T, srv *httptest.Server, c auth.Claims, ttl time.Duration) *wsClient {
	t.Helper()
	conn, _, err := dialWS(t, srv, srv.URL)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	w := &wsClient{t: t, conn: conn}
	tok, err := auth.Sign(testSecret, c, ttl)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(map[string]string{"Authorization": "Bearer " + tok})
	w.send(wsMessage{Type: "connection_init", Payload: payload})
	if m := w.read(); m.Type != "connection_ack" {
		t.Fatalf("after connection_init: %+v", m)
	}
	return w
}

func (w *wsClient) send(m wsMessage) {
	w.t.Helper()
	b, _ := json.Marshal(m)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := w.conn.Write(ctx, coderws.MessageText, b); err != nil {
		w.t.Fatalf("write: %v", err)
	}
}

// read returns the next message that is not a ping or pong.
func (w *wsClient) read() wsMessage {
	w.t.Helper()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, b, err := w.conn.Read(ctx)
		cancel()
		if err != nil {
			w.t.Fatalf("read: %v", err)
		}
		var m wsMessage
		if err := json.Unmarshal(b, &m); err != nil {
			w.t.Fatalf("not JSON: %s", b)
		}
		if m.Type != "ping" && m.Type != "pong" {
			return m
		}
	}
}

func (w *wsClient) subscribe(id, query string) {
	payload, _ := json.Marshal(map[string]string{"query": query})
	w.send(wsMessage{ID: id, Type: "subscribe", Payload: payload})
}

type pushed struct {
	Data struct {
		RequestUpdated struct {
			ID, Status string
			Requester  struct{ CreditCode string }
		}
	}
	Errors []gqlError
}

func (w *wsClient) next() pushed {
	w.t.Helper()
	var p pushed
	w.nextInto(&p)
	return p
}

// nextInto decodes the next push, which must carry data and no errors,
// into p.
func (w *wsClient) nextInto(p any) {
	w.t.Helper()
	m := w.read()
	if m.Type != "next" {
		w.t.Fatalf("want next, got %+v (%s)", m, m.Payload)
	}
	var e struct{ Errors []gqlError }
	if err := json.Unmarshal(m.Payload, &e); err != nil || len(e.Errors) > 0 {
		w.t.Fatalf("payload %s: %v", m.Payload, err)
	}
	if err := json.Unmarshal(m.Payload, p); err != nil {
		w.t.Fatalf("payload %s: %v", m.Payload, err)
	}
}

// requestUpdated pushes a request's changes to the departments on either
// side, not to others; the token is checked at connection_init, and pages
// of other origins are refused.
func TestRequestUpdatedSubscription(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	srv := httptest.NewServer(a.handler)
	t.Cleanup(srv.Close)
	e := findEntry(t, a, "CONDITIONAL", "QUERY", 1)
	const sub = `subscription { requestUpdated { id status requester { creditCode } } }`

	requester := connect(t, srv, gaj)
	requester.subscribe("1", sub)
	other := bystander(e)
	third := connect(t, srv, other)
	third.subscribe("1", sub)
	source := connect(t, srv, departmentClaims(e.Source.CreditCode))
	source.subscribe("1", sub)
	// The protocol does not acknowledge a subscription: wait until the
	// three are registered with the listener, so none misses an event.
	waitFor(t, func() bool { return a.db.ShareRequestSubscribers() == 3 })
	// Queries work over the websocket too.
	requester.subscribe("q", `{ policyProfile { name } }`)
	if m := requester.read(); m.Type != "next" || m.ID != "q" {
		t.Fatalf("query over the websocket: %+v", m)
	}
	if m := requester.read(); m.Type != "complete" {
		t.Fatalf("after the query: %+v", m)
	}

	r := a.as(gaj).request(t, submitRequest, map[string]any{"in": requestInput(e, "QUERY", e.DataItems[0].ID)})
	for name, w := range map[string]*wsClient{"requester": requester, "source": source} {
		if p := w.next().Data.RequestUpdated; p.ID != r.ID || p.Status != "PENDING_SOURCE" || p.Requester.CreditCode != gajCode {
			t.Fatalf("%s was pushed %+v", name, p)
		}
	}
	a.as(departmentClaims(e.Source.CreditCode)).request(t, decideRequest, map[string]any{"id": r.ID, "d": "APPROVE"})
	if p := requester.next().Data.RequestUpdated; p.ID != r.ID || p.Status != "GRANTED" {
		t.Fatalf("after approval the requester was pushed %+v", p)
	}
	// The bystander's first push is its own request, not 公安局's.
	own := a.as(other).request(t, submitRequest, map[string]any{"in": requestInput(e, "QUERY", e.DataItems[0].ID)})
	if p := third.next().Data.RequestUpdated; p.ID != own.ID {
		t.Fatalf("a bystander was pushed %+v, want only its own request %s", p, own.ID)
	}

	// A bad token closes the connection; the public may not subscribe.
	conn, _, err := dialWS(t, srv, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	bad := &wsClient{t: t, conn: conn}
	bad.send(wsMessage{Type: "connection_init", Payload: json.RawMessage(`{"Authorization": "Bearer not-a-token"}`)})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		if _, _, err := conn.Read(ctx); err != nil {
			if status := coderws.CloseStatus(err); status != 4401 {
				t.Fatalf("a bad token: closed with %d (%v), want 4401", status, err)
			}
			break
		}
	}
	pub := connectPublic(t, srv)
	pub.subscribe("1", sub)
	if m := pub.read(); !strings.Contains(string(m.Payload), "FORBIDDEN") || !strings.Contains(string(m.Payload), "share requests and grants are for departments") {
		t.Fatalf("the public subscribing: %+v %s", m, m.Payload)
	}

	// The token's expiry ends the connection.
	short := connectFor(t, srv, gaj, 2*time.Second)
	ctx2, cancel2 := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel2()
	for {
		_, b, err := short.conn.Read(ctx2)
		if err != nil {
			if ctx2.Err() != nil {
				t.Fatal("a connection outlived its token")
			}
			break
		}
		if strings.Contains(string(b), "token expired") {
			break
		}
	}

	// Over HTTP a subscription is refused, not held open.
	a.as(gaj).queryErr(sub, nil, "BAD_USER_INPUT")

	// SECURITY: another site's page cannot open the websocket.
	if _, resp, err := dialWS(t, srv, "https://evil.example.com"); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a foreign origin: %v %+v", err, resp)
	}
}

// disputeUpdated pushes a dispute when it is opened and at each step to
// those who see it (the reporter and the source), not to a person who
// does not; the public may not subscribe.
func TestDisputeUpdatedSubscription(t *testing.T) {
	a := newAPI(t, storetest.Options{})
	srv := httptest.NewServer(a.handler)
	t.Cleanup(srv.Close)
	e, _ := usedEntry(t, a)
	const sub = `subscription { disputeUpdated { id kind status ... on DataError { description } } }`
	type disputePush struct {
		Data struct {
			DisputeUpdated struct{ ID, Kind, Status, Description string }
		}
	}
	srcClaims := departmentClaims(e.Source.CreditCode)
	reporter, source, third := connect(t, srv, gaj), connect(t, srv, srcClaims), connect(t, srv, zhang)
	for _, w := range []*wsClient{reporter, source, third} {
		w.subscribe("1", sub)
	}
	waitFor(t, func() bool { return a.db.DisputeSubscribers() == 3 })

	a.as(gaj).request(t, submitRequest, map[string]any{"in": requestInput(e, "QUERY", e.DataItems[0].ID)})
	d := a.as(gaj).dispute(t, reportError, map[string]any{"in": map[string]any{"resourceId": e.ID,
		"itemIds": []string{e.DataItems[0].ID}, "description": "出生日期有误", "links": []string{"https://example.gov.cn/e/1"}}})
	for name, w := range map[string]*wsClient{"reporter": reporter, "source": source} {
		var p disputePush
		w.nextInto(&p)
		if got := p.Data.DisputeUpdated; got.ID != d.ID || got.Kind != "DATA_ERROR" || got.Status != "AWAITING_VERIFICATION" || got.Description != "出生日期有误" {
			t.Fatalf("%s was pushed %+v", name, got)
		}
	}
	a.as(srcClaims).dispute(t, verifyError, map[string]any{"id": d.ID, "f": "REJECTED", "note": "经核实数据无误"})
	var p disputePush
	reporter.nextInto(&p)
	if got := p.Data.DisputeUpdated; got.ID != d.ID || got.Status != "REJECTED" {
		t.Fatalf("after verification the reporter was pushed %+v", got)
	}
	// The person's first push is the first dispute it sees: its own objection.
	rid, _, _ := conditionallyOpen(t, a.public())
	mine := a.as(zhang).dispute(t, objectMutation, map[string]any{"r": rid, "o": "开放条件过严", "c": "改为无条件开放"})
	third.nextInto(&p)
	if got := p.Data.DisputeUpdated; got.ID != mine.ID || got.Kind != "OPEN_OBJECTION" {
		t.Fatalf("a person was pushed %+v, want only its objection %s", got, mine.ID)
	}

	pub := connectPublic(t, srv)
	pub.subscribe("1", sub)
	if m := pub.read(); !strings.Contains(string(m.Payload), "FORBIDDEN") {
		t.Fatalf("the public subscribing: %+v %s", m, m.Payload)
	}
}

// waitFor polls cond until it holds, failing after 30 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 30 s")
		}
	}
}

func connectPublic(t *testing.T, srv *httptest.Server) *wsClient {
	t.Helper()
	conn, _, err := dialWS(t, srv, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	w := &wsClient{t: t, conn: conn}
	w.send(wsMessage{Type: "connection_init"})
	if m := w.read(); m.Type != "connection_ack" {
		t.Fatalf("public connection_init: %+v", m)
	}
	return w
}
