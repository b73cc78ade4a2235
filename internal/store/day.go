package store

import (
	"fmt"
	"math"
	"time"
)

// An order's day (the Jakarta day it was accepted on, "2006-01-02" everywhere outside the store)
// is stored as the number of days since 1970-01-01 (migration 00264): two or three bytes instead
// of ten, in the row and in orders_day (issue 22, fewer bytes per order). Numbers order as the
// texts did, so the day ranges and groupings of the reports read the same rows. SQLite has no
// orders_day since migration 00272: its reports find a day's orders by order_days instead
// (orderDaysRange).

// dayNumber is day's number, for a query's argument or a row.
func dayNumber(day string) (int64, error) {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return 0, fmt.Errorf("day %q: want YYYY-MM-DD", day)
	}
	return t.Unix() / 86400, nil
}

// dayText is the day of number n, as the rest of Kios writes it.
func dayText(n int64) string {
	return time.Unix(n*86400, 0).UTC().Format(time.DateOnly)
}

// dayScan scans a stored day number into a text day.
type dayScan struct{ day *string }

func (d dayScan) Scan(v any) error {
	switch x := v.(type) {
	case int64:
		*d.day = dayText(x)
	case int32:
		*d.day = dayText(int64(x))
	default:
		return fmt.Errorf("day: stored as %T, want an integer", v)
	}
	return nil
}

// openDays, as the last day of orderDaysRange, leaves its days without an upper bound.
const openDays = math.MaxInt64

// orderDaysRange is what a report by day adds to its `day` conditions (with " AND " before it)
// to read only the orders of days from..to (to openDays: every day from on), and its arguments.
// With order_days (Dialect.OrderDays: SQLite, migration 00272) it bounds id, the orders' id
// column as the query names it, by the lowest and highest order id of those days, which SQLite
// reads as a rowid range instead of the whole table; days without orders give the empty range.
// The report keeps its `day` conditions: ids of two days interleave around midnight (and under
// another clock), so the range may hold orders of other days, which those leave out. Elsewhere
// (PostgreSQL, which reads by orders_day) it is empty.
func (q Q) orderDaysRange(id string, from, to int64) (string, []any) {
	if !q.d.OrderDays {
		return "", nil
	}
	days, args := `day >= ? AND day <= ?`, []any{from, to, from, to}
	if to == openDays {
		days, args = `day >= ?`, []any{from, from}
	}
	return ` AND ` + id + ` BETWEEN (SELECT COALESCE(MIN(lo), 0) FROM order_days WHERE ` + days + `)
		AND (SELECT COALESCE(MAX(hi), -1) FROM order_days WHERE ` + days + `)`, args
}
