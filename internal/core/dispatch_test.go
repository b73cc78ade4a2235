package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
)

// TestLeaseRenewedDuringLongPurchase: a purchase that outlasts the lease several times over stays
// this node's: the batched renewal keeps its lease, so another node never takes the job over and
// asks after it (nor could it buy it again).
func TestLeaseRenewedDuringLongPurchase(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		started, release := make(chan struct{}, 1), make(chan struct{})
		sup := &scripted{name: "slow", purchase: func(ctx context.Context, req supplier.Request) (supplier.Result, error) {
			started <- struct{}{}
			select {
			case <-release:
				return supplier.Result{State: supplier.Success, SN: "SN-" + req.Reference}, nil
			case <-ctx.Done():
				return supplier.Result{}, ctx.Err()
			}
		}}
		b := setupRouted(t, be, sup)
		o := b.place(t, "long", "0814")
		const lease = 3 * time.Second
		run := func(node string) {
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() {
				_ = b.svc.RunWorkers(ctx, core.WorkerConfig{Node: node, Poll: 10 * time.Millisecond, Lease: lease, UpstreamTimeout: time.Minute})
				close(done)
			}()
			t.Cleanup(func() { cancel(); <-done })
		}
		run("a")
		<-started
		run("b") // polls the queue all along; it would claim the job the moment its lease ran out
		for b.svc.Upstream().Renewals < 6 {
			time.Sleep(10 * time.Millisecond) // two leases' worth of renewals
		}
		close(release)
		final := b.waitFinal(t, o.Invoice)
		buys, statuses := sup.counts("0814")
		if final.Status != order.Success || buys != 1 || statuses != 0 {
			t.Fatalf("final %s, purchases %d, status checks %d (another node took the job over)", final.Status, buys, statuses)
		}
		// The slot is given back just after the answer is recorded, so the order may read final
		// a moment before the count drops.
		for deadline := time.Now().Add(10 * time.Second); b.svc.Upstream().Inflight != 0 && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		if st := b.svc.Upstream(); st.InflightMax != 1 || st.Inflight != 0 {
			t.Fatalf("upstream stats %+v", st)
		}
		b.checkLedger(t)
	})
}
