package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// DownlineDay is one downline's day as its upline's report shows it: its delivered orders and
// what it paid for them, and what the upline earned on them.
type DownlineDay struct {
	Day        string // "2006-01-02", Jakarta (orders.day)
	ResellerID int64
	Orders     int64 // delivered (Success, not testing)
	Spend      int64 // what the downline paid for them
	Commission int64 // what the upline earned on them
}

// DownlineReport is the report of upline uplineID for the days from fromDay to toDay, both
// included: a row per day and reseller for each of its direct downlines that had a delivered
// order, and for each reseller deeper in its tree whose delivered orders earned it a commission.
// Newest day first, then by reseller id. It reads through the downlines' orders (orders_reseller,
// within the days' range of ids where order_days keeps it: orderDaysRange) and the upline's
// commissions (order_commissions_upline), never the whole orders table.
func (q Q) DownlineReport(ctx context.Context, uplineID int64, fromDay, toDay string) ([]DownlineDay, error) {
	type key struct {
		day string
		id  int64
	}
	rows := map[key]*DownlineDay{}
	from, err := dayNumber(fromDay)
	if err != nil {
		return nil, fmt.Errorf("downline report of %d: %w", uplineID, err)
	}
	to, err := dayNumber(toDay)
	if err != nil {
		return nil, fmt.Errorf("downline report of %d: %w", uplineID, err)
	}
	ids, idArgs := q.orderDaysRange("o.id", from, to)
	direct, err := q.query(ctx, `SELECT o.day, o.reseller_id, COUNT(*), COALESCE(SUM(o.price), 0)
		FROM downlines d JOIN orders o ON o.reseller_id = d.reseller_id
		WHERE d.upline_id = ? AND o.status = 'Success' AND NOT o.testing AND o.day >= ? AND o.day <= ?`+ids+`
		GROUP BY o.day, o.reseller_id`, append([]any{uplineID, from, to}, idArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("downline report of %d: %w", uplineID, err)
	}
	for direct.Next() {
		var r DownlineDay
		if err := direct.Scan(dayScan{&r.Day}, &r.ResellerID, &r.Orders, &r.Spend); err != nil {
			direct.Close()
			return nil, err
		}
		rows[key{r.Day, r.ResellerID}] = &r
	}
	direct.Close()
	if err := direct.Err(); err != nil {
		return nil, err
	}
	comm, err := q.query(ctx, `SELECT o.day, o.reseller_id, COUNT(*), COALESCE(SUM(o.price), 0), COALESCE(SUM(c.amount), 0)
		FROM order_commissions c JOIN orders o ON o.id = c.order_id
		WHERE c.upline_id = ? AND o.status = 'Success' AND NOT o.testing AND o.day >= ? AND o.day <= ?`+ids+`
		GROUP BY o.day, o.reseller_id`, append([]any{uplineID, from, to}, idArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("downline report of %d: %w", uplineID, err)
	}
	defer comm.Close()
	for comm.Next() {
		var r DownlineDay
		if err := comm.Scan(dayScan{&r.Day}, &r.ResellerID, &r.Orders, &r.Spend, &r.Commission); err != nil {
			return nil, err
		}
		if have, ok := rows[key{r.Day, r.ResellerID}]; ok {
			// A direct downline: its orders and spend counted above, markup or none.
			have.Commission = r.Commission
			continue
		}
		rows[key{r.Day, r.ResellerID}] = &r
	}
	if err := comm.Err(); err != nil {
		return nil, err
	}
	out := make([]DownlineDay, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b DownlineDay) int {
		if c := cmp.Compare(b.Day, a.Day); c != 0 {
			return c
		}
		return cmp.Compare(a.ResellerID, b.ResellerID)
	})
	return out, nil
}
