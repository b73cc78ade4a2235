package core

import (
	"context"

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

// Variants lists variants matching f.
func (s *Service) Variants(ctx context.Context, f store.VariantFilter) ([]store.VariantRow, error) {
	return s.db.Variants(ctx, f)
}

// Variant finds a variant by code (store.ErrVariantNotFound).
func (s *Service) Variant(ctx context.Context, code string) (*store.VariantRow, error) {
	return s.db.VariantByCode(ctx, code)
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

// Orders lists orders.
func (s *Service) Orders(ctx context.Context, f store.OrderFilter) ([]order.Order, error) {
	return s.db.OrderList(ctx, f)
}

// LedgerCheck verifies the ledger's invariants.
func (s *Service) LedgerCheck(ctx context.Context) (ledger.Report, error) {
	return s.db.LedgerCheck(ctx)
}
