package route_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/upstream/route"
)

// testClock is a clock the test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func refusing(msg string) func(context.Context, supplier.Request) (supplier.Result, error) {
	return func(context.Context, supplier.Request) (supplier.Result, error) {
		return supplier.Result{State: supplier.Failed, Message: msg}, nil
	}
}

// A supplier whose SKU fails 5 of its last 10 orders is demoted: the next orders go straight to
// the next supplier, never to it, until the cooling ends and one order probes it.
func TestDemotedSupplierIsSkippedThenProbed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		clk := &testClock{t: time.Now()}
		up1 := &fake{name: "up1", purchase: refusing("stok kosong")}
		up2 := &fake{name: "up2"}
		b := setupWith(t, be, route.Options{Now: clk.now}, up1, up2)
		for i := range 5 {
			if o := b.waitFinal(t, b.place(t, fmt.Sprint("r", i)).Invoice); o.Status != order.Success {
				t.Fatalf("order %d: %s", i, o.Status)
			}
		}
		if n, _, _ := up1.counts(); n != 5 {
			t.Fatalf("up1 bought from %d times before its demotion, want 5", n)
		}
		st := b.router.Stats("up1")
		if len(st) != 1 || st[0].Standing != route.StandingDemoted || st[0].Failed != 5 || st[0].LastFailure != "stok kosong" {
			t.Fatalf("stats %+v", st)
		}
		o := b.waitFinal(t, b.place(t, "r5").Invoice)
		if at := b.attempts(t, o); len(at) != 1 || at[0].Supplier != "up2" {
			t.Fatalf("order after the demotion: attempts %+v", at)
		}
		if n, _, _ := up1.counts(); n != 5 {
			t.Fatalf("a demoted supplier was bought from (%d)", n)
		}
		// Cooled: one order probes up1 (now healthy) and restores it.
		up1.mu.Lock()
		up1.purchase = nil
		up1.mu.Unlock()
		clk.add(6 * time.Minute)
		o = b.waitFinal(t, b.place(t, "r6").Invoice)
		if at := b.attempts(t, o); len(at) != 1 || at[0].Supplier != "up1" || o.Status != order.Success {
			t.Fatalf("probe order: %s attempts %+v", o.Status, at)
		}
		if st := b.router.Stats("up1"); st[0].Standing != route.StandingOK {
			t.Fatalf("after a good probe: %+v", st)
		}
		rep, err := b.svc.LedgerCheck(context.Background())
		if err != nil || !rep.OK() {
			t.Fatalf("ledger %v %v", rep.Discrepancies, err)
		}
	})
}

// When every supplier of a variant is down (here: its only supplier demoted), the variant shows
// as unavailable and an order for it is refused at once (catalog.ErrDisrupted), holding nothing;
// it sells again once the supplier is probed back.
func TestGangguanRefusesBeforeHolding(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		clk := &testClock{t: time.Now()}
		up1 := &fake{name: "up1", purchase: refusing("gangguan")}
		b := setupWith(t, be, route.Options{Now: clk.now}, up1)
		for i := range 5 {
			if o := b.waitFinal(t, b.place(t, fmt.Sprint("r", i)).Invoice); o.Status != order.Failed {
				t.Fatalf("order %d: %s", i, o.Status)
			}
		}
		// The gangguan view is at most a second old.
		var v *store.VariantRow
		for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			var err error
			if v, err = b.svc.Variant(ctx, "V1"); err != nil {
				t.Fatal(err)
			}
			if v.Down || time.Now().After(deadline) {
				break
			}
		}
		if !v.Down {
			t.Fatal("variant not down after its only supplier's demotion")
		}
		vs, err := b.svc.Variants(ctx, store.VariantFilter{Code: "V1"})
		if err != nil || len(vs) != 1 || !vs[0].Down {
			t.Fatalf("variants %+v %v", vs, err)
		}
		avail := b.balance(t, ledger.AvailableCode(b.cr.Reseller.ID))
		_, err = b.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: b.cr.Reseller, VariantCode: "V1", Reference: "down", Destination: "08123"})
		if !errors.Is(err, catalog.ErrDisrupted) {
			t.Fatalf("order during gangguan: %v", err)
		}
		if after := b.balance(t, ledger.AvailableCode(b.cr.Reseller.ID)); after != avail {
			t.Fatalf("a refused order moved money: %d -> %d", avail, after)
		}
		if os, _ := b.svc.Orders(ctx, store.OrderFilter{ResellerID: b.cr.Reseller.ID}); len(os) != 5 {
			t.Fatalf("%d orders, want the 5 before the gangguan", len(os))
		}
		// A test order goes to the simulator: the suppliers' standing does not concern it.
		if _, err := b.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: b.cr.Reseller, VariantCode: "V1", Reference: "t1", Destination: "08123", Testing: true}); err != nil {
			t.Fatalf("test order during gangguan: %v", err)
		}
		up1.mu.Lock()
		up1.purchase = nil
		up1.mu.Unlock()
		clk.add(6 * time.Minute)
		time.Sleep(1100 * time.Millisecond) // the availability view is cached for a second
		if v, _ := b.svc.Variant(ctx, "V1"); v.Down {
			t.Fatal("variant still down after the cooling")
		}
		if o := b.waitFinal(t, b.place(t, "back").Invoice); o.Status != order.Success {
			t.Fatalf("probe order: %s", o.Status)
		}
	})
}

