package core_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/bill"
	"github.com/kios-h2h/kios/internal/catalog"
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
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
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
	})
}

// TestAbsurdSupplierCostSettles: a supplier answering success with a cost the ledger cannot hold
// (a bug upstream) must not leave the order stuck Pending with its job failing forever: the
// order settles and the cost is not booked.
func TestAbsurdSupplierCostSettles(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		absurd := supplier.Result{State: supplier.Success, SN: "SN", Cost: math.MaxInt64}
		s1 := &scripted{name: "s1",
			purchase: func(context.Context, supplier.Request) (supplier.Result, error) { return absurd, nil },
			status:   func(supplier.Request) (supplier.Result, error) { return absurd, nil }}
		b := setupRouted(t, be, s1)
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
	})
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

// TestLedgerCheckFindsOrderAndTicketMismatches corrupts the postings of settled orders and of a
// deposit ticket in ways that keep every balance equal to its postings (so only the per-order
// and per-ticket invariants can notice), and checks that each corruption is reported, and that
// undoing it makes the check pass again.
func TestLedgerCheckFindsOrderAndTicketMismatches(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
		ctx := context.Background()
		if _, err := b.svc.Credit(ctx, b.cr.Reseller.Username, 50_000, "t"); err != nil {
			t.Fatal(err)
		}
		place := func(ref, dest string) *order.Order {
			p, err := b.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: b.cr.Reseller, VariantCode: "MLBB_ID_5", Reference: ref, Destination: dest})
			if err != nil {
				t.Fatal(err)
			}
			return p.Order
		}
		ok, failed := place("ok", "08121"), place("bad", "08120000") // the simulator fails …0000
		wctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { _ = b.svc.RunWorkers(wctx, core.WorkerConfig{Poll: 10 * time.Millisecond}); close(done) }()
		if o := b.waitFinal(t, ok.Invoice); o.Status != order.Success {
			t.Fatalf("%+v", o)
		}
		if o := b.waitFinal(t, failed.Invoice); o.Status != order.Failed {
			t.Fatalf("%+v", o)
		}
		cancel()
		<-done
		pending := place("wait", "08122") // no worker runs: it stays Pending
		tk, err := b.svc.OpenTicket(ctx, core.DepositParams{Reseller: b.cr.Reseller, Amount: 20_000})
		if err != nil {
			t.Fatal(err)
		}
		b.checkLedger(t)

		acct := func(code string) int64 {
			id, err := b.db.AccountID(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		avail, held, revenue := acct(ledger.AvailableCode(b.cr.Reseller.ID)), acct(ledger.HeldCode(b.cr.Reseller.ID)), acct(ledger.RevenueCode)
		cost, deposits := acct(ledger.CostCode), acct(ledger.DepositsCode)
		exec := func(q string, args ...any) {
			t.Helper()
			if p := b.db.Dialect().Placeholders; p != nil {
				q = p(q)
			}
			if _, err := b.db.Writer().ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		// post inserts a posting and keeps both balances equal to their postings.
		post := func(txn string, src, dst, amount int64) func() {
			return func() {
				if invoice, kind, ok := ledger.ParseOrderTxn(txn); ok {
					// An order's posting is keyed by its order's id and kind (looked up through
					// the store: on SQLite the invoice is stored packed, see store.packInvoice).
					o, err := b.db.OrderByInvoice(ctx, 0, invoice)
					if err != nil {
						t.Fatal(err)
					}
					exec(`INSERT INTO postings (order_id, kind, source, destination, amount, memo, created_at)
						VALUES (?, ?, ?, ?, ?, 'corrupt', 0)`, o.ID, int(kind), src, dst, amount)
				} else {
					exec(`INSERT INTO postings (txn, source, destination, amount, memo, created_at) VALUES (?, ?, ?, ?, 'corrupt', 0)`, txn, src, dst, amount)
				}
				exec(`UPDATE accounts SET balance = balance - ? WHERE id = ?`, amount, src)
				exec(`UPDATE accounts SET balance = balance + ? WHERE id = ?`, amount, dst)
			}
		}
		unpost := func(src, dst, amount int64) func() {
			return func() {
				exec(`DELETE FROM postings WHERE memo = 'corrupt'`)
				exec(`UPDATE accounts SET balance = balance + ? WHERE id = ?`, amount, src)
				exec(`UPDATE accounts SET balance = balance - ? WHERE id = ?`, amount, dst)
			}
		}
		// rename changes the kind of one of o's postings (9 is no kind at all).
		rename := func(o *order.Order, from, to ledger.OrderPosting) func() {
			return func() {
				exec(`UPDATE postings SET kind = ? WHERE order_id = ? AND kind = ?`, int(to), o.ID, int(from))
			}
		}
		price := ok.Price
		cases := []struct {
			name     string
			do, undo func()
			want     string
		}{
			{"success order captured twice", post("order:"+ok.Invoice+":capture", avail, revenue, price),
				unpost(avail, revenue, price), "order:" + ok.Invoice},
			{"failed order captured instead of released", rename(failed, ledger.PostRelease, ledger.PostCapture),
				rename(failed, ledger.PostCapture, ledger.PostRelease), "order:" + failed.Invoice},
			{"success order's capture posted as a release", rename(ok, ledger.PostCapture, ledger.PostRelease),
				rename(ok, ledger.PostRelease, ledger.PostCapture), "order:" + ok.Invoice},
			{"pending order without a hold", rename(pending, ledger.PostHold, 9),
				rename(pending, 9, ledger.PostHold), "order:" + pending.Invoice},
			{"pending order already released", post("order:"+pending.Invoice+":release", held, avail, price),
				unpost(held, avail, price), "order:" + pending.Invoice},
			{"failed order with a cost", post("order:"+failed.Invoice+":cost", deposits, cost, 700),
				unpost(deposits, cost, 700), "order:" + failed.Invoice},
			{"order posting under its txn text, not keyed to the order", func() {
				exec(`INSERT INTO postings (txn, source, destination, amount, memo, created_at) VALUES (?, ?, ?, ?, 'corrupt', 0)`,
					"order:"+ok.Invoice+":capture", avail, revenue, price)
				exec(`UPDATE accounts SET balance = balance - ? WHERE id = ?`, price, avail)
				exec(`UPDATE accounts SET balance = balance + ? WHERE id = ?`, price, revenue)
			}, unpost(avail, revenue, price), "order:" + ok.Invoice},
			{"open ticket credited", post("ticket:"+tk.Code, deposits, avail, tk.Amount),
				unpost(deposits, avail, tk.Amount), "ticket:" + tk.Code},
			{"ticket approved without a credit", func() { exec(`UPDATE deposit_tickets SET status = 'approved' WHERE id = ?`, tk.ID) },
				func() { exec(`UPDATE deposit_tickets SET status = 'open' WHERE id = ?`, tk.ID) }, "ticket:" + tk.Code},
		}
		for _, c := range cases {
			c.do()
			rep, err := b.svc.LedgerCheck(ctx)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			found := false
			for _, d := range rep.Discrepancies {
				if d.Account == c.want {
					found = true
				} else if d.Account != ledger.HeldCode(b.cr.Reseller.ID) { // a release also empties the hold

					t.Errorf("%s: unexpected discrepancy %v", c.name, d)
				}
			}
			if !found {
				t.Errorf("%s: not detected (%v)", c.name, rep.Discrepancies)
			}
			c.undo()
			b.checkLedger(t)
		}
		if rep, _ := b.svc.LedgerCheck(ctx); rep.Orders != 3 {
			t.Fatalf("checked %d orders, want 3", rep.Orders)
		}
	})
}

