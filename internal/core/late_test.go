package core_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
)

// switchable answers status checks pending until set says otherwise.
type switchable struct {
	mu  sync.Mutex
	res supplier.Result
}

func (s *switchable) set(r supplier.Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.res = r
}

func (s *switchable) status(supplier.Request) (supplier.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.res.State == "" {
		return supplier.Result{State: supplier.Pending}, nil
	}
	return s.res, nil
}

func pendingPurchase(context.Context, supplier.Request) (supplier.Result, error) {
	return supplier.Result{State: supplier.Pending}, nil
}

// waitAttempt waits until the order's only attempt is in state.
func (b *bundle) waitAttempt(t *testing.T, orderID int64, state string) store.Attempt {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		atts, err := b.db.Attempts(context.Background(), orderID)
		if err != nil {
			t.Fatal(err)
		}
		if len(atts) == 1 && atts[0].State == state {
			return atts[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("attempts %+v, want one %s", atts, state)
		}
	}
}

// checkLate checks o is a late delivery: Failed, refunded, flagged once, its supplier's cost posted
// once and recorded as its cost, the ledger check clean, nothing left to ask.
func (b *bundle) checkLate(t *testing.T, o *order.Order, cost int64) {
	t.Helper()
	ctx := context.Background()
	got, err := b.db.OrderByID(ctx, o.ID)
	if err != nil || got.Status != order.Failed || got.Cost != cost || got.SN != "" {
		t.Fatalf("order after the late delivery: %+v %v", got, err)
	}
	flags, err := b.db.OrderFlags(ctx, o.ID)
	if err != nil || len(flags) != 1 || flags[0].Flag != store.FlagLateDelivery {
		t.Fatalf("flags %+v %v, want late_delivery", flags, err)
	}
	ps, err := b.db.PostingsByTxnPrefix(ctx, "order:"+o.Invoice+":cost")
	if err != nil || len(ps) != 1 || ps[0].Amount != cost || ps[0].DestCode != ledger.CostCode {
		t.Fatalf("cost postings %+v %v, want one of %d", ps, err, cost)
	}
	if jobs, _ := b.db.JobCounts(ctx); jobs[store.JobFulfil] != 0 {
		t.Fatalf("jobs left %v", jobs)
	}
	b.checkLedger(t)
	late, err := b.svc.LateDeliveries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range late {
		if l.Order.Invoice == o.Invoice {
			found = l.Attempt != nil && l.Attempt.State == "success" && l.Attempt.SN != "" && l.Reseller == b.cr.Reseller.Username
		}
	}
	if !found {
		t.Fatalf("late deliveries %+v do not list %s with its attempt", late, o.Invoice)
	}
}

// TestForcedResolveKeepsAskingAndRecordsLateDelivery (issue 14): resolving an order by hand while its
// purchase is open upstream is refused unless forced; forced, the attempt keeps being asked, and
// the supplier's late success is recorded on it, its cost posted, the order flagged
// late_delivery and alerted, and the ledger check accepts exactly that cost posting.
func TestForcedResolveKeepsAskingAndRecordsLateDelivery(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		sw := &switchable{}
		s1 := &scripted{name: "s1", purchase: pendingPurchase, status: sw.status}
		b, al := setupPriced(t, be, 0, map[string]int64{"s1": 1000}, s1)
		o := b.place(t, "late-1", "0811")
		b.waitAttempt(t, o.ID, "pending")
		balance, _ := b.svc.Balance(ctx, b.cr.Reseller.ID)

		_, err := b.svc.ResolveOrder(ctx, core.Resolution{Invoice: o.Invoice, Status: order.Failed, Actor: "ops"})
		var open *core.OpenAttemptError
		if !errors.As(err, &open) || !errors.Is(err, core.ErrAttemptOpen) || open.Attempt.Reference != o.Invoice+"-1" || open.Attempt.Supplier != "s1" {
			t.Fatalf("resolve with an open attempt: %v, want an OpenAttemptError naming it", err)
		}
		if got, _ := b.db.OrderByID(ctx, o.ID); got.Status != order.Pending {
			t.Fatalf("refused resolution changed the order: %+v", got)
		}
		if _, err := b.svc.ResolveOrder(ctx, core.Resolution{Invoice: o.Invoice, Status: order.Failed, Actor: "ops", Force: true}); err != nil {
			t.Fatal(err)
		}
		if bal, _ := b.svc.Balance(ctx, b.cr.Reseller.ID); bal != balance+pricedPrice {
			t.Fatalf("balance %d after the refund, want %d", bal, balance+pricedPrice)
		}
		if jobs, _ := b.db.JobCounts(ctx); jobs[store.JobFulfil] != 1 {
			t.Fatalf("jobs %v: the open attempt must still be asked after", jobs)
		}
		entries, err := b.db.AuditList(ctx, store.AuditFilter{Target: o.Invoice})
		if err != nil || len(entries) != 1 || !strings.Contains(entries[0].After, `"open_attempt":"`+o.Invoice+`-1"`) {
			t.Fatalf("audit %+v %v: the open attempt must be named", entries, err)
		}
		_, before := s1.counts("0811")

		sw.set(supplier.Result{State: supplier.Success, SN: "LATE-SN", Cost: 1000})
		att := b.waitAttempt(t, o.ID, "success")
		if att.SN != "LATE-SN" || att.Cost != 1000 {
			t.Fatalf("late success recorded as %+v", att)
		}
		if buys, after := s1.counts("0811"); buys != 1 || after <= before {
			t.Fatalf("bought %d times, %d status checks (%d before the resolve)", buys, after, before)
		}
		al.wait(t, core.AlertLateDelivery, 1)
		b.checkLate(t, o, 1000)
		// The reseller keeps its refund: the operator recovers the sale by hand.
		if bal, _ := b.svc.Balance(ctx, b.cr.Reseller.ID); bal != balance+pricedPrice {
			t.Fatalf("balance %d after the late delivery, want %d", bal, balance+pricedPrice)
		}

		// A repeated success (a callback after the poll) changes nothing more.
		if err := b.svc.ResolveAttempt(ctx, "s1", o.Invoice+"-1", supplier.Result{State: supplier.Success, SN: "LATE-SN", Cost: 1000}); err != nil {
			t.Fatal(err)
		}
		b.checkLate(t, o, 1000)
		if n := al.count(core.AlertLateDelivery); n != 1 {
			t.Fatalf("%d late delivery alerts, want 1", n)
		}
	})
}

