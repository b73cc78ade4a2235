package store_test

import (
	"context"
	"errors"
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

// TestBatchReplaysWithSavepoints: a batch runs without savepoints until a caller fails; then it
// runs again with one per caller, so the failed caller's changes (a failed statement's included)
// are undone and the others' stand, each having run as often as it takes.
func TestBatchReplaysWithSavepoints(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		errMine := errors.New("mine")
		ensure := func(code string, kind ledger.Kind) func(*store.Tx) error {
			return func(tx *store.Tx) error { _, err := tx.SystemAccountEnsure(ctx, code, kind); return err }
		}
		runs := 0
		failing := func(tx *store.Tx) error {
			runs++
			if _, err := tx.SystemAccountEnsure(ctx, ledger.DepositsCode, ledger.Deposits); err != nil {
				return err
			}
			return errMine
		}
		before := db.Stats()
		errs := db.BatchTogether([]context.Context{ctx, ctx, ctx}, []func(*store.Tx) error{
			ensure(ledger.RevenueCode, ledger.Revenue), failing, ensure(ledger.CostCode, ledger.Cost)})
		if errs[0] != nil || !errors.Is(errs[1], errMine) || errs[2] != nil {
			t.Fatalf("results %v", errs)
		}
		if got := db.Stats().Replays - before.Replays; got != 1 {
			t.Fatalf("%d replays, want 1", got)
		}
		if runs != 2 {
			t.Fatalf("the failing caller ran %d times, want 2 (without, then with a savepoint)", runs)
		}
		for _, code := range []string{ledger.RevenueCode, ledger.CostCode} {
			if _, err := db.AccountID(ctx, code); err != nil {
				t.Errorf("%s of a caller that succeeded: %v", code, err)
			}
		}
		if _, err := db.AccountID(ctx, ledger.DepositsCode); err == nil {
			t.Error("the failed caller's account stands")
		}

		// A batch in which nobody fails commits without a replay.
		before = db.Stats()
		errs = db.BatchTogether([]context.Context{ctx, ctx}, []func(*store.Tx) error{
			ensure(ledger.DepositsCode, ledger.Deposits), ensure(ledger.RevenueCode, ledger.Revenue)})
		if errs[0] != nil || errs[1] != nil || db.Stats().Replays != before.Replays {
			t.Fatalf("clean batch: %v, replays %d", errs, db.Stats().Replays-before.Replays)
		}
	})
}
