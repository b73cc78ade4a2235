package storetest_test

import (
	"context"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/backend"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// An order's times, stored compactly as offsets from its created_at (issue 22, fewer bytes per
// order), read back exactly: a posting's time (migration 00261) in statements and the member
// area's recent postings; an attempt's times (00262) and its log's, wherever an attempt is read;
// an order's updated_at (00263); its day (00264), also in the reports that group by it.
func TestCompactTimes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		clk := newClock()
		db := b.OpenOptions(t, backend.Options{Options: store.Options{Now: clk.Now}})
		ctx := context.Background()
		r, avail, revenue := funded(t, db, "alice", 1000)
		deposited := clk.Now()
		clk.Advance(time.Minute)
		held := accountID(t, db, ledger.HeldCode(r.ID))
		v := saveVariant(t, db, "V1", -1, map[string]int64{"default": 100})
		o := newOrder(r, v, "r1", 100)
		ref := store.OrderRef{Invoice: o.Invoice}
		created := clk.Now()
		writeKey(t, db, r.ID, func(tx *store.Tx) error {
			if err := tx.OrderInsert(ctx, o); err != nil {
				return err
			}
			ref.ID = o.ID
			_, err := tx.TransferOrderFrom(ctx, ref, ledger.PostHold, avail, held, 100, "hold for "+o.Invoice)
			return err
		})
		clk.Advance(200 * time.Millisecond)
		sent := clk.Now()
		a := &store.Attempt{OrderID: o.ID, Supplier: "sim", SKU: "V1", Reference: o.Invoice + "-1"}
		write(t, db, func(tx *store.Tx) error { return tx.AttemptInsert(ctx, a) })
		clk.Advance(300 * time.Millisecond)
		pending := clk.Now()
		write(t, db, func(tx *store.Tx) error {
			a.State, a.Message = "pending", "wait"
			ok, err := tx.AttemptUpdateFrom(ctx, a, "sent")
			if err == nil && !ok {
				t.Error("attempt not updated")
			}
			return err
		})
		clk.Advance(1000 * time.Millisecond)
		settled := clk.Now()
		write(t, db, func(tx *store.Tx) error {
			a.State, a.SN, a.Message = "success", "SN1", "done"
			ok, err := tx.AttemptUpdateFrom(ctx, a, "pending")
			if err == nil && !ok {
				t.Error("attempt not updated")
			}
			return err
		})
		writeKey(t, db, r.ID, func(tx *store.Tx) error {
			if ok, err := tx.OrderFinish(ctx, o.ID, order.Success, "SN1", "done", 0); err != nil || !ok {
				t.Errorf("finish %v %v", ok, err)
			}
			return tx.TransferOrder(ctx, ref, ledger.PostCapture, held, revenue, 100, "")
		})

		if n := count(t, db, `SELECT COUNT(*) FROM orders WHERE id = ? AND updated_at = ?`, o.ID, int64(1500000)); n != 1 {
			t.Errorf("the order's stored updated_at is not 1,500,000 µs after its created_at")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM orders WHERE id = ? AND day = ?`, o.ID, int64(20781)); n != 1 {
			t.Errorf("the order's day is not stored as 20781 (2026-11-24)")
		}
		byInvoice, err := db.OrderByInvoice(ctx, r.ID, o.Invoice)
		if err != nil || !byInvoice.CreatedAt.Equal(created) || !byInvoice.UpdatedAt.Equal(settled) || byInvoice.Day != "2026-11-24" {
			t.Fatalf("order by invoice %+v %v, want created %v, updated %v", byInvoice, err, created, settled)
		}

		// Stored: the hold at its order's time, 0; the capture 1.5 s after it; the deposit, of
		// no order, its own time.
		if n := count(t, db, `SELECT COUNT(*) FROM postings WHERE order_id = ? AND kind = ? AND created_at = 0`, o.ID, int(ledger.PostHold)); n != 1 {
			t.Errorf("the hold's stored time is not 0 after its order's")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM postings WHERE order_id = ? AND kind = ? AND created_at = ?`, o.ID, int(ledger.PostCapture), int64(1500000)); n != 1 {
			t.Errorf("the capture's stored time is not 1,500,000 µs after its order's")
		}

		ps, err := db.Postings(ctx, ledger.HeldCode(r.ID), 0)
		if err != nil || len(ps) != 2 {
			t.Fatalf("held postings %+v %v", ps, err)
		}
		if ps[0].CreatedAt != settled.UnixMicro() || ps[1].CreatedAt != created.UnixMicro() {
			t.Errorf("postings at %d and %d, want the capture at %d and the hold at %d",
				ps[0].CreatedAt, ps[1].CreatedAt, settled.UnixMicro(), created.UnixMicro())
		}
		ps, err = db.Postings(ctx, ledger.AvailableCode(r.ID), 0)
		if err != nil || len(ps) != 2 || ps[1].CreatedAt != deposited.UnixMicro() {
			t.Fatalf("deposit read back %+v %v, want at %d", ps, err, deposited.UnixMicro())
		}
		// The member area's recent postings are drawn by time: only the capture is after the hold.
		ps, err = db.ResellerPostings(ctx, r.ID, created.Add(time.Millisecond), 10)
		if err != nil || len(ps) != 1 || ps[0].CreatedAt != settled.UnixMicro() {
			t.Fatalf("postings since just after the hold: %+v %v", ps, err)
		}
		ps, err = db.ResellerPostings(ctx, r.ID, created, 10)
		if err != nil || len(ps) != 2 {
			t.Fatalf("postings since the hold: %+v %v", ps, err)
		}

		// The attempt: stored as offsets, read as its times by every reader.
		if n := count(t, db, `SELECT COUNT(*) FROM attempts WHERE id = ? AND created_at = ? AND updated_at = ?`, a.ID, int64(200000), int64(1500000)); n != 1 {
			t.Errorf("the attempt's stored times are not 200,000 and 1,500,000 µs after its order's")
		}
		checkAttempt := func(where string, got store.Attempt) {
			t.Helper()
			if !got.CreatedAt.Equal(sent) || !got.UpdatedAt.Equal(settled) {
				t.Errorf("%s: attempt at %v, updated %v; want %v and %v", where, got.CreatedAt, got.UpdatedAt, sent, settled)
			}
		}
		atts, err := db.Attempts(ctx, o.ID)
		if err != nil || len(atts) != 1 {
			t.Fatalf("attempts %+v %v", atts, err)
		}
		checkAttempt("Attempts", atts[0])
		got, err := db.AttemptByReference(ctx, a.Reference)
		if err != nil {
			t.Fatal(err)
		}
		checkAttempt("AttemptByReference", *got)
		oo, atts, err := db.OrderWithAttempts(ctx, o.ID)
		if err != nil || len(atts) != 1 {
			t.Fatalf("order with attempts %+v %v", atts, err)
		}
		checkAttempt("OrderWithAttempts", atts[0])
		if !oo.CreatedAt.Equal(created) || !oo.UpdatedAt.Equal(settled) {
			t.Errorf("order at %v, updated %v; want %v and %v", oo.CreatedAt, oo.UpdatedAt, created, settled)
		}
		log, err := db.AttemptLog(ctx, o.ID)
		if err != nil || len(log) != 2 || !log[0].At.Equal(pending) || !log[1].At.Equal(settled) {
			t.Fatalf("attempt log %+v %v, want answers at %v and %v", log, err, pending, settled)
		}
		sales, err := db.SalesByDay(ctx, "2026-11-24")
		if err != nil || len(sales) != 1 || sales[0].Day != "2026-11-24" || sales[0].Success != 1 {
			t.Fatalf("sales by day %+v %v", sales, err)
		}
		if sales, err := db.SalesByDay(ctx, "2026-11-25"); err != nil || len(sales) != 0 {
			t.Fatalf("sales from the next day %+v %v", sales, err)
		}
		margin, err := db.MarginReport(ctx, "2026-11-23", "2026-11-24")
		if err != nil || len(margin) != 1 || margin[0].Day != "2026-11-24" {
			t.Fatalf("margin %+v %v", margin, err)
		}
		if sold, err := db.ProductSales(ctx, "2026-11-24"); err != nil || len(sold) != 1 {
			t.Fatalf("product sales %+v %v", sold, err)
		}
		ledgerOK(t, db)
	})
}
