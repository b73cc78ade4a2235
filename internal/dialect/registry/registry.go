// Package registry lists the reseller dialects a Kios server speaks. Adding a dialect is one line
// here (and its own package under internal/dialect).
package registry

import (
	"github.com/kios-h2h/kios/internal/dialect"
	"github.com/kios-h2h/kios/internal/dialect/basstore"
	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
	"github.com/kios-h2h/kios/internal/dialect/digiswitch"
	"github.com/kios-h2h/kios/internal/dialect/otomax"
)

// Default is every dialect, BASSTORE first: its callback form is the fallback for orders placed
// outside any dialect.
func Default() *dialect.Registry {
	return dialect.NewRegistry(
		basstore.Registration(),
		digiswitch.Registration(),
		digiflazz.Registration(),
		otomax.Registration(),
	)
}
