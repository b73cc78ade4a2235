package store

import (
	"context"
	"fmt"
)

// MarginRow is one line of the margin report: successful orders of one Jakarta day, supplier
// and variant.
type MarginRow struct {
	Day         string // Jakarta day the order was accepted
	Supplier    string // "" for orders settled without a supplier attempt
	VariantCode string
	ProductName string
	Orders      int64
	Price       int64 // what resellers paid
	Cost        int64 // what suppliers charged
}

// Margin is Price less Cost.
func (r MarginRow) Margin() int64 { return r.Price - r.Cost }

// MarginReport groups successful, non-testing orders accepted on Jakarta days from..to
// (inclusive, "2006-01-02") by day, supplier and variant.
func (q Q) MarginReport(ctx context.Context, from, to string) ([]MarginRow, error) {
	// An order sold under a label (migration 00252) has its names there, an attempt its supplier
	// (00253).
	rows, err := q.query(ctx, `SELECT o.day, COALESCE(al.supplier, a.supplier, ''), COALESCE(l.variant_code, o.variant_code),
			MIN(COALESCE(l.product_name, o.product_name)), COUNT(*), SUM(o.price), SUM(o.cost)
		FROM orders o LEFT JOIN attempts a ON a.order_id = o.id AND a.state = 'success'
			LEFT JOIN order_labels l ON l.id = o.label_id LEFT JOIN attempt_labels al ON al.id = a.label_id
		WHERE o.status = 'Success' AND NOT o.testing AND o.day >= ? AND o.day <= ?
		GROUP BY o.day, COALESCE(al.supplier, a.supplier, ''), COALESCE(l.variant_code, o.variant_code)
		ORDER BY o.day, COALESCE(al.supplier, a.supplier, ''), COALESCE(l.variant_code, o.variant_code)`, from, to)
	if err != nil {
		return nil, fmt.Errorf("margin report: %w", err)
	}
	defer rows.Close()
	var out []MarginRow
	for rows.Next() {
		var r MarginRow
		if err := rows.Scan(&r.Day, &r.Supplier, &r.VariantCode, &r.ProductName, &r.Orders, &r.Price, &r.Cost); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
