package core_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestBalanceSlotsNeverOverdraw: a reseller whose balance is split into slots (issue 23), so that
// several write loops take its holds at once, with funds for only some of the orders sent to it
// at once. Exactly as many orders are accepted as the balance covers (none more: no overdraft;
// none fewer: a slot's refusal falls back to the whole balance), whichever slot each falls in;
// the slots hold no money lost or doubled; and after settlement, with refunds landing in the
// slots, the balance is spent to the last order again.
func TestBalanceSlotsNeverOverdraw(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
		ctx := context.Background()
		const n, price = 30, 1389
		user := b.cr.Reseller.Username
		// Part before the split (shared out to the slots), part after (in slot 0 only).
		if _, err := b.svc.Credit(ctx, user, 20*price, "test"); err != nil {
			t.Fatal(err)
		}
		if err := b.svc.SetBalanceSlots(ctx, user, 4); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.Credit(ctx, user, (n-20)*price+price/2, "test"); err != nil {
			t.Fatal(err)
		}
		r, err := b.db.ResellerByUsername(ctx, user)
		if err != nil || r.Slots != 4 {
			t.Fatalf("reseller after SetBalanceSlots: %+v, %v", r, err)
		}
		// place sends refs at once; with fail, every third fails upstream (the simulator fails
		// 555…), so that settlement releases some holds into their slots.
		place := func(refs []string, fail bool) (ok, poor int64, invoices []string) {
			var okN, poorN atomic.Int64
			var mu sync.Mutex
			var wg sync.WaitGroup
			for i, ref := range refs {
				wg.Add(1)
				dest := "0812345678"
				if fail && i%3 == 0 {
					dest = "5550000"
				}
				go func(ref string) {
					defer wg.Done()
					pl, err := b.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: r, VariantCode: "MLBB_ID_5", Reference: ref, Destination: dest})
					switch {
					case err == nil:
						okN.Add(1)
						mu.Lock()
						invoices = append(invoices, pl.Order.Invoice)
						mu.Unlock()
					case errors.Is(err, order.ErrInsufficientBalance):
						poorN.Add(1)
					default:
						t.Error(err)
					}
				}(ref)
			}
			wg.Wait()
			return okN.Load(), poorN.Load(), invoices
		}
		var refs []string
		for i := 0; i < 3*n; i++ {
			refs = append(refs, fmt.Sprintf("s%d", i))
		}
		ok, poor, invoices := place(refs, true)
		if ok != n || poor != 2*n {
			t.Fatalf("accepted %d, refused %d; the balance covers exactly %d", ok, poor, n)
		}
		bal, err := b.svc.Balance(ctx, r.ID)
		if err != nil || bal != price/2 {
			t.Fatalf("balance %d (%v), want %d", bal, err, price/2)
		}
		slotted := 0
		for _, inv := range invoices {
			o, err := b.svc.Order(ctx, r.ID, inv)
			if err != nil {
				t.Fatal(err)
			}
			if o.Slot != 0 {
				slotted++
			}
		}
		if slotted == 0 {
			t.Fatal("no order was held in a balance slot")
		}
		b.checkLedger(t)

		// Settle them all: failures are released into the slot each was held in.
		b.run(t)
		var refunded int64
		for _, inv := range invoices {
			if o := b.waitFinal(t, inv); o.Status == order.Failed {
				refunded += price
			}
		}
		if refunded == 0 {
			t.Fatal("no order failed; the test wants refunds into the slots")
		}
		b.checkLedger(t)
		want := refunded + price/2
		if bal, _ := b.svc.Balance(ctx, r.ID); bal != want {
			t.Fatalf("balance after settlement %d, want %d", bal, want)
		}
		// The whole balance, wherever its slots hold it, is spendable to the last order.
		refs = refs[:0]
		for i := 0; i < 3*int(want/price); i++ {
			refs = append(refs, fmt.Sprintf("t%d", i))
		}
		ok, _, invoices = place(refs, false)
		if ok != want/price {
			t.Fatalf("accepted %d after refunds, the balance covers %d", ok, want/price)
		}
		for _, inv := range invoices {
			b.waitFinal(t, inv)
		}
		b.checkLedger(t)
		// No money lost or doubled: what was credited is in the reseller's accounts or revenue.
		var sum int64
		for _, code := range []string{ledger.AvailableCode(r.ID), ledger.HeldCode(r.ID), ledger.RevenueCode} {
			v, err := b.db.Balance(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			sum += v
		}
		if credited := int64(n*price + price/2); sum != credited {
			t.Fatalf("reseller's accounts and revenue hold %d, %d was credited", sum, credited)
		}
		// The reseller's statement shows its slots as its own two accounts, without the moves
		// between them: walked back from the balance, it starts at zero.
		ps, err := b.db.ResellerPostings(ctx, r.ID, time.Time{}, 10000)
		if err != nil {
			t.Fatal(err)
		}
		av := want - int64(len(invoices))*price
		for _, p := range ps {
			if p.SourceCode == p.DestCode || strings.Count(p.SourceCode+p.DestCode, ":") > 4 {
				t.Fatalf("statement shows a slot's posting: %+v", p)
			}
			if p.SourceCode == ledger.AvailableCode(r.ID) {
				av += p.Amount
			}
			if p.DestCode == ledger.AvailableCode(r.ID) {
				av -= p.Amount
			}
		}
		if av != 0 {
			t.Fatalf("statement walked back from the balance starts at %d, not 0", av)
		}
	})
}
