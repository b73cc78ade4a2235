package core_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/demo"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/simulator"
)

// TestCreditAmountBounded: a deposit too large for the ledger is refused with ErrAmount and moves
// nothing.
func TestCreditAmountBounded(t *testing.T) {
	t.Parallel()
	b := setup(t, 0)
	ctx := context.Background()
	for _, amount := range []int64{math.MaxInt64, ledger.MaxAmount + 1} {
		if _, err := b.svc.Credit(ctx, b.cr.Reseller.Username, amount, "huge"); !errors.Is(err, core.ErrAmount) {
			t.Fatalf("credit %d: %v, want ErrAmount", amount, err)
		}
	}
	if bal, err := b.svc.Balance(ctx, b.cr.Reseller.ID); err != nil || bal != 0 {
		t.Fatalf("balance %d %v", bal, err)
	}
	b.checkLedger(t)
}

// TestAbsurdSupplierCostSettles: a supplier answering success with a cost the ledger cannot hold
// (a bug upstream) must not leave the order stuck Pending with its job failing forever: the
// order settles and the cost is not booked.
func TestAbsurdSupplierCostSettles(t *testing.T) {
	t.Parallel()
	absurd := supplier.Result{State: supplier.Success, SN: "SN", Cost: math.MaxInt64}
	s1 := &scripted{name: "s1",
		purchase: func(context.Context, supplier.Request) (supplier.Result, error) { return absurd, nil },
		status:   func(supplier.Request) (supplier.Result, error) { return absurd, nil }}
	b := setupRouted(t, s1)
	ctx := context.Background()
	if _, err := b.svc.AddSupplier(ctx, core.NewSupplier{Name: "s1", Kind: store.KindSimulator}); err != nil {
		t.Fatal(err)
	}
	o := b.place(t, "c1", "0812")
	b.run(t)
	if got := b.waitFinal(t, o.Invoice); got.Status != order.Success {
		t.Fatalf("order %+v", got)
	}
	if c, _ := b.db.Balance(ctx, ledger.CostCode); c != 0 {
		t.Fatalf("cost account %d", c)
	}
	b.checkLedger(t)
}

// TestFailedBillPaymentKeepsStock: a bill payment never takes stock, so its failure must not give
// any back, even when the postpaid variant counts stock.
func TestFailedBillPaymentKeepsStock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Backends()[0].Open(t)
	svc, err := core.New(ctx, db, core.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Router: oneRouter{&refusingBiller{simulator.New(0)}}})
	if err != nil {
		t.Fatal(err)
	}
	pp, pv := demo.Postpaid()
	for i := range pv {
		pv[i].UnlimitedStock, pv[i].Stock = false, 3
	}
	if err := svc.SaveCatalog(ctx, pp, pv); err != nil {
		t.Fatal(err)
	}
	cr, err := svc.CreateReseller(ctx, core.NewReseller{Username: "budi", Name: "Budi"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Credit(ctx, "budi", 2_000_000, "test"); err != nil {
		t.Fatal(err)
	}
	p := core.BillParams{Reseller: cr.Reseller, VariantCode: "aetra", Reference: "b-1", CustomerNo: "1234567"}
	if _, err := svc.Inquire(ctx, p); err != nil {
		t.Fatal(err)
	}
	paid, err := svc.PayBill(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = svc.RunWorkers(wctx, core.WorkerConfig{Poll: 10 * time.Millisecond}); close(done) }()
	defer func() { cancel(); <-done }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		o, err := db.OrderByID(ctx, paid.Order.ID)
		if err != nil {
			t.Fatal(err)
		}
		if o.Status == order.Failed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("payment not final: %+v", o)
		}
	}
	v, err := db.VariantByCode(ctx, "aetra")
	if err != nil {
		t.Fatal(err)
	}
	if v.Stock != 3 {
		t.Fatalf("stock %d after a failed bill payment, want 3", v.Stock)
	}
}
