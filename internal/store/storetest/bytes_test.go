package storetest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// count runs a SELECT COUNT(*) straight on the database.
func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	if p := db.Dialect().Placeholders; p != nil {
		query = p(query)
	}
	var n int
	if err := db.Writer().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// An order's postings are stored under its id and kind, with no txn and no memo when theirs is
// the kind's usual one, and read back under "order:INVOICE:kind" with that memo (issue 22). A
// txn of an order's form naming an existing order is keyed the same way; one written outside
// Kios under the txn text is reported by the ledger check.
func TestOrderPostingsKeyed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		r, avail, revenue := funded(t, db, "alice", 1000)
		held := accountID(t, db, ledger.HeldCode(r.ID))
		v := saveVariant(t, db, "V1", -1, map[string]int64{"default": 100})
		o := newOrder(r, v, "r1", 100)
		ref := store.OrderRef{ID: 0, Invoice: o.Invoice}
		writeKey(t, db, r.ID, func(tx *store.Tx) error {
			if err := tx.OrderInsert(ctx, o); err != nil {
				return err
			}
			ref.ID = o.ID
			bal, err := tx.TransferOrderFrom(ctx, ref, ledger.PostHold, avail, held, 100, "hold for "+o.Invoice)
			if err != nil || bal != 900 {
				t.Errorf("hold left %d: %v", bal, err)
			}
			return err
		})
		writeKey(t, db, r.ID, func(tx *store.Tx) error {
			if ok, err := tx.OrderFinish(ctx, o.ID, order.Success, "SN1", "done", 0); err != nil || !ok {
				t.Errorf("finish %v %v", ok, err)
			}
			return tx.TransferOrder(ctx, ref, ledger.PostCapture, held, revenue, 100, "captured by hand")
		})
		ledgerOK(t, db)
		if n := count(t, db, `SELECT COUNT(*) FROM postings WHERE order_id = ? AND txn IS NULL`, o.ID); n != 2 {
			t.Fatalf("%d postings keyed by the order, want 2", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM postings WHERE order_id = ? AND kind = ? AND memo = ''`, o.ID, int(ledger.PostHold)); n != 1 {
			t.Fatalf("the hold's usual memo is stored: %d", n)
		}
		ps, err := db.PostingsByTxnPrefix(ctx, "order:"+o.Invoice+":")
		if err != nil || len(ps) != 2 || ps[0].Txn != "order:"+o.Invoice+":hold" || ps[0].Memo != "hold for "+o.Invoice ||
			ps[1].Txn != "order:"+o.Invoice+":capture" || ps[1].Memo != "captured by hand" || ps[1].DestCode != ledger.RevenueCode {
			t.Fatalf("postings of the order: %+v %v", ps, err)
		}
		if ps, err := db.PostingsByTxnPrefix(ctx, "order:"+o.Invoice+":cap"); err != nil || len(ps) != 1 || ps[0].Amount != 100 {
			t.Fatalf("the order's capture by prefix: %+v %v", ps, err)
		}
		if ps, err := db.Postings(ctx, ledger.AvailableCode(r.ID), 1); err != nil || len(ps) != 1 || ps[0].Txn != "order:"+o.Invoice+":hold" {
			t.Fatalf("statement: %+v %v", ps, err)
		}

		// Transfer keys an order's txn by the order: a second capture is the order's, and reported.
		writeKey(t, db, r.ID, func(tx *store.Tx) error {
			return tx.Transfer(ctx, "order:"+o.Invoice+":capture", avail, revenue, 50, "again")
		})
		if n := count(t, db, `SELECT COUNT(*) FROM postings WHERE order_id = ? AND kind = ?`, o.ID, int(ledger.PostCapture)); n != 2 {
			t.Fatalf("%d captures keyed by the order, want 2", n)
		}
		reported := func(problem string) {
			t.Helper()
			rep, err := db.LedgerCheck(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range rep.Discrepancies {
				if d.Account == "order:"+o.Invoice && strings.Contains(d.Problem, problem) {
					return
				}
			}
			t.Fatalf("%q not reported: %+v", problem, rep.Discrepancies)
		}
		reported("2 capture postings")

		// A posting written outside Kios under the order's txn text is reported as such.
		if err := raw(db, `INSERT INTO postings (txn, source, destination, amount, memo, created_at) VALUES (?, ?, ?, 1, '', 0)`,
			"order:"+o.Invoice+":release", avail, held); err != nil {
			t.Fatal(err)
		}
		reported("not keyed to its order")
	})
}

// An attempt's log holds the answers before its latest, which the attempt holds; AttemptLog
// shows them all, oldest first, and a compare-and-set that loses logs nothing (issue 22).
func TestAttemptLogCompact(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		r := newReseller(t, db, "alice")
		v := saveVariant(t, db, "V1", -1, map[string]int64{"default": 100})
		o := newOrder(r, v, "r1", 100)
		write(t, db, func(tx *store.Tx) error { return tx.OrderInsert(ctx, o) })
		a := &store.Attempt{OrderID: o.ID, Supplier: "sim", SKU: "V1", Reference: o.Invoice + "-1"}
		write(t, db, func(tx *store.Tx) error { return tx.AttemptInsert(ctx, a) })
		logRows := func() int {
			return count(t, db, `SELECT COUNT(*) FROM attempt_log WHERE attempt_id = ?`, a.ID)
		}
		update := func(state, msg, from string) bool {
			t.Helper()
			a.State, a.Message, a.Raw = state, msg, `{"said":"`+msg+`"}`
			var ok bool
			write(t, db, func(tx *store.Tx) (err error) { ok, err = tx.AttemptUpdateFrom(ctx, a, from); return err })
			return ok
		}
		if log, err := db.AttemptLog(ctx, o.ID); err != nil || len(log) != 0 {
			t.Fatalf("log of an attempt not answered yet: %+v %v", log, err)
		}
		if !update("pending", "wait", "sent") || logRows() != 0 {
			t.Fatalf("first answer: %d log rows, want none (the attempt holds it)", logRows())
		}
		if !update("pending", "still", "pending") || logRows() != 1 {
			t.Fatalf("second answer: %d log rows, want 1", logRows())
		}
		if update("success", "lost", "success") || logRows() != 1 {
			t.Fatalf("a lost compare-and-set logged: %d log rows", logRows())
		}
		write(t, db, func(tx *store.Tx) error {
			a.State, a.Message, a.Raw = "success", "done", "{}"
			return tx.AttemptUpdate(ctx, a)
		})
		log, err := db.AttemptLog(ctx, o.ID)
		if err != nil || len(log) != 3 || logRows() != 2 {
			t.Fatalf("log %+v %v (%d rows)", log, err, logRows())
		}
		for i, want := range []struct{ state, msg, raw string }{{"pending", "wait", `{"said":"wait"}`}, {"pending", "still", `{"said":"still"}`}, {"success", "done", "{}"}} {
			if e := log[i]; e.State != want.state || e.Message != want.msg || e.Raw != want.raw || e.Reference != a.Reference || e.AttemptID != a.ID {
				t.Fatalf("entry %d %+v, want %+v", i, e, want)
			}
		}
	})
}

// A final order's SN and message are its attempts' when they said the same: on SQLite the
// attempt then keeps NULL for them (issue 22), on PostgreSQL its copy; both read the same.
func TestAttemptAnswerShared(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		r := newReseller(t, db, "alice")
		v := saveVariant(t, db, "V1", -1, map[string]int64{"default": 100})
		o := newOrder(r, v, "r1", 100)
		write(t, db, func(tx *store.Tx) error { return tx.OrderInsert(ctx, o) })
		failed := &store.Attempt{OrderID: o.ID, Supplier: "one", SKU: "V1", Reference: o.Invoice + "-1"}
		won := &store.Attempt{OrderID: o.ID, Supplier: "two", SKU: "V1", Reference: o.Invoice + "-2"}
		write(t, db, func(tx *store.Tx) error {
			for _, a := range []*store.Attempt{failed, won} {
				if err := tx.AttemptInsert(ctx, a); err != nil {
					return err
				}
			}
			failed.State, failed.Message = "failed", "gangguan"
			if err := tx.AttemptUpdate(ctx, failed); err != nil {
				return err
			}
			won.State, won.SN, won.Message = "success", "SN-42", "sukses"
			return tx.AttemptUpdate(ctx, won)
		})
		write(t, db, func(tx *store.Tx) error {
			if err := tx.OrderSetMessage(ctx, o.ID, "menunggu"); err != nil {
				return err
			}
			ok, err := tx.OrderFinish(ctx, o.ID, order.Success, "SN-42", "sukses", 0)
			if err == nil && !ok {
				t.Error("order not finished")
			}
			return err
		})
		nulls := count(t, db, `SELECT COUNT(*) FROM attempts WHERE order_id = ? AND sn IS NULL AND message IS NULL`, o.ID)
		if want := map[string]int{"sqlite": 1, "postgres": 0}[b.Name]; nulls != want {
			t.Fatalf("%d attempts keep their order's SN and message as NULL, want %d", nulls, want)
		}
		check := func(what string, got []store.Attempt) {
			t.Helper()
			if len(got) != 2 || got[0].Message != "gangguan" || got[0].SN != "" || got[1].SN != "SN-42" || got[1].Message != "sukses" ||
				got[1].Reference != won.Reference {
				t.Fatalf("%s: %+v", what, got)
			}
		}
		list, err := db.Attempts(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		check("Attempts", list)
		got, atts, err := db.OrderWithAttempts(ctx, o.ID)
		if err != nil || got.SN != "SN-42" || got.Message != "sukses" {
			t.Fatalf("order %+v %v", got, err)
		}
		check("OrderWithAttempts", atts)
		one, err := db.AttemptByReference(ctx, won.Reference)
		if err != nil {
			t.Fatal(err)
		}
		check("AttemptByReference", []store.Attempt{list[0], *one})
		log, err := db.AttemptLog(ctx, o.ID)
		if err != nil || len(log) != 2 || log[0].Message != "gangguan" || log[1].Message != "sukses" {
			t.Fatalf("log %+v %v", log, err)
		}
		// A final order's message no longer changes: it is its attempt's too.
		write(t, db, func(tx *store.Tx) error { return tx.OrderSetMessage(ctx, o.ID, "later") })
		if got, err := db.OrderByID(ctx, o.ID); err != nil || got.Message != "sukses" {
			t.Fatalf("final order's message changed: %+v %v", got, err)
		}
		// A later answer is the attempt's own again, and the one before it is logged.
		write(t, db, func(tx *store.Tx) error {
			won.SN, won.Message = "SN-43", "sukses lagi"
			_, err := tx.AttemptUpdateFrom(ctx, won, "success")
			return err
		})
		log, err = db.AttemptLog(ctx, o.ID)
		if err != nil || len(log) != 3 || log[1].Message != "sukses" || log[2].Message != "sukses lagi" {
			t.Fatalf("log after a late answer %+v %v", log, err)
		}
		if one, err := db.AttemptByReference(ctx, won.Reference); err != nil || one.SN != "SN-43" {
			t.Fatalf("late answer %+v %v", one, err)
		}
	})
}

// An order keeps the names it was sold under and an attempt its supplier and SKU, as an id of an
// immutable label shared by the rows that say the same (migrations 00252, 00253; a repeated
// final message likewise, 00254): a product
// renamed in the catalog makes a new label for the orders sold after, the orders before still
// show the old name, and a row written before the labels (its own texts) reads as it did.
func TestOrderLabels(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		url := b.URL(t)
		db := storetest.OpenURL(t, url)
		ctx := context.Background()
		r := newReseller(t, db, "alice")
		v := saveVariant(t, db, "V1", -1, map[string]int64{"default": 100})
		first, second, renamed := newOrder(r, v, "r1", 100), newOrder(r, v, "r2", 100), newOrder(r, v, "r3", 100)
		first.Dialect, second.Dialect, renamed.Dialect = "basstore", "basstore", "digiswitch"
		renamed.ProductName = "Game renamed"
		for _, o := range []*order.Order{first, second, renamed} {
			writeKey(t, db, r.ID, func(tx *store.Tx) error {
				if err := tx.OrderInsert(ctx, o); err != nil {
					return err
				}
				return tx.AttemptInsert(ctx, &store.Attempt{OrderID: o.ID, Supplier: "sim", SKU: "S-" + o.Reference, Reference: o.Invoice + "-1"})
			})
		}
		// A row from before the labels: its own texts, no label.
		if err := raw(db, `UPDATE orders SET label_id = NULL, variant_code = 'OLD', product_name = 'Old name', dialect = 'digiflazz' WHERE id = ?`, first.ID); err != nil {
			t.Fatal(err)
		}
		if err := raw(db, `UPDATE attempts SET label_id = NULL, supplier = 'old', sku = 'OLD-SKU' WHERE order_id = ?`, first.ID); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM order_labels`); n != 2 {
			t.Errorf("%d order labels, want 2 (one per name and dialect)", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM orders WHERE label_id IS NOT NULL AND variant_code = '' AND product_name = '' AND dialect = ''`); n != 2 {
			t.Errorf("%d labelled orders with empty texts, want 2", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM attempts WHERE label_id IS NOT NULL AND supplier = '' AND sku = ''`); n != 2 {
			t.Errorf("%d labelled attempts with empty texts, want 2", n)
		}
		want := map[int64][5]string{
			first.ID:   {"OLD", "Old name", "digiflazz", "old", "OLD-SKU"},
			second.ID:  {"V1", "Game V1", "basstore", "sim", "S-r2"},
			renamed.ID: {"V1", "Game renamed", "digiswitch", "sim", "S-r3"},
		}
		for id, w := range want {
			o, err := db.OrderByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if got := [3]string{o.VariantCode, o.ProductName, o.Dialect}; got != [3]string{w[0], w[1], w[2]} {
				t.Errorf("order %d reads %q, want %q", id, got, w[:3])
			}
			o, atts, err := db.OrderWithAttempts(ctx, id)
			if err != nil || len(atts) != 1 || o.ProductName != w[1] || atts[0].Supplier != w[3] || atts[0].SKU != w[4] {
				t.Errorf("order %d with attempts: %+v %+v %v", id, o, atts, err)
			}
			if atts, err := db.Attempts(ctx, id); err != nil || len(atts) != 1 || atts[0].Supplier != w[3] || atts[0].SKU != w[4] {
				t.Errorf("attempts of %d: %+v %v", id, atts, err)
			}
		}
		// A final order's message is labelled once seen before (migration 00254); its attempt's
		// answer, the same, reads as the order's.
		for _, o := range []*order.Order{first, second, renamed} {
			msg := "Transaksi sukses"
			if o == renamed {
				msg = "SN 123 saldo 456"
			}
			writeKey(t, db, r.ID, func(tx *store.Tx) error {
				atts, err := tx.Attempts(ctx, o.ID)
				if err != nil {
					return err
				}
				a := atts[0]
				a.State, a.SN, a.Message = "success", "SN-"+o.Reference, msg
				if err := tx.AttemptUpdate(ctx, &a); err != nil {
					return err
				}
				_, err = tx.OrderFinish(ctx, o.ID, order.Success, "SN-"+o.Reference, msg, 0)
				return err
			})
		}
		if n := count(t, db, `SELECT COUNT(*) FROM orders WHERE message_id IS NOT NULL AND message = ''`); n != 1 {
			t.Errorf("%d orders with a labelled message, want 1 (the second of two the same)", n)
		}
		for _, o := range []*order.Order{first, second, renamed} {
			want := "Transaksi sukses"
			if o == renamed {
				want = "SN 123 saldo 456"
			}
			got, atts, err := db.OrderWithAttempts(ctx, o.ID)
			if err != nil || got.Message != want || len(atts) != 1 || atts[0].Message != want || atts[0].SN != "SN-"+o.Reference {
				t.Errorf("order %d after finishing: %+v %+v %v", o.ID, got, atts, err)
			}
			if atts, err := db.Attempts(ctx, o.ID); err != nil || len(atts) != 1 || atts[0].Message != want {
				t.Errorf("attempts of %d after finishing: %+v %v", o.ID, atts, err)
			}
		}
		list, err := db.OrderList(ctx, store.OrderFilter{ResellerID: r.ID})
		if err != nil || len(list) != 3 || list[0].ProductName != "Game renamed" || list[2].VariantCode != "OLD" {
			t.Fatalf("order list: %+v %v", list, err)
		}
		// A fresh DB (no cached labels) reads and writes the same.
		db.Close()
		db2 := storetest.OpenURL(t, url)
		third := newOrder(r, v, "r4", 100)
		third.Dialect = "basstore"
		writeKey(t, db2, r.ID, func(tx *store.Tx) error { return tx.OrderInsert(ctx, third) })
		if o, err := db2.OrderByID(ctx, third.ID); err != nil || o.ProductName != "Game V1" || o.Dialect != "basstore" {
			t.Fatalf("order after reopening: %+v %v", o, err)
		}
		if n := count(t, db2, `SELECT COUNT(*) FROM order_labels`); n != 2 {
			t.Errorf("%d order labels after reopening, want 2", n)
		}
	})
}

