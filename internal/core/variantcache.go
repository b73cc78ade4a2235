package core

import (
	"context"
	"maps"
	"sync"

	"github.com/kios-h2h/kios/internal/store"
)

// variantCache keeps the variants order acceptance has read, by code, each stamped with the
// catalog epoch read before the lookup. Every change to a product, a variant's terms or a price
// bumps that epoch (database triggers, whoever writes), so an entry is used only while it is
// unchanged; the epoch itself is read as the auth cache's is (store.DB.EpochsWithin): at once
// after a change made here, otherwise within authEpochMaxAge. Stock is not part of the epoch, and
// a cached variant's Stock is stale: acceptance never reads it, the stock take in the order's
// transaction is the only judge. Only variants that exist are cached.
type variantCache struct {
	mu     sync.Mutex
	epoch  int64
	byCode map[string]*store.VariantRow
}

func (c *variantCache) get(code string, epoch int64) (*store.VariantRow, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch != epoch {
		return nil, false
	}
	v, ok := c.byCode[code]
	if !ok {
		return nil, false
	}
	return cloneVariant(v), true
}

func (c *variantCache) put(v *store.VariantRow, epoch int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch < c.epoch {
		return // a slower reader's older view must not replace a newer one
	}
	if epoch != c.epoch || c.byCode == nil {
		c.epoch = epoch
		c.byCode = map[string]*store.VariantRow{}
	}
	c.byCode[v.Code] = cloneVariant(v)
}

func cloneVariant(v *store.VariantRow) *store.VariantRow {
	c := *v
	c.Prices = maps.Clone(v.Prices)
	return &c
}

// variantForOrder reads a variant by code for order acceptance, through the cache.
func (s *Service) variantForOrder(ctx context.Context, code string) (*store.VariantRow, error) {
	// The epoch is read before the variant: a change committed between the two reads bumps the
	// epoch past the one stored with this entry, so the entry is never used after that change.
	e, err := s.db.EpochsWithin(ctx, authEpochMaxAge)
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
	s.variants.put(v, e.Catalog)
	return v, nil
}
