package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/kios-h2h/kios/client/basstore"
	"github.com/kios-h2h/kios/internal/kiostest"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/sqlite"
)

// archiveKit places n orders through the kit's server (every third one fails at the simulator)
// and waits until all are final; it returns their invoices.
func archiveKit(t *testing.T, k *kiostest.Kit, prefix string, n int) []string {
	t.Helper()
	client := basstore.NewClient(k.Server.URL, k.Reseller.Token, basstore.Options{})
	var invoices []string
	for i := range n {
		dest := fmt.Sprintf("0812%08d", 10000+i)
		if i%3 == 2 {
			dest = "081200000000" // the simulator fails it
		}
		a, err := client.Order(context.Background(), basstore.OrderRequest{Code: "s5", ReferenceNumber: fmt.Sprintf("%s-%d", prefix, i), Data: dest})
		if err != nil {
			t.Fatalf("order %d: %v", i, err)
		}
		invoices = append(invoices, a.InvoiceNumber)
	}
	for _, inv := range invoices {
		k.WaitFinal(inv)
	}
	return invoices
}

// lookups looks each invoice up: each is found or said archived (and not found); it returns how
// many are archived.
func lookups(t *testing.T, db *store.DB, invoices []string) int64 {
	t.Helper()
	var n int64
	for _, inv := range invoices {
		_, err := db.OrderByInvoice(context.Background(), 0, inv)
		var ae *order.ArchivedError
		switch {
		case err == nil:
		case errors.As(err, &ae) && errors.Is(err, order.ErrNotFound) && ae.Invoice == inv && ae.Target != "":
			n++
		default:
			t.Fatalf("lookup of %s: %v", inv, err)
		}
	}
	return n
}

// rebind writes q's "?" placeholders as db's backend wants them.
func rebind(db *store.DB, q string) string {
	if p := db.Dialect().Placeholders; p != nil {
		return p(q)
	}
	return q
}

// ledgerClean runs the full check, and the incremental one from cp when not nil.
func ledgerClean(t *testing.T, db *store.DB, cp *store.LedgerCheckpoint, when string) ledger.Report {
	t.Helper()
	ctx := context.Background()
	rep, err := db.LedgerCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("%s: full ledger check: %v", when, rep.Discrepancies)
	}
	from, _, err := db.LedgerCheckFrom(ctx, nil)
	if err != nil || !from.OK() || from.Postings != rep.Postings {
		t.Fatalf("%s: ledger check from nothing: %v %v (%d postings, full check %d)", when, err, from.Discrepancies, from.Postings, rep.Postings)
	}
	if cp != nil {
		inc, _, err := db.LedgerCheckFrom(ctx, cp)
		if err != nil || !inc.OK() || inc.Postings != rep.Postings {
			t.Fatalf("%s: incremental ledger check: %v %v (%d postings, full check %d)", when, err, inc.Discrepancies, inc.Postings, rep.Postings)
		}
	}
	return rep
}

// archived counts the orders the archive holds as given up (batch within the live count), and
// all of its orders rows, and checks that none is twice in it or still live.
func archivedOrders(t *testing.T, db *store.DB, a *sqlite.Archive) (given, rows int64) {
	t.Helper()
	ctx := context.Background()
	var batches int64
	as, err := db.Archives(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range as {
		if x.Name == a.Name() {
			batches = x.Batches
		}
	}
	var distinct int64
	if err := a.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM orders WHERE batch <= ?`, batches).Scan(&given); err != nil {
		t.Fatal(err)
	}
	if err := a.DB().QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT invoice) FROM orders`).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if distinct != rows {
		t.Fatalf("archive holds %d orders rows for %d invoices", rows, distinct)
	}
	return given, rows
}

