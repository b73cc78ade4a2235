package core_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// TestVariantCacheSeesChanges: order acceptance caches the variants it reads, yet a change of
// price or of active made through this process applies to the next order, one made through
// another handle (the CLI, another node) once the millisecond bound has passed; and a cached
// variant's stock never decides an order, the stock take does.
func TestVariantCacheSeesChanges(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		url := be.URL(t)
		server, err := core.New(ctx, storetest.OpenURL(t, url), core.Config{Router: simroute.New(0)})
		if err != nil {
			t.Fatal(err)
		}
		cli, err := core.New(ctx, storetest.OpenURL(t, url), core.Config{Router: simroute.New(0)})
		if err != nil {
			t.Fatal(err)
		}
		product := catalog.Product{Code: "game", Name: "Game", Active: true}
		variant := func(price int64, active bool, stock int64) catalog.Variant {
			return catalog.Variant{ProductCode: "game", Code: "G1", Name: "G1", Active: active, Stock: stock, Multi: true,
				Prices: map[string]int64{catalog.DefaultTier: price}}
		}
		save := func(svc *core.Service, v catalog.Variant) {
			t.Helper()
			if err := svc.SaveCatalog(ctx, []catalog.Product{product}, []catalog.Variant{v}); err != nil {
				t.Fatal(err)
			}
		}
		save(server, variant(100, true, 1))
		cr, err := server.CreateReseller(ctx, core.NewReseller{Name: "Shop"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := server.Credit(ctx, cr.Reseller.Username, 10_000, "test"); err != nil {
			t.Fatal(err)
		}
		n := 0
		place := func() (core.Placed, error) {
			n++
			return server.PlaceOrder(ctx, core.PlaceParams{Reseller: cr.Reseller, VariantCode: "G1",
				Reference: fmt.Sprintf("r%d", n), Destination: fmt.Sprintf("0812%d", n)})
		}
		price := func(want int64) {
			t.Helper()
			p, err := place()
			if err != nil || p.Order.Price != want {
				t.Fatalf("order %d: %+v %v, want price %d", n, p.Order, err, want)
			}
		}
		price(100) // cached now, with stock 1 taken
		if _, err := place(); !errors.Is(err, catalog.ErrOutOfStock) {
			t.Fatalf("no stock left: %v", err)
		}

		// Through this process: the next order.
		save(server, variant(150, true, 5))
		price(150)

		// Through another handle: once the bound has passed.
		save(cli, variant(200, true, 5))
		time.Sleep(2 * core.EpochMaxAge)
		price(200)
		save(cli, variant(200, false, 5))
		time.Sleep(2 * core.EpochMaxAge)
		if _, err := place(); !errors.Is(err, catalog.ErrInactive) {
			t.Fatalf("deactivated by another process: %v", err)
		}
	})
}
