package core_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/markup"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/upstream/route"
)

func TestAddSupplierValidates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
		ctx := context.Background()
		bad := []core.NewSupplier{
			{Name: "Bad Name", Kind: store.KindSimulator},
			{Name: "a", Kind: "acme"},
			{Name: "a", Kind: store.KindBasstore, BaseURL: "http://x"},                           // no token
			{Name: "a", Kind: store.KindBasstore, Token: "t", BaseURL: "ftp://x"},                // bad URL
			{Name: "a", Kind: store.KindDigiswitch, Username: "u", BaseURL: "https://x.example"}, // no key
		}
		for _, n := range bad {
			if _, err := b.svc.AddSupplier(ctx, n); err == nil {
				t.Errorf("accepted %+v", n)
			} else if _, ok := core.IsFieldError(err); !ok {
				t.Errorf("%+v: %v is not a field error", n, err)
			}
		}
		if _, err := b.svc.AddSupplier(ctx, core.NewSupplier{Name: "up", Kind: store.KindBasstore, BaseURL: "https://up.example/", Token: "tok"}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.AddSupplier(ctx, core.NewSupplier{Name: "up", Kind: store.KindSimulator}); !errors.Is(err, store.ErrSupplierExists) {
			t.Fatalf("duplicate name: %v", err)
		}
		sup, err := b.svc.SupplierByName(ctx, "up")
		if err != nil || sup.BaseURL != "https://up.example" || sup.CallbackSecret != "tok" || !sup.Enabled {
			t.Fatalf("%+v %v", sup, err)
		}
		if err := b.svc.SetSupplierEnabled(ctx, "up", false); err != nil {
			t.Fatal(err)
		}
		if err := b.svc.SetSupplierEnabled(ctx, "nobody", false); !errors.Is(err, store.ErrSupplierNotFound) {
			t.Fatalf("disable unknown: %v", err)
		}
		if sup, _ := b.svc.SupplierByName(ctx, "up"); sup.Enabled {
			t.Fatal("still enabled")
		}
	})
}

func TestSyncCatalogCreatesVariantsAndReprices(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
		ctx := context.Background()
		if _, err := b.svc.AddSupplier(ctx, core.NewSupplier{Name: "up", Kind: store.KindSimulator}); err != nil {
			t.Fatal(err)
		}
		if err := b.svc.SetMarkup(ctx, markup.Rule{Scope: markup.ScopeDefault, Tier: "default", Fixed: 100}); err != nil {
			t.Fatal(err)
		}
		if err := b.svc.SetMarkup(ctx, markup.Rule{Scope: markup.ScopeProduct, Target: "telkomsel", Tier: "gold", PercentBP: 100}); err != nil {
			t.Fatal(err)
		}
		items := []supplier.Item{
			{Code: "TSEL5", Name: "Telkomsel 5.000", ProductCode: "TELKOMSEL", ProductName: "Telkomsel", Category: "Pulsa", Cost: 5100, Active: true},
			{Code: "TSEL10", Name: "Telkomsel 10.000", ProductCode: "TELKOMSEL", ProductName: "Telkomsel", Category: "Pulsa", Cost: 10050, Active: true},
			{Code: "MLBB_ID_5", Name: "5 Diamonds upstream", ProductCode: "MLBB", Cost: 1200, Active: true}, // our own code: mapped, not created
		}
		var progress []int
		rep, err := b.svc.SyncCatalog(ctx, "up", items, func(done, total int) { progress = append(progress, done) })
		if err != nil {
			t.Fatal(err)
		}
		if rep.Items != 3 || rep.New != 3 || rep.VariantsCreated != 2 || len(progress) == 0 || progress[len(progress)-1] != 3 {
			t.Fatalf("report %+v progress %v", rep, progress)
		}
		v, err := b.svc.Variant(ctx, "TSEL5")
		if err != nil {
			t.Fatal(err)
		}
		if !v.Active || v.ProductCode != "telkomsel" || v.ProductName != "Telkomsel" || v.Prices["default"] != 5200 || v.Prices["gold"] != 5151 {
			t.Fatalf("created variant %+v", v)
		}
		if ml, _ := b.svc.Variant(ctx, "MLBB_ID_5"); ml.Prices["default"] != 1300 || ml.Name != "5 Diamonds" {
			t.Fatalf("existing variant repriced to %v, name %q", ml.Prices, ml.Name)
		}

		// The supplier raises a cost: recorded, and the sell price follows; never below cost.
		items[0].Cost = 5600
		rep, err = b.svc.SyncCatalog(ctx, "up", items, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.New != 0 || rep.CostChanged != 1 || rep.VariantsCreated != 0 || rep.PricesChanged != 2 {
			t.Fatalf("second sync %+v", rep)
		}
		if v, _ := b.svc.Variant(ctx, "TSEL5"); v.Prices["default"] != 5700 || v.Prices["gold"] != 5656 {
			t.Fatalf("repriced %v", v.Prices)
		}
		// The supplier stops listing TSEL10: it leaves rotation.
		rep, err = b.svc.SyncCatalog(ctx, "up", []supplier.Item{items[0], items[2]}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Retired != 1 {
			t.Fatalf("third sync %+v", rep)
		}
		v10, _ := b.svc.Variant(ctx, "TSEL10")
		if routes, _ := b.db.Routes(ctx, v10.ID); len(routes) != 0 {
			t.Fatalf("retired product still routed: %+v", routes)
		}
		if routes, _ := b.db.Routes(ctx, v.ID); len(routes) != 1 {
			t.Fatalf("listed product not routed: %+v", routes)
		}
		changes, err := b.db.PriceChanges(ctx, b.svc.Now().AddDate(0, 0, -1), 0)
		if err != nil {
			t.Fatal(err)
		}
		var costChanges int
		for _, c := range changes {
			if c.Kind == "cost" && c.Old == 5100 && c.New == 5600 {
				costChanges++
			}
		}
		if costChanges != 1 {
			t.Fatalf("cost change not recorded: %+v", changes)
		}
	})
}