// TestLedgerCheckLateCost: the ledger check accepts one cost posting of the recorded cost on a
// Failed order flagged late_delivery, and still reports a cost posting on a Failed order without
// the flag, and a second one on a flagged order.
func TestLedgerCheckLateCost(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		sw := &switchable{}
		s1 := &scripted{name: "s1", purchase: pendingPurchase, status: sw.status}
		b, _ := setupPriced(t, be, 0, map[string]int64{"s1": 1000}, s1)
		late, plain := b.place(t, "lc-1", "0811"), b.place(t, "lc-2", "0812")
		for _, o := range []*order.Order{late, plain} {
			b.waitAttempt(t, o.ID, "pending")
			if _, err := b.svc.ResolveOrder(ctx, core.Resolution{Invoice: o.Invoice, Status: order.Failed, Actor: "ops", Force: true}); err != nil {
				t.Fatal(err)
			}
		}
		if err := b.svc.ResolveAttempt(ctx, "s1", late.Invoice+"-1", supplier.Result{State: supplier.Success, SN: "X", Cost: 1000}); err != nil {
			t.Fatal(err)
		}
		b.checkLedger(t)
		supID := func() int64 {
			sup, err := b.db.SupplierByName(ctx, "s1")
			if err != nil {
				t.Fatal(err)
			}
			id, err := b.db.AccountID(ctx, ledger.SupplierCode(sup.ID))
			if err != nil {
				t.Fatal(err)
			}
			return id
		}()
		costID, err := b.db.AccountID(ctx, ledger.CostCode)
		if err != nil {
			t.Fatal(err)
		}
		for _, forged := range []*order.Order{plain, late} {
			err := b.db.Batch(ctx, func(tx *store.Tx) error {
				return tx.Transfer(ctx, "order:"+forged.Invoice+":cost", supID, costID, 1000, "forged")
			})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := b.svc.LedgerCheck(ctx)
			if err != nil {
				t.Fatal(err)
			}
			bad := false
			for _, d := range rep.Discrepancies {
				bad = bad || d.Account == "order:"+forged.Invoice
			}
			if !bad {
				t.Fatalf("forged cost posting on %s not reported: %+v", forged.Invoice, rep.Discrepancies)
			}
		}
	})
}

