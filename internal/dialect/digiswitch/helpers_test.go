package digiswitch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"github.com/kios-h2h/kios/internal/demo"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/digiswitch"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/simulator"
)

var update = flag.Bool("update", false, "rewrite golden files")

// clock is the core's clock in tests. It starts in the past so that jobs it schedules are due at
// once for the store's real clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// start is 10:00 in Jakarta on 10 June 2025.
var start = time.Date(2025, 6, 10, 10, 0, 0, 0, catalog.Jakarta)

// testSupplier buys with the simulator on the real clock (its pending window counts from the
// store's timestamps) and looks bills up with one on the test clock (periods follow the test's
// month). billerErr, when set, makes every inquiry fail as a biller that does not answer.
type testSupplier struct {
	*simulator.Simulator
	bills     *simulator.Simulator
	billerErr error

	mu   sync.Mutex
	down map[int64]bool // variants no supplier can take now (gangguan), by id
}

func (s *testSupplier) Inquire(ctx context.Context, req supplier.BillRequest) (supplier.Bill, error) {
	if s.billerErr != nil {
		return supplier.Bill{}, s.billerErr
	}
	return s.bills.Inquire(ctx, req)
}

type router struct{ sup *testSupplier }

func (r router) Candidates(_ context.Context, o *order.Order) ([]core.Candidate, error) {
	return []core.Candidate{{Supplier: r.sup, SKU: o.VariantCode}}, nil
}
func (r router) Supplier(name string) (supplier.Supplier, bool) { return r.sup, name == r.sup.Name() }
func (r router) Testing() supplier.Supplier                     { return r.sup }

// Unavailable implements core.Availability: the variants the test made disrupted.
func (r router) Unavailable(context.Context) (map[int64]bool, error) {
	r.sup.mu.Lock()
	defer r.sup.mu.Unlock()
	return r.sup.down, nil
}

type bundle struct {
	t     testing.TB
	db    *store.DB
	svc   *core.Service
	clock *clock
	cr    core.Credentials
	srv   *httptest.Server
	sup   *testSupplier
}

type setupOpts struct {
	backend  *storetest.Backend
	handler  digiswitch.Options
	noCredit bool
}

func setup(t testing.TB, o setupOpts) *bundle {
	t.Helper()
	ctx := context.Background()
	be := storetest.Backends()[0]
	if o.backend != nil {
		be = *o.backend
	}
	db := be.Open(t)
	clk := &clock{t: start}
	sup := &testSupplier{Simulator: simulator.New(0), bills: &simulator.Simulator{Now: clk.Now}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := core.New(ctx, db, core.Config{Now: clk.Now, Logger: log, Router: router{sup}})
	if err != nil {
		t.Fatal(err)
	}
	products := []catalog.Product{{Code: "TELKOMSEL", Name: "Telkomsel", Category: "Pulsa", Brand: "TELKOMSEL", Active: true}}
	pv := func(code, name string, price int64, mod func(*catalog.Variant)) catalog.Variant {
		v := catalog.Variant{ProductCode: "TELKOMSEL", Code: code, Name: name, Kind: catalog.Prepaid, Type: "Umum", Active: true,
			UnlimitedStock: true, Multi: true, Description: "Pulsa " + name, Prices: map[string]int64{catalog.DefaultTier: price}}
		if mod != nil {
			mod(&v)
		}
		return v
	}
	variants := []catalog.Variant{
		pv("s5", "Telkomsel 5rb", 5005, nil),
		pv("s50", "Telkomsel 50rb", 49030, func(v *catalog.Variant) { v.UnlimitedStock, v.Stock, v.Multi = false, 1, false }),
		pv("s10", "Telkomsel 10rb", 10010, func(v *catalog.Variant) { v.CutoffStart, v.CutoffEnd = 9*60+30, 10*60+15 }),
		pv("s100", "Telkomsel 100rb", 98000, func(v *catalog.Variant) { v.Active = false }),
		pv("sgold", "Telkomsel Gold", 1000, func(v *catalog.Variant) { v.Prices = map[string]int64{"gold": 900} }),
	}
	pp, pvs := demo.Postpaid()
	if err := svc.SaveCatalog(ctx, append(products, pp...), append(variants, pvs...)); err != nil {
		t.Fatal(err)
	}
	cr, err := svc.CreateReseller(ctx, core.NewReseller{Username: "tokobudi", Name: "Toko Budi"})
	if err != nil {
		t.Fatal(err)
	}
	if !o.noCredit {
		if _, err := svc.Credit(ctx, "tokobudi", 1_000_000, "test"); err != nil {
			t.Fatal(err)
		}
	}
	opts := o.handler
	if opts.PriceListEvery == 0 {
		opts.PriceListEvery = -1
	}
	if opts.Logger == nil {
		opts.Logger = log
	}
	srv := httptest.NewServer(digiswitch.New(svc, opts))
	t.Cleanup(srv.Close)
	return &bundle{t: t, db: db, svc: svc, clock: clk, cr: cr, srv: srv, sup: sup}
}

// run starts the fulfilment workers until the test ends.
func (b *bundle) run() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = b.svc.RunWorkers(ctx, core.WorkerConfig{Poll: 10 * time.Millisecond}); close(done) }()
	b.t.Cleanup(func() { cancel(); <-done })
}

