package core_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
)

// scripted is a supplier whose answers a test sets, counting every call.
type scripted struct {
	name string
	mu   sync.Mutex
	buys map[string]int // purchases per destination
	// purchase and status decide the answers; nil purchase succeeds.
	purchase func(ctx context.Context, req supplier.Request) (supplier.Result, error)
	status   func(req supplier.Request) (supplier.Result, error)
	statuses int
}

func (s *scripted) Name() string { return s.name }

func (s *scripted) Purchase(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	s.mu.Lock()
	if s.buys == nil {
		s.buys = map[string]int{}
	}
	s.buys[req.Destination]++
	f := s.purchase
	s.mu.Unlock()
	if f == nil {
		return supplier.Result{State: supplier.Success, SN: "SN-" + req.Reference}, nil
	}
	return f(ctx, req)
}

func (s *scripted) Status(_ context.Context, req supplier.Request) (supplier.Result, error) {
	s.mu.Lock()
	s.statuses++
	f := s.status
	s.mu.Unlock()
	if f == nil {
		return supplier.Result{State: supplier.Success, SN: "SN-" + req.Reference}, nil
	}
	return f(req)
}

func (s *scripted) counts(dest string) (buys, statuses int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buys[dest], s.statuses
}

type fixedRouter struct{ sups []*scripted }

func (r fixedRouter) Candidates(_ context.Context, o *order.Order) ([]core.Candidate, error) {
	var c []core.Candidate
	for _, s := range r.sups {
		c = append(c, core.Candidate{Supplier: s, SKU: o.VariantCode})
	}
	return c, nil
}

func (r fixedRouter) Supplier(_ context.Context, name string) (supplier.Supplier, bool) {
	for _, s := range r.sups {
		if s.name == name {
			return s, true
		}
	}
	return nil, false
}

func (r fixedRouter) Testing() supplier.Supplier { return r.sups[0] }

func setupRouted(t *testing.T, be storetest.Backend, sups ...*scripted) *bundle {
	t.Helper()
	b := setup(t, be, 0)
	svc, err := core.New(context.Background(), b.db, core.Config{Logger: b.svc.Logger(), Router: fixedRouter{sups}})
	if err != nil {
		t.Fatal(err)
	}
	b.svc = svc
	if _, err := svc.Credit(context.Background(), b.cr.Reseller.Username, 10000, "test"); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *bundle) place(t *testing.T, ref, dest string) *order.Order {
	t.Helper()
	p, err := b.svc.PlaceOrder(context.Background(), core.PlaceParams{Reseller: b.cr.Reseller, VariantCode: "MLBB_ID_5", Reference: ref, Destination: dest})
	if err != nil {
		t.Fatal(err)
	}
	return p.Order
}

func TestFailoverOnDefiniteRefusal(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		refuse := &scripted{name: "one", purchase: func(context.Context, supplier.Request) (supplier.Result, error) {
			return supplier.Result{State: supplier.Failed, Message: "stok kosong"}, nil
		}}
		ok := &scripted{name: "two"}
		b := setupRouted(t, be, refuse, ok)
		o := b.place(t, "f1", "0811")
		b.run(t)
		final := b.waitFinal(t, o.Invoice)
		if final.Status != order.Success {
			t.Fatalf("want success at the second supplier, got %+v", final)
		}
		if n, _ := refuse.counts("0811"); n != 1 {
			t.Errorf("first supplier bought %d times", n)
		}
		if n, _ := ok.counts("0811"); n != 1 {
			t.Errorf("second supplier bought %d times", n)
		}
		b.checkLedger(t)
	})
}

func TestAllSuppliersRefuseRefunds(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		refuse := func(context.Context, supplier.Request) (supplier.Result, error) {
			return supplier.Result{State: supplier.Failed, Message: "gangguan"}, nil
		}
		b := setupRouted(t, be, &scripted{name: "one", purchase: refuse}, &scripted{name: "two", purchase: refuse})
		o := b.place(t, "f2", "0812")
		b.run(t)
		if final := b.waitFinal(t, o.Invoice); final.Status != order.Failed {
			t.Fatalf("want failed, got %+v", final)
		}
		if bal, _ := b.svc.Balance(context.Background(), b.cr.Reseller.ID); bal != 10000 {
			t.Fatalf("balance %d after refund, want 10000", bal)
		}
		b.checkLedger(t)
	})
}

