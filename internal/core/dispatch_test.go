package core_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
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

// TestStartedPurchases: a supplier that answers without a goroutine waiting (supplier.Starter,
// the simulator) fulfils every order once, with the requests all out at once; when the workers
// stop with purchases out, those end as unknown outcomes, nothing is recorded against them, and
// the next run asks after them instead of buying again.
func TestStartedPurchases(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		b := setup(t, be, 200*time.Millisecond)
		const n = 40
		if _, err := b.svc.Credit(ctx, b.cr.Reseller.Username, 2*n*1389, "test"); err != nil {
			t.Fatal(err)
		}
		var invoices []string
		for i := range n {
			p, err := b.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: b.cr.Reseller, VariantCode: "MLBB_ID_5",
				Reference: fmt.Sprintf("s%d", i), Destination: fmt.Sprintf("08%08d5", i)})
			if err != nil {
				t.Fatal(err)
			}
			invoices = append(invoices, p.Order.Invoice)
		}
		b.run(t)
		for _, inv := range invoices {
			if o := b.waitFinal(t, inv); o.Status != order.Success || o.SN == "" {
				t.Fatalf("order %s: %s %q", inv, o.Status, o.SN)
			}
		}
		if st := b.svc.Upstream(); st.InflightMax < 2 {
			t.Fatalf("requests were not out together: %+v", st)
		}

		// Workers stopped with purchases out (the simulator takes an hour).
		slow := setup(t, be, time.Hour)
		if _, err := slow.svc.Credit(ctx, slow.cr.Reseller.Username, n*1389, "test"); err != nil {
			t.Fatal(err)
		}
		var held []*order.Order
		for i := range 5 {
			p, err := slow.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: slow.cr.Reseller, VariantCode: "MLBB_ID_5",
				Reference: fmt.Sprintf("h%d", i), Destination: fmt.Sprintf("08%08d5", i)})
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, p.Order)
		}
		wctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		// The stop, not the calls' own deadline (Lease/2 by default), must be what ends the
		// purchases: on a loaded machine the five can take longer than that to be out.
		cfg := core.WorkerConfig{Node: "a", Poll: 10 * time.Millisecond, Lease: time.Second, ShutdownGrace: 10 * time.Millisecond,
			UpstreamTimeout: time.Hour}
		go func() { _ = slow.svc.RunWorkers(wctx, cfg); close(done) }()
		for deadline := time.Now().Add(30 * time.Second); slow.svc.Upstream().Inflight < int64(len(held)); {
			if time.Now().After(deadline) {
				t.Fatalf("purchases not out: %+v", slow.svc.Upstream())
			}
			time.Sleep(5 * time.Millisecond)
		}
		stop()
		select {
		case <-done: // the started purchases ended with the jobs' context
		case <-time.After(30 * time.Second):
			t.Fatal("workers did not stop with purchases out")
		}
		if st := slow.svc.Upstream(); st.Inflight != 0 {
			t.Fatalf("requests still counted in flight after the stop: %+v", st)
		}
		for _, o := range held {
			got, atts, err := slow.db.OrderWithAttempts(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != order.Pending || len(atts) != 1 || atts[0].State != "sent" {
				t.Fatalf("order %s after the stop: %s, attempts %+v", o.Invoice, got.Status, atts)
			}
		}
		// The next run (a simulator that answers at once) asks after each purchase: one attempt,
		// settled from its status, nothing bought twice.
		next, err := core.New(ctx, slow.db, core.Config{Logger: slow.svc.Logger(), Router: simroute.New(0)})
		if err != nil {
			t.Fatal(err)
		}
		slow.svc = next
		slow.run(t)
		for _, o := range held {
			final := slow.waitFinal(t, o.Invoice)
			_, atts, err := slow.db.OrderWithAttempts(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if final.Status != order.Success || len(atts) != 1 {
				t.Fatalf("order %s: %s with %d attempts", o.Invoice, final.Status, len(atts))
			}
		}
		slow.checkLedger(t)
		b.checkLedger(t)
	})
}
