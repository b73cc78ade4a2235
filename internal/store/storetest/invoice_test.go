package storetest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// An invoice of order.NewInvoice's form is stored in 10 bytes on SQLite and as text on
// PostgreSQL (issue 22, fewer bytes per order). Whatever its stored form — packed, the text of
// an order written before the packing, or a text of another form — every reader gives the same
// invoice back and every lookup by invoice finds its order: the order itself, the searches,
// its attempts' references (made of the invoice), its postings' txns, its flags, the ledger check.
func TestCompactInvoices(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		r, avail, revenue := funded(t, db, "alice", 1000)
		held := accountID(t, db, ledger.HeldCode(r.ID))
		v := saveVariant(t, db, "V1", -1, map[string]int64{"default": 100})

		packed := newOrder(r, v, "r-packed", 100)
		before := newOrder(r, v, "r-before", 100) // its invoice rewritten as text below
		other := newOrder(r, v, "r-other", 100)
		other.Invoice = "TEST-" + other.Invoice // not of NewInvoice's form: stored as text
		orders := []*order.Order{packed, before, other}
		for i, o := range orders {
			ref := store.OrderRef{Invoice: o.Invoice}
			writeKey(t, db, r.ID, func(tx *store.Tx) error {
				if err := tx.OrderInsert(ctx, o); err != nil {
					return err
				}
				ref.ID = o.ID
				_, err := tx.TransferOrderFrom(ctx, ref, ledger.PostHold, avail, held, 100, "hold for "+o.Invoice)
				return err
			})
			if i == 1 {
				// As an order written before invoices were packed left it.
				q := `UPDATE orders SET invoice = ? WHERE id = ?`
				if p := db.Dialect().Placeholders; p != nil {
					q = p(q)
				}
				if _, err := db.Writer().ExecContext(ctx, q, o.Invoice, o.ID); err != nil {
					t.Fatal(err)
				}
			}
			a := &store.Attempt{OrderID: o.ID, Supplier: "sim", SKU: "V1", Reference: o.Invoice + "-1"}
			write(t, db, func(tx *store.Tx) error { return tx.AttemptInsert(ctx, a) })
			write(t, db, func(tx *store.Tx) error {
				a.State, a.Message = "pending", "wait"
				_, err := tx.AttemptUpdateFrom(ctx, a, "sent")
				return err
			})
			write(t, db, func(tx *store.Tx) error {
				a.State, a.SN = "success", "SN"+o.Reference
				_, err := tx.AttemptUpdateFrom(ctx, a, "pending")
				return err
			})
			writeKey(t, db, r.ID, func(tx *store.Tx) error {
				if ok, err := tx.OrderFinish(ctx, o.ID, order.Success, "SN"+o.Reference, "done", 0); err != nil || !ok {
					t.Errorf("finish %v %v", ok, err)
				}
				if _, err := tx.OrderFlagSet(ctx, o.ID, "late_delivery", "test"); err != nil {
					return err
				}
				return tx.TransferOrder(ctx, ref, ledger.PostCapture, held, revenue, 100, "")
			})
		}

		// Stored forms: length() counts a blob's bytes and a text's characters.
		wantPacked := len(packed.Invoice)
		if b.Name == "sqlite" {
			wantPacked = 10
		}
		for i, o := range orders {
			want := len(o.Invoice)
			if i == 0 {
				want = wantPacked
			}
			if n := count(t, db, `SELECT length(invoice) FROM orders WHERE id = ?`, o.ID); n != want {
				t.Errorf("invoice %s is stored in %d, want %d", o.Invoice, n, want)
			}
		}

		for _, o := range orders {
			inv := o.Invoice
			for _, rid := range []int64{r.ID, 0} {
				got, err := db.OrderByInvoice(ctx, rid, inv)
				if err != nil || got.ID != o.ID || got.Invoice != inv {
					t.Fatalf("order by invoice %s (reseller %d): %+v %v", inv, rid, got, err)
				}
			}
			list, err := db.OrderList(ctx, store.OrderFilter{Search: inv})
			if err != nil || len(list) != 1 || list[0].Invoice != inv {
				t.Errorf("order list search %s: %+v %v", inv, list, err)
			}
			mine, err := db.ResellerOrders(ctx, store.ResellerOrderFilter{ResellerID: r.ID, Search: inv})
			if err != nil || len(mine) != 1 || mine[0].Invoice != inv {
				t.Errorf("reseller orders search %s: %+v %v", inv, mine, err)
			}
			ref := inv + "-1"
			a, err := db.AttemptByReference(ctx, ref)
			if err != nil || a.OrderID != o.ID || a.Reference != ref {
				t.Errorf("attempt by reference %s: %+v %v", ref, a, err)
			}
			atts, err := db.Attempts(ctx, o.ID)
			if err != nil || len(atts) != 1 || atts[0].Reference != ref {
				t.Errorf("attempts of %s: %+v %v", inv, atts, err)
			}
			oo, atts, err := db.OrderWithAttempts(ctx, o.ID)
			if err != nil || oo.Invoice != inv || len(atts) != 1 || atts[0].Reference != ref {
				t.Errorf("order with attempts %s: %+v %+v %v", inv, oo, atts, err)
			}
			log, err := db.AttemptLog(ctx, o.ID)
			if err != nil || len(log) != 2 || log[0].Reference != ref || log[1].Reference != ref || log[0].State != "pending" || log[1].State != "success" {
				t.Errorf("attempt log of %s: %+v %v", inv, log, err)
			}
			ps, err := db.PostingsByTxnPrefix(ctx, "order:"+inv+":")
			if err != nil || len(ps) != 2 || ps[0].Txn != ledger.OrderTxn(inv, ledger.PostHold) || ps[1].Txn != ledger.OrderTxn(inv, ledger.PostCapture) {
				t.Errorf("postings of %s: %+v %v", inv, ps, err)
			}
			flags, err := db.OrderFlags(ctx, o.ID)
			if err != nil || len(flags) != 1 || flags[0].Invoice != inv {
				t.Errorf("flags of %s: %+v %v", inv, flags, err)
			}
		}
		ps, err := db.Postings(ctx, ledger.HeldCode(r.ID), 0)
		if err != nil || len(ps) != 6 {
			t.Fatalf("held postings %+v %v", ps, err)
		}
		for i, p := range ps {
			o := orders[2-i/2]
			if !strings.Contains(p.Txn, o.Invoice) || !strings.Contains(p.Memo, o.Invoice) {
				t.Errorf("posting %d: txn %q, memo %q; want invoice %s", i, p.Txn, p.Memo, o.Invoice)
			}
		}
		rep, err := db.LedgerCheck(ctx)
		if err != nil || !rep.OK() || rep.Orders != 3 {
			t.Fatalf("ledger check %+v %v", rep, err)
		}
	})
}
