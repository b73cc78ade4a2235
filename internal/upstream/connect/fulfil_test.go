package connect_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bsclient "github.com/kios-h2h/kios/client/basstore"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/upstream/connect"
	"github.com/kios-h2h/kios/internal/upstream/route"
)

// slowUpstream is a BASSTORE-dialect supplier over real HTTP that holds every purchase's
// connection for delay before it answers, and counts what it was asked: purchases per
// reference, and requests in progress at once.
type slowUpstream struct {
	delay time.Duration

	mu        sync.Mutex
	purchases map[string]int

	now, max atomic.Int64
	srv      *httptest.Server
}

func newSlowUpstream(t *testing.T, delay time.Duration) *slowUpstream {
	u := &slowUpstream{delay: delay, purchases: map[string]int{}}
	u.srv = httptest.NewServer(http.HandlerFunc(u.serve))
	t.Cleanup(u.srv.Close)
	return u
}

func (u *slowUpstream) serve(w http.ResponseWriter, r *http.Request) {
	n := u.now.Add(1)
	defer u.now.Add(-1)
	for m := u.max.Load(); n > m && !u.max.CompareAndSwap(m, n); m = u.max.Load() {
	}
	answer := func(data any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(bsclient.Envelope{Code: 200, Message: "OK", Data: data})
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == bsclient.PathOrder:
		var req bsclient.OrderRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		u.mu.Lock()
		u.purchases[req.ReferenceNumber]++
		u.mu.Unlock()
		select {
		case <-time.After(u.delay):
		case <-r.Context().Done():
			return
		}
		answer(bsclient.OrderAnswer{InvoiceNumber: "UP-" + req.ReferenceNumber})
	case strings.HasPrefix(r.URL.Path, bsclient.PathStatusOrder):
		inv := strings.TrimPrefix(r.URL.Path, bsclient.PathStatusOrder)
		ref := strings.TrimPrefix(inv, "UP-")
		answer(bsclient.OrderStatus{InvoiceNumber: inv, ReferenceNumber: ref, StatusCode: bsclient.StatusSuccess, SN: "SN-" + ref, Price: 900})
	default:
		http.NotFound(w, r)
	}
}

func (u *slowUpstream) bought() map[string]int {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make(map[string]int, len(u.purchases))
	for k, v := range u.purchases {
		out[k] = v
	}
	return out
}

// kiosOver is a Kios buying V1 from the upstream at url only, with its dispatcher running.
type kiosOver struct {
	db  *store.DB
	svc *core.Service
	rs  core.Credentials
}

