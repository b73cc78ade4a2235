package basstore_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/basstore/basstoretest"
	"github.com/kios-h2h/kios/internal/pricecache"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestPriceListCache checks that the cached, pre-encoded variant list never hides a change: one
// made through the core shows at once, one made behind its back (another process) within a
// second of the core's clock.
func TestPriceListCache(t *testing.T) {
	t.Parallel()
	for _, be := range storetest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Parallel()
			var now atomic.Int64
			now.Store(basstoretest.Start.UnixNano())
			clock := func() time.Time { return time.Unix(0, now.Load()) }
			e := basstoretest.New(t, basstoretest.Config{Now: clock, Backend: be})
			ctx := context.Background()

			variant := func(token, code string) (price int64, active string) {
				t.Helper()
				status, body := call(t, e, http.MethodPost, "/api/v1/variant", token, `{"code":"mobile-legends"}`)
				if status != http.StatusOK {
					t.Fatalf("variant: %d %s", status, body)
				}
				var env struct {
					Data []struct {
						Code     string `json:"code"`
						Price    int64  `json:"price"`
						IsActive string `json:"is_active"`
					} `json:"data"`
				}
				if err := json.Unmarshal(body, &env); err != nil {
					t.Fatal(err)
				}
				for _, v := range env.Data {
					if v.Code == code {
						return v.Price, v.IsActive
					}
				}
				t.Fatalf("%s not in %s", code, body)
				return 0, ""
			}

			if p, _ := variant(e.A.Token, "MLBB_ID_5"); p != 1389 {
				t.Fatalf("Gold price %d, want 1389", p)
			}
			// Tiers are cached apart: B is on the default tier.
			if p, _ := variant(e.B.Token, "MLBB_ID_5"); p != 1400 {
				t.Fatalf("default price %d, want 1400", p)
			}

			// A price change through the core shows on the very next call.
			vs := []catalog.Variant{basstoretest.Variants[0]}
			vs[0].Prices = map[string]int64{"default": 1400, "Gold": 1395}
			if err := e.Svc.SaveCatalog(ctx, nil, vs); err != nil {
				t.Fatal(err)
			}
			if p, _ := variant(e.A.Token, "MLBB_ID_5"); p != 1395 {
				t.Fatalf("after SaveCatalog: Gold price %d, want 1395", p)
			}

			// A markup change reaches a downline's cached list at once too (issue 21): the clock has not
			// moved, so only the write's invalidation can show it.
			down, err := e.Svc.CreateReseller(ctx, core.NewReseller{Name: "Downline Cache", Upline: e.A.Reseller.Username, Markup: 100})
			if err != nil {
				t.Fatal(err)
			}
			gold12, _ := variant(e.A.Token, "MLBB_ID_12")
			if p, _ := variant(down.Token, "MLBB_ID_12"); p != gold12+100 {
				t.Fatalf("downline price %d, want %d + 100", p, gold12)
			}
			if p, _ := variant(down.Token, "MLBB_ID_5"); p != 1495 {
				t.Fatalf("downline price %d, want 1395 + 100", p)
			}
			if err := e.Svc.SetDownlineMarkup(ctx, core.MarkupSet{Downline: down.Reseller.Username, Upline: e.A.Reseller.Username, Variant: "MLBB_ID_5", Rupiah: 40}); err != nil {
				t.Fatal(err)
			}
			if p, _ := variant(down.Token, "MLBB_ID_5"); p != 1435 {
				t.Fatalf("after the markup change: downline price %d, want 1395 + 40 at once", p)
			}
			if err := e.Svc.SetDownlineMarkup(ctx, core.MarkupSet{Downline: down.Reseller.Username, Upline: e.A.Reseller.Username, Rupiah: 10}); err != nil {
				t.Fatal(err)
			}
			if p, _ := variant(down.Token, "MLBB_ID_12"); p != gold12+10 {
				t.Fatalf("after the default markup change: downline price %d, want %d + 10 at once", p, gold12)
			}

			// Stock run out behind the core's back (as the admin CLI would, from another process).
			if _, a := variant(e.A.Token, "MLBB_WDP"); a != "active" {
				t.Fatalf("MLBB_WDP %s before", a)
			}
			wdp := basstoretest.Variants[2]
			wdp.Stock = 0
			if err := e.DB.Batch(ctx, func(tx *store.Tx) error {
				p, err := tx.ProductByCode(ctx, wdp.ProductCode)
				if err != nil {
					return err
				}
				wdp.ProductID = p.ID
				return tx.VariantUpsert(ctx, &wdp)
			}); err != nil {
				t.Fatal(err)
			}
			now.Add(int64(pricecache.TTL))
			if _, a := variant(e.A.Token, "MLBB_WDP"); a != "inactive" {
				t.Fatalf("sold out MLBB_WDP still %s a second later", a)
			}
		})
	}
}
