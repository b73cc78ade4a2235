package catalog

import "errors"

// ErrVariantNotFound and ErrProductNotFound are returned for unknown codes.
var (
	ErrVariantNotFound = errors.New("variant not found")
	ErrProductNotFound = errors.New("product not found")
)

// VariantRow is a variant with its product's active flag, as the catalog lists it.
type VariantRow struct {
	Variant
	ProductActive bool
	ProductBrand  string // the operator of pulsa and data products (prefix rules)
	// RequireValidID is the product's: an order to a destination the ID check says does not
	// exist is refused before any hold.
	RequireValidID bool
	// Down is set by core, never by the store: no supplier can take an order for the variant
	// now (gangguan), so every dialect shows it unavailable.
	Down bool
}

// VariantFilter narrows a listing of variants.
type VariantFilter struct {
	ProductCode string // "" for all products
	Kind        Kind   // "" for both kinds
	Code        string // "" for all variants
}
