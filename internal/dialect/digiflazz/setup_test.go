package digiflazz_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect"
	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
	"github.com/kios-h2h/kios/internal/kiostest"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// fixture is the test kit (see internal/kiostest) with the dialect's handler alone on its server
// at 127.0.0.1, a small catalog and a funded reseller, and the wire's client.
type fixture struct {
	*kiostest.Kit
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

func setup(t testing.TB, opts digiflazz.Options) *fixture {
	t.Helper()
	return setupOn(t, storetest.Backends()[0], opts)
}

func setupOn(t testing.TB, b storetest.Backend, opts digiflazz.Options) *fixture {
	t.Helper()
	return setupRouter(t, b, simroute.New(0), opts)
}

func setupRouter(t testing.TB, b storetest.Backend, router core.Router, opts digiflazz.Options) *fixture {
	t.Helper()
	products, variants, win := fixtureCatalogWindows(time.Now())
	if opts.FullPriceListEvery == 0 {
		opts.FullPriceListEvery = -1
	}
	k := kiostest.Setup(t, kiostest.Options{Backend: &b, Router: router, Products: products, Variants: variants,
		Username: "buyer1", Name: "Buyer One", Balance: startBalance,
		Handler: func(svc *core.Service, env dialect.Env) http.Handler {
			if opts.Guard == nil {
				opts.Guard = env.Guard
			}
			if opts.Logger == nil {
				opts.Logger = env.Logger
			}
			return digiflazz.New(svc, opts)
		}})
	return &fixture{Kit: k, start: startBalance, win: win,
		client: wire.New(k.Server.URL+"/v1", k.Reseller.Reseller.Username, k.Reseller.APIKey)}
}

// runWorkers fulfils orders, four at a time, until the test ends.
func (f *fixture) runWorkers(*testing.T) {
	f.RunWith(core.WorkerConfig{Poll: 10 * time.Millisecond, Workers: 4})
}

// post sends body to path and returns the HTTP status and the raw answer.
func (f *fixture) post(t *testing.T, path string, body any) (int, string) {
	t.Helper()
	status, out, h := f.Post(t, path, body)
	if ct := h.Get("Content-Type"); status < 500 && ct != "application/json" && status != http.StatusMethodNotAllowed && status != http.StatusNotFound {
		t.Errorf("%s: Content-Type %q", path, ct)
	}
	return status, string(out)
}

// sign signs for the fixture's reseller.
func (f *fixture) sign(suffix string) string {
	return wire.Sign(f.Reseller.Reseller.Username, f.Reseller.APIKey, suffix)
}

// tx is a prepaid transaction request of the fixture's reseller.
func (f *fixture) tx(sku, customer, ref string) map[string]any {
	return map[string]any{"username": f.Reseller.Reseller.Username, "buyer_sku_code": sku, "customer_no": customer,
		"ref_id": ref, "sign": f.sign(ref)}
}

func (f *fixture) orders(t *testing.T) []order.Order {
	t.Helper()
	os, err := f.Svc.Orders(context.Background(), store.OrderFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return os
}
