package core

import (
	"context"
	"strings"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/checkid"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
)

// IDChecker is the game-ID check (package checkid's Checker): caller is whom its rate limit
// counts.
type IDChecker interface {
	Check(ctx context.Context, caller, product, destination string) (checkid.Result, error)
}

// validID refuses an order to a destination the ID check says does not exist, when the
// variant's product requires a valid ID: before any hold, in every dialect alike. A check that
// cannot answer (no provider, rate-limited, slow) refuses nothing: the supplier is the last word.
func (s *Service) validID(ctx context.Context, r *reseller.Reseller, v *store.VariantRow, dest string, testing bool) error {
	if !v.RequireValidID || testing || s.checkID == nil {
		return nil
	}
	res, err := s.checkID.Check(ctx, "reseller:"+r.Username, v.ProductCode, dest)
	if err != nil {
		s.log.Debug("require_valid_id: no answer, order taken", "variant", v.Code, "err", err)
		return nil
	}
	if !res.Valid {
		return catalog.ErrIDNotFound
	}
	return nil
}

// SetRequireValidID turns a product's require_valid_id on or off.
func (s *Service) SetRequireValidID(ctx context.Context, product string, on bool) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.ProductSetRequireValidID(ctx, product, on) })
}

// SetProductDest sets a product's destination format and pattern (catalog.Product.DestFormat):
// a bad format or pattern is a *FieldError ("dest_format", "dest_pattern"), never stored.
func (s *Service) SetProductDest(ctx context.Context, product, format, pattern string) error {
	p := catalog.Product{DestFormat: strings.TrimSpace(format), DestPattern: strings.TrimSpace(pattern)}
	if field, err := p.CheckDest(); err != nil {
		return &FieldError{Field: field, Reason: err.Error()}
	}
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.ProductSetDest(ctx, product, p.DestFormat, p.DestPattern) })
}

// ProductsRequiringValidID lists the codes of the products with require_valid_id on.
func (s *Service) ProductsRequiringValidID(ctx context.Context) ([]string, error) {
	return s.db.ProductsRequiringValidID(ctx)
}

// SetProductImage sets the URL of a product's picture, shown by the store ("" removes it); a URL
// that is not http or https is a *FieldError "image".
func (s *Service) SetProductImage(ctx context.Context, product, image string) error {
	image = strings.TrimSpace(image)
	if err := catalog.CheckImage(image); err != nil {
		return &FieldError{Field: "image", Reason: err.Error()}
	}
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.ProductSetImage(ctx, product, image) })
}
