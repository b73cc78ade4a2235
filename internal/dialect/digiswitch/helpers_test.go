package digiswitch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/demo"
	"github.com/kios-h2h/kios/internal/dialect/digiswitch"
	"github.com/kios-h2h/kios/internal/kiostest"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/simulator"
)

var update = flag.Bool("update", false, "rewrite golden files")

// start is 10:00 in Jakarta on 10 June 2025. The core's clock stands there (moved by the tests
// that need it); being in the past, jobs it schedules are due at once for the store's real clock.
var start = time.Date(2025, 6, 10, 10, 0, 0, 0, catalog.Jakarta)

// testSupplier buys with the simulator on the real clock (its pending window counts from the
// store's timestamps) and looks bills up with one on the test clock (periods follow the test's
// month). billerErr, when set, makes every inquiry fail as a biller that does not answer.
type testSupplier struct {
	*simulator.Simulator
	bills     *simulator.Simulator
	billerErr error
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
func (r router) Supplier(_ context.Context, name string) (supplier.Supplier, bool) {
	return r.sup, name == r.sup.Name()
}
func (r router) Testing() supplier.Supplier { return r.sup }

// bundle is the test kit with digiswitch's supplier and clock, and the wire's helpers.
type bundle struct {
	*kiostest.Kit
	clock *kiostest.Clock
	sup   *testSupplier
}

type setupOpts struct {
	backend  *storetest.Backend
	handler  digiswitch.Options
	noCredit bool
}

// catalog is the kit's Telkomsel pulsa with a cut-off (s10, 09:30 to 10:15), a stock of one
// (s50) and a tier-only price (sgold), and the demo's postpaid products.
func testCatalog() ([]catalog.Product, []catalog.Variant) {
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
	return append(products, pp...), append(variants, pvs...)
}

// setup is a kit (see internal/kiostest) on the test clock, with the test supplier and catalog;
// the handler options are the kit's (Guard, PriceListEvery), digiswitch's answers are at
// b.Server.URL.
func setup(t testing.TB, o setupOpts) *bundle {
	t.Helper()
	clk := kiostest.NewClock(start)
	sup := &testSupplier{Simulator: simulator.New(0), bills: &simulator.Simulator{Now: clk.Now}}
	products, variants := testCatalog()
	ko := kiostest.Options{Backend: o.backend, Router: router{sup}, Now: clk.Now, Products: products, Variants: variants,
		Guard: o.handler.Guard, Logger: o.handler.Logger, MaxBody: o.handler.MaxBody, PriceListEvery: o.handler.PriceListEvery}
	if o.noCredit {
		ko.Balance = -1
	}
	return &bundle{Kit: kiostest.Setup(t, ko), clock: clk, sup: sup}
}

func (b *bundle) user() string { return b.Reseller.Reseller.Username }

func (b *bundle) sign(suffix string) string { return ds.Sign(b.user(), b.Reseller.APIKey, suffix) }

// post sends body (marshalled unless it is a string or []byte) and returns the status and raw answer.
func (b *bundle) post(path string, body any) (int, []byte) {
	b.T.Helper()
	status, raw, _ := b.Post(b.T, path, body)
	return status, raw
}

// data returns the answer's data object as a map, failing unless the status is 200.
func (b *bundle) data(path string, body any) map[string]any {
	b.T.Helper()
	status, raw := b.post(path, body)
	if status != http.StatusOK {
		b.T.Fatalf("%s: HTTP %d: %s", path, status, raw)
	}
	var env struct {
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		b.T.Fatalf("%s: %v: %s", path, err, raw)
	}
	return env.Data
}

// wantRC posts body and checks the answer's rc.
func (b *bundle) wantRC(path string, body any, rc string) map[string]any {
	b.T.Helper()
	d := b.data(path, body)
	if d["rc"] != rc {
		b.T.Fatalf("%s: rc %v, want %s: %v", path, d["rc"], rc, d)
	}
	if d["status"] != ds.StatusOf(rc) {
		b.T.Fatalf("%s: status %v, want %s", path, d["status"], ds.StatusOf(rc))
	}
	return d
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
