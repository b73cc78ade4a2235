package core_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// balances reads the available balances of rs.
func balances(t *testing.T, b *bundle, rs ...*reseller.Reseller) []int64 {
	t.Helper()
	out := make([]int64, len(rs))
	for i, r := range rs {
		bal, err := b.svc.Balance(context.Background(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = bal
	}
	return out
}

// TestDownlineTransfers: an upline moves balance to its direct downline, once per reference;
// sideways, up, to itself and beyond its balance are refused changing nothing;
// concurrent transfers never overspend; the ledger check (with the transit invariant) passes,
// and finds a tampered transfer. The lock domain assertion is on (storetest), so each step runs
// under its own reseller's key.
func TestDownlineTransfers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
		ctx := context.Background()
		tr := makeTree(t, b)
		side, err := b.svc.CreateReseller(ctx, core.NewReseller{Name: "Sibling", Upline: tr.top.Username})
		if err != nil {
			t.Fatal(err)
		}
		all := []*reseller.Reseller{tr.top, tr.d1, tr.d2, side.Reseller}

		res, err := b.svc.TransferDown(ctx, core.TransferParams{Upline: tr.top, Downline: tr.d1.Username, Amount: 40000, Reference: "tr-1", Actor: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Created || res.Transfer.Status != store.TransferDone || res.Balance != 60000 {
			t.Fatalf("first transfer: %+v %+v", res, res.Transfer)
		}
		want := []int64{60000, 140000, 100000, 0}
		if got := balances(t, b, all...); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("balances %v, want %v", got, want)
		}
		// The same reference again is the same transfer.
		again, err := b.svc.TransferDown(ctx, core.TransferParams{Upline: tr.top, Downline: tr.d1.Username, Amount: 40000, Reference: "tr-1", Actor: "test"})
		if err != nil || again.Created || again.Transfer.ID != res.Transfer.ID {
			t.Fatalf("replay: %+v %v", again, err)
		}
		if _, err := b.svc.TransferDown(ctx, core.TransferParams{Upline: tr.top, Downline: tr.d1.Username, Amount: 40001, Reference: "tr-1"}); !errors.Is(err, core.ErrTransferReference) {
			t.Fatalf("reference reused for another amount: %v", err)
		}
		if _, err := b.svc.TransferDown(ctx, core.TransferParams{Upline: tr.top, Downline: side.Reseller.Username, Amount: 1, Reference: "tr-1"}); !errors.Is(err, core.ErrTransferReference) {
			t.Fatalf("reference reused for another downline: %v", err)
		}

		refused := []struct {
			name string
			p    core.TransferParams
			is   error
		}{
			{"sideways", core.TransferParams{Upline: tr.d1, Downline: side.Reseller.Username, Amount: 100, Reference: "x1"}, core.ErrNotYourDownline},
			{"up one", core.TransferParams{Upline: tr.d2, Downline: tr.d1.Username, Amount: 100, Reference: "x2"}, core.ErrNotYourDownline},
			{"up to the top", core.TransferParams{Upline: tr.d1, Downline: tr.top.Username, Amount: 100, Reference: "x3"}, core.ErrNotYourDownline},
			{"sideways and down", core.TransferParams{Upline: side.Reseller, Downline: tr.d2.Username, Amount: 100, Reference: "x4"}, core.ErrNotBelow},
			{"up two", core.TransferParams{Upline: tr.d2, Downline: tr.top.Username, Amount: 100, Reference: "x8"}, core.ErrNotBelow},
			{"itself", core.TransferParams{Upline: tr.d1, Downline: tr.d1.Username, Amount: 100, Reference: "x5"}, core.ErrNotYourDownline},
			{"a top reseller", core.TransferParams{Upline: side.Reseller, Downline: tr.top.Username, Amount: 100, Reference: "x6"}, core.ErrNotYourDownline},
			{"beyond its balance", core.TransferParams{Upline: tr.d1, Downline: tr.d2.Username, Amount: 140001, Reference: "x7"}, order.ErrInsufficientBalance},
		}
		for _, c := range refused {
			if _, err := b.svc.TransferDown(ctx, c.p); !errors.Is(err, c.is) {
				t.Errorf("%s: %v, want %v", c.name, err, c.is)
			}
		}
		for _, c := range []core.TransferParams{
			{Upline: tr.top, Downline: tr.d1.Username, Amount: 0, Reference: "z1"},
			{Upline: tr.top, Downline: tr.d1.Username, Amount: -5, Reference: "z2"},
			{Upline: tr.top, Downline: tr.d1.Username, Amount: 5, Reference: ""},
			{Upline: tr.top, Downline: tr.d1.Username, Amount: 5, Reference: "has space"},
			{Upline: tr.top, Downline: "nobody", Amount: 5, Reference: "z3"},
		} {
			if _, err := b.svc.TransferDown(ctx, c); err == nil {
				t.Errorf("%+v accepted", c)
			} else if _, ok := core.IsFieldError(err); !ok {
				t.Errorf("%+v: %v, want a field error", c, err)
			}
		}
		if got := balances(t, b, all...); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("balances after refusals %v, want %v", got, want)
		}
		b.checkLedger(t)

		// Concurrent: d1 (140000) sends 20 × 10000 to d2 while top sends it 4 × 5000 and the same
		// reference is sent 8 times at once: 14 + (20000 / 10000) = at most 16 of d1's succeed,
		// every one of top's, and the replayed reference once.
		var wg sync.WaitGroup
		var sent, created atomic.Int64
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				r, err := b.svc.TransferDown(ctx, core.TransferParams{Upline: tr.d1, Downline: tr.d2.Username, Amount: 10000, Reference: fmt.Sprintf("c%d", i)})
				switch {
				case err == nil:
					sent.Add(r.Transfer.Amount)
				case !errors.Is(err, order.ErrInsufficientBalance):
					t.Error(err)
				}
			}(i)
		}
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				if _, err := b.svc.TransferDown(ctx, core.TransferParams{Upline: tr.top, Downline: tr.d1.Username, Amount: 5000, Reference: fmt.Sprintf("t%d", i)}); err != nil {
					t.Error(err)
				}
			}(i)
		}
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := b.svc.TransferDown(ctx, core.TransferParams{Upline: tr.top, Downline: side.Reseller.Username, Amount: 700, Reference: "same"})
				if err != nil {
					t.Error(err)
				} else if r.Created {
					created.Add(1)
				}
			}()
		}
		wg.Wait()
		if created.Load() != 1 {
			t.Fatalf("one reference created %d transfers", created.Load())
		}
		got := balances(t, b, all...)
		if got[0] != 60000-20000-700 || got[3] != 700 {
			t.Fatalf("top and sibling: %v", got)
		}
		if got[1] != 140000+20000-sent.Load() || got[2] != 100000+sent.Load() || got[1] < 0 || sent.Load() < 140000 {
			t.Fatalf("d1 sent %d: balances %v", sent.Load(), got)
		}
		var total int64
		for _, g := range got {
			total += g
		}
		if total != 300000 {
			t.Fatalf("the tree holds %d, want 300000 (transfers create or lose nothing)", total)
		}
		// Two levels down: the top sends to d1's downline d2 directly (issue 21 allows any reseller
		// below the sender); once per reference, and d1's balance does not move.
		before := balances(t, b, all...)
		deep, err := b.svc.TransferDown(ctx, core.TransferParams{Upline: tr.top, Downline: tr.d2.Username, Amount: 3000, Reference: "deep", Actor: "test"})
		if err != nil || !deep.Created || deep.Transfer.Status != store.TransferDone {
			t.Fatalf("two levels down: %+v %v", deep, err)
		}
		if again, err := b.svc.TransferDown(ctx, core.TransferParams{Upline: tr.top, Downline: tr.d2.Username, Amount: 3000, Reference: "deep"}); err != nil || again.Created {
			t.Fatalf("two levels down, replayed: %+v %v", again, err)
		}
		after := balances(t, b, all...)
		if after[0] != before[0]-3000 || after[1] != before[1] || after[2] != before[2]+3000 || after[3] != before[3] {
			t.Fatalf("two levels down: balances %v -> %v", before, after)
		}
		below, err := b.svc.Descendants(ctx, tr.top.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, d := range below {
			names = append(names, d.Username+"<"+d.Upline)
		}
		if want := tr.d1.Username + "<" + tr.top.Username + " " + side.Reseller.Username + "<" + tr.top.Username + " " + tr.d2.Username + "<" + tr.d1.Username; strings.Join(names, " ") != want {
			t.Fatalf("descendants %v, want %s", names, want)
		}
		list, err := b.svc.Transfers(ctx, tr.d1.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range list {
			if x.Status != store.TransferDone {
				t.Fatalf("transfer %+v not landed", x)
			}
		}
		b.checkLedger(t)
	})
}

