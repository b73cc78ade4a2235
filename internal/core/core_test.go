package core_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

type bundle struct {
	db  *store.DB
	svc *core.Service
	cr  core.Credentials
}

func setup(t testing.TB, be storetest.Backend, delay time.Duration) *bundle {
	t.Helper()
	ctx := context.Background()
	db := be.Open(t)
	svc, err := core.New(ctx, db, core.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Router: simroute.New(delay)})
	if err != nil {
		t.Fatal(err)
	}
	err = svc.SaveCatalog(ctx, []catalog.Product{{Code: "mobile-legends", Name: "Mobile Legends", Active: true}},
		[]catalog.Variant{
			{ProductCode: "mobile-legends", Code: "MLBB_ID_5", Name: "5 Diamonds", Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": 1389}},
			{ProductCode: "mobile-legends", Code: "MLBB_LTD", Name: "Limited", Active: true, UnlimitedStock: false, Stock: 2, Multi: true, Prices: map[string]int64{"default": 1000}},
			{ProductCode: "mobile-legends", Code: "MLBB_ONCE", Name: "Once", Active: true, UnlimitedStock: true, Multi: false, Prices: map[string]int64{"default": 1000}},
		})
	if err != nil {
		t.Fatal(err)
	}
	cr, err := svc.CreateReseller(ctx, core.NewReseller{Name: "Test Shop"})
	if err != nil {
		t.Fatal(err)
	}
	return &bundle{db: db, svc: svc, cr: cr}
}

func (b *bundle) run(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = b.svc.RunWorkers(ctx, core.WorkerConfig{Poll: 20 * time.Millisecond}); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func (b *bundle) waitFinal(t *testing.T, invoice string) *order.Order {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		o, err := b.svc.Order(context.Background(), b.cr.Reseller.ID, invoice)
		if err != nil {
			t.Fatal(err)
		}
		if o.Status.Final() {
			return o
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("order %s not final in time", invoice)
	return nil
}

func (b *bundle) checkLedger(t *testing.T) {
	t.Helper()
	rep, err := b.svc.LedgerCheck(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("ledger check: %v", rep.Discrepancies)
	}
}

// TestNewWithoutRouter: the core has no supplier of its own to fall back on (it imports no
// connector), so a Config without a Router is refused rather than routed nowhere.
func TestNewWithoutRouter(t *testing.T) {
	t.Parallel()
	_, err := core.New(context.Background(), storetest.Backends()[0].Open(t), core.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if !errors.Is(err, core.ErrNoRouter) {
		t.Fatalf("New without a Router: %v, want ErrNoRouter", err)
	}
}

func TestOrderLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
		ctx := context.Background()
		if _, err := b.svc.Credit(ctx, b.cr.Reseller.Username, 5000, "test"); err != nil {
			t.Fatal(err)
		}
		p := core.PlaceParams{Reseller: b.cr.Reseller, VariantCode: "MLBB_ID_5", Reference: "r1", Destination: "12345678"}
		placed, err := b.svc.PlaceOrder(ctx, p)
		if err != nil || !placed.Created {
			t.Fatalf("place: %v %+v", err, placed)
		}
		if bal, _ := b.svc.Balance(ctx, b.cr.Reseller.ID); bal != 5000-1389 {
			t.Fatalf("balance after hold = %d", bal)
		}
		if bal, err := b.svc.BalanceAfter(ctx, placed); err != nil || bal != 5000-1389 {
			t.Fatalf("balance the hold left = %d, %v", bal, err)
		}
		again, err := b.svc.PlaceOrder(ctx, p)
		if err != nil || again.Created || again.Order.Invoice != placed.Order.Invoice {
			t.Fatalf("retry: %v %+v", err, again)
		}
		// A repeat holds nothing, so its answer gives the balance as it stands: after a top-up,
		// the new one.
		if _, err := b.svc.Credit(ctx, b.cr.Reseller.Username, 100, "test"); err != nil {
			t.Fatal(err)
		}
		if bal, err := b.svc.BalanceAfter(ctx, again); err != nil || bal != 5000-1389+100 {
			t.Fatalf("balance for a repeat = %d, %v", bal, err)
		}
		if _, err := b.svc.Debit(ctx, b.cr.Reseller.Username, 100, "test"); err != nil {
			t.Fatal(err)
		}
		p2 := p
		p2.Destination = "999"
		if _, err := b.svc.PlaceOrder(ctx, p2); !errors.Is(err, order.ErrReferenceConflict) {
			t.Fatalf("conflict: %v", err)
		}
		b.checkLedger(t)
		b.run(t)
		o := b.waitFinal(t, placed.Order.Invoice)
		if o.Status != order.Success || o.SN == "" {
			t.Fatalf("final %+v", o)
		}
		failed, err := b.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: b.cr.Reseller, VariantCode: "MLBB_ID_5", Reference: "r2", Destination: "5550000"})
		if err != nil {
			t.Fatal(err)
		}
		if o := b.waitFinal(t, failed.Order.Invoice); o.Status != order.Failed {
			t.Fatalf("want failed, got %+v", o)
		}
		if bal, _ := b.svc.Balance(ctx, b.cr.Reseller.ID); bal != 5000-1389 {
			t.Fatalf("balance after refund = %d", bal)
		}
		b.checkLedger(t)
	})
}

