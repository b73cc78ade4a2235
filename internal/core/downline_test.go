package core_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// tree is a three-level downline tree under the bundle's reseller: top ← d1 ← d2.
type tree struct {
	top, d1, d2 *reseller.Reseller
}

func makeTree(t *testing.T, b *bundle) tree {
	t.Helper()
	ctx := context.Background()
	d1, err := b.svc.CreateReseller(ctx, core.NewReseller{Name: "Level One", Upline: b.cr.Reseller.Username, Markup: 100})
	if err != nil {
		t.Fatal(err)
	}
	d2, err := b.svc.CreateReseller(ctx, core.NewReseller{Name: "Level Two", Upline: d1.Reseller.Username, Markup: 50})
	if err != nil {
		t.Fatal(err)
	}
	// Overrides: top charges d1 120 on the whole product; d1 charges d2 70 on the variant.
	if err := b.svc.SetDownlineMarkup(ctx, core.MarkupSet{Downline: d1.Reseller.Username, Product: "mobile-legends", Rupiah: 120}); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.SetDownlineMarkup(ctx, core.MarkupSet{Downline: d2.Reseller.Username, Upline: d1.Reseller.Username, Variant: "MLBB_ID_5", Rupiah: 70}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*reseller.Reseller{b.cr.Reseller, d1.Reseller, d2.Reseller} {
		if _, err := b.svc.Credit(ctx, r.Username, 100000, "test"); err != nil {
			t.Fatal(err)
		}
	}
	return tree{top: b.cr.Reseller, d1: d1.Reseller, d2: d2.Reseller}
}

func waitOrder(t *testing.T, b *bundle, r *reseller.Reseller, invoice string) *order.Order {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		o, err := b.svc.Order(context.Background(), r.ID, invoice)
		if err != nil {
			t.Fatal(err)
		}
		if o.Status.Final() {
			return o
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("order %s not final in time", invoice)
	return nil
}

// waitBalance waits for r's available balance to be want (commissions are paid by a job).
func waitBalance(t *testing.T, b *bundle, r *reseller.Reseller, want int64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var bal int64
	for time.Now().Before(deadline) {
		var err error
		if bal, err = b.svc.Balance(context.Background(), r.ID); err != nil {
			t.Fatal(err)
		}
		if bal == want {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s's balance %d, want %d", r.Username, bal, want)
}

// TestDownlineTreeMoney: three levels each placing orders at once, some failing; each pays its
// upline's price plus its markup, each upline earns its markup on the successes only, the
// center earns its price, and the ledger check (with the tree's invariant) passes. The lock
// domain assertion is on (storetest).
func TestDownlineTreeMoney(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
		ctx := context.Background()
		tr := makeTree(t, b)
		v, err := b.db.VariantByCode(ctx, "MLBB_ID_5")
		if err != nil {
			t.Fatal(err)
		}
		prices := map[*reseller.Reseller]int64{tr.top: 1389, tr.d1: 1389 + 120, tr.d2: 1389 + 120 + 70}
		for r, want := range prices {
			if got, ok, err := b.svc.PriceOf(ctx, r, v); err != nil || !ok || got != want {
				t.Fatalf("%s's price %d %v %v, want %d", r.Username, got, ok, err, want)
			}
		}
		b.run(t)
		const n = 12
		type placed struct {
			r   *reseller.Reseller
			inv string
		}
		var mu sync.Mutex
		var all []placed
		var wg sync.WaitGroup
		for _, r := range []*reseller.Reseller{tr.top, tr.d1, tr.d2} {
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func(r *reseller.Reseller, i int) {
					defer wg.Done()
					dest := "0812000" + fmt.Sprint(i)
					if i%3 == 0 {
						dest = "5550000" // the simulator fails it
					}
					p, err := b.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: r, VariantCode: "MLBB_ID_5", Reference: fmt.Sprintf("t%d", i), Destination: dest})
					if err != nil {
						t.Error(err)
						return
					}
					if p.Order.Price != prices[r] {
						t.Errorf("%s charged %d, want %d", r.Username, p.Order.Price, prices[r])
					}
					mu.Lock()
					all = append(all, placed{r, p.Order.Invoice})
					mu.Unlock()
				}(r, i)
			}
		}
		wg.Wait()
		wins := map[*reseller.Reseller]int64{}
		for _, p := range all {
			if o := waitOrder(t, b, p.r, p.inv); o.Status == order.Success {
				wins[p.r]++
			}
		}
		if wins[tr.top] != n-n/3 || wins[tr.d1] != n-n/3 || wins[tr.d2] != n-n/3 {
			t.Fatalf("successes %v", wins)
		}
		waitBalance(t, b, tr.d2, 100000-wins[tr.d2]*prices[tr.d2])
		waitBalance(t, b, tr.d1, 100000-wins[tr.d1]*prices[tr.d1]+wins[tr.d2]*70)
		waitBalance(t, b, tr.top, 100000-wins[tr.top]*prices[tr.top]+(wins[tr.d1]+wins[tr.d2])*120)
		if rev, err := b.db.Balance(ctx, "revenue"); err != nil || rev != (wins[tr.top]+wins[tr.d1]+wins[tr.d2])*1389 {
			t.Fatalf("revenue %d %v", rev, err)
		}
		for _, r := range []*reseller.Reseller{tr.top, tr.d1} {
			if c, err := b.svc.CommissionBalance(ctx, r.ID); err != nil || c != 0 {
				t.Fatalf("%s's commission account %d %v after payment", r.Username, c, err)
			}
		}
		b.checkLedger(t)
	})
}

