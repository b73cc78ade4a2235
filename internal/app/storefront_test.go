package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/app"
	"github.com/kios-h2h/kios/internal/store/backend"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestServeDemoStore is issue 19's "done when": `serve --demo` opens a working store at "/" where
// a purchase completes with the sandbox gateway, and the routes the public listener had keep
// answering as before. The ledger is clean afterwards.
func TestServeDemoStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		dbURL := b.URL(t)
		cfg := app.Config{DB: dbURL, AdminAddr: "off", Demo: true, SimDelay: time.Millisecond}
		if backend.Kind(dbURL) == "postgres" {
			cfg.SecretKey = storetest.SecretKey
		}
		a, stop := runApp(t, cfg)
		base := a.BaseURL()
		get := func(path string) (int, string) {
			t.Helper()
			resp, err := http.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(body)
		}
		if st, body := get("/"); st != 200 || !strings.Contains(body, `href="/p/mobile-legends"`) {
			t.Fatalf("store home: %d", st)
		}
		if st, _ := get("/member/login"); st != 200 {
			t.Errorf("member area: %d", st)
		}
		if st, _ := get("/healthz"); st != 200 {
			t.Errorf("healthz: %d", st)
		}
		resp, err := http.Post(base+"/shop/api/checkout", "application/json",
			strings.NewReader(`{"variant":"MLBB_ID_5","data":"12345678(1234)","method":"QRIS","phone":"081234567890"}`))
		if err != nil {
			t.Fatal(err)
		}
		var c struct {
			Invoice string
			Amount  int64
			Pay     struct{ Reference string }
		}
		if err := json.NewDecoder(resp.Body).Decode(&c); err != nil || resp.StatusCode != 201 {
			t.Fatalf("checkout: %d %v", resp.StatusCode, err)
		}
		resp.Body.Close()
		if c.Amount != 1600 { // the demo's retail price of MLBB_ID_5
			t.Errorf("retail price %d", c.Amount)
		}
		resp, err = http.Post(base+"/sandbox/pay/"+c.Pay.Reference, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		deadline := time.Now().Add(15 * time.Second)
		var inv struct{ Status, SN string }
		for time.Now().Before(deadline) {
			_, body := get("/shop/api/invoice/" + c.Invoice)
			if err := json.Unmarshal([]byte(body), &inv); err != nil {
				t.Fatal(err)
			}
			if inv.Status == "Success" || inv.Status == "Failed" {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if inv.Status != "Success" || inv.SN == "" {
			t.Fatalf("invoice %s: %+v", c.Invoice, inv)
		}
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		db := storetest.OpenURL(t, dbURL)
		rep, err := db.LedgerCheck(context.Background())
		if err != nil || !rep.OK() {
			t.Fatalf("ledger check: %v %v", err, rep.Discrepancies)
		}
	})
}

// TestStoreOffByDefault: without --storefront (or --demo) the public listener serves no store.
func TestStoreOffByDefault(t *testing.T) {
	be := storetest.Backends()[0]
	a, _ := runApp(t, app.Config{DB: be.URL(t), AdminAddr: "off", SimDelay: time.Millisecond})
	for _, p := range []string{"/", "/shop/api/products", "/p/mobile-legends", "/cek"} {
		resp, err := http.Get(a.BaseURL() + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d without --storefront", p, resp.StatusCode)
		}
	}
}
