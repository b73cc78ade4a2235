package supplier

import "errors"

// Supplier kinds: the dialect Kios speaks to buy from a registered supplier.
const (
	KindBasstore   = "basstore"
	KindDigiswitch = "digiswitch"
	KindSimulator  = "simulator"
	KindDigiflazz  = "digiflazz"
	// KindOtomax buys from an Otomax/IRS center "via IP" (client/otomax): Username is the
	// memberID, Token the PIN, APIKey the password; replies are read with ReplyPatterns.
	KindOtomax = "otomax"
)

// Errors of the supplier registry.
var (
	ErrNotFound = errors.New("supplier not found")
	ErrExists   = errors.New("a supplier with that name already exists")
)