// TestUnreachableStatusIsNotARefusal: while asking after a purchase whose outcome is unknown, a
// status call that could not reach the supplier (connection refused, rate limit, bad token — a
// refusal "whatever the order") says nothing about the purchase. Taking it for a definite failure
// would buy the product again at the next supplier (or refund a delivered one).
func TestUnreachableStatusIsNotARefusal(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		var mu sync.Mutex
		polls := 0
		first := &scripted{name: "one",
			purchase: func(context.Context, supplier.Request) (supplier.Result, error) {
				return supplier.Result{}, supplier.ErrUnknownOutcome
			},
			status: func(supplier.Request) (supplier.Result, error) {
				mu.Lock()
				defer mu.Unlock()
				polls++
				if polls < 3 {
					return supplier.Result{State: supplier.Failed, Unreachable: true, Message: "dial tcp: connection refused"}, nil
				}
				return supplier.Result{State: supplier.Success, SN: "LATE-SN"}, nil
			}}
		second := &scripted{name: "two"}
		b := setupRouted(t, be, first, second)
		o := b.place(t, "u1", "0813")
		b.run(t)
		final := b.waitFinal(t, o.Invoice)
		if n, _ := second.counts("0813"); n != 0 {
			t.Errorf("an unreachable status check failed over to the second supplier (%d purchases)", n)
		}
		if final.Status != order.Success || final.SN != "LATE-SN" {
			t.Fatalf("got %+v", final)
		}
		b.checkLedger(t)
	})
}