// TestSuccessAfterAutomaticRefund (issue 13 item 4): a supplier's success for an order Kios
// refunded because its only attempt was reported failed is recorded on the attempt, its cost
// posted, the order flagged late_delivery and alerted; it was dropped with an info line before.
func TestSuccessAfterAutomaticRefund(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		s1 := &scripted{name: "s1", purchase: pendingPurchase, status: (&switchable{}).status}
		b, al := setupPriced(t, be, 0, map[string]int64{"s1": 1000}, s1)
		o := b.place(t, "auto-1", "0811")
		b.waitAttempt(t, o.ID, "pending")
		if err := b.svc.ResolveAttempt(ctx, "s1", o.Invoice+"-1", supplier.Result{State: supplier.Failed, Message: "gagal"}); err != nil {
			t.Fatal(err)
		}
		if f := b.waitFinal(t, o.Invoice); f.Status != order.Failed {
			t.Fatalf("order %+v, want Failed", f)
		}
		if err := b.svc.ResolveAttempt(ctx, "s1", o.Invoice+"-1", supplier.Result{State: supplier.Success, SN: "LATE", Cost: 1000}); err != nil {
			t.Fatal(err)
		}
		if att := b.waitAttempt(t, o.ID, "success"); att.SN != "LATE" {
			t.Fatalf("attempt %+v", att)
		}
		al.wait(t, core.AlertLateDelivery, 1)
		b.checkLate(t, o, 1000)
	})
}

// TestForcedSuccessThenSupplierAnswers: an order resolved Success by hand while its purchase was
// open keeps asking; the supplier's success is recorded on the attempt and moves no money again
// (the cost was posted at the resolution); nothing is flagged.
func TestForcedSuccessThenSupplierAnswers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		sw := &switchable{}
		s1 := &scripted{name: "s1", purchase: pendingPurchase, status: sw.status}
		b, al := setupPriced(t, be, 0, map[string]int64{"s1": 1000}, s1)
		o := b.place(t, "hand-1", "0811")
		b.waitAttempt(t, o.ID, "pending")
		if _, err := b.svc.ResolveOrder(ctx, core.Resolution{Invoice: o.Invoice, Status: order.Success, SN: "HAND", Actor: "ops"}); !errors.Is(err, core.ErrAttemptOpen) {
			t.Fatalf("resolve: %v, want ErrAttemptOpen", err)
		}
		if _, err := b.svc.ResolveOrder(ctx, core.Resolution{Invoice: o.Invoice, Status: order.Success, SN: "HAND", Actor: "ops", Force: true}); err != nil {
			t.Fatal(err)
		}
		sw.set(supplier.Result{State: supplier.Success, SN: "UP", Cost: 1000})
		b.waitAttempt(t, o.ID, "success")
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if jobs, _ := b.db.JobCounts(ctx); jobs[store.JobFulfil] == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("job never closed")
			}
		}
		got, _ := b.db.OrderByID(ctx, o.ID)
		if got.Status != order.Success || got.SN != "HAND" || got.Cost != 1000 {
			t.Fatalf("order %+v", got)
		}
		if flags, _ := b.db.OrderFlags(ctx, o.ID); len(flags) != 0 {
			t.Fatalf("flags %+v", flags)
		}
		if c, _ := b.db.Balance(ctx, ledger.CostCode); c != 1000 {
			t.Fatalf("cost account %d, want 1000 once", c)
		}
		if n := al.count(core.AlertLateDelivery); n != 0 {
			t.Fatalf("%d late delivery alerts", n)
		}
		b.checkLedger(t)
	})
}

// TestStatusCheckNeverOverwritesCallback (issue 13 item 5): a status check in flight answers after
// a callback recorded the attempt failed; the check's answer must not overwrite the failure: a
// pending would leave the attempt asked after for ever and the order never settled, a success
// would capture over the callback's decision (the first final outcome stands). The interleaving is
// forced: the first status call waits until the callback has been recorded.
func TestStatusCheckNeverOverwritesCallback(t *testing.T) {
	t.Parallel()
	for name, answer := range map[string]supplier.Result{
		"pending": {State: supplier.Pending, Message: "masih diproses"},
		"success": {State: supplier.Success, SN: "SN-LATE"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, be storetest.Backend) {
				ctx := context.Background()
				inStatus, release := make(chan struct{}), make(chan struct{})
				var once sync.Once
				s1 := &scripted{name: "s1", purchase: pendingPurchase, status: func(supplier.Request) (supplier.Result, error) {
					once.Do(func() {
						close(inStatus)
						<-release
					})
					return answer, nil
				}}
				b := setupRouted(t, be, s1)
				o := b.place(t, "cas-"+name, "0811")
				b.run(t)
				<-inStatus
				if err := b.svc.ResolveAttempt(ctx, "s1", o.Invoice+"-1", supplier.Result{State: supplier.Failed, Message: "gagal"}); err != nil {
					t.Fatal(err)
				}
				close(release)
				if f := b.waitFinal(t, o.Invoice); f.Status != order.Failed {
					t.Fatalf("order %+v, want Failed by the callback", f)
				}
				if att := b.waitAttempt(t, o.ID, "failed"); att.Message != "gagal" {
					t.Fatalf("attempt %+v: the callback's failure was overwritten", att)
				}
				b.checkLedger(t)
			})
		})
	}
}

