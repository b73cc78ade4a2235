package store_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestTransferNeverOverflows: int64 balances must never wrap or, on SQLite, silently turn into
// floating point (which then neither scans nor sums). A posting above ledger.MaxAmount is refused,
// and a posting that would push a balance past the int64 range fails, changing nothing.
func TestTransferNeverOverflows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		var src, dst int64
		err := db.Batch(ctx, func(tx *store.Tx) error {
			var err error
			if src, err = tx.SystemAccountEnsure(ctx, ledger.DepositsCode, ledger.Deposits); err != nil {
				return err
			}
			dst, err = tx.SystemAccountEnsure(ctx, ledger.RevenueCode, ledger.Revenue)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, amount := range []int64{math.MaxInt64, ledger.MaxAmount + 1} {
			err := db.Batch(ctx, func(tx *store.Tx) error { return tx.Transfer(ctx, "big", src, dst, amount, "") })
			if !errors.Is(err, store.ErrAmountRange) {
				t.Fatalf("transfer of %d: %v, want ErrAmountRange", amount, err)
			}
		}
		// Fill the destination with the largest postings allowed until a balance would leave the
		// int64 range: that posting must fail alone.
		var overflow error
		for i := 0; i < 20 && overflow == nil; i++ {
			err := db.Batch(ctx, func(tx *store.Tx) error {
				for j := 0; j < 1000; j++ {
					if err := tx.Transfer(ctx, "fill", src, dst, ledger.MaxAmount, ""); err != nil {
						return err
					}
				}
				return nil
			})
			switch {
			case errors.Is(err, store.ErrBalanceRange):
				overflow = err
			case err != nil:
				t.Fatal(err)
			}
		}
		if overflow == nil {
			t.Fatal("balances went past the int64 range without an error")
		}
		bal, err := db.Balance(ctx, ledger.RevenueCode)
		if err != nil {
			t.Fatalf("balance unreadable: %v", err)
		}
		if bal <= 0 || bal%ledger.MaxAmount != 0 || bal > math.MaxInt64-ledger.MaxAmount {
			t.Fatalf("revenue %d", bal)
		}
		rep, err := db.LedgerCheck(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("ledger check: %v %v", err, rep.Discrepancies)
		}
	})
}
