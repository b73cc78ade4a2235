package storefront_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/storefront"
)

// TestPopularFirst: the home page and GET /shop/api/products list the most sold product of the
// last 30 days first (delivered orders through any channel: here a reseller's), before the
// games-first order that applies among products that sold alike.
func TestPopularFirst(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		e := setup(t, be, storefront.Options{})
		ctx := context.Background()
		cr, err := e.svc.CreateReseller(ctx, core.NewReseller{Name: "Toko Pulsa"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Credit(ctx, cr.Reseller.Username, 100000, "test"); err != nil {
			t.Fatal(err)
		}
		var invoices []string
		for i := 0; i < 3; i++ {
			p, err := e.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: cr.Reseller, VariantCode: "TSEL5", Reference: fmt.Sprint("pop-", i),
				Destination: "081211112222"})
			if err != nil {
				t.Fatal(err)
			}
			invoices = append(invoices, p.Order.Invoice)
		}
		deadline := time.Now().Add(10 * time.Second)
		for _, inv := range invoices {
			for {
				o, err := e.svc.Order(ctx, cr.Reseller.ID, inv)
				if err != nil {
					t.Fatal(err)
				}
				if o.Status == order.Success {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("order %s still %s", inv, o.Status)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		var list struct {
			Products []struct{ Code string }
		}
		if st := e.call(t, "GET", "/shop/api/products", "", &list); st != 200 || len(list.Products) != 2 ||
			list.Products[0].Code != "telkomsel" || list.Products[1].Code != "mobile-legends" {
			t.Fatalf("popular first: %d %+v", st, list)
		}
	})
}
