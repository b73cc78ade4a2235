package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestBatchCallerGivingUpSparesOthers: a caller whose context ends while its statement runs must
// not take the shared transaction down with it. (SQLite interrupts a cancelled statement, and an
// interrupted write rolls the whole transaction back; pgx breaks the connection.) The others in
// the batch commit.
func TestBatchCallerGivingUpSparesOthers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		if err := db.Batch(ctx, func(tx *store.Tx) error {
			_, err := tx.SystemAccountEnsure(ctx, ledger.RevenueCode, ledger.Revenue)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// The impatient caller's statement is a write that runs long past its deadline.
		impatient, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		slow := func(tx *store.Tx) error {
			return tx.SlowWriteForTest(impatient)
		}
		var created int64
		other := func(tx *store.Tx) error {
			var err error
			created, err = tx.SystemAccountEnsure(ctx, ledger.CostCode, ledger.Cost)
			return err
		}
		errs := db.BatchTogether([]context.Context{ctx, impatient, ctx}, []func(*store.Tx) error{other, slow, func(tx *store.Tx) error {
			_, err := tx.SystemAccountEnsure(ctx, ledger.DepositsCode, ledger.Deposits)
			return err
		}})
		if errs[0] != nil || errs[2] != nil {
			t.Fatalf("the others failed with the impatient caller: %v", errs)
		}
		if id, err := db.AccountID(ctx, ledger.CostCode); err != nil || id != created {
			t.Fatalf("cost account %d %v, want %d committed", id, err, created)
		}
		if _, err := db.AccountID(ctx, ledger.DepositsCode); err != nil {
			t.Fatalf("deposits account: %v", err)
		}
	})
}
