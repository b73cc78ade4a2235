package core

import (
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
)

// OrderRefusals lists every error PlaceOrder refuses an order with, besides *FieldError: each
// reseller dialect must answer each in its own words (a test in each dialect's package walks
// this list, so a refusal added here without a mapping there fails the build's tests).
func OrderRefusals() []error {
	return []error{
		order.ErrReferenceConflict,
		store.ErrVariantNotFound,
		catalog.ErrInactive,
		catalog.ErrCutoff,
		catalog.ErrOutOfStock,
		catalog.ErrNoPrice,
		catalog.ErrDisrupted,
		catalog.ErrWrongOperator,
		catalog.ErrIDNotFound,
		order.ErrMultiRefused,
		order.ErrPriceAboveMax,
		order.ErrInsufficientBalance,
	}
}
