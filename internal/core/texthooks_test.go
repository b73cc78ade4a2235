package core_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// The text channel's hooks into acceptance and settlement: its own multi slot for a counted
// repeat, its record inside the accepting transaction, and the final-answer job at settlement.
func TestTextChannelHooks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
		ctx := context.Background()
		if _, err := b.svc.Credit(ctx, b.cr.Reseller.Username, 5000, "test"); err != nil {
			t.Fatal(err)
		}
		p := core.PlaceParams{Reseller: b.cr.Reseller, VariantCode: "MLBB_ONCE", Reference: "t1", Destination: "0811", Dialect: core.DialectText}
		if _, err := b.svc.PlaceOrder(ctx, p); err != nil {
			t.Fatal(err)
		}
		p.Reference = "t2"
		if _, err := b.svc.PlaceOrder(ctx, p); !errors.Is(err, order.ErrMultiRefused) {
			t.Fatalf("repeat without a counter: %v", err)
		}
		p.MultiSlot = "0811#2"
		var seen *order.Order
		p.SetInTx(func(ctx context.Context, tx *store.Tx, o *order.Order) error { seen = o; return nil })
		placed, err := b.svc.PlaceOrder(ctx, p)
		if err != nil || seen == nil || seen.Invoice != placed.Order.Invoice {
			t.Fatalf("counted repeat: %v %v", err, seen)
		}
		// A hook's refusal refuses the order and moves nothing.
		refused := errors.New("limit")
		p.Reference, p.MultiSlot = "t3", "0811#3"
		p.SetInTx(func(context.Context, *store.Tx, *order.Order) error { return refused })
		if _, err := b.svc.PlaceOrder(ctx, p); !errors.Is(err, refused) {
			t.Fatalf("hook refusal: %v", err)
		}
		if bal, _ := b.svc.Balance(ctx, b.cr.Reseller.ID); bal != 3000 {
			t.Fatalf("balance = %d, want 3000", bal)
		}
		if _, err := b.svc.OrderByReference(ctx, b.cr.Reseller.ID, "t3"); !errors.Is(err, order.ErrNotFound) {
			t.Fatalf("refused order stored: %v", err)
		}
		b.run(t)
		b.waitFinal(t, placed.Order.Invoice)
		jobs, err := b.db.JobList(ctx, store.JobTextFinal)
		if err != nil || len(jobs) == 0 {
			t.Fatalf("textfinal jobs = %v, %v", jobs, err)
		}
		b.checkLedger(t)
	})
}
