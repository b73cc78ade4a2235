package storetest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// The order path's combined writes (issue 23: one statement each on PostgreSQL, two on SQLite)
// do on both backends what their parts do: an order goes in with its job, or neither does; an
// attempt is recorded only under a live lease; a settlement deletes its job whether or not the
// order was still Pending; OrderWithAttempts reads what was written.
func TestOrderPathCombinedWrites(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		alice := newReseller(t, db, "alice")
		v := saveVariant(t, db, "V1", -1, map[string]int64{"default": 100})
		o := newOrder(alice, v, "r1", 100)
		write(t, db, func(tx *store.Tx) error { return tx.OrderInsertQueued(ctx, o, store.JobFulfil, time.Unix(0, 0)) })
		if err := db.Batch(ctx, func(tx *store.Tx) error {
			return tx.OrderInsertQueued(ctx, newOrder(alice, v, "r1", 100), store.JobFulfil, time.Unix(0, 0))
		}); !errors.Is(err, store.ErrDuplicateReference) {
			t.Fatalf("duplicate reference: %v", err)
		}
		counts, err := db.JobCounts(ctx)
		if err != nil || counts[store.JobFulfil] != 1 {
			t.Fatalf("jobs after an order and its duplicate: %v %v", counts, err)
		}

		claim := func(lease time.Duration) store.Job {
			var jobs []store.Job
			write(t, db, func(tx *store.Tx) error {
				var err error
				jobs, err = tx.JobClaim(ctx, "node-a", []string{store.JobFulfil}, 1, lease)
				return err
			})
			if len(jobs) != 1 || jobs[0].OrderID != o.ID {
				t.Fatalf("claim: %+v", jobs)
			}
			return jobs[0]
		}
		insert := func(j store.Job, a *store.Attempt) (bool, error) {
			var ok bool
			err := db.Batch(ctx, func(tx *store.Tx) error {
				var err error
				ok, err = tx.AttemptInsertLeased(ctx, j, time.Minute, a)
				return err
			})
			return ok, err
		}
		stale := claim(-time.Second)
		fresh := claim(time.Minute)
		if ok, err := insert(stale, &store.Attempt{OrderID: o.ID, Supplier: "s", SKU: "K", Reference: o.Invoice + "-1", Cost: 90}); err != nil || ok {
			t.Fatalf("an attempt under a lost lease: %v %v", ok, err)
		}
		if _, err := insert(fresh, &store.Attempt{OrderID: o.ID, Supplier: "s", SKU: "K", Reference: "KIOS-OTHER-1", Cost: 90}); !errors.Is(err, order.ErrNotFound) {
			t.Fatalf("another order's reference: %v", err)
		}
		att := &store.Attempt{OrderID: o.ID, Supplier: "s", SKU: "K", Reference: o.Invoice + "-1", Cost: 90}
		if ok, err := insert(fresh, att); err != nil || !ok || att.ID == 0 {
			t.Fatalf("an attempt under the live lease: %v %v %+v", ok, err, att)
		}
		got, atts, err := db.OrderWithAttempts(ctx, o.ID)
		if err != nil || got.Invoice != o.Invoice || len(atts) != 1 || atts[0].Reference != att.Reference || atts[0].State != "sent" || atts[0].Cost != 90 {
			t.Fatalf("order with attempts: %+v %+v %v", got, atts, err)
		}

		// An answer, then a second one read in a state it no longer has: the compare-and-set
		// refuses the second and logs nothing for it.
		att.State, att.Message = "pending", "diproses"
		update := func(from string) bool {
			var ok bool
			write(t, db, func(tx *store.Tx) error {
				var err error
				ok, err = tx.AttemptUpdateFrom(ctx, att, from)
				return err
			})
			return ok
		}
		if !update("sent") {
			t.Fatal("the first answer was not recorded")
		}
		att.State, att.SN = "success", "SN1"
		if !update("pending") {
			t.Fatal("the final answer was not recorded")
		}
		att.State = "failed"
		if update("pending") {
			t.Fatal("an answer read as pending overwrote the success")
		}
		log, err := db.AttemptLog(ctx, o.ID)
		if err != nil || len(log) != 2 || log[0].State != "pending" || log[1].State != "success" {
			t.Fatalf("attempt log: %+v %v", log, err)
		}

		finish := func() bool {
			var ok bool
			write(t, db, func(tx *store.Tx) error {
				var err error
				ok, err = tx.OrderFinishJob(ctx, o.ID, order.Success, "SN1", "done", 90, fresh.ID)
				return err
			})
			return ok
		}
		if !finish() {
			t.Fatal("the order was not finished")
		}
		if counts, err := db.JobCounts(ctx); err != nil || counts[store.JobFulfil] != 0 {
			t.Fatalf("the job outlived the settlement: %v %v", counts, err)
		}
		if finish() {
			t.Fatal("finished twice")
		}
		if _, _, err := db.OrderWithAttempts(ctx, o.ID+1000); !errors.Is(err, order.ErrNotFound) {
			t.Fatalf("a missing order: %v", err)
		}
	})
}
