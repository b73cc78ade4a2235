package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"path/filepath"
	"testing"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite"

	"github.com/kios-h2h/kios/internal/store/sqlite"
)

// TestStockTakenBackfill: migration 00060 marks as having taken stock exactly the pending,
// charged, prepaid orders of limited variants, as acceptance did before the column existed.
// (The PostgreSQL migration runs the same statement.)
func TestStockTakenBackfill(t *testing.T) {
	ctx := context.Background()
	db, p := migratedTo(t, 50)
	execAll(t, db, []string{
		`INSERT INTO resellers (id, username, name, membership, token_hash, api_key, created_at) VALUES (1, 'r', 'R', 'default', 'h', 'k', 0)`,
		`INSERT INTO products (id, code, name, created_at, updated_at) VALUES (1, 'p', 'P', 0, 0)`,
		`INSERT INTO variants (id, product_id, code, name, unlimited_stock, stock, created_at, updated_at) VALUES (1, 1, 'lim', 'L', FALSE, 3, 0, 0)`,
		`INSERT INTO variants (id, product_id, code, name, unlimited_stock, created_at, updated_at) VALUES (2, 1, 'unl', 'U', TRUE, 0, 0)`,
		`INSERT INTO variants (id, product_id, code, name, kind, unlimited_stock, created_at, updated_at) VALUES (3, 1, 'bill', 'B', 'postpaid', FALSE, 0, 0)`,
	})
	orders := []struct {
		ref     string
		variant int
		status  string
		testing bool
		want    bool
	}{
		{"pending-limited", 1, "Pending", false, true},
		{"pending-limited-test", 1, "Pending", true, false},
		{"done-limited", 1, "Success", false, false},
		{"failed-limited", 1, "Failed", false, false},
		{"pending-unlimited", 2, "Pending", false, false},
		{"pending-bill", 3, "Pending", false, false},
	}
	for i, o := range orders {
		if _, err := db.ExecContext(ctx, `INSERT INTO orders (invoice, reseller_id, reference, variant_id, variant_code, product_name,
			destination, price, status, day, multi, testing, created_at, updated_at) VALUES (?, 1, ?, ?, 'x', 'x', 'd', 1, ?, '2026-11-24', TRUE, ?, 0, 0)`,
			"INV-"+o.ref, o.ref, o.variant, o.status, o.testing); err != nil {
			t.Fatalf("order %d: %v", i, err)
		}
	}
	if _, err := p.UpTo(ctx, 60); err != nil {
		t.Fatal(err)
	}
	for _, o := range orders {
		var got bool
		if err := db.QueryRowContext(ctx, `SELECT stock_taken FROM orders WHERE reference = ?`, o.ref).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != o.want {
			t.Errorf("%s: stock_taken %v, want %v", o.ref, got, o.want)
		}
	}
}

// TestCompactTimesMigrated: the migrations of issue 22's compact times turn the rows written
// before them into the new forms, which read back as the times they held. (The PostgreSQL
// migrations run the same statements on the same columns.)
func TestCompactTimesMigrated(t *testing.T) {
	ctx := context.Background()
	db, p := migratedTo(t, 260)
	const created = int64(1796000000000000)
	execAll(t, db, []string{
		`INSERT INTO resellers (id, username, name, membership, token_hash, api_key, created_at) VALUES (1, 'r', 'R', 'default', 'h', 'k', 0)`,
		`INSERT INTO products (id, code, name, created_at, updated_at) VALUES (1, 'p', 'P', 0, 0)`,
		`INSERT INTO variants (id, product_id, code, name, unlimited_stock, created_at, updated_at) VALUES (1, 1, 'unl', 'U', TRUE, 0, 0)`,
		`INSERT INTO accounts (id, code, kind, balance, allow_negative) VALUES (1, 'a', 'system', 0, TRUE), (2, 'b', 'system', 0, TRUE)`,
		`INSERT INTO orders (id, invoice, reseller_id, reference, variant_id, variant_code, product_name, destination, price, status, day,
			multi, testing, created_at, updated_at) VALUES (7, 'INV', 1, 'ref', 1, 'x', 'x', 'd', 1, 'Success', '2026-11-30', TRUE, FALSE,
			1796000000000000, 1796000002500000)`,
		`INSERT INTO postings (id, order_id, kind, source, destination, amount, memo, created_at)
			VALUES (1, 7, 0, 1, 2, 1, '', 1796000000000000), (2, 7, 1, 2, 1, 1, '', 1796000002500000)`,
		`INSERT INTO postings (id, txn, source, destination, amount, memo, created_at) VALUES (3, 'deposit:x', 1, 2, 1, '', 1796000009000000)`,
		`INSERT INTO attempts (id, order_id, number, supplier, sku, state, raw, cost, polls, upstream_ref, created_at, updated_at)
			VALUES (5, 7, 1, 's', 'k', 'success', '', 0, 0, '', 1796000000200000, 1796000002400000)`,
	})
	if _, err := p.UpTo(ctx, 264); err != nil {
		t.Fatal(err)
	}
	// Stored as offsets from the order, and read back (store.postingAt) as the times they were.
	for id, want := range map[int64][2]int64{1: {0, created}, 2: {2500000, created + 2500000}, 3: {created + 9000000, created + 9000000}} {
		var stored, read int64
		if err := db.QueryRowContext(ctx, `SELECT p.created_at, p.created_at + COALESCE(o.created_at, 0)
			FROM postings p LEFT JOIN orders o ON o.id = p.order_id WHERE p.id = ?`, id).Scan(&stored, &read); err != nil {
			t.Fatal(err)
		}
		if stored != want[0] || read != want[1] {
			t.Errorf("posting %d: stored %d, read %d; want %d and %d", id, stored, read, want[0], want[1])
		}
	}
	var c, u int64
	if err := db.QueryRowContext(ctx, `SELECT created_at, updated_at FROM attempts WHERE id = 5`).Scan(&c, &u); err != nil {
		t.Fatal(err)
	}
	if c != 200000 || u != 2400000 {
		t.Errorf("attempt stored at %d, updated %d; want 200000 and 2400000 after its order", c, u)
	}
	if err := db.QueryRowContext(ctx, `SELECT updated_at FROM orders WHERE id = 7`).Scan(&u); err != nil {
		t.Fatal(err)
	}
	if u != 2500000 {
		t.Errorf("order's updated_at stored as %d, want 2500000 after its created_at", u)
	}
	var day int64
	if err := db.QueryRowContext(ctx, `SELECT day FROM orders WHERE id = 7`).Scan(&day); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC).Unix() / 86400; day != want {
		t.Errorf("order's day stored as %d, want %d (2026-11-30)", day, want)
	}
}

