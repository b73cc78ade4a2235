package core_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// The incremental ledger check verifies what came after the last clean checkpoint: the orders
// placed since, every account's balance against checkpoint plus new postings; it finds a
// balance tampered with; --full still reads the whole history.
func TestIncrementalLedgerCheck(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		b := setup(t, be, 0)
		b.run(t)
		if _, err := b.svc.Credit(ctx, b.cr.Reseller.Username, 100_000, "test"); err != nil {
			t.Fatal(err)
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if f := b.db.Dialect().Placeholders; f != nil {
				q = f(q)
			}
			if _, err := b.db.Writer().ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		place := func(ref, dest string) {
			t.Helper()
			p, err := b.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: b.cr.Reseller, VariantCode: "MLBB_ID_5", Reference: ref, Destination: dest})
			if err != nil {
				t.Fatal(err)
			}
			b.waitFinal(t, p.Order.Invoice)
		}
		for i := range 5 {
			dest := fmt.Sprintf("12345%d(1)", i)
			if i == 4 {
				dest = "10000(0000)" // fails at the simulator: hold and release
			}
			place(fmt.Sprint("old-", i), dest)
		}
		// Older than the horizon's lag: a checkpoint covers them.
		exec(`UPDATE postings SET created_at = created_at - 120000000`)
		exec(`UPDATE orders SET created_at = created_at - 120000000`)

		first, err := b.svc.LedgerCheckFrom(ctx, false, true)
		if err != nil || !first.OK() || first.Mode != "full" || !first.Saved || first.Orders != 5 {
			t.Fatalf("first check: %+v %v", first, err)
		}
		place("new-1", "222222(2)")
		place("new-2", "333333(3)")
		inc, err := b.svc.LedgerCheckFrom(ctx, false, false)
		if err != nil || !inc.OK() || inc.Mode != "incremental" || inc.Saved || inc.Orders != 2 || inc.Since.IsZero() {
			t.Fatalf("incremental check: %+v %v", inc, err)
		}
		full, err := b.svc.LedgerCheckFrom(ctx, true, false)
		if err != nil || !full.OK() || full.Mode != "full" || full.Orders != 7 || full.Postings != inc.Postings || full.Accounts != inc.Accounts {
			t.Fatalf("full check %+v, incremental %+v, %v", full, inc, err)
		}
		rep, err := b.svc.LedgerCheck(ctx)
		if err != nil || !rep.OK() || rep.Postings != full.Postings || rep.Orders != full.Orders {
			t.Fatalf("LedgerCheck %+v, from nothing %+v", rep, full.Report)
		}

		// A balance moved outside Kios shows in the incremental check, and no checkpoint is saved.
		exec(`UPDATE accounts SET balance = balance + 1 WHERE code = ?`, ledger.AvailableCode(b.cr.Reseller.ID))
		bad, err := b.svc.LedgerCheckFrom(ctx, false, true)
		if err != nil || bad.OK() || bad.Saved {
			t.Fatalf("tampered balance: %+v %v", bad, err)
		}
		exec(`UPDATE accounts SET balance = balance - 1 WHERE code = ?`, ledger.AvailableCode(b.cr.Reseller.ID))

		// An old order's posting changed below the horizon: only --full reads that far back.
		exec(`UPDATE postings SET amount = amount + 1 WHERE id = (SELECT MIN(id) FROM postings WHERE order_id IS NOT NULL AND kind = 0)`) // the oldest hold
		if full, err := b.svc.LedgerCheckFrom(ctx, true, false); err != nil || full.OK() {
			t.Fatalf("full check of a tampered old posting: %+v %v", full, err)
		}

		// Each clean scheduled check moves the checkpoint on; the next sees only what is newer.
		exec(`UPDATE postings SET amount = amount - 1 WHERE id = (SELECT MIN(id) FROM postings WHERE order_id IS NOT NULL AND kind = 0)`)
		exec(`UPDATE postings SET created_at = created_at - 120000000 WHERE created_at > ?`, 0)
		exec(`UPDATE orders SET created_at = created_at - 120000000 WHERE status <> ?`, string(order.Pending))
		second, err := b.svc.LedgerCheckFrom(ctx, false, true)
		if err != nil || !second.OK() || !second.Saved {
			t.Fatalf("second scheduled check: %+v %v", second, err)
		}
		after, err := b.svc.LedgerCheckFrom(ctx, false, false)
		if err != nil || !after.OK() || after.Orders != 0 {
			t.Fatalf("check after the second checkpoint: %+v %v", after, err)
		}
		if last, ok := b.svc.LastLedgerCheck(); !ok || !last.OK() {
			t.Fatalf("last check %+v %v", last, ok)
		}
	})
}
