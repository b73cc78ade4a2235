package core_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/supplier"
)

// TestCreditAmountBounded: a deposit too large for the ledger is refused with ErrAmount and moves
// nothing.
func TestCreditAmountBounded(t *testing.T) {
	t.Parallel()
	b := setup(t, 0)
	ctx := context.Background()
	for _, amount := range []int64{math.MaxInt64, ledger.MaxAmount + 1} {
		if _, err := b.svc.Credit(ctx, b.cr.Reseller.Username, amount, "huge"); !errors.Is(err, core.ErrAmount) {
			t.Fatalf("credit %d: %v, want ErrAmount", amount, err)
		}
	}
	if bal, err := b.svc.Balance(ctx, b.cr.Reseller.ID); err != nil || bal != 0 {
		t.Fatalf("balance %d %v", bal, err)
	}
	b.checkLedger(t)
}

// TestAbsurdSupplierCostSettles: a supplier answering success with a cost the ledger cannot hold
// (a bug upstream) must not leave the order stuck Pending with its job failing forever: the
// order settles and the cost is not booked.
func TestAbsurdSupplierCostSettles(t *testing.T) {
	t.Parallel()
	absurd := supplier.Result{State: supplier.Success, SN: "SN", Cost: math.MaxInt64}
	s1 := &scripted{name: "s1",
		purchase: func(context.Context, supplier.Request) (supplier.Result, error) { return absurd, nil },
		status:   func(supplier.Request) (supplier.Result, error) { return absurd, nil }}
	b := setupRouted(t, s1)
	ctx := context.Background()
	if _, err := b.svc.AddSupplier(ctx, core.NewSupplier{Name: "s1", Kind: store.KindSimulator}); err != nil {
		t.Fatal(err)
	}
	o := b.place(t, "c1", "0812")
	b.run(t)
	if got := b.waitFinal(t, o.Invoice); got.Status != order.Success {
		t.Fatalf("order %+v", got)
	}
	if c, _ := b.db.Balance(ctx, ledger.CostCode); c != 0 {
		t.Fatalf("cost account %d", c)
	}
	b.checkLedger(t)
}