func TestConcurrentOrdersNeverOverspend(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
		ctx := context.Background()
		const n = 20
		if _, err := b.svc.Credit(ctx, b.cr.Reseller.Username, n*1389, "test"); err != nil {
			t.Fatal(err)
		}
		var ok, poor atomic.Int64
		var wg sync.WaitGroup
		for i := 0; i < 3*n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, err := b.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: b.cr.Reseller, VariantCode: "MLBB_ID_5", Reference: fmt.Sprintf("c%d", i), Destination: "123"})
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, order.ErrInsufficientBalance):
					poor.Add(1)
				default:
					t.Error(err)
				}
			}(i)
		}
		wg.Wait()
		if ok.Load() != n || poor.Load() != 2*n {
			t.Fatalf("accepted %d, refused %d", ok.Load(), poor.Load())
		}
		if bal, _ := b.svc.Balance(ctx, b.cr.Reseller.ID); bal != 0 {
			t.Fatalf("balance %d", bal)
		}
		b.checkLedger(t)
	})
}

func TestStockAndMulti(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
		ctx := context.Background()
		if _, err := b.svc.Credit(ctx, b.cr.Reseller.Username, 100000, "test"); err != nil {
			t.Fatal(err)
		}
		place := func(code, ref, dest string) (core.Placed, error) {
			return b.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: b.cr.Reseller, VariantCode: code, Reference: ref, Destination: dest})
		}
		for i := 0; i < 2; i++ {
			if _, err := place("MLBB_LTD", fmt.Sprint("l", i), "1"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := place("MLBB_LTD", "l3", "1"); !errors.Is(err, catalog.ErrOutOfStock) {
			t.Fatalf("want out of stock, got %v", err)
		}
		if _, err := place("MLBB_ONCE", "o1", "777"); err != nil {
			t.Fatal(err)
		}
		if _, err := place("MLBB_ONCE", "o2", "777"); !errors.Is(err, order.ErrMultiRefused) {
			t.Fatalf("want multi refused, got %v", err)
		}
		if _, err := place("MLBB_ONCE", "o3", "778"); err != nil {
			t.Fatal(err)
		}
		b.checkLedger(t)
	})
}

// TestFailureGivesBackWhatWasTaken: a failed order gives back the unit of stock its acceptance
// took, judged by what acceptance did, not by the variant's setting at settlement: a variant
// switched from unlimited to limited while an order was pending gains no unit when it fails.
func TestFailureGivesBackWhatWasTaken(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0) // no workers: orders stay pending until resolved here
		ctx := context.Background()
		if _, err := b.svc.Credit(ctx, b.cr.Reseller.Username, 100000, "test"); err != nil {
			t.Fatal(err)
		}
		product := catalog.Product{Code: "mobile-legends", Name: "Mobile Legends", Active: true}
		setStock := func(unlimited bool, stock int64) {
			t.Helper()
			err := b.svc.SaveCatalog(ctx, []catalog.Product{product}, []catalog.Variant{{ProductCode: "mobile-legends",
				Code: "MLBB_SW", Name: "Switch", Active: true, UnlimitedStock: unlimited, Stock: stock, Multi: true,
				Prices: map[string]int64{"default": 1000}}})
			if err != nil {
				t.Fatal(err)
			}
		}
		stock := func() int64 {
			t.Helper()
			v, err := b.svc.Variant(ctx, "MLBB_SW")
			if err != nil {
				t.Fatal(err)
			}
			return v.Stock
		}
		place := func(ref string) *order.Order {
			t.Helper()
			p, err := b.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: b.cr.Reseller, VariantCode: "MLBB_SW", Reference: ref, Destination: "0812" + ref})
			if err != nil {
				t.Fatal(err)
			}
			return p.Order
		}
		fail := func(o *order.Order) {
			t.Helper()
			if _, err := b.svc.ResolveOrder(ctx, core.Resolution{Invoice: o.Invoice, Status: order.Failed, Actor: "test"}); err != nil {
				t.Fatal(err)
			}
		}

		setStock(true, 0)
		unlimited := place("1")
		setStock(false, 5)
		limited := place("2")
		if got := stock(); got != 4 {
			t.Fatalf("stock after one limited order %d, want 4", got)
		}
		fail(unlimited)
		if got := stock(); got != 4 {
			t.Fatalf("an order accepted while unlimited gave back a unit: stock %d, want 4", got)
		}
		fail(limited)
		if got := stock(); got != 5 {
			t.Fatalf("a limited order's failure: stock %d, want 5", got)
		}
		b.checkLedger(t)
	})
}

