package route_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"

	"github.com/kios-h2h/kios/internal/store"

	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/upstream/breaker"
	"github.com/kios-h2h/kios/internal/upstream/health"
	"github.com/kios-h2h/kios/internal/upstream/route"
)

// Every call the router makes to a supplier reaches its window and its meter (metrics), each
// once: answers and errors alike, purchases and status checks; a purchase the breaker refuses
// reaches neither. The meter is the connection the router holds: what the supplier can do
// besides buying is asked through it, not beneath it.
func TestCallsAreObserved(t *testing.T) {
	t.Parallel()
	timeout := errors.New("read tcp: i/o timeout")
	up := &fake{name: "up1", purchase: func(_ context.Context, req supplier.Request) (supplier.Result, error) {
		return supplier.Result{}, timeout
	}}
	b := setup(t, sqlite, breaker.Config{}, up)
	m := &meter{}
	// The bundle's router has no meter: the calls go through a router of our own.
	rt := newObservedRouter(t, b, m)
	c, err := rt.Conn(context.Background(), "up1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Purchase(context.Background(), supplier.Request{Reference: "X-1", SKU: "SKU-up1"}); !errors.Is(err, timeout) {
		t.Fatalf("purchase: %v", err)
	}
	// The timeout opened the circuit: this purchase is refused before the connector.
	if res, err := c.Purchase(context.Background(), supplier.Request{Reference: "X-2", SKU: "SKU-up1"}); err != nil || !res.Unreachable {
		t.Fatalf("purchase with the circuit open: %+v, %v", res, err)
	}
	if _, err := c.Status(context.Background(), supplier.Request{Reference: "X-1", SKU: "SKU-up1"}); err != nil {
		t.Fatalf("status: %v", err)
	}
	seen := m.seen()
	if len(seen) != 2 {
		t.Fatalf("metered %d calls, want 2: %+v", len(seen), seen)
	}
	if seen[0].Op != "purchase" || !errors.Is(seen[0].Err, timeout) || seen[0].Supplier != "up1" ||
		seen[1].Op != "status" || seen[1].Err != nil || seen[1].SKU != "SKU-up1" {
		t.Fatalf("observed %+v", seen)
	}
	st := rt.Window().Supplier("up1")
	if st.Calls != 2 || st.Errors != 1 || st.LastError != timeout.Error() {
		t.Fatalf("window %+v", st)
	}
	// The fake lists no catalog: the meter's connection answers so, and is what the router holds.
	if _, err := c.Upstream().Catalog(context.Background()); !errors.Is(err, supplier.ErrUnsupported) {
		t.Fatalf("catalog of a connector that has none: %v", err)
	}
	if _, ok := c.Upstream().(*metered); !ok {
		t.Fatalf("the router holds %T, not its meter", c.Upstream())
	}
	if conn, ok := rt.Connector(context.Background(), "up1"); !ok || conn != c.Upstream() {
		t.Fatalf("callbacks go to %T, not the meter", conn)
	}
}

// meter records every call that reaches the connections it wraps.
type meter struct {
	mu    sync.Mutex
	calls []health.Call
}

func (m *meter) wrap(name string, c supplier.Connection) supplier.Connection {
	return &metered{Connection: c, name: name, m: m}
}

func (m *meter) seen() []health.Call {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.calls)
}

type metered struct {
	supplier.Connection
	name string
	m    *meter
}

func (w *metered) record(op string, req supplier.Request, err error) {
	w.m.mu.Lock()
	defer w.m.mu.Unlock()
	w.m.calls = append(w.m.calls, health.Call{Supplier: w.name, SKU: req.SKU, Op: op, Err: err})
}

func (w *metered) Purchase(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	res, err := w.Connection.Purchase(ctx, req)
	w.record("purchase", req, err)
	return res, err
}

func (w *metered) Status(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	res, err := w.Connection.Status(ctx, req)
	w.record("status", req, err)
	return res, err
}

// newObservedRouter is a router over b's registry and fakes, each metered by m.
func newObservedRouter(t *testing.T, b *bundle, m *meter) *route.Router {
	t.Helper()
	return route.New(b.db, route.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Meter: m.wrap,
		Breaker: breaker.Config{Failures: 1},
		Connect: func(s store.Supplier) (supplier.Supplier, error) { return b.fakes[s.Name], nil }})
}
