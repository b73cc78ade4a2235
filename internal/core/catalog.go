package core

import (
	"context"
	"errors"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
)

// Products lists the catalog's products.
func (s *Service) Products(ctx context.Context) ([]catalog.Product, error) {
	return s.db.Products(ctx)
}

// Product finds a product by code (store.ErrProductNotFound).
func (s *Service) Product(ctx context.Context, code string) (*catalog.Product, error) {
	return s.db.ProductByCode(ctx, code)
}

// Variants lists variants matching f, each marked Down when no supplier can take it now
// (gangguan).
// ProductSales counts each product's delivered orders of the last days days (Jakarta days,
// today included): the store lists the most sold first.
func (s *Service) ProductSales(ctx context.Context, days int) (map[string]int64, error) {
	return s.db.ProductSales(ctx, catalog.Day(s.now().AddDate(0, 0, -days)))
}

func (s *Service) Variants(ctx context.Context, f catalog.VariantFilter) ([]catalog.VariantRow, error) {
	vs, err := s.db.Variants(ctx, f)
	if err != nil {
		return nil, err
	}
	down := s.unavailable(ctx)
	for i := range vs {
		vs[i].Down = down[vs[i].ID]
	}
	return vs, nil
}

// Variant finds a variant by code (store.ErrVariantNotFound), marked Down as Variants does.
func (s *Service) Variant(ctx context.Context, code string) (*catalog.VariantRow, error) {
	v, err := s.db.VariantByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	v.Down = s.unavailable(ctx)[v.ID]
	return v, nil
}

// unavailable is the router's gangguan set, if it keeps one. A router that cannot tell (an
// error reading the registry) says nothing is down: orders then fail over as before, which
// costs a failed order, never money.
func (s *Service) unavailable(ctx context.Context) map[int64]bool {
	a, ok := s.router.(Availability)
	if !ok {
		return nil
	}
	down, err := a.Unavailable(ctx)
	if err != nil {
		s.log.Warn("supplier availability unknown", "err", err)
		return nil
	}
	return down
}

// SaveCatalog upserts products and their variants in one transaction: a catalog import either
// lands whole or not at all.
func (s *Service) SaveCatalog(ctx context.Context, products []catalog.Product, variants []catalog.Variant) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error {
		ids := map[string]int64{}
		for i := range products {
			p := products[i]
			if err := tx.ProductUpsert(ctx, &p); err != nil {
				return err
			}
			ids[p.Code] = p.ID
		}
		for i := range variants {
			v := variants[i]
			if id, ok := ids[v.ProductCode]; ok {
				v.ProductID = id
			} else {
				p, err := tx.ProductByCode(ctx, v.ProductCode)
				if err != nil {
					return err
				}
				v.ProductID = p.ID
			}
			if err := tx.VariantUpsert(ctx, &v); err != nil {
				return err
			}
		}
		return nil
	})
}

// AddMissingCatalog adds the products and variants whose codes are not in the catalog yet and
// leaves every existing one as it is (an operator may have repriced, restocked or switched it
// off): what `serve --demo` seeds on a database that already has data. It answers how many of
// each it added.
func (s *Service) AddMissingCatalog(ctx context.Context, products []catalog.Product, variants []catalog.Variant) (addedProducts, addedVariants int, err error) {
	err = s.db.Batch(ctx, func(tx *store.Tx) error {
		addedProducts, addedVariants = 0, 0 // a replayed batch counts again
		ids := map[string]int64{}
		for i := range products {
			p := products[i]
			got, err := tx.ProductByCode(ctx, p.Code)
			switch {
			case err == nil:
				ids[p.Code] = got.ID
				continue
			case !errors.Is(err, store.ErrProductNotFound):
				return err
			}
			if err := tx.ProductUpsert(ctx, &p); err != nil {
				return err
			}
			ids[p.Code] = p.ID
			addedProducts++
		}
		for i := range variants {
			v := variants[i]
			_, err := tx.VariantByCode(ctx, v.Code)
			switch {
			case err == nil:
				continue
			case !errors.Is(err, store.ErrVariantNotFound):
				return err
			}
			id, ok := ids[v.ProductCode]
			if !ok {
				p, err := tx.ProductByCode(ctx, v.ProductCode)
				if err != nil {
					return err
				}
				id = p.ID
			}
			v.ProductID = id
			if err := tx.VariantUpsert(ctx, &v); err != nil {
				return err
			}
			addedVariants++
		}
		return nil
	})
	return addedProducts, addedVariants, err
}

// Orders lists orders.
func (s *Service) Orders(ctx context.Context, f order.Filter) ([]order.Order, error) {
	return s.db.OrderList(ctx, f)
}

// LedgerCheck verifies the ledger's invariants.
func (s *Service) LedgerCheck(ctx context.Context) (ledger.Report, error) {
	return s.db.LedgerCheck(ctx)
}
