package storetest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/backend"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// A batch that queues a job wakes the workers of the other processes on the database (on
// PostgreSQL, NOTIFY at the commit), not its own process's (woken in process), and a batch
// rolled back wakes no one. SQLite has one process's workers: no channel.
func TestJobWakesAcrossProcesses(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		url := b.URL(t)
		one, other := storetest.OpenURL(t, url), storetest.OpenURL(t, url)
		if b.Name == "sqlite" {
			if one.JobWakes() != nil {
				t.Fatal("SQLite: a wake channel, want none")
			}
			return
		}
		ctx := context.Background()
		r := newReseller(t, one, "alice")
		v := saveVariant(t, one, "V1", -1, map[string]int64{"default": 100})
		o := newOrder(r, v, "r1", 100)
		writeKey(t, one, r.ID, func(tx *store.Tx) error { return tx.OrderInsert(ctx, o) })

		mine, theirs := one.JobWakes(), other.JobWakes()
		// Each listener wakes once when it starts listening: after that, notices are heard.
		for name, ch := range map[string]<-chan struct{}{"one": mine, "other": theirs} {
			select {
			case <-ch:
			case <-time.After(10 * time.Second):
				t.Fatalf("%s: no wake when the listener started", name)
			}
		}
		quiet := func(name string, ch <-chan struct{}) {
			t.Helper()
			select {
			case <-ch:
				t.Errorf("%s woken, want not", name)
			case <-time.After(500 * time.Millisecond):
			}
		}

		// Rolled back: no notice.
		errFail := errors.New("refused")
		if err := one.BatchKey(ctx, r.ID, func(tx *store.Tx) error {
			if err := tx.JobInsert(ctx, store.JobFulfil, o.ID, time.Now()); err != nil {
				return err
			}
			return errFail
		}); !errors.Is(err, errFail) {
			t.Fatalf("failing batch: %v", err)
		}
		quiet("other, after a rollback", theirs)

		// A batch with no job: no notice.
		writeKey(t, one, r.ID, func(tx *store.Tx) error { return tx.OrderSetMessage(ctx, o.ID, "noted") })
		quiet("other, after a batch with no job", theirs)

		// Queued: the other process wakes, this one does not.
		writeKey(t, one, r.ID, func(tx *store.Tx) error { return tx.JobInsert(ctx, store.JobFulfil, o.ID, time.Now()) })
		select {
		case <-theirs:
		case <-time.After(10 * time.Second):
			t.Fatal("other: not woken by a queued job")
		}
		quiet("one, by its own notice", mine)

		// A process that closes right after its commit (a CLI command resolving an order) still
		// tells: a notice due is sent before the pools close, even while the notifier waits
		// out its gap after the one before.
		brief := storetest.OpenURLOptions(t, url, backend.Options{Options: store.Options{NotifyGap: time.Hour}})
		writeKey(t, brief, r.ID, func(tx *store.Tx) error { return tx.JobRunNow(ctx, store.JobFulfil, o.ID) })
		select {
		case <-theirs:
		case <-time.After(10 * time.Second):
			t.Fatal("other: not woken by a job made due")
		}
		writeKey(t, brief, r.ID, func(tx *store.Tx) error { return tx.JobRunNow(ctx, store.JobFulfil, o.ID) })
		if err := brief.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
		select {
		case <-theirs:
		case <-time.After(10 * time.Second):
			t.Fatal("other: not woken by a process that closed right after queueing")
		}

		// And the other way round, made due now.
		writeKey(t, other, r.ID, func(tx *store.Tx) error { return tx.JobRunNow(ctx, store.JobFulfil, o.ID) })
		select {
		case <-mine:
		case <-time.After(10 * time.Second):
			t.Fatal("one: not woken by a job made due")
		}
	})
}