func startKios(t *testing.T, be storetest.Backend, url string, maxInflight int, orders int) *kiosOver {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	k := &kiosOver{db: be.Open(t)}
	rt := route.New(k.db, route.Options{Logger: log, Connect: connect.Connectors(connect.Options{Timeout: 30 * time.Second})})
	var err error
	if k.svc, err = core.New(ctx, k.db, core.Config{Logger: log, Router: rt}); err != nil {
		t.Fatal(err)
	}
	v := catalog.Variant{ProductCode: "game", Code: "V1", Name: "V1", Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": 1000}}
	if err := k.svc.SaveCatalog(ctx, []catalog.Product{{Code: "game", Name: "Game", Active: true}}, []catalog.Variant{v}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.svc.AddSupplier(ctx, core.NewSupplier{Name: "up", Kind: store.KindBasstore, BaseURL: url, Token: "t", MaxInflight: maxInflight}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.svc.SyncCatalog(ctx, "up", []supplier.Item{{Code: "SKU1", Name: "V1 upstream", Cost: 900, Active: true}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := k.svc.MapSupplierProduct(ctx, "up", "SKU1", "V1", 0); err != nil {
		t.Fatal(err)
	}
	if err := k.svc.SaveCatalog(ctx, nil, []catalog.Variant{v}); err != nil { // undo the repricing
		t.Fatal(err)
	}
	if k.rs, err = k.svc.CreateReseller(ctx, core.NewReseller{Name: "Shop"}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.svc.Credit(ctx, k.rs.Reseller.Username, int64(orders)*1000, "test"); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		// The default configuration but for the poll: what `kios serve` runs.
		_ = k.svc.RunWorkers(wctx, core.WorkerConfig{Poll: 20 * time.Millisecond})
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return k
}

// storm places n orders from 16 clients and waits (at most a minute) until none is pending.
func (k *kiosOver) storm(t *testing.T, n int) []*order.Order {
	t.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	next := atomic.Int64{}
	errs := make(chan error, n)
	for c := 0; c < 16; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= int64(n); i = next.Add(1) {
				_, err := k.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: k.rs.Reseller, VariantCode: "V1", Reference: fmt.Sprintf("r%d", i),
					Destination: fmt.Sprintf("0812%07d", i)})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		counts, err := k.db.OrderCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts[order.Pending] == 0 {
			break
		}
		if time.Now().After(deadline) {
			some, _ := k.db.OrderList(ctx, store.OrderFilter{Status: order.Failed, Limit: 1})
			t.Fatalf("after a minute: %v (failed: %+v)", counts, some)
		}
	}
	all, err := k.db.OrderList(ctx, store.OrderFilter{Limit: n + 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range all {
		if o.Status != order.Success {
			t.Fatalf("order %s: %s (%s)", o.Invoice, o.Status, o.Message)
		}
	}
	if len(all) != n {
		t.Fatalf("%d orders, want %d", len(all), n)
	}
	out := make([]*order.Order, len(all))
	for i := range all {
		out[i] = &all[i]
	}
	return out
}

// check: every order succeeded through exactly one attempt, bought exactly once upstream,
// and the ledger holds.
func (k *kiosOver) check(t *testing.T, orders []*order.Order, up *slowUpstream) {
	t.Helper()
	ctx := context.Background()
	bought := up.bought()
	for _, o := range orders {
		if o.Status != order.Success {
			t.Fatalf("order %s: %s (%s)", o.Invoice, o.Status, o.Message)
		}
		atts, err := k.db.Attempts(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(atts) != 1 {
			t.Fatalf("order %s: %d attempts", o.Invoice, len(atts))
		}
		if n := bought[atts[0].Reference]; n != 1 {
			t.Fatalf("attempt %s bought %d times upstream", atts[0].Reference, n)
		}
	}
	if len(bought) != len(orders) {
		t.Fatalf("%d references bought upstream for %d orders", len(bought), len(orders))
	}
	rep, err := k.svc.LedgerCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("ledger check: %v", rep.Discrepancies)
	}
}

// sequentially runs fn on each backend in turn: a storm holds thousands of goroutines (jobs,
// HTTP server and client), and the race detector allows 8,128 at once in a process.
func sequentially(t *testing.T, fn func(t *testing.T, be storetest.Backend)) {
	for _, be := range storetest.Backends() {
		t.Run(be.Name, func(t *testing.T) { fn(t, be) })
	}
}

// TestSlowSupplierStorm: 2,000 orders to a supplier that holds each purchase 2 s are all final
// well within a minute (a pool of 32 workers blocked on it would need two), each bought once.
func TestSlowSupplierStorm(t *testing.T) {
	sequentially(t, func(t *testing.T, be storetest.Backend) {
		up := newSlowUpstream(t, 2*time.Second)
		k := startKios(t, be, up.srv.URL, 0, 2000)
		start := time.Now()
		orders := k.storm(t, 2000)
		t.Logf("%s: 2,000 orders at 2 s upstream final after %s, %d requests at once at most, %d in flight at most",
			be.Name, time.Since(start).Round(time.Millisecond), up.max.Load(), k.svc.Upstream().InflightMax)
		k.check(t, orders, up)
		if m := k.svc.Upstream().InflightMax; m > store.DefaultMaxInflight {
			t.Fatalf("%d requests in flight, bound %d", m, store.DefaultMaxInflight)
		}
	})
}

// TestMaxInflightHolds: with the supplier holding every connection, the requests it sees at once
// never exceed its max_inflight, whatever the queue behind it; orders wait and all complete.
func TestMaxInflightHolds(t *testing.T) {
	sequentially(t, func(t *testing.T, be storetest.Backend) {
		const bound = 7
		up := newSlowUpstream(t, 100*time.Millisecond)
		k := startKios(t, be, up.srv.URL, bound, 300)
		orders := k.storm(t, 300)
		k.check(t, orders, up)
		if m := up.max.Load(); m > bound {
			t.Fatalf("the supplier saw %d requests at once, max_inflight %d", m, bound)
		}
		if m := k.svc.Upstream().InflightMax; m > bound {
			t.Fatalf("%d requests in flight, max_inflight %d", m, bound)
		}
		t.Logf("%s: %d requests at once at most (bound %d)", be.Name, up.max.Load(), bound)
	})
}
