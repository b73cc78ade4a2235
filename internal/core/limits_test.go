package core_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/upstream/route"
)

// alerts counts the alerts a service raised, by kind.
type alerts struct {
	mu sync.Mutex
	n  map[string]int
}

func (a *alerts) add(kind string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.n == nil {
		a.n = map[string]int{}
	}
	a.n[kind]++
}

// wait waits until n alerts of kind were raised (they follow the settlement's commit).
func (a *alerts) wait(t *testing.T, kind string, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if a.count(kind) >= n {
			return
		}
	}
	t.Fatalf("%d %s alerts, want %d", a.count(kind), kind, n)
}

func (a *alerts) count(kind string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.n[kind]
}

// pricedPrice is MLBB_ID_5's price in the routed setups.
const pricedPrice = 1389

// setupPriced is a Kios whose MLBB_ID_5 (sold at 1389) is bought from registered suppliers
// answering as sups do, each with the cost its last sync gave (costs, by name), in the order
// given; maxLoss is the server's --max-loss.
func setupPriced(t *testing.T, be storetest.Backend, maxLoss int64, costs map[string]int64, sups ...*scripted) (*bundle, *alerts) {
	t.Helper()
	ctx := context.Background()
	b := setup(t, be, 0)
	byName := map[string]supplier.Supplier{}
	for _, s := range sups {
		byName[s.name] = s
	}
	rt := route.New(b.db, route.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Connect: func(s store.Supplier) (supplier.Supplier, error) { return byName[s.Name], nil }})
	al := &alerts{}
	svc, err := core.New(ctx, b.db, core.Config{Logger: b.svc.Logger(), Router: rt, MaxLoss: maxLoss, Alert: al.add})
	if err != nil {
		t.Fatal(err)
	}
	b.svc = svc
	for i, s := range sups {
		if _, err := svc.AddSupplier(ctx, core.NewSupplier{Name: s.name, Kind: store.KindSimulator}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SyncCatalog(ctx, s.name, []supplier.Item{{Code: "SKU-" + s.name, Name: "5 Diamonds", Cost: costs[s.name], Active: true}}, nil); err != nil {
			t.Fatal(err)
		}
		if err := svc.MapSupplierProduct(ctx, s.name, "SKU-"+s.name, "MLBB_ID_5", i+1); err != nil {
			t.Fatal(err)
		}
	}
	b.price(t, pricedPrice) // undo the syncs' repricing
	if _, err := svc.Credit(ctx, b.cr.Reseller.Username, 100000, "test"); err != nil {
		t.Fatal(err)
	}
	b.run(t)
	return b, al
}

// price sets MLBB_ID_5's default price.
func (b *bundle) price(t *testing.T, p int64) {
	t.Helper()
	v := catalog.Variant{ProductCode: "mobile-legends", Code: "MLBB_ID_5", Name: "5 Diamonds", Active: true, UnlimitedStock: true, Multi: true,
		Prices: map[string]int64{"default": p}}
	if err := b.svc.SaveCatalog(context.Background(), nil, []catalog.Variant{v}); err != nil {
		t.Fatal(err)
	}
}

// maxPrices records the max price of every purchase a scripted supplier gets.
func maxPrices(s *scripted, answer func(req supplier.Request) supplier.Result) *[]int64 {
	var mu sync.Mutex
	var seen []int64
	s.purchase = func(_ context.Context, req supplier.Request) (supplier.Result, error) {
		mu.Lock()
		seen = append(seen, req.MaxPrice)
		mu.Unlock()
		return answer(req), nil
	}
	return &seen
}

func success(cost int64) func(req supplier.Request) supplier.Result {
	return func(req supplier.Request) supplier.Result {
		return supplier.Result{State: supplier.Success, SN: "SN-" + req.Reference, Cost: cost}
	}
}

// TestMaxPriceSentAndDearSupplierSkipped: a purchase carries the order's price plus the loss
// allowed (the variant's own limit, else the server's); a supplier whose known cost is above it
// is not tried, and with none left the order fails and is refunded.
func TestMaxPriceSentAndDearSupplierSkipped(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		dear, cheap := &scripted{name: "dear"}, &scripted{name: "cheap"}
		dearSeen, cheapSeen := maxPrices(dear, success(1500)), maxPrices(cheap, success(1300))
		b, al := setupPriced(t, be, 0, map[string]int64{"dear": 1500, "cheap": 1300}, dear, cheap)

		o := b.waitFinal(t, b.place(t, "r1", "081200000001").Invoice)
		if o.Status != order.Success || len(*dearSeen) != 0 || len(*cheapSeen) != 1 || (*cheapSeen)[0] != pricedPrice {
			t.Fatalf("order %s; dear asked %v, cheap %v (want one purchase at max %d)", o.Status, *dearSeen, *cheapSeen, pricedPrice)
		}
		if al.count(core.AlertCostAboveLimit) != 1 {
			t.Fatalf("alerts %v", al.n)
		}

		// The variant may lose 200 a sale: the dearer supplier, first by priority, now buys.
		loss := int64(200)
		l, err := b.svc.SetLimits(ctx, "MLBB_ID_5", &loss)
		if err != nil || l.MaxLoss != 200 || !l.Own || l.LowestPrice != pricedPrice || l.MaxPrice != pricedPrice+200 {
			t.Fatalf("limits %+v %v", l, err)
		}
		o = b.waitFinal(t, b.place(t, "r2", "081200000002").Invoice)
		if o.Status != order.Success || len(*dearSeen) != 1 || (*dearSeen)[0] != pricedPrice+200 || o.Cost != 1500 {
			t.Fatalf("order %s cost %d; dear asked %v", o.Status, o.Cost, *dearSeen)
		}

		// Back to the server's default (no loss), and the cheap supplier gone: nobody may sell.
		if _, err := b.svc.SetLimits(ctx, "MLBB_ID_5", nil); err != nil {
			t.Fatal(err)
		}
		if err := b.svc.SetSupplierEnabled(ctx, "cheap", false); err != nil {
			t.Fatal(err)
		}
		o = b.waitFinal(t, b.place(t, "r3", "081200000003").Invoice)
		if o.Status != order.Failed || len(*dearSeen) != 1 {
			t.Fatalf("order %s; dear asked %v", o.Status, *dearSeen)
		}
		b.checkLedger(t)
	})
}