// records keeps the log records at Error level, for tests that check something was flagged.
type records struct {
	mu   sync.Mutex
	msgs []string
}

func (r *records) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelError }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	line := rec.Message
	rec.Attrs(func(a slog.Attr) bool { line += " " + a.String(); return true })
	r.msgs = append(r.msgs, line)
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }
func (r *records) find(substr ...string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
outer:
	for _, m := range r.msgs {
		for _, s := range substr {
			if !strings.Contains(m, s) {
				continue outer
			}
		}
		return true
	}
	return false
}

// TestLateDeliveryAfterRefundIsFlagged: an order refunded by hand while its purchase was in
// flight, which the supplier then delivers, has been given away (and the supplier charged for it).
// The ledger is right to move nothing, but the loss must not pass silently: it is logged as an
// error naming the order, for an operator to recover.
func TestLateDeliveryAfterRefundIsFlagged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Backends()[0].Open(t)
	logs := &records{}
	g := &gate{entered: make(chan struct{}, 1), open: make(chan struct{})}
	svc, err := core.New(ctx, db, core.Config{Logger: slog.New(logs), Router: gateRouter{g}})
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
	<-g.entered
	// The purchase is out: resolving by hand must say so first.
	if _, err := svc.ResolveOrder(ctx, core.Resolution{Invoice: p.Order.Invoice, Status: order.Failed, Actor: "ops"}); !errors.Is(err, core.ErrAttemptOpen) {
		t.Fatalf("resolve with the purchase open: %v, want ErrAttemptOpen", err)
	}
	if _, err := svc.ResolveOrder(ctx, core.Resolution{Invoice: p.Order.Invoice, Status: order.Failed, Actor: "ops", Force: true}); err != nil {
		t.Fatal(err)
	}
	close(g.open)
	for deadline := time.Now().Add(10 * time.Second); !logs.find(p.Order.Invoice, "delivered"); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("late delivery of a refunded order not flagged")
		}
	}
	flags, err := db.OrderFlags(ctx, p.Order.ID)
	if err != nil || len(flags) != 1 || flags[0].Flag != store.FlagLateDelivery {
		t.Fatalf("flags %+v %v, want late_delivery", flags, err)
	}
}

// oddBiller looks bills up like the simulator, then corrupts the answer as a buggy upstream might.
type oddBiller struct {
	*simulator.Simulator
	mangle func(*supplier.Bill)
}

func (b oddBiller) Inquire(ctx context.Context, req supplier.BillRequest) (supplier.Bill, error) {
	bl, err := b.Simulator.Inquire(ctx, req)
	if err == nil {
		b.mangle(&bl)
	}
	return bl, err
}

// TestImplausibleBillRefused: a biller's answer that cannot be a real bill (a negative amount or
// penalty, or numbers past what int64 arithmetic can quote) is refused as the biller being down.
// Quoting it would clamp the price to 0 (a free payment that Kios then pays upstream) or wrap it.
func TestImplausibleBillRefused(t *testing.T) {
	t.Parallel()
	for name, mangle := range map[string]func(*supplier.Bill){
		"negative amount":  func(b *supplier.Bill) { b.Amount = -b.Amount },
		"negative penalty": func(b *supplier.Bill) { b.Penalty = -b.Amount - 10_000 },
		"huge amount":      func(b *supplier.Bill) { b.Amount = math.MaxInt64 - 1000 },
		"huge sheets":      func(b *supplier.Bill) { b.Sheets = math.MaxInt32 },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Backends()[0].Open(t)
			svc, err := core.New(ctx, db, core.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
				Router: oneRouter{oddBiller{simulator.New(0), mangle}}})
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
			p := core.BillParams{Reseller: cr.Reseller, VariantCode: "aetra", Reference: "b-1", CustomerNo: "1234567"}
			if in, err := svc.Inquire(ctx, p); !errors.Is(err, bill.ErrBillerDown) {
				t.Fatalf("inquiry: %+v %v, want ErrBillerDown", in, err)
			}
			if _, err := svc.PayBill(ctx, p); !errors.Is(err, bill.ErrNotInquired) {
				t.Fatalf("payment: %v, want ErrNotInquired", err)
			}
		})
	}
}

