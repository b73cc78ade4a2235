package route_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
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
	"github.com/kios-h2h/kios/internal/upstream/breaker"
	"github.com/kios-h2h/kios/internal/upstream/route"
)

// fake is a scripted upstream. It counts purchases per reference: a second purchase of the same
// reference, or any purchase after an unknown outcome, is what the tests forbid.
type fake struct {
	name string
	// purchase answers a purchase; nil means Success. It may block on ctx.
	purchase func(ctx context.Context, req supplier.Request) (supplier.Result, error)
	// status answers the n-th (from 1) status call; nil means Success.
	status func(n int, req supplier.Request) (supplier.Result, error)

	mu        sync.Mutex
	purchases map[string]int
	statuses  int
}

func (f *fake) Name() string { return f.name }

func (f *fake) Purchase(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	f.mu.Lock()
	if f.purchases == nil {
		f.purchases = map[string]int{}
	}
	f.purchases[req.Reference]++
	f.mu.Unlock()
	if f.purchase == nil {
		return supplier.Result{State: supplier.Success, SN: "SN-" + req.Reference}, nil
	}
	return f.purchase(ctx, req)
}

func (f *fake) Status(_ context.Context, req supplier.Request) (supplier.Result, error) {
	f.mu.Lock()
	f.statuses++
	n := f.statuses
	f.mu.Unlock()
	if f.status == nil {
		return supplier.Result{State: supplier.Success, SN: "SN-" + req.Reference}, nil
	}
	return f.status(n, req)
}

func (f *fake) counts() (purchases, maxPerRef, statuses int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range f.purchases {
		purchases += n
		maxPerRef = max(maxPerRef, n)
	}
	return purchases, maxPerRef, f.statuses
}

type bundle struct {
	db     *store.DB
	svc    *core.Service
	router *route.Router
	cr     core.Credentials
	fakes  map[string]*fake
}

const (
	price = 1000
	cost  = 900
	funds = 10000
)

// setup registers the fakes as suppliers (in order of priority), each selling variant V1 at cost,
// and starts the fulfilment workers.
func setup(t *testing.T, be storetest.Backend, br breaker.Config, fakes ...*fake) *bundle {
	t.Helper()
	return setupWith(t, be, route.Options{Breaker: br}, fakes...)
}