// TestServerMaxLoss: the server's --max-loss applies to variants without a limit of their own.
func TestServerMaxLoss(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		up := &scripted{name: "up"}
		seen := maxPrices(up, success(1400))
		b, _ := setupPriced(t, be, 50, map[string]int64{"up": 1400}, up)
		o := b.waitFinal(t, b.place(t, "r1", "081200000001").Invoice)
		if o.Status != order.Success || len(*seen) != 1 || (*seen)[0] != pricedPrice+50 {
			t.Fatalf("order %s; max prices sent %v", o.Status, *seen)
		}
		l, err := b.svc.Limits(context.Background(), "MLBB_ID_5")
		if err != nil || l.Own || l.MaxLoss != 50 || l.DefaultMaxLoss != 50 || l.MaxPrice != pricedPrice+50 {
			t.Fatalf("limits %+v %v", l, err)
		}
	})
}

// TestSuccessAboveLimitIsKeptAndFlagged: an upstream that ignores the max price and charges
// 60,000 for a 1,389 sale has spent the money: the order stays a success (never refunded, never
// bought again elsewhere), flagged over_limit and alerted; the variant is repriced from the new
// cost, so the next order does not buy there at a loss.
func TestSuccessAboveLimitIsKeptAndFlagged(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		up, next := &scripted{name: "up"}, &scripted{name: "next"}
		maxPrices(up, success(60000))
		nextSeen := maxPrices(next, success(1300))
		b, al := setupPriced(t, be, 0, map[string]int64{"up": 1300, "next": 1300}, up, next)
		o := b.waitFinal(t, b.place(t, "r1", "081200000001").Invoice)
		if o.Status != order.Success || o.Cost != 60000 || len(*nextSeen) != 0 {
			t.Fatalf("order %s cost %d; next supplier asked %v", o.Status, o.Cost, *nextSeen)
		}
		flags, err := b.db.OrderFlags(ctx, o.ID)
		if err != nil || len(flags) != 1 || flags[0].Flag != store.FlagOverLimit {
			t.Fatalf("flags %+v %v", flags, err)
		}
		al.wait(t, core.AlertOverLimit, 1)
		if al.count(core.AlertOverLimit) != 1 || al.count(core.AlertPriceChanged) != 1 {
			t.Fatalf("alerts %v", al.n)
		}
		b.checkLedger(t)
		// The cost seen is now up's cost: the next order skips it.
		if v, err := b.svc.Variant(ctx, "MLBB_ID_5"); err != nil || v.Prices["default"] <= 60000 {
			t.Fatalf("variant not repriced from the new cost: %+v %v", v, err)
		}
		b.price(t, pricedPrice)
		o = b.waitFinal(t, b.place(t, "r2", "081200000002").Invoice)
		if o.Status != order.Success || len(*nextSeen) != 1 {
			t.Fatalf("second order %s; next asked %v", o.Status, *nextSeen)
		}
	})
}

// TestPriceChangeAtPurchaseReprices: a purchase answered at another cost than the last sync's
// records it as the supplier's cost, reprices the variant and alerts once.
func TestPriceChangeAtPurchaseReprices(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		up := &scripted{name: "up"}
		maxPrices(up, success(1350))
		b, al := setupPriced(t, be, 0, map[string]int64{"up": 1300}, up)
		o := b.waitFinal(t, b.place(t, "r1", "081200000001").Invoice)
		if o.Status != order.Success || o.Cost != 1350 {
			t.Fatalf("order %s cost %d", o.Status, o.Cost)
		}
		if al.count(core.AlertPriceChanged) != 1 || al.count(core.AlertOverLimit) != 0 {
			t.Fatalf("alerts %v", al.n)
		}
		ps, err := b.svc.SupplierProducts(ctx, "up")
		if err != nil || len(ps) != 1 || ps[0].Cost != 1350 {
			t.Fatalf("supplier products %+v %v", ps, err)
		}
		if v, _ := b.svc.Variant(ctx, "MLBB_ID_5"); v.Prices["default"] == pricedPrice {
			t.Fatalf("variant not repriced: %v", v.Prices)
		}
	})
}
