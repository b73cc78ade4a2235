package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/backend"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// The reports by day read on SQLite, which has no index of orders by day (migration 00272), only
// the orders of their days: a range of rowids drawn from order_days (or, for a downline's orders,
// orders_reseller within that range, and for an upline's commissions each order by its id),
// never a scan of the whole orders table.
func TestOrderDaysPlans(t *testing.T) {
	t.Parallel()
	db := storetest.Backends()[0].Open(t) // SQLite
	if !db.Dialect().OrderDays {
		t.Fatal("SQLite's dialect does not read order_days")
	}
	ctx := context.Background()
	const byRowidRange = "SEARCH o USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"
	for _, c := range []struct {
		name string
		run  func(q store.Q) error
		want []string // per query, the line of its plan that reads orders
	}{
		{"SalesByDay", func(q store.Q) error { _, err := q.SalesByDay(ctx, "2026-11-20"); return err },
			[]string{"SEARCH orders USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"}},
		{"ProductSales", func(q store.Q) error { _, err := q.ProductSales(ctx, "2026-11-20"); return err },
			[]string{byRowidRange}},
		{"MarginReport", func(q store.Q) error { _, err := q.MarginReport(ctx, "2026-11-20", "2026-11-24"); return err },
			[]string{byRowidRange}},
		{"DownlineReport", func(q store.Q) error { _, err := q.DownlineReport(ctx, 1, "2026-11-20", "2026-11-24"); return err },
			[]string{"SEARCH o USING INDEX orders_reseller (reseller_id=? AND id>? AND id<?)",
				"SEARCH o USING INTEGER PRIMARY KEY (rowid=?)"}},
	} {
		var plans [][]string
		if err := c.run(db.ExplainingForTest(&plans)); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(plans) != len(c.want) {
			t.Fatalf("%s: %d queries, want %d: %q", c.name, len(plans), len(c.want), plans)
		}
		for i, plan := range plans {
			found := false
			for _, line := range plan {
				if strings.HasPrefix(line, "SCAN o ") || line == "SCAN o" || strings.HasPrefix(line, "SCAN orders") {
					t.Errorf("%s: query %d scans the orders table: %q", c.name, i+1, plan)
				}
				found = found || line == c.want[i]
			}
			if !found {
				t.Errorf("%s: query %d does not read orders by %q: %q", c.name, i+1, c.want[i], plan)
			}
			if !strings.Contains(strings.Join(plan, "\n"), "order_days") {
				t.Errorf("%s: query %d does not read order_days: %q", c.name, i+1, plan)
			}
		}
	}
}

// Archival on SQLite deletes a day's order_days row with the day's last orders, in the batch
// that gives them up, and keeps the rows of days with an order left.
func TestOrderDaysArchived(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	b := storetest.Backends()[0] // SQLite
	db := storetest.OpenURLOptions(t, b.URL(t), backend.Options{Options: store.Options{Now: func() time.Time { return now }}})
	ctx := context.Background()
	r := &reseller.Reseller{Username: "r", Name: "R", Membership: "default", Status: reseller.Active, TokenHash: "h", APIKey: "k"}
	p := &catalog.Product{Code: "game", Name: "Game", Category: "Games", Active: true}
	v := &catalog.Variant{Code: "V1", Name: "V1", Active: true, UnlimitedStock: true, Prices: map[string]int64{"default": 100}}
	if err := db.Batch(ctx, func(tx *store.Tx) error {
		if err := tx.ResellerInsert(ctx, r); err != nil {
			return err
		}
		if err := tx.ProductUpsert(ctx, p); err != nil {
			return err
		}
		v.ProductID = p.ID
		return tx.VariantUpsert(ctx, v)
	}); err != nil {
		t.Fatal(err)
	}
	// By id: the 22nd's third order comes after the 23rd's; the 23rd keeps a pending order, and
	// the 24th's order holds the highest id, which archival on SQLite keeps (archiveKeep).
	placed := []struct {
		day    string
		status order.Status
	}{
		{"2026-11-22", order.Success}, {"2026-11-22", order.Failed}, {"2026-11-23", order.Success},
		{"2026-11-23", order.Pending}, {"2026-11-22", order.Success}, {"2026-11-24", order.Success},
	}
	for i, pl := range placed {
		o := &order.Order{Invoice: order.NewInvoice(time.Now()), ResellerID: r.ID, Reference: fmt.Sprintf("r%d", i), VariantID: v.ID,
			VariantCode: v.Code, ProductName: "Game", Destination: "12345", Price: 100, Status: order.Pending, Day: pl.day}
		if err := db.Batch(ctx, func(tx *store.Tx) error {
			if err := tx.OrderInsert(ctx, o); err != nil || pl.status == order.Pending {
				return err
			}
			_, err := tx.OrderFinish(ctx, o.ID, pl.status, "", "", 0)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	days := func() string {
		t.Helper()
		rows, err := db.Reader().QueryContext(ctx, `SELECT day FROM order_days ORDER BY day`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var day int64
			if err := rows.Scan(&day); err != nil {
				t.Fatal(err)
			}
			out = append(out, time.Unix(day*86400, 0).UTC().Format(time.DateOnly))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return strings.Join(out, " ")
	}
	if got := days(); got != "2026-11-22 2026-11-23 2026-11-24" {
		t.Fatalf("order_days before archival: %s", got)
	}
	// Batches of two: the 22nd's first two orders go before its third, which goes with the
	// 23rd's final order.
	var after []string
	res, err := db.Archive(ctx, store.ArchiveOptions{Cut: now.Add(time.Hour), Drop: true, Target: store.DropArchive, BatchSize: 2,
		Progress: func(store.ArchiveResult) { after = append(after, days()) }})
	if err != nil || res.Orders != 4 || res.Skipped != 1 {
		t.Fatalf("archive: %+v %v, want 4 orders given up and the last one kept", res, err)
	}
	if want := []string{"2026-11-22 2026-11-23 2026-11-24", "2026-11-23 2026-11-24"}; !slices.Equal(after, want) {
		t.Errorf("order_days after each batch: %q, want %q (the 23rd and 24th have orders left)", after, want)
	}
	sales, err := db.SalesByDay(ctx, "2026-11-01")
	if err != nil || len(sales) != 2 || sales[0].Day != "2026-11-23" || sales[0].Pending != 1 || sales[0].Orders != 1 || sales[1].Success != 1 {
		t.Errorf("sales by day after archival: %+v %v", sales, err)
	}
}
