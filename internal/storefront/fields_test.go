package storefront

import (
	"testing"

	"github.com/kios-h2h/kios/internal/catalog"
)

// TestFormFromCatalog: a product's catalog destination fields come before the built-in forms.
func TestFormFromCatalog(t *testing.T) {
	t.Parallel()
	p := &catalog.Product{Code: "mobile-legends", Category: "Games",
		DestFormat: "{uid:UID}-{server:Server}", DestPattern: `^\d{9}-(asia|eu)$`}
	f := formFor(p)
	if f.Format != "{uid}-{server}" || len(f.Fields) != 2 || f.Fields[0].Label != "UID" || f.Fields[1].Name != "server" || !f.Check {
		t.Fatalf("form %+v", f)
	}
	if !f.valid("123456789-asia") || f.valid("123456789(asia)") {
		t.Errorf("pattern not applied")
	}
	// A pattern alone: one field under it.
	f = formFor(&catalog.Product{Code: "pln", Category: "PLN", DestPattern: `^\d{11,12}$`})
	if f.Format != "{id}" || len(f.Fields) != 1 || f.Check || !f.valid("12345678901") || f.valid("123") {
		t.Fatalf("pattern-only form %+v", f)
	}
	// Without catalog fields the built-in form stands.
	if f := formFor(&catalog.Product{Code: "mobile-legends", Category: "Games"}); f.Format != "{user_id}({zone_id})" {
		t.Fatalf("built-in form %+v", f)
	}
}
