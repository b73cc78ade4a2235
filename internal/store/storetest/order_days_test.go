package storetest_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// The reports by day count exactly the orders of their days, on SQLite (which finds a day's
// orders by the range of ids order_days keeps for it, migration 00272) as on PostgreSQL
// (orders_day), also when ids interleave across days: an order of an earlier day with a later id
// than orders of the next days, as around midnight or under another core's clock.
func TestReportsByDay(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		up, down, deep := newReseller(t, db, "up"), newReseller(t, db, "down"), newReseller(t, db, "deep")
		write(t, db, func(tx *store.Tx) error {
			if err := tx.DownlineInsert(ctx, store.Downline{ResellerID: down.ID, UplineID: up.ID, Depth: 1}); err != nil {
				return err
			}
			return tx.DownlineInsert(ctx, store.Downline{ResellerID: deep.ID, UplineID: down.ID, Depth: 2})
		})
		v := saveVariant(t, db, "V1", -1, map[string]int64{"default": 100})
		// In the order of their ids. up earns a tenth of deep's orders, down a twentieth.
		placed := []struct {
			day     string
			by      *reseller.Reseller
			status  order.Status
			price   int64
			testing bool
		}{
			{"2026-11-22", down, order.Success, 100, false},
			{"2026-11-23", down, order.Success, 200, false},
			{"2026-11-23", deep, order.Success, 300, false},
			{"2026-11-24", down, order.Success, 400, false},
			{"2026-11-23", deep, order.Success, 500, false}, // after an order of the 24th
			{"2026-11-23", down, order.Failed, 600, false},
			{"2026-11-25", down, order.Success, 700, false},
			{"2026-11-24", deep, order.Success, 800, false}, // after an order of the 25th
			{"2026-11-22", down, order.Success, 900, false}, // after orders of three later days
			{"2026-11-23", down, order.Success, 1000, true},
			{"2026-11-23", down, order.Pending, 1100, false},
		}
		ids := make([]int64, len(placed))
		for i, p := range placed {
			o := newOrder(p.by, v, fmt.Sprintf("r%d", i), p.price)
			o.Day, o.Testing = p.day, p.testing
			write(t, db, func(tx *store.Tx) error {
				if err := tx.OrderInsert(ctx, o); err != nil {
					return err
				}
				if p.by == deep {
					if err := tx.OrderCommissionsInsert(ctx, o.ID, []store.Commission{
						{UplineID: down.ID, Amount: p.price / 20}, {UplineID: up.ID, Amount: p.price / 10}}); err != nil {
						return err
					}
				}
				if p.status == order.Pending {
					return nil
				}
				_, err := tx.OrderFinish(ctx, o.ID, p.status, "SN", "done", p.price/2)
				return err
			})
			ids[i] = o.ID
		}

		sales, err := db.SalesByDay(ctx, "2026-11-23")
		if err != nil {
			t.Fatal(err)
		}
		wantSales := []store.DaySales{
			{Day: "2026-11-23", Orders: 5, Success: 3, Failed: 1, Pending: 1, Sales: 1000, Cost: 500},
			{Day: "2026-11-24", Orders: 2, Success: 2, Sales: 1200, Cost: 600},
			{Day: "2026-11-25", Orders: 1, Success: 1, Sales: 700, Cost: 350},
		}
		if !reflect.DeepEqual(sales, wantSales) {
			t.Errorf("sales by day from the 23rd:\n got %+v\nwant %+v", sales, wantSales)
		}
		if sales, err := db.SalesByDay(ctx, "2026-11-25"); err != nil || !reflect.DeepEqual(sales, wantSales[2:]) {
			t.Errorf("sales by day from the 25th: %+v %v", sales, err)
		}
		if sales, err := db.SalesByDay(ctx, "2026-11-26"); err != nil || len(sales) != 0 {
			t.Errorf("sales by day from the 26th: %+v %v", sales, err)
		}

		for since, want := range map[string]int64{"2026-11-22": 8, "2026-11-23": 6, "2026-11-24": 3, "2026-11-25": 1} {
			sold, err := db.ProductSales(ctx, since)
			if err != nil || !reflect.DeepEqual(sold, map[string]int64{"game": want}) {
				t.Errorf("product sales since %s: %v %v, want %d", since, sold, err, want)
			}
		}
		if sold, err := db.ProductSales(ctx, "2026-11-26"); err != nil || len(sold) != 0 {
			t.Errorf("product sales since the 26th: %v %v", sold, err)
		}

		margin := func(from, to string) []store.MarginRow {
			t.Helper()
			rows, err := db.MarginReport(ctx, from, to)
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		row := func(day string, orders, price int64) store.MarginRow {
			return store.MarginRow{Day: day, VariantCode: "V1", ProductName: "Game V1", Orders: orders, Price: price, Cost: price / 2}
		}
		if got, want := margin("2026-11-23", "2026-11-24"), []store.MarginRow{row("2026-11-23", 3, 1000), row("2026-11-24", 2, 1200)}; !reflect.DeepEqual(got, want) {
			t.Errorf("margin of the 23rd and 24th:\n got %+v\nwant %+v", got, want)
		}
		if got, want := margin("2026-11-22", "2026-11-22"), []store.MarginRow{row("2026-11-22", 2, 1000)}; !reflect.DeepEqual(got, want) {
			t.Errorf("margin of the 22nd:\n got %+v\nwant %+v", got, want)
		}
		if got := margin("2026-11-26", "2026-11-30"); len(got) != 0 {
			t.Errorf("margin of days without orders: %+v", got)
		}
		if got := margin("2026-11-24", "2026-11-23"); len(got) != 0 {
			t.Errorf("margin from the 24th to the 23rd: %+v", got)
		}

		downline := func(upline int64, from, to string) []store.DownlineDay {
			t.Helper()
			rows, err := db.DownlineReport(ctx, upline, from, to)
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		want := []store.DownlineDay{
			{Day: "2026-11-23", ResellerID: down.ID, Orders: 1, Spend: 200},
			{Day: "2026-11-23", ResellerID: deep.ID, Orders: 2, Spend: 800, Commission: 80},
		}
		if got := downline(up.ID, "2026-11-23", "2026-11-23"); !reflect.DeepEqual(got, want) {
			t.Errorf("up's report of the 23rd:\n got %+v\nwant %+v", got, want)
		}
		want = []store.DownlineDay{
			{Day: "2026-11-25", ResellerID: down.ID, Orders: 1, Spend: 700},
			{Day: "2026-11-24", ResellerID: down.ID, Orders: 1, Spend: 400},
			{Day: "2026-11-24", ResellerID: deep.ID, Orders: 1, Spend: 800, Commission: 80},
		}
		if got := downline(up.ID, "2026-11-24", "2026-11-25"); !reflect.DeepEqual(got, want) {
			t.Errorf("up's report of the 24th and 25th:\n got %+v\nwant %+v", got, want)
		}
		want = []store.DownlineDay{
			{Day: "2026-11-24", ResellerID: deep.ID, Orders: 1, Spend: 800, Commission: 40},
			{Day: "2026-11-23", ResellerID: deep.ID, Orders: 2, Spend: 800, Commission: 40},
		}
		if got := downline(down.ID, "2026-11-22", "2026-11-24"); !reflect.DeepEqual(got, want) {
			t.Errorf("down's report of the 22nd to the 24th:\n got %+v\nwant %+v", got, want)
		}

		if !db.Dialect().OrderDays {
			return
		}
		// SQLite: order_days holds each day's lowest and highest order id.
		for day, r := range map[int64][2]int64{20779: {ids[0], ids[8]}, 20780: {ids[1], ids[10]}, 20781: {ids[3], ids[7]}, 20782: {ids[6], ids[6]}} {
			if n := count(t, db, `SELECT COUNT(*) FROM order_days WHERE day = ? AND lo = ? AND hi = ?`, day, r[0], r[1]); n != 1 {
				t.Errorf("order_days has no row (%d, %d, %d)", day, r[0], r[1])
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM order_days`); n != 4 {
			t.Errorf("order_days has %d rows, want 4", n)
		}
		// An order's day changed by hand (Kios never does) is found on its new day.
		if err := raw(db, `UPDATE orders SET day = 20784 WHERE id = ?`, ids[2]); err != nil {
			t.Fatal(err)
		}
		if sales, err := db.SalesByDay(ctx, "2026-11-27"); err != nil || len(sales) != 1 || sales[0].Day != "2026-11-27" || sales[0].Sales != 300 {
			t.Errorf("sales by day from the 27th, an order moved there: %+v %v", sales, err)
		}
	})
}