// TestDownlineTransferJobLands: a transfer sent but not landed (the process died between its two
// steps) is landed by its job, once, and the ledger check holds in transit and after.
func TestDownlineTransferJobLands(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
		ctx := context.Background()
		tr := makeTree(t, b)
		transit, err := b.db.AccountID(ctx, "downline_transit")
		if err != nil {
			t.Fatal(err)
		}
		avail, err := b.db.AccountID(ctx, fmt.Sprintf("reseller:%d:available", tr.top.ID))
		if err != nil {
			t.Fatal(err)
		}
		// Step one alone, as TransferDown writes it.
		err = b.db.BatchKey(ctx, tr.top.ID, func(tx *store.Tx) error {
			x := &store.DownlineTransfer{UplineID: tr.top.ID, DownlineID: tr.d1.ID, Amount: 2500, Reference: "crash"}
			if err := tx.DownlineTransferInsert(ctx, x); err != nil {
				return err
			}
			if err := tx.Transfer(ctx, store.TransferSendTxn(x.ID), avail, transit, x.Amount, "test"); err != nil {
				return err
			}
			return tx.JobInsert(ctx, store.JobTransfer, x.ID, b.svc.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := balances(t, b, tr.top, tr.d1); got[0] != 97500 || got[1] != 100000 {
			t.Fatalf("in transit: %v", got)
		}
		b.checkLedger(t)
		b.run(t)
		waitBalance(t, b, tr.d1, 102500)
		// Replaying the reference finds it landed and moves nothing.
		r, err := b.svc.TransferDown(ctx, core.TransferParams{Upline: tr.top, Downline: tr.d1.Username, Amount: 2500, Reference: "crash"})
		if err != nil || r.Created || r.Transfer.Status != store.TransferDone {
			t.Fatalf("replay after the job: %+v %v", r, err)
		}
		if got := balances(t, b, tr.top, tr.d1); got[0] != 97500 || got[1] != 102500 {
			t.Fatalf("landed: %v", got)
		}
		b.checkLedger(t)
		// A landing with no send is found.
		if _, err := b.db.Writer().ExecContext(ctx, `UPDATE downline_transfers SET amount = amount + 1`); err != nil {
			t.Fatal(err)
		}
		if rep, err := b.svc.LedgerCheck(ctx); err != nil || rep.OK() {
			t.Fatalf("tampered transfer passed: %+v %v", rep, err)
		}
	})
}
