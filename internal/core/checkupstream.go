package core

import (
	"context"
	"fmt"

	"github.com/kios-h2h/kios/internal/store"
)

// UpstreamCheckCode returns the code the supplier named knows for product: the SKU mapped to one
// of the product's variants (the active mapping of lowest priority number first), so an upstream
// Kios can be asked about the product's IDs (its POST /api/v1/check-id takes a variant code; its
// product codes may differ from this catalog's). store.ErrNotFound when no variant of the product
// is mapped to the supplier: it does not sell the game, so it is not asked.
func (s *Service) UpstreamCheckCode(ctx context.Context, supplierName, product string) (string, error) {
	sup, err := s.db.SupplierByName(ctx, supplierName)
	if err != nil {
		return "", err
	}
	vs, err := s.db.Variants(ctx, store.VariantFilter{ProductCode: product})
	if err != nil {
		return "", err
	}
	ids := make(map[int64]bool, len(vs))
	for _, v := range vs {
		ids[v.ID] = true
	}
	sps, err := s.db.SupplierProducts(ctx, sup.ID)
	if err != nil {
		return "", err
	}
	best := -1
	for i, sp := range sps {
		if !ids[sp.VariantID] || !sp.Active {
			continue
		}
		if best < 0 || sp.Priority < sps[best].Priority {
			best = i
		}
	}
	if best < 0 {
		return "", fmt.Errorf("no variant of %s mapped to supplier %s: %w", product, supplierName, store.ErrNotFound)
	}
	return sps[best].Code, nil
}