// waitFinal waits until the reseller's order under ref is final.
func (b *bundle) waitFinal(ref string) *order.Order {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		o, err := b.svc.OrderByReference(context.Background(), b.cr.Reseller.ID, ref)
		if err != nil {
			b.t.Fatal(err)
		}
		if o.Status.Final() {
			return o
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.t.Fatalf("order %s not final in time", ref)
	return nil
}

func (b *bundle) user() string { return b.cr.Reseller.Username }

func (b *bundle) sign(suffix string) string { return ds.Sign(b.user(), b.cr.APIKey, suffix) }

// post sends body (marshalled unless it is a string or []byte) and returns the status and raw answer.
func (b *bundle) post(path string, body any) (int, []byte) {
	b.t.Helper()
	var raw []byte
	switch v := body.(type) {
	case string:
		raw = []byte(v)
	case []byte:
		raw = v
	default:
		var err error
		if raw, err = json.Marshal(v); err != nil {
			b.t.Fatal(err)
		}
	}
	resp, err := http.Post(b.srv.URL+path, "application/json", bytes.NewReader(raw))
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp.StatusCode, out
}

// data returns the answer's data object as a map, failing unless the status is 200.
func (b *bundle) data(path string, body any) map[string]any {
	b.t.Helper()
	status, raw := b.post(path, body)
	if status != http.StatusOK {
		b.t.Fatalf("%s: HTTP %d: %s", path, status, raw)
	}
	var env struct {
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		b.t.Fatalf("%s: %v: %s", path, err, raw)
	}
	return env.Data
}

// wantRC posts body and checks the answer's rc.
func (b *bundle) wantRC(path string, body any, rc string) map[string]any {
	b.t.Helper()
	d := b.data(path, body)
	if d["rc"] != rc {
		b.t.Fatalf("%s: rc %v, want %s: %v", path, d["rc"], rc, d)
	}
	if d["status"] != ds.StatusOf(rc) {
		b.t.Fatalf("%s: status %v, want %s", path, d["status"], ds.StatusOf(rc))
	}
	return d
}

func (b *bundle) balance() int64 {
	b.t.Helper()
	bal, err := b.svc.Balance(context.Background(), b.cr.Reseller.ID)
	if err != nil {
		b.t.Fatal(err)
	}
	return bal
}

func (b *bundle) checkLedger() {
	b.t.Helper()
	rep, err := b.svc.LedgerCheck(context.Background())
	if err != nil {
		b.t.Fatal(err)
	}
	if !rep.OK() {
		b.t.Fatalf("ledger check: %v", rep.Discrepancies)
	}
}

func (b *bundle) orders() int {
	b.t.Helper()
	os, err := b.svc.Orders(context.Background(), store.OrderFilter{Limit: 1000})
	if err != nil {
		b.t.Fatal(err)
	}
	return len(os)
}

// trx builds a signed transaction request.
func (b *bundle) trx(command, code, customer, ref string) ds.TransactionRequest {
	return ds.TransactionRequest{Username: b.user(), Command: command, Code: code, CustomerNo: customer, RefID: ref, Sign: b.sign(ref)}
}

var (
	snRE    = regexp.MustCompile(`"sn":\s*"[^"]+"`)
	notesRE = regexp.MustCompile(`"notes":\s*"DEP-[0-9A-Z]{8}"`)
)

// golden compares an answer with testdata/golden/name.json after normalizing its random parts
// (serial numbers, ticket codes) and indenting it.
func golden(t *testing.T, name string, raw []byte) {
	t.Helper()
	norm := snRE.ReplaceAll(raw, []byte(`"sn":"<sn>"`))
	norm = notesRE.ReplaceAll(norm, []byte(`"notes":"<ticket>"`))
	var buf bytes.Buffer
	if err := json.Indent(&buf, norm, "", "  "); err != nil {
		t.Fatalf("%s: %v: %s", name, err, raw)
	}
	buf.WriteByte('\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s: no golden file; run go test -update", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Errorf("%s differs:\n--- want\n%s\n--- got\n%s", path, want, buf.Bytes())
	}
}

// guard returns a rate-limiting guard for tests that need one.
func guard(rate float64, burst int) *access.Guard {
	return access.New(access.Policy{Rate: rate, Burst: burst})
}
