package web_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/upstream/breaker"
	"github.com/kios-h2h/kios/internal/upstream/health"
	"github.com/kios-h2h/kios/internal/web"
)

// fakeHealth is a router's view of its suppliers.
type fakeHealth struct {
	states map[string]breaker.State
	win    *health.Window
	skus   []core.SKUStats
}

func (f *fakeHealth) Breakers(context.Context) (map[string]breaker.State, error) {
	return f.states, nil
}
func (f *fakeHealth) Window() *health.Window { return f.win }
func (f *fakeHealth) Invalidate()            {}
func (f *fakeHealth) Stats(name string) []core.SKUStats {
	var out []core.SKUStats
	for _, s := range f.skus {
		if s.Supplier == name {
			out = append(out, s)
		}
	}
	return out
}

// A supplier registered as `kios supplier add` does appears on the API, the suppliers page and
// the overview with its standing and calls; the built-in simulator too; secrets never.
func TestSuppliersFromRegistry(t *testing.T) {
	fh := &fakeHealth{states: map[string]breaker.State{"hulu": breaker.Open}, win: health.New(0, 0, nil)}
	e := setup(t, web.Options{Health: fh})
	ctx := context.Background()
	if _, err := e.svc.AddSupplier(ctx, core.NewSupplier{Name: "hulu", Kind: store.KindDigiswitch, BaseURL: "http://127.0.0.1:9/",
		Username: "kios", APIKey: "sekret-api-key", CallbackSecret: "sekret-cb"}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SetSupplierBalance(ctx, "hulu", 750000); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Batch(ctx, func(tx *store.Tx) error {
		sup, err := tx.SupplierByName(ctx, "hulu")
		if err != nil {
			return err
		}
		if _, err := tx.SupplierProductUpsert(ctx, &store.SupplierProduct{SupplierID: sup.ID, Code: "ML5", Cost: 1200, Active: true}); err != nil {
			return err
		}
		v, err := tx.VariantByCode(ctx, "MLBB_ID_5")
		if err != nil {
			return err
		}
		return tx.SupplierProductMap(ctx, sup.ID, "ML5", v.ID, 3)
	}); err != nil {
		t.Fatal(err)
	}
	rate := 0.4
	fh.skus = []core.SKUStats{{Supplier: "hulu", SKU: "ML5", Outcomes: 10, Success: 4, Failed: 6, SuccessRate: &rate, P50Millis: 1200,
		Standing: core.StandingDemoted, DemotedUntil: time.Date(2026, 12, 6, 3, 5, 0, 0, time.UTC), LastFailure: "stok kosong"}}
	fh.win.Record(health.Call{Supplier: "hulu", Op: "purchase", State: supplier.Success})
	fh.win.Record(health.Call{Supplier: "hulu", Op: "purchase", Err: errors.New("read tcp: i/o timeout")})

	var got struct {
		Suppliers []web.SupplierStatus `json:"suppliers"`
	}
	e.api("GET", "/admin/api/suppliers", nil, 200, &got)
	if len(got.Suppliers) != 2 {
		t.Fatalf("suppliers: %+v", got.Suppliers)
	}
	h, sim := got.Suppliers[0], got.Suppliers[1]
	if h.Name != "hulu" || h.Kind != "digiswitch" || h.BaseURL != "http://127.0.0.1:9" || !h.Enabled || h.Breaker != "open" || h.Healthy ||
		h.MappedSKUs != 1 || h.Priority != 3 || h.Calls != 2 || h.SuccessRate == nil || *h.SuccessRate != 1 ||
		h.LastError != "read tcp: i/o timeout" || !h.HasBalance || h.Balance != 750000 {
		t.Fatalf("hulu: %+v", h)
	}
	if sim.Name != "simulator" || !sim.Builtin || sim.Kind != "simulator" {
		t.Fatalf("built-in: %+v", sim)
	}
	_, raw := e.call("GET", "/admin/api/suppliers", e.token, nil)
	b := e.login(t)
	_, page := b.do(t, "GET", "/admin/suppliers", "", nil)
	_, overview := b.do(t, "GET", "/admin/", "", nil)
	for what, body := range map[string]string{"api": string(raw), "page": string(page), "overview": string(overview)} {
		if strings.Contains(body, "sekret") {
			t.Errorf("%s shows a secret", what)
		}
		if what != "api" && (!strings.Contains(body, "hulu") || !strings.Contains(body, "simulator")) {
			t.Errorf("%s lacks a supplier", what)
		}
	}
	if len(h.SKUs) != 1 || h.SKUs[0].Standing != core.StandingDemoted || !strings.Contains(h.Detail, "ML5 demoted") {
		t.Errorf("hulu's SKUs on the API: %+v (%s)", h.SKUs, h.Detail)
	}
	for _, want := range []string{"read tcp: i/o timeout", "Rp 750.000", "100.0 %", "open", "ML5", "40.0 % of 10", "p50 1200 ms", "demoted", "2026-12-06 10:05:00", "stok kosong"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("suppliers page lacks %q", want)
		}
	}
}