// A label made by a caller that then fails is undone with it (the caller's savepoint, or the
// whole transaction) and must not be cached: the batch's other callers and later orders make
// it again. A label made by another process after this one cached the table is found by the
// insert's conflict. Every labelled order then reads the texts it was made with.
func TestLabelsCachedOnlyOnceCommitted(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		url := b.URL(t)
		db, other := storetest.OpenURL(t, url), storetest.OpenURL(t, url)
		ctx := context.Background()
		r := newReseller(t, db, "alice")
		v := saveVariant(t, db, "V1", -1, map[string]int64{"default": 100})
		errFail := errors.New("caller fails after its label")
		var placed []*order.Order
		var mu sync.Mutex
		for round := range 8 {
			var wg sync.WaitGroup
			for c := range 8 {
				o := newOrder(r, v, fmt.Sprintf("r%d-%d", round, c), 100)
				o.ProductName = fmt.Sprintf("Game round %d", round) // a new label each round
				fail := c%2 == 0
				wg.Add(1)
				go func() {
					defer wg.Done()
					err := db.BatchKey(ctx, r.ID, func(tx *store.Tx) error {
						if err := tx.OrderInsert(ctx, o); err != nil {
							return err
						}
						if fail {
							return errFail
						}
						return nil
					})
					switch {
					case fail && !errors.Is(err, errFail), !fail && err != nil:
						t.Errorf("order %s: %v", o.Reference, err)
					case !fail:
						mu.Lock()
						placed = append(placed, o)
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
		}
		// Another process makes a label this one has not seen, after this one cached the table.
		late := newOrder(r, v, "late-other", 100)
		late.ProductName = "Game made elsewhere"
		writeKey(t, other, r.ID, func(tx *store.Tx) error { return tx.OrderInsert(ctx, late) })
		mine := newOrder(r, v, "late-mine", 100)
		mine.ProductName = late.ProductName
		writeKey(t, db, r.ID, func(tx *store.Tx) error { return tx.OrderInsert(ctx, mine) })
		placed = append(placed, late, mine)

		if n := count(t, db, `SELECT COUNT(*) FROM orders o LEFT JOIN order_labels l ON l.id = o.label_id WHERE o.label_id IS NOT NULL AND l.id IS NULL`); n != 0 {
			t.Errorf("%d orders keep the id of a label that does not exist", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM order_labels`); n != 9 {
			t.Errorf("%d order labels, want 9 (one per round and the other process's)", n)
		}
		for _, o := range placed {
			got, err := db.OrderByID(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ProductName != o.ProductName || got.VariantCode != o.VariantCode || got.Dialect != o.Dialect {
				t.Errorf("order %s reads %q %q %q, want %q %q %q", o.Reference, got.ProductName, got.VariantCode, got.Dialect,
					o.ProductName, o.VariantCode, o.Dialect)
			}
		}
	})
}