// setupWith is setup with the router's options (Connect and Logger are the test's own).
func setupWith(t *testing.T, be storetest.Backend, opts route.Options, fakes ...*fake) *bundle {
	t.Helper()
	ctx := context.Background()
	db := be.Open(t)
	b := &bundle{db: db, fakes: map[string]*fake{}}
	for _, f := range fakes {
		b.fakes[f.name] = f
	}
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	opts.Connect = func(s store.Supplier) (supplier.Supplier, error) {
		if f := b.fakes[s.Name]; f != nil {
			return f, nil
		}
		return nil, fmt.Errorf("no fake %s", s.Name)
	}
	b.router = route.New(db, opts)
	svc, err := core.New(ctx, db, core.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Router: b.router})
	if err != nil {
		t.Fatal(err)
	}
	b.svc = svc
	if err := svc.SaveCatalog(ctx, []catalog.Product{{Code: "game", Name: "Game", Active: true}},
		[]catalog.Variant{{ProductCode: "game", Code: "V1", Name: "V1", Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": price}}}); err != nil {
		t.Fatal(err)
	}
	for i, f := range fakes {
		// Registered as a BASSTORE upstream (Connect hands out the fake whatever the kind); the
		// simulator kind would also catch unmapped variants.
		if _, err := svc.AddSupplier(ctx, core.NewSupplier{Name: f.name, Kind: store.KindBasstore, BaseURL: "http://" + f.name + ".invalid", Token: "t"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SyncCatalog(ctx, f.name, []supplier.Item{{Code: "SKU-" + f.name, Name: "V1 at " + f.name, Cost: cost, Active: true}}, nil); err != nil {
			t.Fatal(err)
		}
		if err := svc.MapSupplierProduct(ctx, f.name, "SKU-"+f.name, "V1", i); err != nil {
			t.Fatal(err)
		}
	}
	// Syncing repriced V1 from cost; put the price the tests reckon with back.
	if err := svc.SaveCatalog(ctx, nil, []catalog.Variant{{ProductCode: "game", Code: "V1", Name: "V1", Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": price}}}); err != nil {
		t.Fatal(err)
	}
	b.cr, err = svc.CreateReseller(ctx, core.NewReseller{Name: "Shop"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Credit(ctx, b.cr.Reseller.Username, funds, "test"); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_ = svc.RunWorkers(wctx, core.WorkerConfig{Poll: 10 * time.Millisecond, UpstreamTimeout: 300 * time.Millisecond, Lease: 5 * time.Second})
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return b
}

func (b *bundle) place(t *testing.T, ref string) *order.Order {
	t.Helper()
	p, err := b.svc.PlaceOrder(context.Background(), core.PlaceParams{Reseller: b.cr.Reseller, VariantCode: "V1", Reference: ref, Destination: "08123"})
	if err != nil {
		t.Fatal(err)
	}
	return p.Order
}

func (b *bundle) waitFinal(t *testing.T, invoice string) *order.Order {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
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

func (b *bundle) balance(t *testing.T, code string) int64 {
	t.Helper()
	v, err := b.db.Balance(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (b *bundle) supplierAccount(t *testing.T, name string) string {
	t.Helper()
	s, err := b.db.SupplierByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return ledger.SupplierCode(s.ID)
}

// expect checks the money after one order: success means captured and cost booked at the
// supplier named paidTo; failure means refunded with nothing booked.
func (b *bundle) expect(t *testing.T, o *order.Order, want order.Status, paidTo string) {
	t.Helper()
	if o.Status != want {
		t.Fatalf("order %s: %s (%s), want %s", o.Invoice, o.Status, o.Message, want)
	}
	avail, revenue, costs := b.balance(t, ledger.AvailableCode(b.cr.Reseller.ID)), b.balance(t, ledger.RevenueCode), b.balance(t, ledger.CostCode)
	if want == order.Success {
		if avail != funds-price || revenue != price || costs != cost || o.Cost != cost {
			t.Fatalf("after success: available %d revenue %d cost %d order cost %d", avail, revenue, costs, o.Cost)
		}
		if dep := b.balance(t, b.supplierAccount(t, paidTo)); dep != -cost {
			t.Fatalf("deposit at %s: %d, want %d", paidTo, dep, -cost)
		}
	} else if avail != funds || revenue != 0 || costs != 0 {
		t.Fatalf("after failure: available %d revenue %d cost %d", avail, revenue, costs)
	}
	rep, err := b.svc.LedgerCheck(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("ledger check: %v", rep.Discrepancies)
	}
	if held := b.balance(t, ledger.HeldCode(b.cr.Reseller.ID)); held != 0 {
		t.Fatalf("held %d after the order is final", held)
	}
}

func (b *bundle) attempts(t *testing.T, o *order.Order) []store.Attempt {
	t.Helper()
	a, err := b.db.Attempts(context.Background(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// exactlyOnce checks the fake was bought from once, with no reference bought twice.
func exactlyOnce(t *testing.T, f *fake) {
	t.Helper()
	if n, per, _ := f.counts(); n != 1 || per != 1 {
		t.Fatalf("%s: %d purchases (max %d per reference), want exactly 1", f.name, n, per)
	}
}

// sqlite is the backend of the tests that exercise fulfilment logic rather than SQL.
var sqlite = storetest.Backends()[0]

var errReset = errors.New("read tcp: connection reset by peer")

func TestFaults(t *testing.T) {
	t.Parallel()
	pending := func(n int) func(int, supplier.Request) (supplier.Result, error) {
		return func(i int, req supplier.Request) (supplier.Result, error) {
			if i <= n {
				return supplier.Result{State: supplier.Pending, Message: "diproses"}, nil
			}
			return supplier.Result{State: supplier.Success, SN: "SN-late"}, nil
		}
	}
	cases := []struct {
		name     string
		purchase func(context.Context, supplier.Request) (supplier.Result, error)
		status   func(int, supplier.Request) (supplier.Result, error)
		want     order.Status
		polled   bool
	}{
		{name: "timeout after accepted", purchase: func(ctx context.Context, _ supplier.Request) (supplier.Result, error) {
			<-ctx.Done() // accepted upstream, answer never comes back in time
			return supplier.Result{}, fmt.Errorf("%w: %w", supplier.ErrUnknownOutcome, ctx.Err())
		}, want: order.Success, polled: true},
		{name: "500", purchase: func(context.Context, supplier.Request) (supplier.Result, error) {
			return supplier.Result{}, fmt.Errorf("HTTP 500: %w", supplier.ErrUnknownOutcome)
		}, want: order.Success, polled: true},
		{name: "malformed body, not bought", purchase: func(context.Context, supplier.Request) (supplier.Result, error) {
			return supplier.Result{}, fmt.Errorf("decode {\"dat: %w", supplier.ErrUnknownOutcome)
		}, status: func(int, supplier.Request) (supplier.Result, error) {
			return supplier.Result{State: supplier.Failed, Message: "transaksi tidak ditemukan"}, nil
		}, want: order.Failed, polled: true},
		{name: "slow reply", purchase: func(ctx context.Context, req supplier.Request) (supplier.Result, error) {
			time.Sleep(150 * time.Millisecond)
			return supplier.Result{State: supplier.Success, SN: "SN-slow"}, nil
		}, want: order.Success},
		{name: "dropped connection then pending", purchase: func(context.Context, supplier.Request) (supplier.Result, error) {
			return supplier.Result{}, fmt.Errorf("%w: %w", supplier.ErrUnknownOutcome, errReset)
		}, status: pending(2), want: order.Success, polled: true},
		{name: "pending resolves after polls", purchase: func(context.Context, supplier.Request) (supplier.Result, error) {
			return supplier.Result{State: supplier.Pending}, nil
		}, status: pending(3), want: order.Success, polled: true},
		{name: "definite refusal", purchase: func(context.Context, supplier.Request) (supplier.Result, error) {
			return supplier.Result{State: supplier.Failed, Message: "nomor salah"}, nil
		}, want: order.Failed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := &fake{name: "up1", purchase: c.purchase, status: c.status}
			b := setup(t, sqlite, breaker.Config{Failures: 100}, f)
			o := b.waitFinal(t, b.place(t, "r1").Invoice)
			b.expect(t, o, c.want, "up1")
			exactlyOnce(t, f)
			if _, _, st := f.counts(); (st > 0) != c.polled {
				t.Fatalf("%d status polls; polled want %v", st, c.polled)
			}
			at := b.attempts(t, o)
			if len(at) != 1 || at[0].Supplier != "up1" || at[0].SKU != "SKU-up1" || at[0].State != map[order.Status]string{order.Success: "success", order.Failed: "failed"}[c.want] {
				t.Fatalf("attempts %+v", at)
			}
			if c.want == order.Success && o.SN == "" {
				t.Fatal("success without SN")
			}
			// Every upstream answer is kept for support: the order call's and each poll's.
			log, err := b.db.AttemptLog(context.Background(), o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, st := f.counts(); len(log) != 1+st || log[len(log)-1].State != at[0].State {
				t.Fatalf("%d log entries for 1 purchase and %d polls: %+v", len(log), st, log)
			}
		})
	}
}

func TestCallbackBeforeOrderReply(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		release := make(chan struct{})
		var b *bundle
		f := &fake{name: "up1"}
		f.purchase = func(ctx context.Context, req supplier.Request) (supplier.Result, error) {
			// The supplier's callback overtakes its own answer to the order call.
			if err := b.svc.ResolveAttempt(ctx, "up1", req.Reference, supplier.Result{State: supplier.Success, SN: "SN-cb"}); err != nil {
				t.Error(err)
			}
			close(release)
			return supplier.Result{State: supplier.Pending}, nil
		}
		b = setup(t, be, breaker.Config{}, f)
		o := b.waitFinal(t, b.place(t, "r1").Invoice)
		<-release
		b.expect(t, o, order.Success, "up1")
		if o.SN != "SN-cb" {
			t.Fatalf("sn %q", o.SN)
		}
		exactlyOnce(t, f)
		// A repeated callback changes nothing.
		at := b.attempts(t, o)
		if err := b.svc.ResolveAttempt(context.Background(), "up1", at[0].Reference, supplier.Result{State: supplier.Success, SN: "SN-cb"}); err != nil {
			t.Fatal(err)
		}
		if err := b.svc.ResolveAttempt(context.Background(), "up2", at[0].Reference, supplier.Result{State: supplier.Success}); !errors.Is(err, core.ErrUnknownReference) {
			t.Fatalf("callback from the wrong supplier: %v", err)
		}
		time.Sleep(50 * time.Millisecond) // let the worker see the Pending answer out
		b.expect(t, o, order.Success, "up1")
		if jobs, _ := b.db.JobCounts(context.Background()); jobs[store.JobFulfil] != 0 {
			t.Fatalf("jobs left: %v", jobs)
		}
	})
}

func TestFailover(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		up1 := &fake{name: "up1", purchase: func(context.Context, supplier.Request) (supplier.Result, error) {
			return supplier.Result{State: supplier.Failed, Message: "stok kosong"}, nil
		}}
		up2 := &fake{name: "up2"}
		b := setup(t, be, breaker.Config{}, up1, up2)
		o := b.waitFinal(t, b.place(t, "r1").Invoice)
		b.expect(t, o, order.Success, "up2")
		exactlyOnce(t, up1)
		exactlyOnce(t, up2)
		if dep := b.balance(t, b.supplierAccount(t, "up1")); dep != 0 {
			t.Fatalf("refusing supplier charged %d", dep)
		}
		at := b.attempts(t, o)
		if len(at) != 2 || at[0].Supplier != "up1" || at[0].State != "failed" || at[1].Supplier != "up2" || at[1].State != "success" {
			t.Fatalf("attempts %+v", at)
		}
	})
}

func TestUnknownIsNeverFailedOver(t *testing.T) {
	t.Parallel()
	up1 := &fake{name: "up1", purchase: func(context.Context, supplier.Request) (supplier.Result, error) {
		return supplier.Result{}, fmt.Errorf("HTTP 502: %w", supplier.ErrUnknownOutcome)
	}, status: func(n int, _ supplier.Request) (supplier.Result, error) {
		if n < 3 {
			return supplier.Result{}, fmt.Errorf("HTTP 502: %w", supplier.ErrUnknownOutcome)
		}
		return supplier.Result{State: supplier.Success, SN: "SN-1"}, nil
	}}
	up2 := &fake{name: "up2"}
	b := setup(t, sqlite, breaker.Config{Failures: 100}, up1, up2)
	o := b.waitFinal(t, b.place(t, "r1").Invoice)
	b.expect(t, o, order.Success, "up1")
	exactlyOnce(t, up1)
	if n, _, _ := up2.counts(); n != 0 {
		t.Fatalf("unknown outcome at up1 bought again at up2 (%d)", n)
	}
}

func TestBreakerOpensOnDownSupplier(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		up1 := &fake{name: "up1", purchase: func(context.Context, supplier.Request) (supplier.Result, error) {
			return supplier.Result{State: supplier.Failed, Unreachable: true, Message: "connection refused"}, nil
		}}
		up2 := &fake{name: "up2"}
		b := setup(t, be, breaker.Config{Failures: 3, Cooldown: time.Hour}, up1, up2)
		var last *order.Order
		for i := 0; i < 6; i++ {
			last = b.waitFinal(t, b.place(t, fmt.Sprint("r", i)).Invoice)
			if last.Status != order.Success {
				t.Fatalf("order %d: %s %s", i, last.Status, last.Message)
			}
		}
		if n, _, _ := up1.counts(); n != 3 {
			t.Fatalf("down supplier tried %d times, want 3 (then the breaker opens)", n)
		}
		st, err := b.router.Breakers(context.Background())
		if err != nil || st["up1"] != breaker.Open || st["up2"] != breaker.Closed {
			t.Fatalf("breakers %v %v", st, err)
		}
		if at := b.attempts(t, last); len(at) != 1 || at[0].Supplier != "up2" {
			t.Fatalf("order after the breaker opened went to %+v", at)
		}
		rep, _ := b.svc.LedgerCheck(context.Background())
		if !rep.OK() || b.balance(t, ledger.CostCode) != 6*cost || b.balance(t, ledger.RevenueCode) != 6*price {
			t.Fatalf("ledger %v cost %d", rep.Discrepancies, b.balance(t, ledger.CostCode))
		}
	})
}

func TestNoSupplierRegisteredUsesSimulator(t *testing.T) {
	t.Parallel()
	b := setup(t, sqlite, breaker.Config{})
	o := b.waitFinal(t, b.place(t, "r1").Invoice)
	if o.Status != order.Success || o.SN == "" {
		t.Fatalf("%+v", o)
	}
	if at := b.attempts(t, o); len(at) != 1 || at[0].Supplier != "simulator" {
		t.Fatalf("attempts %+v", at)
	}
}

func TestAllSuppliersRefuse(t *testing.T) {
	t.Parallel()
	no := func(context.Context, supplier.Request) (supplier.Result, error) {
		return supplier.Result{State: supplier.Failed, Message: "gangguan"}, nil
	}
	up1, up2 := &fake{name: "up1", purchase: no}, &fake{name: "up2", purchase: no}
	b := setup(t, sqlite, breaker.Config{}, up1, up2)
	o := b.waitFinal(t, b.place(t, "r1").Invoice)
	b.expect(t, o, order.Failed, "")
	exactlyOnce(t, up1)
	exactlyOnce(t, up2)
}

func TestUnmappedVariantGoesToRegisteredSimulator(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, sqlite, breaker.Config{}, &fake{name: "up1"})
	// A variant no supplier product maps to.
	if err := b.svc.SaveCatalog(ctx, nil, []catalog.Variant{{ProductCode: "game", Code: "V2", Name: "V2", Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": price}}}); err != nil {
		t.Fatal(err)
	}
	place := func(ref string) *order.Order {
		p, err := b.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: b.cr.Reseller, VariantCode: "V2", Reference: ref, Destination: "08123"})
		if err != nil {
			t.Fatal(err)
		}
		return b.waitFinal(t, p.Order.Invoice)
	}
	if o := place("u1"); o.Status != order.Failed {
		t.Fatalf("unmapped variant with no simulator registered: %s", o.Status)
	}
	b.fakes["sim"] = &fake{name: "sim"}
	if _, err := b.svc.AddSupplier(ctx, core.NewSupplier{Name: "sim", Kind: store.KindSimulator}); err != nil {
		t.Fatal(err)
	}
	b.router.Invalidate()
	o := place("u2")
	if o.Status != order.Success {
		t.Fatalf("unmapped variant with a simulator registered: %s %s", o.Status, o.Message)
	}
	if at := b.attempts(t, o); len(at) != 1 || at[0].Supplier != "sim" || at[0].SKU != "V2" {
		t.Fatalf("attempts %+v", at)
	}
}
