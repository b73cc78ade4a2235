package core_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/checkid"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// TestRequireValidIDRefusesBeforeAnyHold: with require_valid_id on, an order to an ID the check
// says does not exist (the simulator's: ending in 0000) is refused with nothing held, no order
// and no stock taken; an existing ID is taken; with it off the same missing ID is taken (and
// left to the supplier).
func TestRequireValidIDRefusesBeforeAnyHold(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		db := be.Open(t)
		svc, err := core.New(ctx, db, core.Config{Router: simroute.New(0), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			CheckID: checkid.New(checkid.Options{}, checkid.Simulator{})})
		if err != nil {
			t.Fatal(err)
		}
		err = svc.SaveCatalog(ctx, []catalog.Product{{Code: "mobile-legends", Name: "Mobile Legends", Category: "Games", Active: true}},
			[]catalog.Variant{{ProductCode: "mobile-legends", Code: "ML5", Name: "5", Active: true, Stock: 5, Multi: true,
				Prices: map[string]int64{"default": 1000}}})
		if err != nil {
			t.Fatal(err)
		}
		cr, err := svc.CreateReseller(ctx, core.NewReseller{Name: "Budi"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Credit(ctx, cr.Reseller.Username, 10000, "test"); err != nil {
			t.Fatal(err)
		}
		if err := svc.SetRequireValidID(ctx, "nope", true); !errors.Is(err, store.ErrProductNotFound) {
			t.Fatalf("unknown product: %v", err)
		}
		if err := svc.SetRequireValidID(ctx, "mobile-legends", true); err != nil {
			t.Fatal(err)
		}
		if list, err := svc.ProductsRequiringValidID(ctx); err != nil || len(list) != 1 || list[0] != "mobile-legends" {
			t.Fatalf("list %v %v", list, err)
		}
		place := func(ref, dest string) error {
			_, err := svc.PlaceOrder(ctx, core.PlaceParams{Reseller: cr.Reseller, VariantCode: "ML5", Reference: ref, Destination: dest})
			return err
		}
		if err := place("r1", "12340000(1)"); !errors.Is(err, catalog.ErrIDNotFound) {
			t.Fatalf("missing ID: %v", err)
		}
		if bal, _ := svc.Balance(ctx, cr.Reseller.ID); bal != 10000 {
			t.Fatalf("balance after a refused order: %d", bal)
		}
		if _, err := svc.OrderByReference(ctx, cr.Reseller.ID, "r1"); !errors.Is(err, order.ErrNotFound) {
			t.Fatalf("a refused order was recorded: %v", err)
		}
		if v, _ := svc.Variant(ctx, "ML5"); v.Stock != 5 {
			t.Fatalf("stock taken: %d", v.Stock)
		}
		if err := place("r2", "12345678(1)"); err != nil {
			t.Fatalf("existing ID: %v", err)
		}
		if err := svc.SetRequireValidID(ctx, "mobile-legends", false); err != nil {
			t.Fatal(err)
		}
		if err := place("r3", "12340000(1)"); err != nil {
			t.Fatalf("with require_valid_id off: %v", err)
		}
		rep, err := svc.LedgerCheck(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("ledger: %v %v", err, rep.Discrepancies)
		}
	})
}
