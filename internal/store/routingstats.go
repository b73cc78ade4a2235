package store

import (
	"context"
	"fmt"
	"time"
)

// RoutingStat is one node's saved view of one supplier SKU (core.SKUStats as JSON).
type RoutingStat struct {
	Node, Supplier, SKU string
	Stats               string
	UpdatedAt           time.Time
}

// RoutingStatsSave replaces a node's saved stats with rows.
func (tx *Tx) RoutingStatsSave(ctx context.Context, node string, rows []RoutingStat) error {
	if _, err := tx.exec(ctx, `DELETE FROM routing_stats WHERE node = ?`, node); err != nil {
		return fmt.Errorf("clear routing stats of %s: %w", node, err)
	}
	now := micros(tx.now())
	for _, r := range rows {
		if _, err := tx.exec(ctx, `INSERT INTO routing_stats (node, supplier, sku, stats, updated_at) VALUES (?, ?, ?, ?, ?)`,
			node, r.Supplier, r.SKU, r.Stats, now); err != nil {
			return fmt.Errorf("save routing stats of %s %s: %w", r.Supplier, r.SKU, err)
		}
	}
	return nil
}

// RoutingStats lists the stats saved since since, by supplier, SKU and node; supplier, if not
// empty, keeps one supplier's.
func (q Q) RoutingStats(ctx context.Context, supplier string, since time.Time) ([]RoutingStat, error) {
	where, args := "updated_at >= ?", []any{micros(since)}
	if supplier != "" {
		where, args = where+" AND supplier = ?", append(args, supplier)
	}
	rows, err := q.query(ctx, `SELECT node, supplier, sku, stats, updated_at FROM routing_stats WHERE `+where+` ORDER BY supplier, sku, node`, args...)
	if err != nil {
		return nil, fmt.Errorf("list routing stats: %w", err)
	}
	defer rows.Close()
	var out []RoutingStat
	for rows.Next() {
		var r RoutingStat
		var u int64
		if err := rows.Scan(&r.Node, &r.Supplier, &r.SKU, &r.Stats, &u); err != nil {
			return nil, err
		}
		r.UpdatedAt = fromMicros(u)
		out = append(out, r)
	}
	return out, rows.Err()
}
