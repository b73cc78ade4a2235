package core

import (
	"context"
	"maps"

	"github.com/kios-h2h/kios/internal/store"
)

// newVariantCache keeps the variants order acceptance has read, by code, against the catalog
// counter, which moves with any change to a product, a variant's terms (not its stock) or a
// price. A cached variant's Stock is stale: acceptance never reads it, the stock take in the
// order's transaction is the only judge.
func newVariantCache() epochCache[*store.VariantRow] {
	return epochCache[*store.VariantRow]{clone: func(v *store.VariantRow) *store.VariantRow {
		c := *v
		c.Prices = maps.Clone(v.Prices)
		return &c
	}}
}

// variantForOrder reads a variant by code for order acceptance, through the cache.
func (s *Service) variantForOrder(ctx context.Context, code string) (*store.VariantRow, error) {
	e, err := s.db.EpochsWithin(ctx, epochMaxAge)
	if err != nil {
		return nil, err
	}
	if v, ok := s.variants.get(code, e.Catalog); ok {
		return v, nil
	}
	v, err := s.db.VariantByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	s.variants.put(v, e.Catalog, v.Code)
	return v, nil
}
