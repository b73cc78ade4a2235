// Package kiostest is one test kit for Kios: Setup(t, opts) returns a fresh bundle of fixtures, a
// store (SQLite; Each runs a test on PostgreSQL too when KIOS_TEST_PG is set), the core over it
// with the built-in simulator as supplier, an HTTP server speaking every registered dialect at
// its routes (as `kios serve` mounts them), a small catalog and a funded reseller with its keys.
//
// Tests wait on signals from the core instead of polling: the kit hands the core a Final hook
// (core.Config.Final), and WaitFinal returns as soon as the core has committed an order's final
// state.
package kiostest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect"
	"github.com/kios-h2h/kios/internal/dialect/registry"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// Options shape a kit; the zero value is SQLite, the simulator, Catalog() and a reseller
// "tokobudi" with Balance rupiah.
type Options struct {
	// Backend is the store; nil means SQLite (storetest.Backends()[0]). Each sets it.
	Backend *storetest.Backend
	// Router picks suppliers; nil means the built-in simulator (simroute.New(0)).
	Router core.Router
	// NewRouter, when set, builds the router over the kit's store (the registry's router,
	// route.New), in place of Router.
	NewRouter func(db *store.DB) core.Router
	// Now is the core's clock; nil means time.Now.
	Now func() time.Time
	// Products and Variants replace Catalog()'s when Variants is set.
	Products []catalog.Product
	Variants []catalog.Variant
	// Username is the reseller's; "" means "tokobudi".
	Username string
	// Name is the reseller's; "" means "Toko Budi".
	Name string
	// Reseller, when set, is the kit reseller as created, in place of Username and Name.
	Reseller *core.NewReseller
	// CheckID is the core's game-ID checker (core.Config.CheckID).
	CheckID core.IDChecker
	// Balance credits the reseller; 0 means Balance, negative leaves it at 0.
	Balance int64
	// MaxBody caps a request's body in the dialects; 0 means each dialect's default.
	MaxBody int64
	// Guard is the dialects' access guard; nil means one with the default policy.
	Guard *access.Guard
	// Logger is the core's and the dialects'; nil means Quiet().
	Logger *slog.Logger
	// PriceListEvery is how often a reseller may fetch a full price list where a dialect limits
	// it; 0 turns the limit off, so that tests fetch lists freely.
	PriceListEvery time.Duration
	// Handler, when set, is the one handler the kit's server serves (given the kit's core and
	// the Env the registry would mount with), in place of every registered dialect: for a
	// dialect's own tests of options its registration does not take.
	Handler func(svc *core.Service, env dialect.Env) http.Handler
}

// Balance is a kit reseller's starting balance unless Options.Balance says otherwise.
const Balance = 1_000_000

// Kit is one test's Kios.
type Kit struct {
	T        testing.TB
	DB       *store.DB
	Svc      *core.Service
	Registry *dialect.Registry
	// Server serves every registered dialect at its routes.
	Server *httptest.Server
	// Reseller is the funded reseller, with its token and API key.
	Reseller core.Credentials

	mu      sync.Mutex
	final   map[string]order.Status
	waiters map[string][]chan struct{}
}

// Quiet is a logger that drops everything.
func Quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// Setup builds a kit; everything it starts ends with the test.
func Setup(t testing.TB, o Options) *Kit {
	t.Helper()
	ctx := context.Background()
	be := storetest.Backends()[0]
	if o.Backend != nil {
		be = *o.Backend
	}
	k := &Kit{T: t, DB: be.Open(t), Registry: registry.Default(), final: map[string]order.Status{}, waiters: map[string][]chan struct{}{}}
	log := o.Logger
	if log == nil {
		log = Quiet()
	}
	router := o.Router
	if o.NewRouter != nil {
		router = o.NewRouter(k.DB)
	}
	if router == nil {
		router = simroute.New(0)
	}
	svc, err := core.New(ctx, k.DB, core.Config{Logger: log, Router: router, Now: o.Now, CheckID: o.CheckID, Final: k.told})
	if err != nil {
		t.Fatal(err)
	}
	k.Svc = svc
	products, variants := o.Products, o.Variants
	if variants == nil {
		products, variants = Catalog()
	}
	if err := svc.SaveCatalog(ctx, products, variants); err != nil {
		t.Fatal(err)
	}
	username := o.Username
	if username == "" {
		username = "tokobudi"
	}
	name := o.Name
	if name == "" {
		name = "Toko Budi"
	}
	nr := core.NewReseller{Username: username, Name: name}
	if o.Reseller != nil {
		nr = *o.Reseller
	}
	if k.Reseller, err = svc.CreateReseller(ctx, nr); err != nil {
		t.Fatal(err)
	}
	balance := o.Balance
	if balance == 0 {
		balance = Balance
	}
	if balance > 0 {
		if _, err := svc.Credit(ctx, k.Reseller.Reseller.Username, balance, "kiostest"); err != nil {
			t.Fatal(err)
		}
	}
	guard := o.Guard
	if guard == nil {
		guard = access.New(access.Policy{})
	}
	every := o.PriceListEvery
	if every == 0 {
		every = -1
	}
	env := dialect.Env{Guard: guard, Logger: log, MaxBody: o.MaxBody, PriceListEvery: every}
	if o.Handler != nil {
		k.Server = httptest.NewServer(o.Handler(svc, env))
	} else {
		mux := http.NewServeMux()
		k.Registry.Mount(mux, svc, env, nil)
		k.Server = httptest.NewServer(mux)
	}
	t.Cleanup(k.Server.Close)
	return k
}

// Each runs fn on a kit over each backend: SQLite, and PostgreSQL when KIOS_TEST_PG is set.
func Each(t *testing.T, o Options, fn func(t *testing.T, k *Kit)) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		o := o
		o.Backend = &b
		fn(t, Setup(t, o))
	})
}