// An unknown outcome (here a timeout after the upstream may have accepted) is never bought again,
// neither at the same supplier nor at the next: Kios asks for the status until it is definite.
func TestUnknownOutcomeIsPolledNeverRebought(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		var mu sync.Mutex
		polls := 0
		first := &scripted{name: "one",
			purchase: func(context.Context, supplier.Request) (supplier.Result, error) {
				return supplier.Result{}, supplier.ErrUnknownOutcome
			},
			status: func(req supplier.Request) (supplier.Result, error) {
				mu.Lock()
				defer mu.Unlock()
				polls++
				if polls < 3 {
					return supplier.Result{State: supplier.Pending}, nil
				}
				return supplier.Result{State: supplier.Success, SN: "LATE-SN"}, nil
			}}
		second := &scripted{name: "two"}
		b := setupRouted(t, be, first, second)
		o := b.place(t, "u1", "0813")
		b.run(t)
		final := b.waitFinal(t, o.Invoice)
		if final.Status != order.Success || final.SN != "LATE-SN" {
			t.Fatalf("got %+v", final)
		}
		if n, _ := first.counts("0813"); n != 1 {
			t.Errorf("first supplier bought %d times", n)
		}
		if n, _ := second.counts("0813"); n != 0 {
			t.Errorf("an unknown outcome failed over to the second supplier (%d purchases)", n)
		}
		b.checkLedger(t)
	})
}

// A worker stopped in the middle of a purchase (a crash) leaves an attempt on record; the next
// worker asks for its status instead of buying again.
func TestResumeAfterInterruptedPurchase(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		started := make(chan struct{}, 1)
		sup := &scripted{name: "one",
			purchase: func(ctx context.Context, req supplier.Request) (supplier.Result, error) {
				started <- struct{}{}
				<-ctx.Done()
				return supplier.Result{}, ctx.Err()
			}}
		b := setupRouted(t, be, sup)
		o := b.place(t, "c1", "0814")

		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			_ = b.svc.RunWorkers(ctx, core.WorkerConfig{Poll: 10 * time.Millisecond, Lease: 200 * time.Millisecond, ShutdownGrace: time.Millisecond})
			close(done)
		}()
		<-started
		cancel()
		<-done

		// A fresh worker (a new process) with a short lease picks the order up again.
		ctx2, cancel2 := context.WithCancel(context.Background())
		defer cancel2()
		go func() {
			_ = b.svc.RunWorkers(ctx2, core.WorkerConfig{Node: "other", Poll: 10 * time.Millisecond, Lease: 200 * time.Millisecond})
		}()
		final := b.waitFinal(t, o.Invoice)
		buys, statuses := sup.counts("0814")
		if final.Status != order.Success || buys != 1 || statuses < 1 {
			t.Fatalf("final %s, purchases %d, status checks %d", final.Status, buys, statuses)
		}
		b.checkLedger(t)
	})
}

// billing is a scripted supplier that also looks bills up, recording the references it was
// asked under.
type billing struct {
	*scripted
	mu   sync.Mutex
	refs []string
}

func (b *billing) Inquire(_ context.Context, req supplier.BillRequest) (supplier.Bill, error) {
	b.mu.Lock()
	b.refs = append(b.refs, req.Reference)
	b.mu.Unlock()
	return supplier.Bill{CustomerNo: req.CustomerNo, CustomerName: "BUDI", Sheets: 1, Amount: 100000}, nil
}

type billRouter struct{ sups []*billing }

func (r billRouter) Candidates(_ context.Context, o *order.Order) ([]core.Candidate, error) {
	var c []core.Candidate
	for _, s := range r.sups {
		c = append(c, core.Candidate{Supplier: s, SKU: o.VariantCode})
	}
	return c, nil
}

func (r billRouter) Supplier(_ context.Context, name string) (supplier.Supplier, bool) {
	for _, s := range r.sups {
		if s.name == name {
			return s, true
		}
	}
	return nil, false
}

func (r billRouter) Testing() supplier.Supplier { return r.sups[0] }

