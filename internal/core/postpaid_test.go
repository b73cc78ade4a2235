package core_test

import (
	"context"
	"errors"
	"github.com/kios-h2h/kios/internal/demo"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/bill"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/simulator"
)

// refusingBiller looks bills up like the simulator but refuses every payment.
type refusingBiller struct{ *simulator.Simulator }

func (refusingBiller) Purchase(context.Context, supplier.Request) (supplier.Result, error) {
	return supplier.Result{State: supplier.Failed, Message: "biller refused"}, nil
}

type oneRouter struct{ s supplier.Supplier }

func (r oneRouter) Candidates(_ context.Context, o *order.Order) ([]core.Candidate, error) {
	return []core.Candidate{{Supplier: r.s, SKU: o.VariantCode}}, nil
}
func (r oneRouter) Supplier(_ context.Context, name string) (supplier.Supplier, bool) {
	return r.s, name == r.s.Name()
}
func (r oneRouter) Testing() supplier.Supplier { return r.s }

// TestBillPaymentRefused: a payment the biller refuses gives the price back and frees the bill,
// which can then be paid under another reference.
func TestBillPaymentRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Backends()[0].Open(t)
	sup := &refusingBiller{simulator.New(0)}
	svc, err := core.New(ctx, db, core.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Router: oneRouter{sup}})
	if err != nil {
		t.Fatal(err)
	}
	pp, pv := demo.Postpaid()
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
	in, err := svc.Inquire(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if in.Price != in.Amount+in.Penalty+in.Admin-in.Commission || in.SellingPrice-in.Price != in.Commission || in.Admin != 3000*int64(in.Sheets) {
		t.Fatalf("quote %+v", in)
	}
	paid, err := svc.PayBill(ctx, p)
	if err != nil || !paid.Created || paid.Order.Price != in.Price {
		t.Fatalf("pay %+v %v", paid, err)
	}
	if bal, _ := svc.Balance(ctx, cr.Reseller.ID); bal != 2_000_000-in.Price {
		t.Fatalf("balance after hold %d", bal)
	}
	// While it is being paid, another reference cannot pay the same bill.
	p2 := p
	p2.Reference = "b-2"
	if _, err := svc.Inquire(ctx, p2); !errors.Is(err, bill.ErrUnavailable) {
		t.Fatalf("second inquiry while paying: %v", err)
	}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = svc.RunWorkers(wctx, core.WorkerConfig{Poll: 10 * time.Millisecond}); close(done) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, o, err := svc.BillStatus(ctx, cr.Reseller.ID, "b-1")
		if err != nil {
			t.Fatal(err)
		}
		if o.Status == order.Failed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("payment not final: %+v", o)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if bal, _ := svc.Balance(ctx, cr.Reseller.ID); bal != 2_000_000 {
		t.Fatalf("balance after refusal %d", bal)
	}
	// Paying the refused inquiry again returns the failed payment; it is not retried.
	again, err := svc.PayBill(ctx, p)
	if err != nil || again.Created || again.Order.Status != order.Failed {
		t.Fatalf("pay again %+v %v", again, err)
	}
	// The bill is free again under a new reference.
	if _, err := svc.Inquire(ctx, p2); err != nil {
		t.Fatalf("inquiry after refusal: %v", err)
	}
	if paid, err := svc.PayBill(ctx, p2); err != nil || !paid.Created {
		t.Fatalf("second payment %+v %v", paid, err)
	}
	rep, err := svc.LedgerCheck(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("ledger %v %v", rep.Discrepancies, err)
	}
}
