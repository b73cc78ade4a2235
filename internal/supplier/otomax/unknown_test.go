package otomax_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/demo"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/connect"
	"github.com/kios-h2h/kios/internal/upstream/route"
)

// TestUnreadableRepliesNeverBuyElsewhere: through the core, a center whose replies the patterns
// cannot read (after the purchase was sent) is asked again and again; the order stays pending
// with its price held, the next supplier (which would sell at once) is never asked, nothing is
// refunded. Both for a reply with no outcome and for a refusal of the status check that names
// no purchase.
func TestUnreadableRepliesNeverBuyElsewhere(t *testing.T) {
	t.Parallel()
	for name, replies := range map[string][2]string{
		"no outcome":             {"Maaf, permintaan Anda kami terima.", "Maaf, permintaan Anda kami terima."},
		"check refused, unnamed": {"R#%s ke %s sedang diproses", "GAGAL. sign salah"},
		"two outcomes":           {"TRX GAGAL. Transaksi sebelumnya SUKSES", "TRX GAGAL. Transaksi sebelumnya SUKSES"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			var asked, elsewhere atomic.Int32
			first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := asked.Add(1)
				q := r.URL.Query()
				reply := replies[1]
				if n == 1 {
					reply = replies[0]
				}
				if reply == replies[0] && len(reply) > 2 && reply[:2] == "R#" {
					reply = "R#" + q.Get("refID") + " ke " + q.Get("dest") + " sedang diproses"
				}
				_, _ = io.WriteString(w, reply)
			}))
			t.Cleanup(first.Close)
			second := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				elsewhere.Add(1)
				_, _ = io.WriteString(w, "R#"+r.URL.Query().Get("refID")+" BERHASIL. SN: 1. Harga: 100")
			}))
			t.Cleanup(second.Close)

			db := storetest.Backends()[0].Open(t)
			rt := route.New(db, route.Options{Logger: log, Connect: connect.Connectors(connect.Options{Timeout: 5 * time.Second})})
			svc, err := core.New(ctx, db, core.Config{Logger: log, Router: rt})
			if err != nil {
				t.Fatal(err)
			}
			products, variants := demo.Catalog()
			if err := svc.SaveCatalog(ctx, products, variants); err != nil {
				t.Fatal(err)
			}
			for i, srv := range []*httptest.Server{first, second} {
				n := []string{"first", "second"}[i]
				if _, err := svc.AddSupplier(ctx, core.NewSupplier{Name: n, Kind: store.KindOtomax, BaseURL: srv.URL, Username: "M", Token: "1", APIKey: "p"}); err != nil {
					t.Fatal(err)
				}
				if err := svc.SetSupplierProduct(ctx, n, sku, 100); err != nil {
					t.Fatal(err)
				}
				if err := svc.MapSupplierProduct(ctx, n, sku, sku, i); err != nil {
					t.Fatal(err)
				}
			}
			shop, err := svc.CreateReseller(ctx, core.NewReseller{Username: shopName, Name: "Shop"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Credit(ctx, shopName, 1_000_000, "test"); err != nil {
				t.Fatal(err)
			}
			run(t, svc)
			p, err := svc.PlaceOrder(ctx, core.PlaceParams{Reseller: shop.Reseller, VariantCode: sku, Reference: "u1", Destination: "081234567890"})
			if err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(20 * time.Second)
			for asked.Load() < 4 {
				if time.Now().After(deadline) {
					t.Fatalf("the center was asked %d times", asked.Load())
				}
				time.Sleep(20 * time.Millisecond)
			}
			o, err := svc.Order(ctx, shop.Reseller.ID, p.Order.Invoice)
			if err != nil {
				t.Fatal(err)
			}
			if o.Status != order.Pending || elsewhere.Load() != 0 {
				t.Fatalf("order %s, the next supplier asked %d times", o.Status, elsewhere.Load())
			}
			if bal, err := svc.Balance(ctx, shop.Reseller.ID); err != nil || bal != 1_000_000-o.Price {
				t.Fatalf("balance %d, want the price held (%v)", bal, err)
			}
			atts, err := db.Attempts(ctx, o.ID)
			if err != nil || len(atts) != 1 || atts[0].Supplier != "first" {
				t.Fatalf("attempts %+v %v", atts, err)
			}
		})
	}
}
