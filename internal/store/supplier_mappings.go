package store

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/supplier"
)

// SupplierMapping is supplier.Mapping.
type SupplierMapping = supplier.Mapping

// SupplierMappings tells, per supplier id, how many of its products are mapped to a variant.
// Suppliers without a mapping are absent.
func (q Q) SupplierMappings(ctx context.Context) (map[int64]SupplierMapping, error) {
	rows, err := q.query(ctx, `SELECT supplier_id, COUNT(*), MIN(priority) FROM supplier_products
		WHERE variant_id IS NOT NULL GROUP BY supplier_id`)
	if err != nil {
		return nil, fmt.Errorf("supplier mappings: %w", err)
	}
	defer rows.Close()
	out := map[int64]SupplierMapping{}
	for rows.Next() {
		var id int64
		var m SupplierMapping
		if err := rows.Scan(&id, &m.SKUs, &m.Priority); err != nil {
			return nil, fmt.Errorf("supplier mappings: %w", err)
		}
		out[id] = m
	}
	return out, rows.Err()
}