// TestBillPaidWhereInquired: a bill is paid at the supplier it was looked up at, under the
// reference it was looked up under there (not the reseller's), and never at another supplier:
// a definite refusal fails the payment, and the hold goes back.
func TestBillPaidWhereInquired(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
		ctx := context.Background()
		var paidRef string
		first := &billing{scripted: &scripted{name: "first"}}
		second := &billing{scripted: &scripted{name: "second"}}
		svc, err := core.New(ctx, b.db, core.Config{Logger: b.svc.Logger(), Router: billRouter{[]*billing{first, second}}})
		if err != nil {
			t.Fatal(err)
		}
		b.svc = svc
		if err := svc.SaveCatalog(ctx, []catalog.Product{{Code: "pln", Name: "PLN", Active: true}}, []catalog.Variant{{ProductCode: "pln",
			Code: "PLNPASCA", Name: "PLN Postpaid", Kind: catalog.Postpaid, Active: true, UnlimitedStock: true, Admin: 2500}}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Credit(ctx, b.cr.Reseller.Username, 500000, "test"); err != nil {
			t.Fatal(err)
		}
		pay := func(ref string, refuse bool) *order.Order {
			t.Helper()
			first.scripted.mu.Lock()
			first.scripted.purchase = func(_ context.Context, req supplier.Request) (supplier.Result, error) {
				paidRef = req.BillRef
				if refuse {
					return supplier.Result{State: supplier.Failed, Message: "refused"}, nil
				}
				return supplier.Result{State: supplier.Success, SN: "PAID-" + req.BillRef}, nil
			}
			first.scripted.mu.Unlock()
			p := core.BillParams{Reseller: b.cr.Reseller, VariantCode: "PLNPASCA", Reference: ref, CustomerNo: "5300000" + ref}
			in, err := svc.Inquire(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			if in.Supplier != "first" || in.UpstreamRef == ref || first.refs[len(first.refs)-1] != in.UpstreamRef {
				t.Fatalf("inquiry at %q under %q (asked under %v)", in.Supplier, in.UpstreamRef, first.refs)
			}
			paid, err := svc.PayBill(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			o := b.waitFinal(t, paid.Order.Invoice)
			if paidRef != in.UpstreamRef {
				t.Fatalf("paid under %q, inquired under %q", paidRef, in.UpstreamRef)
			}
			return o
		}
		b.run(t)
		if o := pay("1001", false); o.Status != order.Success || o.SN == "" {
			t.Fatalf("payment %+v", o)
		}
		if o := pay("1002", true); o.Status != order.Failed {
			t.Fatalf("refused payment %+v", o)
		}
		if buys, _ := second.counts("53000001002"); buys != 0 {
			t.Fatalf("a refused bill was paid at another supplier %d times", buys)
		}
		if bal, _ := svc.Balance(ctx, b.cr.Reseller.ID); bal != 500000-(100000+2500) {
			t.Fatalf("balance %d: one bill paid, the refused one given back", bal)
		}

		// A payment left pending upstream is settled by the biller's callback, which names the
		// inquiry's reference, not the attempt's.
		first.scripted.mu.Lock()
		first.scripted.purchase = func(context.Context, supplier.Request) (supplier.Result, error) {
			return supplier.Result{State: supplier.Pending}, nil
		}
		first.scripted.status = func(supplier.Request) (supplier.Result, error) { return supplier.Result{State: supplier.Pending}, nil }
		first.scripted.mu.Unlock()
		p := core.BillParams{Reseller: b.cr.Reseller, VariantCode: "PLNPASCA", Reference: "1003", CustomerNo: "53000001003"}
		in, err := svc.Inquire(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		paid, err := svc.PayBill(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			atts, err := b.db.Attempts(ctx, paid.Order.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(atts) == 1 && atts[0].State == "pending" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("payment attempts %+v", atts)
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err := svc.ResolveAttempt(ctx, "second", in.UpstreamRef, supplier.Result{State: supplier.Success, SN: "CB"}); !errors.Is(err, core.ErrUnknownReference) {
			t.Fatalf("a callback from another supplier: %v", err)
		}
		if err := svc.ResolveAttempt(ctx, "first", in.UpstreamRef, supplier.Result{State: supplier.Success, SN: "CB-1003"}); err != nil {
			t.Fatalf("callback under the inquiry's reference: %v", err)
		}
		if o := b.waitFinal(t, paid.Order.Invoice); o.Status != order.Success || o.SN != "CB-1003" {
			t.Fatalf("after the callback %+v", o)
		}
		b.checkLedger(t)
	})
}
