package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/kios-h2h/kios/client/basstore"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/kiostest"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/sqlite"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestArchiveMonths (PostgreSQL, issue 22): a month whose orders are all final and before the
// cut is archived whole, its partitions detached. A crash after one of its batches was written,
// and one inside its transaction (after the deletes, before the detach), each change nothing
// live: the month's partitions are there, the ledger checks are clean, no order is counted as
// archived. Running again detaches the month; what is left before the cut (the next month's
// orders) goes by batches; the archive verifies; a lookup of the month's invoices says archived,
// a re-sent reference of its orders is refused, and new orders go on.
func TestArchiveMonths(t *testing.T) {
	pg := storetest.Postgres(t)
	k := kiostest.Setup(t, kiostest.Options{Backend: &pg})
	ctx := context.Background()
	k.Run()
	db := k.DB
	first := archiveKit(t, k, "m1", 9)
	// The month turns: orders take ids from the next month's block, made ahead.
	if _, err := db.Writer().ExecContext(ctx, `SELECT setval('orders_id_seq', kios_month_base(kios_month_after(kios_month_now())))`); err != nil {
		t.Fatal(err)
	}
	archiveKit(t, k, "m2", 4)
	months, err := db.Partitions(ctx)
	if err != nil || len(months) != 3 {
		t.Fatalf("partitions %v %v, want this month and two ahead", months, err)
	}
	month := months[0]
	var inMonth int64
	if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM orders WHERE id >= kios_month_base($1) AND id < kios_month_base($2)`,
		month, months[1]).Scan(&inMonth); err != nil || inMonth != 9 {
		t.Fatalf("%d orders in month %d (%v), want 9", inMonth, month, err)
	}
	total := k.OrderCount(t)
	before := ledgerClean(t, db, nil, "before archival")
	cut := time.Date(months[1]/100, time.Month(months[1]%100), 1, 0, 0, 0, 0, catalog.Jakarta)
	a, err := sqlite.OpenArchive(ctx, filepath.Join(t.TempDir(), "archive.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	opt := store.ArchiveOptions{Cut: cut, Sink: a, Target: "sqlite:archive.db", BatchSize: 4}

	crash := errors.New("crash")
	for _, stage := range []string{"deleted", "written"} {
		o := opt
		o.Fault = func(s string, n int64) error {
			if s == stage && n == 2 || s == "deleted" && stage == "deleted" {
				return crash
			}
			return nil
		}
		if r, err := db.Archive(ctx, o); !errors.Is(err, crash) {
			t.Fatalf("crash %s: %v (%+v)", stage, err, r)
		}
		if ms, _ := db.Partitions(ctx); !slices.Equal(ms, months) {
			t.Fatalf("after a crash %s: partitions %v, want %v", stage, ms, months)
		}
		rep := ledgerClean(t, db, nil, "after a crash "+stage)
		if rep.Postings != before.Postings {
			t.Fatalf("after a crash %s: %d postings, %d before", stage, rep.Postings, before.Postings)
		}
		given, rows := archivedOrders(t, db, a)
		if live := k.OrderCount(t); live != total || given != 0 || rows == 0 {
			t.Fatalf("after a crash %s: %d live orders (want %d), %d archived (want 0), %d rows in the archive (want some)",
				stage, live, total, given, rows)
		}
	}

	res, err := db.Archive(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Months, months[:1]) {
		t.Fatalf("months archived whole %v, want %v", res.Months, months[:1])
	}
	if ms, _ := db.Partitions(ctx); !slices.Equal(ms, months[1:]) {
		t.Fatalf("after archival: partitions %v, want %v", ms, months[1:])
	}
	live := k.OrderCount(t)
	given, rows := archivedOrders(t, db, a)
	if given != total-live || rows != given || res.Orders != given || given < inMonth {
		t.Fatalf("archived %d (run says %d), %d rows in the archive, %d left live of %d", given, res.Orders, rows, live, total)
	}
	rep := ledgerClean(t, db, nil, "after archival")
	if rep.Postings != before.Postings {
		t.Fatalf("after archival: %d postings counted, %d before", rep.Postings, before.Postings)
	}
	vrep, _, pending, err := db.VerifyArchive(ctx, a.DB())
	if err != nil || !vrep.OK() || pending != 0 || vrep.Orders != given {
		t.Fatalf("verify: %v %v pending %d, %d orders, want %d", err, vrep.Discrepancies, pending, vrep.Orders, given)
	}
	if n := lookups(t, db, first); n != int64(len(first)) {
		t.Fatalf("%d of the month's %d lookups say archived", n, len(first))
	}

	// The month's references still guard; new orders go on.
	client := basstore.NewClient(k.Server.URL, k.Reseller.Token, basstore.Options{})
	if got, err := client.Order(ctx, basstore.OrderRequest{Code: "s5", ReferenceNumber: "m1-0", Data: "081299999999"}); err == nil {
		t.Fatalf("a re-sent reference of an archived month was taken: %+v", got)
	}
	after := archiveKit(t, k, "m3", 2)
	if n := lookups(t, db, after); n != 0 {
		t.Fatalf("new orders said archived")
	}
	ledgerClean(t, db, nil, "orders after archival")
	if k.OrderCount(t) != live+2 {
		t.Fatalf("%d live orders, want %d", k.OrderCount(t), live+2)
	}
}

// TestArchiveMonthOfManyOrders: a month whose orders' times sum past 64 bits (6,000 orders of
// microsecond times do) is archived whole; its fingerprint is exact, not an overflow.
func TestArchiveMonthOfManyOrders(t *testing.T) {
	pg := storetest.Postgres(t)
	k := kiostest.Setup(t, kiostest.Options{Backend: &pg})
	ctx := context.Background()
	db := k.DB
	now := time.Now().UnixMicro()
	if _, err := db.Writer().ExecContext(ctx, `INSERT INTO orders (invoice, reseller_id, reference, variant_id, variant_code, product_name,
		destination, price, status, day, multi, created_at, updated_at)
		SELECT 'INV-' || i, (SELECT MIN(id) FROM resellers), 'ref-' || i, (SELECT MIN(id) FROM variants), 'x', 'x', 'd', 1, 'Success', 20790, FALSE, $1, 1000
		FROM generate_series(1, 6000) i`, now); err != nil {
		t.Fatal(err)
	}
	// The month turns, and the next month has an order: it goes by batches.
	if _, err := db.Writer().ExecContext(ctx, `SELECT setval('orders_id_seq', kios_month_base(kios_month_after(kios_month_now())))`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Writer().ExecContext(ctx, `INSERT INTO orders (invoice, reseller_id, reference, variant_id, variant_code, product_name,
		destination, price, status, day, multi, created_at, updated_at)
		SELECT 'INV-next', MIN(id), 'ref-next', (SELECT MIN(id) FROM variants), 'x', 'x', 'd', 1, 'Success', 20790, FALSE, $1, 1000
		FROM resellers`, now); err != nil {
		t.Fatal(err)
	}
	months, err := db.Partitions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Archive(ctx, store.ArchiveOptions{Cut: time.Date(months[1]/100, time.Month(months[1]%100), 1, 0, 0, 0, 0, catalog.Jakarta),
		Drop: true, Target: store.DropArchive, BatchSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Months, months[:1]) || res.Orders != 6001 || res.Batches != 7 || k.OrderCount(t) != 0 {
		t.Fatalf("archive: %+v, %d orders left; want month %d whole (6 batches) and one more order", res, k.OrderCount(t), months[0])
	}
}
