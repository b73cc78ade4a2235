package digiflazz_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// fixture is a Kios core with a small catalog, a funded reseller and the dialect's handler on
// an httptest server at 127.0.0.1.
type fixture struct {
	db     *store.DB
	svc    *core.Service
	srv    *httptest.Server
	cr     core.Credentials
	client *wire.Client
	start  int64     // the reseller's balance at setup
	win    [4]string // cut-off windows: s20 start, end (around now), s50 start, end (far from now)
}

const startBalance = 100000

// Catalog of the fixture. The cut-off window of s20 is around the time of the test.
// fixtureCatalogWindows returns the catalog and the cut-off windows of s20 and s50, as the price
// list shows them.
func fixtureCatalogWindows(now time.Time) ([]catalog.Product, []catalog.Variant, [4]string) {
	j := now.In(catalog.Jakarta)
	mins := j.Hour()*60 + j.Minute()
	cutStart, cutEnd := catalog.Clock((mins+1440-60)%1440), catalog.Clock((mins+60)%1440)
	// s50's window is far from now, so it never applies during a test.
	farStart, farEnd := catalog.Clock((mins+360)%1440), catalog.Clock((mins+390)%1440)
	products := []catalog.Product{
		{Code: "telkomsel", Name: "Telkomsel", Category: "Pulsa", Brand: "TELKOMSEL", Active: true},
		{Code: "mobile-legends", Name: "Mobile Legends", Category: "Games", Brand: "MOBILE LEGENDS", Active: true},
		{Code: "PLN", Name: "PLN Pascabayar", Category: "Pascabayar", Brand: "PLN", Active: true},
	}
	variants := []catalog.Variant{
		{ProductCode: "telkomsel", Code: "s5", Name: "5.000", Type: "Umum", Description: "Pulsa Telkomsel Rp 5.000",
			Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": 5005}},
		{ProductCode: "telkomsel", Code: "s50", Name: "50.000", Type: "Umum", Description: "Pulsa Telkomsel Rp 50.000",
			Active: true, UnlimitedStock: false, Stock: 3, Multi: false, CutoffStart: farStart, CutoffEnd: farEnd,
			Prices: map[string]int64{"default": 49030}},
		{ProductCode: "telkomsel", Code: "s20", Name: "20.000", Type: "Umum", Description: "Pulsa Telkomsel Rp 20.000",
			Active: true, UnlimitedStock: true, Multi: true, CutoffStart: cutStart, CutoffEnd: cutEnd, Prices: map[string]int64{"default": 20100}},
		{ProductCode: "telkomsel", Code: "s1off", Name: "1.000", Type: "Umum", Description: "Pulsa Telkomsel Rp 1.000",
			Active: false, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": 1500}},
		{ProductCode: "mobile-legends", Code: "ml5", Name: "5 Diamonds", Type: "Umum", Description: "Masukkan User ID dan Zone ID",
			Active: true, UnlimitedStock: false, Stock: 1, Multi: true, Prices: map[string]int64{"default": 1389}},
		{ProductCode: "mobile-legends", Code: "mlgold", Name: "Gold only", Type: "Membership",
			Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"gold": 100}},
		{ProductCode: "PLN", Code: "pln", Name: "", Kind: catalog.Postpaid, Description: "-",
			Active: true, UnlimitedStock: true, Multi: true, Admin: 2500, Commission: 100},
	}
	return products, variants, [4]string{cutStart.String(), cutEnd.String(), farStart.String(), farEnd.String()}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func setup(t testing.TB, opts digiflazz.Options) *fixture {
	t.Helper()
	return setupOn(t, storetest.Backends()[0], opts)
}

func setupOn(t testing.TB, b storetest.Backend, opts digiflazz.Options) *fixture {
	t.Helper()
	return setupRouter(t, b, core.SimulatorRouter(0), opts)
}

func setupRouter(t testing.TB, b storetest.Backend, router core.Router, opts digiflazz.Options) *fixture {
	t.Helper()
	ctx := context.Background()
	db := b.Open(t)
	svc, err := core.New(ctx, db, core.Config{Logger: quiet(), Router: router})
	if err != nil {
		t.Fatal(err)
	}
	products, variants, win := fixtureCatalogWindows(time.Now())
	if err := svc.SaveCatalog(ctx, products, variants); err != nil {
		t.Fatal(err)
	}
	cr, err := svc.CreateReseller(ctx, core.NewReseller{Username: "buyer1", Name: "Buyer One"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Credit(ctx, cr.Reseller.Username, startBalance, "test"); err != nil {
		t.Fatal(err)
	}
	if opts.Logger == nil {
		opts.Logger = quiet()
	}
	if opts.FullPriceListEvery == 0 {
		opts.FullPriceListEvery = -1
	}
	srv := httptest.NewServer(digiflazz.New(svc, opts))
	t.Cleanup(srv.Close)
	return &fixture{db: db, svc: svc, srv: srv, cr: cr, start: startBalance, win: win,
		client: wire.New(srv.URL+"/v1", cr.Reseller.Username, cr.APIKey)}
}

// runWorkers fulfils orders until the test ends.
func (f *fixture) runWorkers(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_ = f.svc.RunWorkers(ctx, core.WorkerConfig{Poll: 10 * time.Millisecond, Workers: 4})
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
}

// post sends body to path and returns the HTTP status and the raw answer.
func (f *fixture) post(t *testing.T, path string, body any) (int, string) {
	t.Helper()
	var raw []byte
	switch b := body.(type) {
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.Post(f.srv.URL+path, "application/json", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode < 500 && ct != "application/json" && resp.StatusCode != http.StatusMethodNotAllowed && resp.StatusCode != http.StatusNotFound {
		t.Errorf("%s: Content-Type %q", path, ct)
	}
	return resp.StatusCode, string(out)
}

// sign signs for the fixture's reseller.
func (f *fixture) sign(suffix string) string {
	return wire.Sign(f.cr.Reseller.Username, f.cr.APIKey, suffix)
}

// tx is a prepaid transaction request of the fixture's reseller.
func (f *fixture) tx(sku, customer, ref string) map[string]any {
	return map[string]any{"username": f.cr.Reseller.Username, "buyer_sku_code": sku, "customer_no": customer,
		"ref_id": ref, "sign": f.sign(ref)}
}

func (f *fixture) balance(t *testing.T) int64 {
	t.Helper()
	b, err := f.svc.Balance(context.Background(), f.cr.Reseller.ID)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (f *fixture) orders(t *testing.T) []order.Order {
	t.Helper()
	os, err := f.svc.Orders(context.Background(), store.OrderFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return os
}

func (f *fixture) checkLedger(t *testing.T) {
	t.Helper()
	rep, err := f.svc.LedgerCheck(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("ledger check: %v", rep.Discrepancies)
	}
}

// waitFinal waits for an order to leave Pending.
func (f *fixture) waitFinal(t *testing.T, ref string) *order.Order {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		o, err := f.svc.OrderByReference(context.Background(), f.cr.Reseller.ID, ref)
		if err != nil {
			t.Fatal(err)
		}
		if o.Status.Final() {
			return o
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("order %s not final in time", ref)
	return nil
}

// restrictedReseller creates a funded reseller whose allowlist excludes 127.0.0.1.
func (f *fixture) restrictedReseller(t *testing.T) core.Credentials {
	t.Helper()
	cr, err := f.svc.CreateReseller(context.Background(), core.NewReseller{Username: "faraway", Name: "Far Away",
		AllowIPs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	if err != nil {
		t.Fatal(err)
	}
	return cr
}

func guardWithRate(r float64, burst int) *access.Guard {
	return access.New(access.Policy{Rate: r, Burst: burst})
}

func core_NewReseller(username string) core.NewReseller {
	return core.NewReseller{Username: username, Name: username}
}