// TestOrderDaysMigrated: migration 00272 fills order_days with each day's lowest and highest
// order id, ids interleaving across days included, drops orders_day, and keeps order_days up
// with the orders inserted after it; going down brings orders_day back.
func TestOrderDaysMigrated(t *testing.T) {
	ctx := context.Background()
	db, p := migratedTo(t, 271)
	execAll(t, db, []string{
		`INSERT INTO resellers (id, username, name, membership, token_hash, api_key, created_at) VALUES (1, 'r', 'R', 'default', 'h', 'k', 0)`,
		`INSERT INTO products (id, code, name, created_at, updated_at) VALUES (1, 'p', 'P', 0, 0)`,
		`INSERT INTO variants (id, product_id, code, name, unlimited_stock, created_at, updated_at) VALUES (1, 1, 'unl', 'U', TRUE, 0, 0)`,
	})
	insert := func(id, day int64) {
		t.Helper()
		if _, err := db.ExecContext(ctx, `INSERT INTO orders (id, invoice, reseller_id, reference, variant_id, variant_code, product_name,
			destination, price, status, day, multi, testing, created_at, updated_at) VALUES (?, ?, 1, ?, 1, 'x', 'x', 'd', 1, 'Success', ?, TRUE, FALSE, 0, 0)`,
			id, fmt.Sprintf("INV-%d", id), fmt.Sprintf("ref-%d", id), day); err != nil {
			t.Fatalf("order %d: %v", id, err)
		}
	}
	// Days 20780 to 20782; order 6 is of the first day, after orders of the next two.
	for id, day := range map[int64]int64{1: 20780, 2: 20780, 3: 20781, 4: 20782, 5: 20781, 6: 20780, 7: 20782} {
		insert(id, day)
	}
	if _, err := p.UpTo(ctx, 272); err != nil {
		t.Fatal(err)
	}
	days := func() map[int64][2]int64 {
		t.Helper()
		rows, err := db.QueryContext(ctx, `SELECT day, lo, hi FROM order_days`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		got := map[int64][2]int64{}
		for rows.Next() {
			var day, lo, hi int64
			if err := rows.Scan(&day, &lo, &hi); err != nil {
				t.Fatal(err)
			}
			got[day] = [2]int64{lo, hi}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return got
	}
	want := map[int64][2]int64{20780: {1, 6}, 20781: {3, 5}, 20782: {4, 7}}
	if got := days(); !maps.Equal(got, want) {
		t.Errorf("order_days %v, want %v", got, want)
	}
	index := func() int {
		t.Helper()
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'orders_day'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if index() != 0 {
		t.Error("orders_day is still there")
	}
	// The trigger widens a day's range with each new order, and starts a new day's.
	insert(8, 20781)
	insert(9, 20783)
	want[20781], want[20783] = [2]int64{3, 8}, [2]int64{9, 9}
	if got := days(); !maps.Equal(got, want) {
		t.Errorf("order_days after two more orders %v, want %v", got, want)
	}
	if _, err := p.DownTo(ctx, 271); err != nil {
		t.Fatal(err)
	}
	if index() != 1 {
		t.Error("orders_day not made again going down")
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name IN ('order_days', 'orders_days_insert', 'orders_days_update')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d of order_days and its triggers left going down", n)
	}
	insert(10, 20783) // no trigger left to fail
}

// migratedTo opens a fresh SQLite database migrated up to version, with the provider that
// migrates it further: a migration's test writes rows as they were before it, then runs it.
func migratedTo(t *testing.T, version int64) (*sql.DB, *goose.Provider) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	p, err := sqlite.Provider(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
	return db, p
}

// execAll runs statements on db, failing the test at the first that fails.
func execAll(t *testing.T, db *sql.DB, statements []string) {
	t.Helper()
	for _, q := range statements {
		if _, err := db.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}
