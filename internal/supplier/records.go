package supplier

// The registry's records as the core's callers see them (the store keeps them under its old
// names, as aliases): a registered supplier, its catalog's products, how many of ours it maps.

import "time"

// Mapping sums up which of our variants a supplier fulfils.
type Mapping struct {
	SKUs int // supplier products mapped to a variant
	// Priority is the best (lowest) priority among those mappings.
	Priority int
}

// Registered is an upstream seller as registered. Token, APIKey and CallbackSecret are secrets:
// the connector needs them in clear, but nothing lists them back.
type Registered struct {
	ID             int64
	Name           string
	Kind           string
	BaseURL        string
	Token          string // BASSTORE bearer token; Otomax PIN
	Username       string // Digiswitch / Digiflazz username; Otomax memberID
	APIKey         string // Digiswitch / Digiflazz api key; Otomax password
	CallbackSecret string // what signs the supplier's callbacks to us
	Enabled        bool
	// MaxInflight bounds this supplier's requests in flight at once (DefaultMaxInflight when
	// registered without one); orders beyond it wait in the queue.
	MaxInflight int
	// Rate bounds its requests per second (a token bucket); 0 means no bound.
	Rate float64
	// ReplyPatterns are an Otomax supplier's patterns for its free-text replies, as the JSON
	// of otomax.PatternTexts; "" takes the defaults.
	ReplyPatterns string
	Balance       int64 // at the supplier, as last fetched
	BalanceAt     time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Product is one product in a supplier's catalog, with the variant of ours it fulfils
// (VariantID 0: none yet).
type Product struct {
	ID          int64
	SupplierID  int64
	Code        string // the supplier's SKU code
	Name        string
	ProductCode string // the supplier's product (brand, game) it belongs to
	ProductName string
	Category    string
	Kind        string // "prepaid" or "postpaid"
	Cost        int64
	Active      bool
	VariantID   int64
	Priority    int // lower goes first among a variant's suppliers
	UpdatedAt   time.Time
}
