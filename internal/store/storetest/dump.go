package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/store"
)

// dumpQueries summarise everything a request could change: every table's row count, every
// account's balance, every variant's stock and every order's status.
var dumpQueries = []string{
	`SELECT 'resellers', COUNT(*) FROM resellers`,
	`SELECT 'reseller_ips', COUNT(*) FROM reseller_ips`,
	`SELECT 'accounts', COUNT(*) FROM accounts`,
	`SELECT 'postings', COUNT(*) FROM postings`,
	`SELECT 'products', COUNT(*) FROM products`,
	`SELECT 'variants', COUNT(*) FROM variants`,
	`SELECT 'variant_prices', COUNT(*) FROM variant_prices`,
	`SELECT 'orders', COUNT(*) FROM orders`,
	`SELECT 'multi_guards', COUNT(*) FROM multi_guards`,
	`SELECT 'jobs', COUNT(*) FROM jobs`,
	`SELECT 'attempts', COUNT(*) FROM attempts`,
	`SELECT 'bill_inquiries', COUNT(*) FROM bill_inquiries`,
	`SELECT 'deposit_tickets', COUNT(*) FROM deposit_tickets`,
	`SELECT 'account ' || code, balance FROM accounts`,
	`SELECT 'stock ' || code, stock FROM variants`,
	`SELECT 'order ' || invoice || ' ' || status, price FROM orders`,
	`SELECT 'reseller ' || username || ' ' || status || ' ' || token_hash, id FROM resellers`,
	// The downline tree (issue 21): its rows, markups, commissions and transfers.
	`SELECT 'downline ' || reseller_id || ' under ' || upline_id, markup FROM downlines`,
	`SELECT 'markup ' || reseller_id || ' ' || scope || ' ' || target_id, rupiah FROM downline_markups`,
	`SELECT 'order_commissions', COUNT(*) FROM order_commissions`,
	`SELECT 'downline_transfers', COUNT(*) FROM downline_transfers`,
}

// Dump returns a summary of db's contents, for a test to check that something changed nothing:
// compare the dumps before and after.
func Dump(t testing.TB, db *store.DB) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, q := range dumpQueries {
		rows, err := db.Reader().QueryContext(ctx, q+` ORDER BY 1`)
		if err != nil {
			t.Fatalf("dump %s: %v", q, err)
		}
		for rows.Next() {
			var k string
			var v int64
			if err := rows.Scan(&k, &v); err != nil {
				rows.Close()
				t.Fatalf("dump %s: %v", q, err)
			}
			fmt.Fprintf(&b, "%s=%d\n", k, v)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("dump %s: %v", q, err)
		}
		rows.Close()
	}
	return b.String()
}