// TestSyncRefusesAbsurdCost: a catalog item whose cost the ledger cannot hold (a bug upstream) is
// not taken into the catalog: pricing it would overflow, and routing to it could never be costed.
func TestSyncRefusesAbsurdCost(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
		ctx := context.Background()
		if _, err := b.svc.AddSupplier(ctx, core.NewSupplier{Name: "up", Kind: store.KindSimulator}); err != nil {
			t.Fatal(err)
		}
		items := []supplier.Item{
			{Code: "SANE", Name: "Sane", ProductCode: "P", ProductName: "P", Cost: 5000, Active: true},
			{Code: "ABSURD", Name: "Absurd", ProductCode: "P", ProductName: "P", Cost: math.MaxInt64 / 3, Active: true},
		}
		if _, err := b.svc.SyncCatalog(ctx, "up", items, nil); err != nil {
			t.Fatal(err)
		}
		if v, err := b.svc.Variant(ctx, "SANE"); err != nil || v.Prices["default"] <= 5000 {
			t.Fatalf("sane item: %+v %v", v, err)
		}
		if v, err := b.svc.Variant(ctx, "ABSURD"); err == nil {
			t.Fatalf("absurd item taken in at prices %v", v.Prices)
		}
	})
}

// TestSettlementRaces races every way an order can become final — the worker's polls, the
// supplier's callbacks (success, failure, repeated), and an operator's hand — on many orders at
// once, and checks that each order was settled exactly once: the ledger check (one hold; one
// capture iff Success; one release iff Failed) and the reseller's balance agree with the final
// statuses.
func TestSettlementRaces(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		pending := func(context.Context, supplier.Request) (supplier.Result, error) {
			return supplier.Result{State: supplier.Pending}, nil
		}
		s1 := &scripted{name: "s1", purchase: pending,
			status: func(supplier.Request) (supplier.Result, error) { return supplier.Result{State: supplier.Pending}, nil }}
		b := setupRouted(t, be, s1) // 10 000 credited
		ctx := context.Background()
		const n = 6 // 6 × 1389 fits in the balance
		var orders []*order.Order
		for i := 0; i < n; i++ {
			orders = append(orders, b.place(t, fmt.Sprintf("race-%d", i), fmt.Sprintf("08130%d", i)))
		}
		b.run(t)
		refs := make([]string, n)
		for i, o := range orders {
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
				atts, err := b.db.Attempts(ctx, o.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(atts) == 1 && atts[0].State == "pending" {
					refs[i] = atts[0].Reference
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("order %d never pending upstream: %+v", i, atts)
				}
			}
		}
		var wg sync.WaitGroup
		for i, o := range orders {
			// Each order gets a different mix of contenders, all at once.
			contenders := []func(){
				func() {
					_ = b.svc.ResolveAttempt(ctx, "s1", refs[i], supplier.Result{State: supplier.Success, SN: "CB"})
				},
				func() {
					_ = b.svc.ResolveAttempt(ctx, "s1", refs[i], supplier.Result{State: supplier.Success, SN: "CB"})
				},
				func() {
					_ = b.svc.ResolveAttempt(ctx, "s1", refs[i], supplier.Result{State: supplier.Failed, Message: "no"})
				},
				func() {
					_, _ = b.svc.ResolveOrder(ctx, core.Resolution{Invoice: o.Invoice, Status: order.Failed, Actor: "ops", Force: true})
				},
				func() {
					_, _ = b.svc.ResolveOrder(ctx, core.Resolution{Invoice: o.Invoice, Status: order.Success, SN: "HAND", Actor: "ops", Force: true})
				},
			}
			for j, c := range contenders {
				if (i+j)%3 == 0 {
					continue
				}
				wg.Add(1)
				go func() { defer wg.Done(); c() }()
			}
		}
		wg.Wait()
		var spent int64
		for _, o := range orders {
			f := b.waitFinal(t, o.Invoice)
			if f.Status == order.Success {
				spent += f.Price
			}
		}
		if bal, _ := b.svc.Balance(ctx, b.cr.Reseller.ID); bal != 10000-spent {
			t.Fatalf("balance %d, want %d", bal, 10000-spent)
		}
		if buys, _ := s1.counts("081300"); buys != 1 {
			t.Fatalf("bought %d times", buys)
		}
		b.checkLedger(t)
	})
}
