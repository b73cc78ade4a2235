package store

import (
	"context"
	"fmt"
)

// Size is the bytes the database's data takes now (SQLite: pages in use, not the free list;
// PostgreSQL: the whole database): what `kios bench` divides by the orders it placed.
func (db *DB) Size(ctx context.Context) (int64, error) {
	var n int64
	if err := db.r.QueryRowContext(ctx, db.dialect.SizeQuery).Scan(&n); err != nil {
		return 0, fmt.Errorf("database size: %w", err)
	}
	return n, nil
}

// TableSizes is the bytes each table (SQLite: and each index, by name) takes: where the bytes
// of an order go.
func (db *DB) TableSizes(ctx context.Context) (map[string]int64, error) {
	rows, err := db.r.QueryContext(ctx, db.dialect.TableSizeQuery)
	if err != nil {
		return nil, fmt.Errorf("table sizes: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		out[name] = n
	}
	return out, rows.Err()
}
