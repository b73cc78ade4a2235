package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestJobExtendIsPerClaim: a worker whose lease ran out must learn it lost the job even when the
// job was claimed again by a worker of its own node (same node name): otherwise two workers of
// one node would both go on to buy.
func TestJobExtendIsPerClaim(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		if err := db.Batch(ctx, func(tx *store.Tx) error {
			return tx.JobInsert(ctx, store.JobFulfil, 1, time.Unix(0, 0))
		}); err != nil {
			t.Fatal(err)
		}
		claim := func(lease time.Duration) store.Job {
			var jobs []store.Job
			if err := db.Batch(ctx, func(tx *store.Tx) error {
				var err error
				jobs, err = tx.JobClaim(ctx, "node-a", []string{store.JobFulfil}, 1, lease)
				return err
			}); err != nil || len(jobs) != 1 {
				t.Fatalf("claim: %v %+v", err, jobs)
			}
			return jobs[0]
		}
		extend := func(j store.Job) bool {
			var ok bool
			if err := db.Batch(ctx, func(tx *store.Tx) error {
				var err error
				ok, err = tx.JobExtend(ctx, j, time.Minute)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return ok
		}
		stale := claim(-time.Second) // its lease has run out already
		fresh := claim(time.Minute)  // the same node claims it again
		if extend(stale) {
			t.Fatal("the stale claim extended the lease the fresh claim holds")
		}
		if !extend(fresh) {
			t.Fatal("the fresh claim could not extend its own lease")
		}
	})
}

// TestJobRetryIsPerClaim: a worker that lost its job (its lease ran out and the job was claimed
// again) must not release the new holder's lease when it gives up, or a third worker could take
// the job while the holder is still buying.
func TestJobRetryIsPerClaim(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		if err := db.Batch(ctx, func(tx *store.Tx) error {
			return tx.JobInsert(ctx, store.JobFulfil, 1, time.Unix(0, 0))
		}); err != nil {
			t.Fatal(err)
		}
		claim := func(lease time.Duration) []store.Job {
			var jobs []store.Job
			if err := db.Batch(ctx, func(tx *store.Tx) error {
				var err error
				jobs, err = tx.JobClaim(ctx, "node-a", []string{store.JobFulfil}, 1, lease)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return jobs
		}
		stale := claim(-time.Second)[0]
		fresh := claim(time.Minute)[0]
		if err := db.Batch(ctx, func(tx *store.Tx) error { return tx.JobRetry(ctx, stale, time.Unix(0, 0), "gave up") }); err != nil {
			t.Fatal(err)
		}
		if again := claim(time.Minute); len(again) != 0 {
			t.Fatalf("the job was claimed a third time while the fresh claim held it: %+v", again)
		}
		if err := db.Batch(ctx, func(tx *store.Tx) error { return tx.JobRetry(ctx, fresh, time.Unix(0, 0), "pending") }); err != nil {
			t.Fatal(err)
		}
		if again := claim(time.Minute); len(again) != 1 {
			t.Fatal("the holder's own retry did not release the job")
		}
	})
}

// TestJobRenewBatch: one statement renews the leases a node holds, and only those still running:
// a lease that ran out, or one another node holds, stays as it is.
func TestJobRenewBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		if err := db.Batch(ctx, func(tx *store.Tx) error {
			for i := int64(1); i <= 4; i++ {
				if err := tx.JobInsert(ctx, store.JobFulfil, i, time.Unix(0, 0)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		claim := func(node string, n int, lease time.Duration) []store.Job {
			var jobs []store.Job
			if err := db.Batch(ctx, func(tx *store.Tx) error {
				var err error
				jobs, err = tx.JobClaim(ctx, node, []string{store.JobFulfil}, n, lease)
				return err
			}); err != nil || len(jobs) != n {
				t.Fatalf("claim: %v %+v", err, jobs)
			}
			return jobs
		}
		mine := claim("a", 2, time.Minute)
		expired := claim("a", 1, -time.Second)
		theirs := claim("b", 1, time.Minute)
		ids := []int64{mine[0].ID, mine[1].ID, expired[0].ID, theirs[0].ID}
		var n int
		if err := db.Batch(ctx, func(tx *store.Tx) error {
			var err error
			n, err = tx.JobRenew(ctx, "a", ids, time.Hour)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Fatalf("renewed %d leases, want 2", n)
		}
		jobs, err := db.JobList(ctx, store.JobFulfil)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			long := time.Until(j.LockedUntil) > 30*time.Minute
			if want := j.ID == mine[0].ID || j.ID == mine[1].ID; long != want {
				t.Errorf("job %d (%s) locked until %s", j.ID, j.LockedBy, j.LockedUntil)
			}
		}
	})
}