// TestDepositReference: a manual credit or debit under a reference moves money once, however
// often it is sent and from how many callers at once; the same reference for a different move
// is refused, changing nothing; references are per reseller.
func TestDepositReference(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
		ctx := context.Background()
		user := b.cr.Reseller.Username
		move := func(m core.DepositMove) (core.DepositResult, error) {
			m.Username = user
			return b.svc.MoveDeposit(ctx, m)
		}
		const n = 8
		var wg sync.WaitGroup
		results := make([]core.DepositResult, n)
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				results[i], errs[i] = move(core.DepositMove{Amount: 50000, Note: "BCA", Reference: "BCA-0001"})
			}(i)
		}
		wg.Wait()
		moved := 0
		for i := range results {
			if errs[i] != nil {
				t.Fatalf("caller %d: %v", i, errs[i])
			}
			if !results[i].Repeated {
				moved++
			}
			if results[i].Balance != 50000 {
				t.Errorf("caller %d: balance %d", i, results[i].Balance)
			}
		}
		if moved != 1 {
			t.Fatalf("%d of %d credits under one reference moved money, want 1", moved, n)
		}
		for _, m := range []core.DepositMove{
			{Amount: 50001, Reference: "BCA-0001"},              // another amount
			{Amount: 50000, Reference: "BCA-0001", Debit: true}, // another direction
		} {
			if _, err := move(m); !errors.Is(err, core.ErrDepositReference) {
				t.Fatalf("%+v: %v", m, err)
			}
		}
		if _, err := move(core.DepositMove{Amount: 1, Reference: "has space"}); err == nil {
			t.Fatal("a reference with a space was taken")
		}
		if res, err := move(core.DepositMove{Amount: 20000, Debit: true, Reference: "FIX-1"}); err != nil || res.Balance != 30000 || res.Repeated {
			t.Fatalf("debit: %+v %v", res, err)
		}
		if res, err := move(core.DepositMove{Amount: 20000, Debit: true, Reference: "FIX-1"}); err != nil || res.Balance != 30000 || !res.Repeated {
			t.Fatalf("debit again: %+v %v", res, err)
		}
		// Without a reference every call moves money, as before.
		if res, err := move(core.DepositMove{Amount: 100}); err != nil || res.Balance != 30100 {
			t.Fatalf("plain credit: %+v %v", res, err)
		}
		// Another reseller may use the same reference.
		other, err := b.svc.CreateReseller(ctx, core.NewReseller{Name: "Other"})
		if err != nil {
			t.Fatal(err)
		}
		if res, err := b.svc.MoveDeposit(ctx, core.DepositMove{Username: other.Reseller.Username, Amount: 7, Reference: "BCA-0001"}); err != nil || res.Repeated || res.Balance != 7 {
			t.Fatalf("another reseller's reference: %+v %v", res, err)
		}
		b.checkLedger(t)
	})
}

// Every core test runs on a store that asserts lock domains (storetest turns
// store.Options.AssertLockDomains on), so any settlement, payment or deposit path that moved a
// reseller's money outside that reseller's key would fail its own test with store.ErrLockDomain.
// This checks that the core suite's stores do assert: a write of the reseller's money made the
// way ticket approval and bill payment once were (an unkeyed Batch) is refused.
func TestCoreStoreAssertsLockDomains(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
		ctx := context.Background()
		rid := b.cr.Reseller.ID
		avail, err := b.db.AccountID(ctx, ledger.AvailableCode(rid))
		if err != nil {
			t.Fatal(err)
		}
		deposits, err := b.db.AccountID(ctx, ledger.DepositsCode)
		if err != nil {
			t.Fatal(err)
		}
		credit := func(tx *store.Tx) error {
			return tx.Transfer(ctx, "deposit:lock-domain-test", deposits, avail, 1000, "unkeyed")
		}
		if err := b.db.Batch(ctx, credit); !errors.Is(err, store.ErrLockDomain) {
			t.Fatalf("unkeyed credit of a reseller: %v, want store.ErrLockDomain", err)
		}
		if bal, err := b.svc.Balance(ctx, rid); err != nil || bal != 0 {
			t.Fatalf("balance %d %v after a refused credit", bal, err)
		}
		// The same credit in the reseller's domain, as the core makes it.
		if err := b.db.BatchKey(ctx, rid, credit); err != nil {
			t.Fatal(err)
		}
	})
}