// Catalog is the kit's catalog: Telkomsel pulsa s5 (unlimited, multi), s10 (limited stock of 3,
// once a day per number) and s100 (inactive), at the default tier.
func Catalog() ([]catalog.Product, []catalog.Variant) {
	v := func(code, name string, price int64) catalog.Variant {
		return catalog.Variant{ProductCode: "telkomsel", Code: code, Name: name, Kind: catalog.Prepaid, Type: "Umum", Active: true,
			UnlimitedStock: true, Multi: true, Description: "Pulsa Telkomsel " + name, Prices: map[string]int64{catalog.DefaultTier: price}}
	}
	s10, s100 := v("s10", "10.000", 10010), v("s100", "100.000", 98000)
	s10.UnlimitedStock, s10.Stock, s10.Multi = false, 3, false
	s100.Active = false
	return []catalog.Product{{Code: "telkomsel", Name: "Telkomsel", Category: "Pulsa", Brand: "TELKOMSEL", Active: true}},
		[]catalog.Variant{v("s5", "5.000", 5005), s10, s100}
}

// OrderCount is how many orders the store holds, of any status; t is the (sub)test asking.
func (k *Kit) OrderCount(t testing.TB) int64 {
	t.Helper()
	counts, err := k.DB.OrderCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, c := range counts {
		n += c
	}
	return n
}

// Run works the fulfilment queue until the test ends.
func (k *Kit) Run() { k.RunWith(core.WorkerConfig{Poll: 10 * time.Millisecond}) }

// RunWith works the fulfilment queue with cfg's workers until the test ends.
func (k *Kit) RunWith(cfg core.WorkerConfig) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = k.Svc.RunWorkers(ctx, cfg); close(done) }()
	k.T.Cleanup(func() { cancel(); <-done })
}

// told is the core's Final hook: it records the order's final status and wakes its waiters.
func (k *Kit) told(invoice string, status order.Status) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.final[invoice] = status
	for _, ch := range k.waiters[invoice] {
		close(ch)
	}
	delete(k.waiters, invoice)
}

// Final is the final status the core signalled for invoice, if it did.
func (k *Kit) Final(invoice string) (order.Status, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	st, ok := k.final[invoice]
	return st, ok
}

// WaitFinal waits for the core's signal that invoice is final and returns its status. It fails
// the test if none comes before the test's deadline (or within a minute without one): a hang
// guard, not a timing assertion.
func (k *Kit) WaitFinal(invoice string) order.Status {
	k.T.Helper()
	return k.wait(k.T, invoice)
}

// WaitOrder waits until the kit reseller's order under ref is final (by the core's signal, as
// WaitFinal) and returns it as the store holds it then; t is the (sub)test asking.
func (k *Kit) WaitOrder(t testing.TB, ref string) *order.Order {
	t.Helper()
	o, err := k.Svc.OrderByReference(context.Background(), k.Reseller.Reseller.ID, ref)
	if err != nil {
		t.Fatal(err)
	}
	return k.settled(t, o)
}

// WaitInvoice waits until a reseller's order invoice is final and returns it, as WaitOrder.
func (k *Kit) WaitInvoice(t testing.TB, resellerID int64, invoice string) *order.Order {
	t.Helper()
	o, err := k.Svc.Order(context.Background(), resellerID, invoice)
	if err != nil {
		t.Fatal(err)
	}
	return k.settled(t, o)
}

// settled waits for o's final signal, unless the store already showed it final, and reads it
// again: the signal comes after the commit, so the store shows the final state.
func (k *Kit) settled(t testing.TB, o *order.Order) *order.Order {
	t.Helper()
	if o.Status.Final() {
		return o
	}
	k.wait(t, o.Invoice)
	o, err := k.Svc.Order(context.Background(), o.ResellerID, o.Invoice)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Status.Final() {
		t.Fatalf("order %s signalled final, the store shows %s", o.Invoice, o.Status)
	}
	return o
}

func (k *Kit) wait(t testing.TB, invoice string) order.Status {
	t.Helper()
	k.mu.Lock()
	if st, ok := k.final[invoice]; ok {
		k.mu.Unlock()
		return st
	}
	ch := make(chan struct{})
	k.waiters[invoice] = append(k.waiters[invoice], ch)
	k.mu.Unlock()
	guard := time.Minute
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, set := d.Deadline(); set {
			guard = time.Until(dl) - time.Second
		}
	}
	select {
	case <-ch:
		st, _ := k.Final(invoice)
		return st
	case <-time.After(guard):
		t.Fatalf("order %s: no final state signalled", invoice)
		return ""
	}
}

// Balance is the kit reseller's available balance.
func (k *Kit) Balance(t testing.TB) int64 {
	t.Helper()
	b, err := k.Svc.Balance(context.Background(), k.Reseller.Reseller.ID)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// CheckLedger fails t unless the ledger's invariants hold.
func (k *Kit) CheckLedger(t testing.TB) {
	t.Helper()
	rep, err := k.Svc.LedgerCheck(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("ledger check: %v", rep.Discrepancies)
	}
}

// Post sends body to the kit's server at path as JSON (marshalled unless it is a string or
// []byte) and returns the HTTP status, the answer and its headers.
func (k *Kit) Post(t testing.TB, path string, body any) (int, []byte, http.Header) {
	t.Helper()
	var raw []byte
	switch v := body.(type) {
	case string:
		raw = []byte(v)
	case []byte:
		raw = v
	default:
		var err error
		if raw, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.Post(k.Server.URL+path, "application/json", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out, resp.Header
}

// Clock is a test clock that moves only when told (Add); Now is the core's clock for it.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
