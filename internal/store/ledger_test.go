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
		// Bring revenue (and, opposite, deposits) within half a posting of the int64 range, as if
		// by many postings; then any posting of MaxAmount would carry one of them out of it.
		var sup int64
		if err := db.Batch(ctx, func(tx *store.Tx) error {
			var err error
			sup, err = tx.SystemAccountEnsure(ctx, ledger.SupplierCode(1), ledger.SupplierDeposit)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		near := int64(math.MaxInt64 - ledger.MaxAmount/2)
		exec := func(q string, args ...any) {
			if f := db.Dialect().Placeholders; f != nil {
				q = f(q)
			}
			if _, err := db.Writer().ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		exec(`INSERT INTO postings (txn, source, destination, amount, memo, created_at) VALUES ('fill', ?, ?, ?, '', 0)`, src, dst, near)
		exec(`UPDATE accounts SET balance = balance - ? WHERE id = ?`, near, src)
		exec(`UPDATE accounts SET balance = balance + ? WHERE id = ?`, near, dst)
		for _, tr := range []struct {
			name     string
			from, to int64
		}{{"credit past the top", sup, dst}, {"debit past the bottom", src, sup}} {
			err := db.Batch(ctx, func(tx *store.Tx) error { return tx.Transfer(ctx, "over", tr.from, tr.to, ledger.MaxAmount, "") })
			if !errors.Is(err, store.ErrBalanceRange) {
				t.Fatalf("%s: %v, want ErrBalanceRange", tr.name, err)
			}
		}
		bal, err := db.Balance(ctx, ledger.RevenueCode)
		if err != nil || bal != near {
			t.Fatalf("revenue %d %v, want %d", bal, err, near)
		}
		rep, err := db.LedgerCheck(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("ledger check: %v %v", err, rep.Discrepancies)
		}
	})
}
