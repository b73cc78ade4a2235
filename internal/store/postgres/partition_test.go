package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/store/postgres"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// migratedTo connects to a new schema and migrates it up to version.
func migratedTo(t *testing.T, version int64) (*sql.DB, func(int64)) {
	t.Helper()
	ctx := context.Background()
	url := storetest.Postgres(t).URL(t)
	db, _, err := postgres.Connect(ctx, url, 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	p, err := postgres.Provider(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	up := func(v int64) {
		t.Helper()
		if _, err := p.UpTo(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	up(version)
	return db, up
}

// seedRows are a reseller (1), a product and a variant (1) for orders to name.
var seedRows = []string{
	`INSERT INTO resellers (id, username, name, membership, token_hash, api_key, created_at) VALUES (1, 'r', 'R', 'default', 'h', 'k', 0)`,
	`INSERT INTO products (id, code, name, created_at, updated_at) VALUES (1, 'p', 'P', 0, 0)`,
	`INSERT INTO variants (id, product_id, code, name, unlimited_stock, created_at, updated_at) VALUES (1, 1, 'unl', 'U', TRUE, 0, 0)`,
}

func execAll(t *testing.T, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, statements ...string) {
	t.Helper()
	for _, q := range statements {
		if _, err := db.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// insertOrder inserts an order as the store does (ON CONFLICT DO NOTHING RETURNING id) and
// returns its id, 0 when the insert was skipped.
func insertOrder(t *testing.T, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, invoice, ref string) int64 {
	t.Helper()
	var id int64
	err := q.QueryRowContext(context.Background(), `INSERT INTO orders (invoice, reseller_id, reference, variant_id, variant_code,
		product_name, destination, price, status, day, multi, created_at, updated_at)
		VALUES ($1, 1, $2, 1, 'x', 'x', 'd', 1, 'Pending', 20790, FALSE, 1796000000000000, 0) ON CONFLICT DO NOTHING RETURNING id`,
		invoice, ref).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0
	}
	if err != nil {
		t.Fatalf("insert order %s/%s: %v", invoice, ref, err)
	}
	return id
}

func scalar[T any](t *testing.T, db *sql.DB, q string, args ...any) T {
	t.Helper()
	var v T
	if err := db.QueryRowContext(context.Background(), q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// TestPartitionsMigration (issue 22): migration 00271 turns an existing database's orders and
// postings into partitioned tables in place. The rows from before stay where they were
// (orders_legacy, postings_other), their references keep guarding against a second order, new
// orders take ids from this month's block and land in its partition with their postings, an
// invoice clash is retried, the foreign keys name the partitioned table, and a deleted order
// gives its reference up.
func TestPartitionsMigration(t *testing.T) {
	ctx := context.Background()
	db, up := migratedTo(t, 270)
	execAll(t, db, seedRows...)
	execAll(t, db,
		`INSERT INTO accounts (id, code, kind, balance, allow_negative) VALUES (1, 'a', 'system', 0, TRUE), (2, 'b', 'system', 0, TRUE)`,
		`INSERT INTO orders (id, invoice, reseller_id, reference, variant_id, variant_code, product_name, destination, price, status, day,
			multi, created_at, updated_at) VALUES (7, 'INV-OLD', 1, 'old', 1, 'x', 'x', 'd', 1, 'Success', 20790, FALSE, 1796000000000000, 5)`,
		`INSERT INTO postings (order_id, kind, source, destination, amount, memo, created_at) VALUES (7, 0, 1, 2, 1, '', 0)`,
		`INSERT INTO postings (txn, source, destination, amount, memo, created_at) VALUES ('deposit:x', 1, 2, 5, '', 1796000009000000)`,
		`INSERT INTO attempts (order_id, number, supplier, sku, state, raw, cost, polls, upstream_ref, created_at, updated_at)
			VALUES (7, 1, 's', 'k', 'success', '', 0, 0, '', 0, 0)`,
	)
	up(271)

	month := scalar[int64](t, db, `SELECT kios_month_now()`)
	base := month * 10_000_000_000
	if n := scalar[int64](t, db, `SELECT COUNT(*) FROM orders_legacy WHERE id = 7`); n != 1 {
		t.Fatalf("the order from before is not in orders_legacy")
	}
	if got := scalar[string](t, db, `SELECT tableoid::regclass::text FROM postings WHERE txn = 'deposit:x'`); got != "postings_other" {
		t.Fatalf("a posting of no order is in %s, want postings_other", got)
	}
	for _, m := range []int64{month, month + 1, month + 2} {
		if m%100 == 13 || m%100 == 14 {
			m += 88
		}
		for _, table := range []string{"orders_p", "postings_p"} {
			if !scalar[bool](t, db, `SELECT to_regclass($1) IS NOT NULL`, table+strconv.FormatInt(m, 10)) {
				t.Errorf("no partition %s%d after the migration", table, m)
			}
		}
	}

	// The reference of the order from before still guards; a new one gets this month's block.
	if id := insertOrder(t, db, "INV-A", "old"); id != 0 {
		t.Fatalf("a second order under the reference of an order from before the migration went in (id %d)", id)
	}
	id := insertOrder(t, db, "INV-A", "a")
	if id <= base || id >= base+10_000_000_000 {
		t.Fatalf("new order id %d, want one of month %d's block (from %d)", id, month, base)
	}
	if got := scalar[string](t, db, `SELECT tableoid::regclass::text FROM orders WHERE id = $1`, id); got != fmt.Sprintf("orders_p%d", month) {
		t.Fatalf("new order in %s", got)
	}
	if got := insertOrder(t, db, "INV-A2", "a"); got != 0 {
		t.Fatalf("a second order under reference a went in (id %d)", got)
	}
	execAll(t, db, fmt.Sprintf(`INSERT INTO postings (order_id, kind, source, destination, amount, memo, created_at) VALUES (%d, 0, 1, 2, 3, '', 0)`, id))
	if got := scalar[string](t, db, `SELECT tableoid::regclass::text FROM postings WHERE order_id = $1`, id); got != fmt.Sprintf("postings_p%d", month) {
		t.Fatalf("the new order's posting is in %s", got)
	}

	// An invoice clash skips the row; the same transaction's retry under a fresh invoice takes
	// the reference its first try left in the guard.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := insertOrder(t, tx, "INV-A", "b"); got != 0 {
		t.Fatalf("an order with a taken invoice went in (id %d)", got)
	}
	if got := insertOrder(t, tx, "INV-B", "b"); got == 0 {
		t.Fatalf("the retry after an invoice clash was skipped")
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	// Foreign keys name the partitioned table.
	if _, err := db.ExecContext(ctx, `INSERT INTO attempts (order_id, number, supplier, sku, state, raw, cost, polls, upstream_ref,
		created_at, updated_at) VALUES (12345, 1, 's', 'k', 'success', '', 0, 0, '', 0, 0)`); err == nil {
		t.Fatal("an attempt of no order went in")
	}
	execAll(t, db, fmt.Sprintf(`INSERT INTO attempts (order_id, number, supplier, sku, state, raw, cost, polls, upstream_ref,
		created_at, updated_at) VALUES (%d, 1, 's', 'k', 'success', '', 0, 0, '', 0, 0)`, id))

	// A deleted order gives its reference up (kios_order_unref).
	execAll(t, db, `DELETE FROM attempts WHERE order_id = 7`, `DELETE FROM orders WHERE id = 7`)
	if got := insertOrder(t, db, "INV-C", "old"); got == 0 {
		t.Fatal("the reference of a deleted order still guards")
	}
	if n := scalar[int64](t, db, `SELECT COUNT(*) FROM order_refs`); n != 3 {
		t.Fatalf("%d guard rows, want 3 (a, b, old)", n)
	}
}

// TestOrderReferenceRace: two transactions inserting the same reference at once, as two nodes
// would: the second waits for the first and, once it committed, is skipped (the guard is one
// table across the months, not a unique key per partition).
func TestOrderReferenceRace(t *testing.T) {
	ctx := context.Background()
	db, _ := migratedTo(t, 271)
	execAll(t, db, seedRows...)
	first, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback()
	if id := insertOrder(t, first, "INV-1", "same"); id == 0 {
		t.Fatal("first insert skipped")
	}
	second := make(chan int64, 1)
	go func() {
		var id int64
		err := db.QueryRowContext(ctx, `INSERT INTO orders (invoice, reseller_id, reference, variant_id, variant_code,
			product_name, destination, price, status, day, multi, created_at, updated_at)
			VALUES ('INV-2', 1, 'same', 1, 'x', 'x', 'd', 1, 'Pending', 20790, FALSE, 0, 0) ON CONFLICT DO NOTHING RETURNING id`).Scan(&id)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			id = -1
		}
		second <- id
	}()
	select {
	case id := <-second:
		t.Fatalf("the second insert did not wait for the first transaction (id %d)", id)
	case <-time.After(300 * time.Millisecond):
	}
	if err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	if id := <-second; id != 0 {
		t.Fatalf("the second insert of the same reference answered %d, want skipped (0)", id)
	}
	if n := scalar[int64](t, db, `SELECT COUNT(*) FROM orders WHERE reference = 'same'`); n != 1 {
		t.Fatalf("%d orders under one reference", n)
	}
}

// TestOrderIDMonthTurn: kios_order_id moves the sequence into the month's block at its first
// order, and stays in the block before while the month has no partition.
func TestOrderIDMonthTurn(t *testing.T) {
	db, _ := migratedTo(t, 271)
	month := scalar[int64](t, db, `SELECT kios_month_now()`)
	base := month * 10_000_000_000
	execAll(t, db, fmt.Sprintf(`SELECT setval('orders_id_seq', %d)`, base-100))
	if id := scalar[int64](t, db, `SELECT kios_order_id()`); id != base+1 {
		t.Fatalf("first id of the month %d, want %d", id, base+1)
	}
	if id := scalar[int64](t, db, `SELECT kios_order_id()`); id != base+2 {
		t.Fatalf("second id of the month %d, want %d", id, base+2)
	}
	// Without the month's partition, ids stay below it.
	execAll(t, db, fmt.Sprintf(`ALTER TABLE orders DETACH PARTITION orders_p%d`, month), fmt.Sprintf(`DROP TABLE orders_p%d`, month),
		fmt.Sprintf(`SELECT setval('orders_id_seq', %d)`, base-100))
	if id := scalar[int64](t, db, `SELECT kios_order_id()`); id != base-99 {
		t.Fatalf("id without the month's partition %d, want %d", id, base-99)
	}
	if n := scalar[int64](t, db, `SELECT kios_ensure_months(2)`); n != 1 {
		t.Fatalf("kios_ensure_months made %d months, want 1 (this one again)", n)
	}
	if id := scalar[int64](t, db, `SELECT kios_order_id()`); id != base+1 {
		t.Fatalf("id once the partition is back %d, want %d", id, base+1)
	}
}