func TestMarginReport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
		ctx := context.Background()
		if _, err := b.svc.AddSupplier(ctx, core.NewSupplier{Name: "sim", Kind: store.KindSimulator}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.SyncCatalog(ctx, "sim", []supplier.Item{{Code: "MLBB_ID_5", Name: "x", Cost: 1000, Active: true}}, nil); err != nil {
			t.Fatal(err)
		}
		// Back to the price the test reckons with.
		if err := b.svc.SaveCatalog(ctx, nil, []catalog.Variant{{ProductCode: "mobile-legends", Code: "MLBB_ID_5", Name: "5 Diamonds", Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": 1389}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.Credit(ctx, b.cr.Reseller.Username, 10000, "t"); err != nil {
			t.Fatal(err)
		}
		// A service on the registry router, so orders go to the registered simulator at its cost.
		svc, err := core.New(ctx, b.db, core.Config{Logger: b.svc.Logger(), Router: route.New(b.db, route.Options{Logger: b.svc.Logger()})})
		if err != nil {
			t.Fatal(err)
		}
		b.svc = svc
		b.run(t)
		ok := b.place(t, "m1", "0812")
		bad := b.place(t, "m2", "0810000")
		if o := b.waitFinal(t, ok.Invoice); o.Status != order.Success || o.Cost != 1000 {
			t.Fatalf("%+v", o)
		}
		if o := b.waitFinal(t, bad.Invoice); o.Status != order.Failed {
			t.Fatal(o.Status)
		}
		b.checkLedger(t)
		day := catalog.Day(b.svc.Now())
		rows, err := b.svc.MarginReport(ctx, day, day)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Orders != 1 || rows[0].Price != 1389 || rows[0].VariantCode != "MLBB_ID_5" || rows[0].Supplier != "sim" || rows[0].Cost != 1000 || rows[0].Margin() != 389 {
			t.Fatalf("rows %+v", rows)
		}
		if rows, _ := b.svc.MarginReport(ctx, "2000-01-01", "2000-01-02"); len(rows) != 0 {
			t.Fatalf("other days: %+v", rows)
		}
		if _, err := b.svc.MarginReport(ctx, "yesterday", day); err == nil {
			t.Fatal("bad day accepted")
		}
	})
}

// An order resolved by hand settles like any other: cost booked at the supplier of the open
// attempt, and the reseller called back.
func TestResolveByHandBooksCostAndCallsBack(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
		ctx := context.Background()
		if _, err := b.svc.AddSupplier(ctx, core.NewSupplier{Name: "sim", Kind: store.KindSimulator}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.SyncCatalog(ctx, "sim", []supplier.Item{{Code: "MLBB_ID_5", Name: "x", Cost: 1000, Active: true}}, nil); err != nil {
			t.Fatal(err)
		}
		svc, err := core.New(ctx, b.db, core.Config{Logger: b.svc.Logger(), Router: route.New(b.db, route.Options{Logger: b.svc.Logger()})})
		if err != nil {
			t.Fatal(err)
		}
		b.svc = svc
		if _, err := svc.Credit(ctx, b.cr.Reseller.Username, 10000, "t"); err != nil {
			t.Fatal(err)
		}
		if err := svc.SetCallback(ctx, b.cr.Reseller.Username, "https://shop.example/cb"); err != nil {
			t.Fatal(err)
		}
		o := b.place(t, "h1", "0811111") // the simulator keeps it Pending for 5 s
		wctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { _ = svc.RunWorkers(wctx, core.WorkerConfig{Poll: 10 * time.Millisecond}); close(done) }()
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			if at, _ := b.db.Attempts(ctx, o.ID); len(at) == 1 && at[0].State == "pending" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("no pending attempt")
			}
		}
		cancel()
		<-done
		after, err := svc.ResolveOrder(ctx, core.Resolution{Invoice: o.Invoice, Status: order.Success, SN: "BYHAND", Actor: "ops", Force: true})
		if err != nil {
			t.Fatal(err)
		}
		if after.Status != order.Success || after.Cost != 1000 {
			t.Fatalf("%+v", after)
		}
		if c, _ := b.db.Balance(ctx, ledger.CostCode); c != 1000 {
			t.Fatalf("cost account %d", c)
		}
		if jobs, _ := b.db.JobList(ctx, store.JobCallback); len(jobs) != 1 || jobs[0].OrderID != o.ID {
			t.Fatalf("callback jobs %+v", jobs)
		}
		b.checkLedger(t)
	})
}