// TestSuccessWithoutSN (issue 13 item 7): a success without the SN the product needs is not
// settled at once: it is asked after until SNWait has passed since the purchase, then settled,
// flagged no_sn and alerted; an SN arriving meanwhile (a status check, or after a callback's
// success without one) settles it with the SN; a variant whose own rule needs no SN settles at
// once.
func TestSuccessWithoutSN(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		var mu sync.Mutex
		statuses := map[string]int{}
		callbackSent := false
		s1 := &scripted{name: "s1",
			purchase: func(_ context.Context, req supplier.Request) (supplier.Result, error) {
				if req.Destination == "0844" {
					return supplier.Result{State: supplier.Pending}, nil
				}
				return supplier.Result{State: supplier.Success}, nil // no SN
			},
			status: func(req supplier.Request) (supplier.Result, error) {
				mu.Lock()
				defer mu.Unlock()
				statuses[req.Destination]++
				switch {
				case req.Destination == "0822", req.Destination == "0844" && callbackSent:
					return supplier.Result{State: supplier.Success, SN: "SN-" + req.Destination}, nil
				case req.Destination == "0844":
					return supplier.Result{State: supplier.Pending}, nil
				}
				return supplier.Result{State: supplier.Success}, nil
			}}
		b := setup(t, be, 0)
		al := &alerts{}
		svc, err := core.New(ctx, b.db, core.Config{Logger: b.svc.Logger(), Router: fixedRouter{[]*scripted{s1}}, SNWait: 2 * time.Second, Alert: al.add})
		if err != nil {
			t.Fatal(err)
		}
		b.svc = svc
		if _, err := svc.Credit(ctx, b.cr.Reseller.Username, 10000, "test"); err != nil {
			t.Fatal(err)
		}
		// MLBB_ONCE's own rule: its successes need no SN.
		no := false
		if l, err := svc.SetSNRequired(ctx, "MLBB_ONCE", &no); err != nil || l.SNRequired || !l.SNOwn {
			t.Fatalf("sn rule: %+v %v", l, err)
		}
		if l, err := svc.Limits(ctx, "MLBB_ID_5"); err != nil || !l.SNRequired || l.SNOwn {
			t.Fatalf("default sn rule of a prepaid variant: %+v %v", l, err)
		}
		never, arrives, viaCallback := b.place(t, "sn-1", "0811"), b.place(t, "sn-2", "0822"), b.place(t, "sn-4", "0844")
		p, err := svc.PlaceOrder(ctx, core.PlaceParams{Reseller: b.cr.Reseller, VariantCode: "MLBB_ONCE", Reference: "sn-3", Destination: "0833"})
		if err != nil {
			t.Fatal(err)
		}
		free := p.Order
		b.run(t)

		b.waitAttempt(t, viaCallback.ID, "pending")
		if err := svc.ResolveAttempt(ctx, "s1", viaCallback.Invoice+"-1", supplier.Result{State: supplier.Success}); err != nil {
			t.Fatal(err)
		}
		if o, _ := b.db.OrderByID(ctx, viaCallback.ID); o.Status != order.Pending {
			t.Fatalf("a callback's success without SN settled the order: %+v", o)
		}
		mu.Lock()
		callbackSent = true
		mu.Unlock()

		for _, c := range []struct {
			o    *order.Order
			sn   string
			flag bool
		}{{never, "", true}, {arrives, "SN-0822", false}, {free, "", false}, {viaCallback, "SN-0844", false}} {
			f := b.waitFinal(t, c.o.Invoice)
			flags, _ := b.db.OrderFlags(ctx, c.o.ID)
			if f.Status != order.Success || f.SN != c.sn || (len(flags) == 1 && flags[0].Flag == store.FlagNoSN) != c.flag || len(flags) > 1 {
				t.Fatalf("order to %s: %+v flags %+v, want Success with SN %q (flagged no_sn: %v)", c.o.Destination, f, flags, c.sn, c.flag)
			}
		}
		mu.Lock()
		asked, askedFree := statuses["0811"], statuses["0833"]
		mu.Unlock()
		if asked == 0 || askedFree != 0 {
			t.Fatalf("status checks: %d for the order without SN (want some), %d for the one needing none (want 0)", asked, askedFree)
		}
		al.wait(t, core.AlertNoSN, 1)
		if n := al.count(core.AlertNoSN); n != 1 {
			t.Fatalf("%d no_sn alerts, want 1", n)
		}
		b.checkLedger(t)
	})
}
