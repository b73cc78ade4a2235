package store

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/order"
)

// MarginRow is order.MarginRow.
type MarginRow = order.MarginRow

// MarginReport groups successful, non-testing orders accepted on Jakarta days from..to
// (inclusive, "2006-01-02") by day, supplier and variant.
func (q Q) MarginReport(ctx context.Context, from, to string) ([]MarginRow, error) {
	// An order sold under a label (migration 00252) has its names there, an attempt its supplier
	// (00253).
	fromN, err := dayNumber(from)
	if err != nil {
		return nil, fmt.Errorf("margin report: %w", err)
	}
	toN, err := dayNumber(to)
	if err != nil {
		return nil, fmt.Errorf("margin report: %w", err)
	}
	ids, idArgs := q.orderDaysRange("o.id", fromN, toN)
	rows, err := q.query(ctx, `SELECT o.day, COALESCE(al.supplier, a.supplier, ''), COALESCE(l.variant_code, o.variant_code),
			MIN(COALESCE(l.product_name, o.product_name)), COUNT(*), SUM(o.price), SUM(o.cost)
		FROM orders o LEFT JOIN attempts a ON a.order_id = o.id AND a.state = 'success'
			LEFT JOIN order_labels l ON l.id = o.label_id LEFT JOIN attempt_labels al ON al.id = a.label_id
		WHERE o.status = 'Success' AND NOT o.testing AND o.day >= ? AND o.day <= ?`+ids+`
		GROUP BY o.day, COALESCE(al.supplier, a.supplier, ''), COALESCE(l.variant_code, o.variant_code)
		ORDER BY o.day, COALESCE(al.supplier, a.supplier, ''), COALESCE(l.variant_code, o.variant_code)`, append([]any{fromN, toN}, idArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("margin report: %w", err)
	}
	defer rows.Close()
	var out []MarginRow
	for rows.Next() {
		var r MarginRow
		if err := rows.Scan(dayScan{&r.Day}, &r.Supplier, &r.VariantCode, &r.ProductName, &r.Orders, &r.Price, &r.Cost); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