// Archival on both backends: a checkpoint newer than the orders' postings keeps them live; then,
// without it, an archive run crashed after a batch was written to the file (before the live
// database gave it up) and one crashed inside the live transaction (after its deletes) each lose
// nothing and double nothing, the ledger checks stay clean, and running again continues to the
// end; the archive verifies against the checkpoint at the cut; a lookup of an archived invoice
// says it was archived; running once more archives nothing.
func TestArchive(t *testing.T) {
	kiostest.Each(t, kiostest.Options{}, func(t *testing.T, k *kiostest.Kit) {
		ctx := context.Background()
		k.Run()
		invoices := archiveKit(t, k, "arc", 23)
		db := k.DB
		total := k.OrderCount(t)
		before := ledgerClean(t, db, nil, "before archival")
		cut := time.Now().Add(24 * time.Hour)
		a, err := sqlite.OpenArchive(ctx, filepath.Join(t.TempDir(), "archive.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		opt := store.ArchiveOptions{Cut: cut, Sink: a, Target: "sqlite:archive.db", BatchSize: 4}

		// A checkpoint whose horizon is below the orders' postings (they are less than a
		// minute old): nothing may be archived, or the incremental check would miss it.
		_, cp, err := db.LedgerCheckFrom(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Batch(ctx, func(tx *store.Tx) error { return tx.LedgerCheckpointSave(ctx, cp, 10) }); err != nil {
			t.Fatal(err)
		}
		res, err := db.Archive(ctx, opt)
		if err != nil || res.Orders != 0 || res.Skipped != total {
			t.Fatalf("archive under a checkpoint: %+v %v, want nothing archived and %d skipped", res, err, total)
		}
		ledgerClean(t, db, cp, "after an archive under a checkpoint")
		for _, q := range []string{`DELETE FROM ledger_checkpoint_balances`, `DELETE FROM ledger_checkpoints`} {
			if _, err := db.Writer().ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}

		crash := errors.New("crash")
		for _, stage := range []string{"written", "deleted"} {
			o := opt
			// The run's second batch fails at stage, every time it is tried (a batch's function
			// may run more than once: Batch replays it).
			var first int64
			o.Fault = func(s string, n int64) error {
				if first == 0 {
					first = n
				}
				if s == stage && n == first+1 {
					return crash
				}
				return nil
			}
			if r, err := db.Archive(ctx, o); !errors.Is(err, crash) {
				t.Fatalf("crash %s: %v (%+v)", stage, err, r)
			}
			rep := ledgerClean(t, db, nil, "after a crash "+stage)
			if rep.Postings != before.Postings {
				t.Fatalf("after a crash %s: %d postings, %d before", stage, rep.Postings, before.Postings)
			}
			given, rows := archivedOrders(t, db, a)
			if live := k.OrderCount(t); live+given != total {
				t.Fatalf("after a crash %s: %d live + %d archived orders, want %d", stage, live, given, total)
			}
			if stage == "written" && rows == given {
				t.Fatalf("the crash after a batch was written left no rows of it in the archive")
			}
			vrep, _, pending, err := db.VerifyArchive(ctx, a.DB())
			if err != nil || !vrep.OK() || pending != rows-given || vrep.Orders != given {
				t.Fatalf("verify after a crash %s: %v %v, %d pending (want %d), %d orders (want %d)", stage, err, vrep.Discrepancies,
					pending, rows-given, vrep.Orders, given)
			}
		}

		res, err = db.Archive(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		// On SQLite the orders holding a table's highest id stay (see archiveKeep), counted as
		// skipped; PostgreSQL keeps none.
		live := k.OrderCount(t)
		if live != res.Skipped || (live > 0) != db.Dialect().ReusesIDs || live > 5 {
			t.Fatalf("%d orders left live after the archive ran to its end (%+v), want those it kept", live, res)
		}
		given, rows := archivedOrders(t, db, a)
		if given != total-live || rows != given {
			t.Fatalf("archive holds %d orders given up, %d rows, want %d", given, rows, total-live)
		}
		rep := ledgerClean(t, db, nil, "after archival")
		if rep.Postings != before.Postings {
			t.Fatalf("after archival: %d postings counted, %d before", rep.Postings, before.Postings)
		}
		vrep, info, pending, err := db.VerifyArchive(ctx, a.DB())
		if err != nil || !vrep.OK() || pending != 0 || vrep.Orders != given || info.Orders != given {
			t.Fatalf("verify: %v %v pending %d, %d orders (archives says %d), want %d", err, vrep.Discrepancies, pending, vrep.Orders, info.Orders, given)
		}

		// The lookup says archived, and is still not found for those that only ask that.
		if n := lookups(t, db, invoices); n != given {
			t.Fatalf("%d lookups say archived, %d orders archived", n, given)
		}
		if _, err := db.OrderByInvoice(ctx, 0, order.NewInvoice(cut.Add(time.Hour))); errors.Is(err, order.ErrArchived) || !errors.Is(err, order.ErrNotFound) {
			t.Fatalf("lookup of an invoice after the cut: %v, want plain not found", err)
		}

		// A checkpoint made now counts the archived postings, and the incremental check from it
		// stays clean as orders come after the archival.
		_, cp, err = db.LedgerCheckFrom(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		archiveKit(t, k, "after", 4)
		ledgerClean(t, db, cp, "orders after archival")

		// Tampering with the archive is found.
		if _, err := a.DB().ExecContext(ctx, `UPDATE postings SET amount = amount + 1 WHERE id = (SELECT MIN(id) FROM postings)`); err != nil {
			t.Fatal(err)
		}
		if vrep, _, _, err := db.VerifyArchive(ctx, a.DB()); err != nil || vrep.OK() {
			t.Fatalf("verify of a tampered archive: %v %v, want discrepancies", err, vrep.Discrepancies)
		}
		if _, err := a.DB().ExecContext(ctx, `UPDATE postings SET amount = amount - 1 WHERE id = (SELECT MIN(id) FROM postings)`); err != nil {
			t.Fatal(err)
		}

		// Running again continues: the orders placed since are final and before the cut, so they
		// go too; a run after that finds nothing.
		if _, err := db.Archive(ctx, opt); err != nil {
			t.Fatal(err)
		}
		res, err = db.Archive(ctx, opt)
		if err != nil || res.Orders != 0 || res.Batches != 0 {
			t.Fatalf("archive run again: %+v %v, want nothing", res, err)
		}
		ledgerClean(t, db, nil, "after archiving again")
		live = k.OrderCount(t)
		if vrep, _, _, err := db.VerifyArchive(ctx, a.DB()); err != nil || !vrep.OK() || vrep.Orders != total+4-live || live > 5 {
			t.Fatalf("verify at the end: %v %v %d orders, want %d (%d live)", err, vrep.Discrepancies, vrep.Orders, total+4-live, live)
		}
	})
}

// Archival while the server runs and orders are being placed (issue 22 item 2: "in bounded
// batches while the server runs"): runs of small batches, one after another, while clients place
// orders; the orders in flight are skipped and taken by a later run. Nothing is lost or doubled,
// the ledger checks stay clean throughout, and the archive holds its orders' and attempts' texts
// (not the live database's label ids).
func TestArchiveUnderLoad(t *testing.T) {
	kiostest.Each(t, kiostest.Options{}, func(t *testing.T, k *kiostest.Kit) {
		ctx := context.Background()
		k.Run()
		db := k.DB
		a, err := sqlite.OpenArchive(ctx, filepath.Join(t.TempDir(), "archive.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		opt := store.ArchiveOptions{Cut: time.Now().Add(time.Hour), Sink: a, Target: "sqlite:archive.db", BatchSize: 3}

		const clients, each = 3, 12
		done := make(chan []string, clients)
		for c := range clients {
			go func() {
				client := basstore.NewClient(k.Server.URL, k.Reseller.Token, basstore.Options{})
				var invoices []string
				for i := range each {
					dest := fmt.Sprintf("0812%08d", 20000+c*100+i)
					if i%4 == 3 {
						dest = "081200000000" // the simulator fails it
					}
					ans, err := client.Order(ctx, basstore.OrderRequest{Code: "s5", ReferenceNumber: fmt.Sprintf("load-%d-%d", c, i), Data: dest})
					if err != nil {
						t.Errorf("order %d of client %d: %v", i, c, err)
						break
					}
					invoices = append(invoices, ans.InvoiceNumber)
				}
				done <- invoices
			}()
		}
		var invoices []string
		runs, archivedWhilePlacing := 0, int64(0)
		for finished := 0; finished < clients; {
			select {
			case inv := <-done:
				invoices = append(invoices, inv...)
				finished++
				continue
			default:
			}
			res, err := db.Archive(ctx, opt)
			if err != nil {
				t.Fatalf("archive run %d while orders are placed: %v", runs, err)
			}
			runs++
			archivedWhilePlacing += res.Orders
			// One check at a time: two would read the ledger at different moments.
			if rep, err := db.LedgerCheck(ctx); err != nil || !rep.OK() {
				t.Fatalf("ledger check after archive run %d while orders are placed: %v %v", runs, err, rep.Discrepancies)
			}
			if rep, _, err := db.LedgerCheckFrom(ctx, nil); err != nil || !rep.OK() {
				t.Fatalf("ledger check from nothing after archive run %d while orders are placed: %v %v", runs, err, rep.Discrepancies)
			}
		}
		if t.Failed() {
			return
		}
		for _, inv := range invoices {
			k.WaitFinal(inv)
		}
		if _, err := db.Archive(ctx, opt); err != nil {
			t.Fatal(err)
		}
		total := int64(clients * each)
		live := k.OrderCount(t)
		given, rows := archivedOrders(t, db, a)
		if live+given != total || rows != given || live > 5 {
			t.Fatalf("after %d runs under load (%d archived meanwhile) and one after: %d live + %d archived (%d rows), want %d",
				runs, archivedWhilePlacing, live, given, rows, total)
		}
		ledgerClean(t, db, nil, "after archival under load")
		if vrep, _, pending, err := db.VerifyArchive(ctx, a.DB()); err != nil || !vrep.OK() || pending != 0 || vrep.Orders != given {
			t.Fatalf("verify: %v %v pending %d, %d orders, want %d", err, vrep.Discrepancies, pending, vrep.Orders, given)
		}
		if n := lookups(t, db, invoices); n != given {
			t.Fatalf("%d lookups say archived, %d orders archived", n, given)
		}
		var blank int64
		if err := a.DB().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM orders WHERE variant_code = '' OR product_name = '' OR dialect = '')
			+ (SELECT COUNT(*) FROM orders WHERE message_id IS NOT NULL AND message = '')
			+ (SELECT COUNT(*) FROM attempts WHERE supplier = '' OR sku = '')`).Scan(&blank); err != nil || blank != 0 {
			t.Fatalf("%d archived orders or attempts without their texts: %v", blank, err)
		}
		t.Logf("%d archive runs while %d orders were placed, %d archived meanwhile", runs, total, archivedWhilePlacing)
	})
}

// --drop gives the orders up and keeps only their checkpoint: the ledger stays clean.
func TestArchiveDrop(t *testing.T) {
	kiostest.Each(t, kiostest.Options{}, func(t *testing.T, k *kiostest.Kit) {
		ctx := context.Background()
		k.Run()
		invoices := archiveKit(t, k, "drop", 7)
		before := ledgerClean(t, k.DB, nil, "before")
		// An order with a job still due (a callback not yet delivered) stays.
		withJob, err := k.DB.OrderByInvoice(ctx, 0, invoices[1])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := k.DB.Writer().ExecContext(ctx, rebind(k.DB, `INSERT INTO jobs (kind, order_id, run_at, attempts, locked_by, locked_until, last_error)
			VALUES ('callback', ?, ?, 0, '', 0, '')`), withJob.ID, time.Now().Add(24*time.Hour).UnixMicro()); err != nil {
			t.Fatal(err)
		}
		res, err := k.DB.Archive(ctx, store.ArchiveOptions{Cut: time.Now().Add(time.Hour), Drop: true, Target: store.DropArchive})
		if err != nil || res.Orders == 0 || res.Orders+res.Skipped != 7 || k.OrderCount(t) != res.Skipped { // archiveKeep's stay
			t.Fatalf("drop: %+v %v", res, err)
		}
		if _, err := k.DB.OrderByInvoice(ctx, 0, invoices[1]); err != nil {
			t.Fatalf("the order with a job was archived: %v", err)
		}
		if rep := ledgerClean(t, k.DB, nil, "after drop"); rep.Postings != before.Postings {
			t.Fatalf("%d postings after drop, %d before", rep.Postings, before.Postings)
		}
		if n := lookups(t, k.DB, invoices); n != res.Orders {
			t.Fatalf("%d lookups say archived, %d orders dropped", n, res.Orders)
		}
	})
}
