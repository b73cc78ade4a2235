package route_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/kios-h2h/kios/internal/store"

	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/upstream/breaker"
	"github.com/kios-h2h/kios/internal/upstream/health"
	"github.com/kios-h2h/kios/internal/upstream/route"
)

// Every call the router makes to a supplier reaches its window and its observer (metrics):
// answers and errors alike, purchases and status checks.
func TestCallsAreObserved(t *testing.T) {
	t.Parallel()
	timeout := errors.New("read tcp: i/o timeout")
	up := &fake{name: "up1", purchase: func(_ context.Context, req supplier.Request) (supplier.Result, error) {
		return supplier.Result{}, timeout
	}}
	b := setup(t, sqlite, breaker.Config{}, up)
	var seen []health.Call
	obs := make(chan health.Call, 16)
	// The bundle's router has no observer: the calls go through a router of our own.
	rt := newObservedRouter(t, b, func(c health.Call) { obs <- c })
	c, err := rt.Conn(context.Background(), "up1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Purchase(context.Background(), supplier.Request{Reference: "X-1", SKU: "SKU-up1"}); !errors.Is(err, timeout) {
		t.Fatalf("purchase: %v", err)
	}
	if _, err := c.Status(context.Background(), supplier.Request{Reference: "X-1", SKU: "SKU-up1"}); err != nil {
		t.Fatalf("status: %v", err)
	}
	for range 2 {
		seen = append(seen, <-obs)
	}
	if seen[0].Op != "purchase" || !errors.Is(seen[0].Err, timeout) || seen[0].State != supplier.Unknown || seen[0].Supplier != "up1" ||
		seen[1].Op != "status" || seen[1].Err != nil || seen[1].SKU != "SKU-up1" {
		t.Fatalf("observed %+v", seen)
	}
	st := rt.Window().Supplier("up1")
	if st.Calls != 2 || st.Errors != 1 || st.LastError != timeout.Error() {
		t.Fatalf("window %+v", st)
	}
}

// newObservedRouter is a router over b's registry and fakes, telling observe of every call.
func newObservedRouter(t *testing.T, b *bundle, observe func(health.Call)) *route.Router {
	t.Helper()
	return route.New(b.db, route.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Observe: observe,
		Connect: func(s store.Supplier) (supplier.Supplier, error) { return b.fakes[s.Name], nil }})
}