// A supplier whose balance (as last fetched, less what was bought there since) is below an
// order's cost is skipped: the order goes to the next supplier, the empty deposit is never asked.
func TestBalanceGuard(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		up1 := &fake{name: "up1", purchase: func(_ context.Context, req supplier.Request) (supplier.Result, error) {
			return supplier.Result{State: supplier.Success, SN: "SN-" + req.Reference, Cost: cost}, nil
		}}
		up2 := &fake{name: "up2"}
		b := setupWith(t, be, route.Options{Refresh: time.Millisecond}, up1, up2)
		// Enough for one order at up1.
		if err := b.svc.SetSupplierBalance(ctx, "up1", cost+cost/2); err != nil {
			t.Fatal(err)
		}
		o := b.waitFinal(t, b.place(t, "r1").Invoice)
		if at := b.attempts(t, o); len(at) != 1 || at[0].Supplier != "up1" {
			t.Fatalf("first order: %+v", at)
		}
		c, err := b.router.Conn(ctx, "up1")
		if err != nil {
			t.Fatal(err)
		}
		if bal, known := c.Balance(); !known || bal != cost/2 {
			t.Fatalf("balance estimate %d %v, want %d", bal, known, cost/2)
		}
		o = b.waitFinal(t, b.place(t, "r2").Invoice)
		if at := b.attempts(t, o); len(at) != 1 || at[0].Supplier != "up2" || o.Status != order.Success {
			t.Fatalf("second order: %s %+v", o.Status, at)
		}
		if n, _, _ := up1.counts(); n != 1 {
			t.Fatalf("up1 asked %d times with an empty deposit", n)
		}
		// A new reading (a deposit topped up) puts it back.
		if err := b.svc.SetSupplierBalance(ctx, "up1", 100*cost); err != nil {
			t.Fatal(err)
		}
		o = b.waitFinal(t, b.place(t, "r3").Invoice)
		if at := b.attempts(t, o); len(at) != 1 || at[0].Supplier != "up1" {
			t.Fatalf("after the top-up: %+v", at)
		}
	})
}

// The routing policy orders suppliers of the same priority: the global setting, and a product's
// own overriding it.
func TestRoutingPolicySetting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	up1, up2 := &fake{name: "up1"}, &fake{name: "up2"}
	// A refresh of a nanosecond: every call reads the registry and settings again (a millisecond
	// let two calls in a row share one read, and the second missed the new policy).
	b := setupWith(t, sqlite, route.Options{Refresh: time.Nanosecond}, up1, up2)
	// Same priority; up2 cheaper.
	for _, name := range []string{"up1", "up2"} {
		if err := b.svc.MapSupplierProduct(ctx, name, "SKU-"+name, "V1", 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.svc.SyncCatalog(ctx, "up2", []supplier.Item{{Code: "SKU-up2", Name: "V1 at up2", Cost: cost - 50, Active: true}}, nil); err != nil {
		t.Fatal(err)
	}
	first := func() string {
		t.Helper()
		cs, err := b.router.Candidates(ctx, &order.Order{VariantID: mustVariant(t, b, "V1"), VariantCode: "V1"})
		if err != nil || len(cs) != 2 {
			t.Fatalf("candidates %v %v", cs, err)
		}
		return cs[0].Supplier.Name()
	}
	if got := first(); got != "up2" {
		t.Fatalf("cheapest (default): %s", got)
	}
	// up2 fails 3 of 4 (not demoted: 5 of 10), up1 delivers: most_reliable prefers up1.
	for i := range 4 {
		b.router.Observe("up2", "SKU-up2", i == 0)
		b.router.Observe("up1", "SKU-up1", true)
	}
	if err := b.svc.SetSetting(ctx, core.SettingRoutingPolicy, "most_reliable"); err != nil {
		t.Fatal(err)
	}
	if got := first(); got != "up1" {
		t.Fatalf("most_reliable: %s", got)
	}
	// The product's own policy overrides the global one.
	if err := b.svc.SetProductRouting(ctx, "game", "cheapest"); err != nil {
		t.Fatal(err)
	}
	if got := first(); got != "up2" {
		t.Fatalf("product's cheapest over global most_reliable: %s", got)
	}
	if err := b.svc.SetProductRouting(ctx, "game", "quickest"); err == nil {
		t.Fatal("an unknown policy was accepted")
	}
	if err := b.svc.SetSetting(ctx, core.SettingRoutingPolicy, "quickest"); err == nil {
		t.Fatal("an unknown global policy was accepted")
	}
}

func mustVariant(t *testing.T, b *bundle, code string) int64 {
	t.Helper()
	v, err := b.svc.Variant(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return v.ID
}

// Failures the order caused (a wrong number: Result.Customer) are no outcomes: a reseller
// sending bad numbers cannot demote a healthy supplier for everyone.
func TestCustomerFailuresDoNotDemote(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	up1 := &fake{name: "up1", purchase: func(context.Context, supplier.Request) (supplier.Result, error) {
		return supplier.Result{State: supplier.Failed, Customer: true, Message: "Nomor tujuan salah"}, nil
	}}
	b := setupWith(t, sqlite, route.Options{}, up1)
	c, err := b.router.Conn(ctx, "up1")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if _, err := c.Purchase(ctx, supplier.Request{Reference: fmt.Sprint("bad-", i), SKU: "SKU-up1"}); err != nil {
			t.Fatal(err)
		}
	}
	if st := b.router.Stats("up1"); len(st) != 0 {
		t.Fatalf("customer failures counted: %+v", st)
	}
	if down, err := b.router.Unavailable(ctx); err != nil || len(down) != 0 {
		t.Fatalf("unavailable %v %v", down, err)
	}
}
