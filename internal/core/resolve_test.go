package core_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

func TestResolveOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		svc, err := core.New(ctx, db, core.Config{Router: simroute.New(0), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		err = svc.SaveCatalog(ctx, []catalog.Product{{Code: "p", Name: "P", Active: true}}, []catalog.Variant{
			{ProductCode: "p", Code: "LTD", Name: "Limited once", Active: true, Stock: 2, Multi: false, Prices: map[string]int64{"default": 1000}}})
		if err != nil {
			t.Fatal(err)
		}
		cr, err := svc.CreateReseller(ctx, core.NewReseller{Name: "Shop"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Credit(ctx, cr.Reseller.Username, 5000, "t"); err != nil {
			t.Fatal(err)
		}
		place := func(ref, dest string) *order.Order {
			p, err := svc.PlaceOrder(ctx, core.PlaceParams{Reseller: cr.Reseller, VariantCode: "LTD", Reference: ref, Destination: dest})
			if err != nil {
				t.Fatal(err)
			}
			return p.Order
		}
		ok, bad := place("a", "0811"), place("b", "0822")
		if v, _ := svc.Variant(ctx, "LTD"); v.Stock != 0 {
			t.Fatalf("stock after two orders %d", v.Stock)
		}

		if _, err := svc.ResolveOrder(ctx, core.Resolution{Invoice: ok.Invoice, Status: order.Success, Actor: "x"}); err == nil {
			t.Fatal("success without SN accepted")
		}
		if _, err := svc.ResolveOrder(ctx, core.Resolution{Invoice: ok.Invoice, Status: order.Success, SN: "S1"}); err == nil {
			t.Fatal("resolve without actor accepted")
		}
		if _, err := svc.ResolveOrder(ctx, core.Resolution{Invoice: "NOPE", Status: order.Failed, Actor: "x"}); !errors.Is(err, order.ErrNotFound) {
			t.Fatalf("unknown invoice: %v", err)
		}
		got, err := svc.ResolveOrder(ctx, core.Resolution{Invoice: ok.Invoice, Status: order.Success, SN: " S1 ", Actor: "ops", IP: "10.0.0.1"})
		if err != nil || got.Status != order.Success || got.SN != "S1" || got.Message != "Transaksi sukses" {
			t.Fatalf("success: %v %+v", err, got)
		}
		got, err = svc.ResolveOrder(ctx, core.Resolution{Invoice: bad.Invoice, Status: order.Failed, Message: "ditolak", Actor: "ops"})
		if err != nil || got.Status != order.Failed || got.Message != "ditolak" {
			t.Fatalf("failed: %v %+v", err, got)
		}
		if _, err := svc.ResolveOrder(ctx, core.Resolution{Invoice: ok.Invoice, Status: order.Failed, Actor: "ops"}); !errors.Is(err, core.ErrOrderFinal) {
			t.Fatalf("second settlement: %v", err)
		}

		// Money: one price captured, one refunded; the failed order gave its stock back.
		if bal, _ := svc.Balance(ctx, cr.Reseller.ID); bal != 4000 {
			t.Fatalf("available %d", bal)
		}
		if rev, _ := db.Balance(ctx, ledger.RevenueCode); rev != 1000 {
			t.Fatalf("revenue %d", rev)
		}
		if v, _ := svc.Variant(ctx, "LTD"); v.Stock != 1 {
			t.Fatalf("stock after refund %d", v.Stock)
		}
		if jobs, _ := db.JobCounts(ctx); jobs[store.JobFulfil] != 0 {
			t.Fatalf("jobs left %v", jobs)
		}
		rep, err := svc.LedgerCheck(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("ledger check: %v %v", err, rep.Discrepancies)
		}
		// The multi slot of the failed order is free again: the same destination may order today.
		place("c", "0822")

		entries, err := db.AuditList(ctx, store.AuditFilter{Action: "order."})
		if err != nil || len(entries) != 2 {
			t.Fatalf("audit: %v %+v", err, entries)
		}
		var before, after core.OrderSnapshot
		e := entries[1] // oldest last
		if json.Unmarshal([]byte(e.Before), &before) != nil || json.Unmarshal([]byte(e.After), &after) != nil {
			t.Fatalf("audit json %q %q", e.Before, e.After)
		}
		if e.Target != ok.Invoice || e.Actor != "ops" || e.IP != "10.0.0.1" || before.Status != "Pending" || after.Status != "Success" || after.SN != "S1" {
			t.Fatalf("audit %+v %+v %+v", e, before, after)
		}
	})
}

// gate is a supplier whose purchases wait until the test opens the gate, then succeed.
type gate struct {
	entered chan struct{} // receives once per purchase that started
	open    chan struct{}
}

func (g *gate) Name() string { return "gate" }

func (g *gate) Purchase(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	g.entered <- struct{}{}
	select {
	case <-g.open:
	case <-ctx.Done():
		return supplier.Result{}, ctx.Err()
	}
	return supplier.Result{State: supplier.Success, SN: "LATE-" + req.Reference, Cost: 900}, nil
}

func (g *gate) Status(context.Context, supplier.Request) (supplier.Result, error) {
	return supplier.Result{State: supplier.Success, SN: "LATE"}, nil
}

type gateRouter struct{ g *gate }

func (r gateRouter) Candidates(_ context.Context, o *order.Order) ([]core.Candidate, error) {
	return []core.Candidate{{Supplier: r.g, SKU: o.VariantCode, Cost: 900}}, nil
}

func (r gateRouter) Supplier(_ context.Context, name string) (supplier.Supplier, bool) {
	return r.g, name == r.g.Name()
}

func (r gateRouter) Testing() supplier.Supplier { return r.g }

// TestResolveWhileWorkerBuys settles an order by hand while a worker is in the middle of buying it:
// when the supplier's late success arrives, the worker must find the order final and move no
// money, so the refund the operator gave stands alone.
func TestResolveWhileWorkerBuys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		g := &gate{entered: make(chan struct{}, 1), open: make(chan struct{})}
		svc, err := core.New(ctx, db, core.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Router: gateRouter{g}})
		if err != nil {
			t.Fatal(err)
		}
		err = svc.SaveCatalog(ctx, []catalog.Product{{Code: "p", Name: "P", Active: true}}, []catalog.Variant{
			{ProductCode: "p", Code: "V", Name: "V", Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": 1000}}})
		if err != nil {
			t.Fatal(err)
		}
		cr, err := svc.CreateReseller(ctx, core.NewReseller{Name: "Shop"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Credit(ctx, cr.Reseller.Username, 5000, "t"); err != nil {
			t.Fatal(err)
		}
		p, err := svc.PlaceOrder(ctx, core.PlaceParams{Reseller: cr.Reseller, VariantCode: "V", Reference: "r", Destination: "0811"})
		if err != nil {
			t.Fatal(err)
		}
		wctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { _ = svc.RunWorkers(wctx, core.WorkerConfig{Poll: 10 * time.Millisecond}); close(done) }()
		defer func() { stop(); <-done }()

		select {
		case <-g.entered:
		case <-time.After(10 * time.Second):
			t.Fatal("worker never started the purchase")
		}
		if _, err := svc.ResolveOrder(ctx, core.Resolution{Invoice: p.Order.Invoice, Status: order.Failed, Actor: "ops"}); !errors.Is(err, core.ErrAttemptOpen) {
			t.Fatalf("resolve while the purchase is out: %v, want ErrAttemptOpen", err)
		}
		if _, err := svc.ResolveOrder(ctx, core.Resolution{Invoice: p.Order.Invoice, Status: order.Failed, Actor: "ops", Force: true}); err != nil {
			t.Fatal(err)
		}
		close(g.open)
		// The worker records the attempt's late answer; wait for that, then check nothing moved.
		deadline := time.Now().Add(10 * time.Second)
		for {
			atts, err := db.Attempts(ctx, p.Order.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(atts) == 1 && atts[0].State == "success" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("attempt never recorded: %+v", atts)
			}
			time.Sleep(10 * time.Millisecond)
		}
		o, _ := db.OrderByID(ctx, p.Order.ID)
		if o.Status != order.Failed || o.SN != "" {
			t.Fatalf("order after the late success: %+v", o)
		}
		if bal, _ := svc.Balance(ctx, cr.Reseller.ID); bal != 5000 {
			t.Fatalf("available %d, want the full refund 5000", bal)
		}
		if rev, _ := db.Balance(ctx, ledger.RevenueCode); rev != 0 {
			t.Fatalf("revenue %d after a refunded order", rev)
		}
		if flags, err := db.OrderFlags(ctx, p.Order.ID); err != nil || len(flags) != 1 || flags[0].Flag != store.FlagLateDelivery {
			t.Fatalf("flags %+v %v, want late_delivery", flags, err)
		}
		rep, err := svc.LedgerCheck(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("ledger check: %v %v", err, rep.Discrepancies)
		}
	})
}