// TestDownlineAccrueAndCaps: with commission: accrue the markup waits in the upline's
// commission account until exchanged (once); max_markup caps markups set and in force; the
// depth limit refuses a downline too deep.
func TestDownlineAccrueAndCaps(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be, 0)
		ctx := context.Background()
		tr := makeTree(t, b)
		if err := b.svc.SetSetting(ctx, core.SettingCommission, core.CommissionAccrue); err != nil {
			t.Fatal(err)
		}
		b.run(t)
		p, err := b.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: tr.d2, VariantCode: "MLBB_ID_5", Reference: "a1", Destination: "08123456"})
		if err != nil {
			t.Fatal(err)
		}
		if o := waitOrder(t, b, tr.d2, p.Order.Invoice); o.Status != order.Success {
			t.Fatalf("final %+v", o)
		}
		if c, _ := b.svc.CommissionBalance(ctx, tr.d1.ID); c != 70 {
			t.Fatalf("d1 accrued %d, want 70", c)
		}
		if c, _ := b.svc.CommissionBalance(ctx, tr.top.ID); c != 120 {
			t.Fatalf("top accrued %d, want 120", c)
		}
		if bal, _ := b.svc.Balance(ctx, tr.d1.ID); bal != 100000 {
			t.Fatalf("d1's balance moved before the exchange: %d", bal)
		}
		b.checkLedger(t)
		// The tree's invariant: a markup recorded unlike what was paid is found.
		tamper := func(q string) {
			t.Helper()
			if _, err := b.db.Writer().ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		tamper(`UPDATE order_commissions SET amount = amount + 1 WHERE upline_id = (SELECT MIN(upline_id) FROM order_commissions)`)
		if rep, err := b.svc.LedgerCheck(ctx); err != nil || rep.OK() || !strings.Contains(fmt.Sprint(rep.Discrepancies), "center price") {
			t.Fatalf("tampered markup: %+v %v", rep.Discrepancies, err)
		}
		tamper(`UPDATE order_commissions SET amount = amount - 1 WHERE upline_id = (SELECT MIN(upline_id) FROM order_commissions)`)
		b.checkLedger(t)
		var wg sync.WaitGroup
		var moved [4]int64
		for i := range moved {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				var err error
				if moved[i], err = b.svc.ExchangeCommission(ctx, tr.d1.ID); err != nil {
					t.Error(err)
				}
			}(i)
		}
		wg.Wait()
		if total := moved[0] + moved[1] + moved[2] + moved[3]; total != 70 {
			t.Fatalf("exchanged %v, want 70 once", moved)
		}
		if bal, _ := b.svc.Balance(ctx, tr.d1.ID); bal != 100070 {
			t.Fatalf("d1's balance after the exchange %d", bal)
		}
		b.checkLedger(t)

		// A failure moves nothing but the release.
		f, err := b.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: tr.d2, VariantCode: "MLBB_ID_5", Reference: "a2", Destination: "5550000"})
		if err != nil {
			t.Fatal(err)
		}
		if o := waitOrder(t, b, tr.d2, f.Order.Invoice); o.Status != order.Failed {
			t.Fatalf("final %+v", o)
		}
		if c, _ := b.svc.CommissionBalance(ctx, tr.top.ID); c != 120 {
			t.Fatalf("top's commission after a failure %d, want 120", c)
		}
		b.checkLedger(t)

		// Caps.
		if err := b.svc.SetSetting(ctx, core.SettingMaxMarkup, "60"); err != nil {
			t.Fatal(err)
		}
		v, _ := b.db.VariantByCode(ctx, "MLBB_ID_5")
		if got, _, _ := b.svc.PriceOf(ctx, tr.d2, v); got != 1389+60+60 {
			t.Fatalf("capped price %d", got)
		}
		if err := b.svc.SetDownlineMarkup(ctx, core.MarkupSet{Downline: tr.d2.Username, Rupiah: 61}); !errors.Is(err, core.ErrMarkupAboveMax) {
			t.Fatalf("markup above max: %v", err)
		}
		if _, err := b.svc.CreateReseller(ctx, core.NewReseller{Name: "Greedy", Upline: tr.d1.Username, Markup: 61}); !errors.Is(err, core.ErrMarkupAboveMax) {
			t.Fatalf("downline created above max: %v", err)
		}
		if err := b.svc.SetDownlineMarkup(ctx, core.MarkupSet{Downline: tr.d2.Username, Upline: tr.top.Username, Rupiah: 10}); !errors.Is(err, core.ErrNotYourDownline) {
			t.Fatalf("markup by a grand-upline: %v", err)
		}
		if err := b.svc.SetSetting(ctx, core.SettingDownlineDepth, "2"); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.CreateReseller(ctx, core.NewReseller{Name: "Too Deep", Upline: tr.d2.Username}); !errors.Is(err, core.ErrDepthLimit) {
			t.Fatalf("depth 3 under a limit of 2: %v", err)
		}
		b.checkLedger(t)
	})
}
